// Which findings stop a search: "[-]VERDICT[@FUNC],..." (the stop-on option of
// options.h). Every front end reads the same filter, so `lost-request@damos_walk`
// selects the same findings in damon-harness run, the fuzz targets and
// damon-stress. An empty filter selects every finding.
//
// A spec matches a finding whose verdict it names and, with @FUNC, whose site
// (where the waiter waits, or where the finding was detected: "func:label") is
// in function FUNC. A deadlock is detected nowhere in particular: its site is the
// wait site of the client it names. On real threads a lost request shows as a
// watchdog hang whose site is the blocked client's wait site, so
// `watchdog-hang@damos_walk` is its os twin.
//
// A spec with a leading '-' excludes what it matches: a finding is selected when
// no exclusion matches it and some inclusion does (or there is no inclusion), so
// "-return-contract" selects every finding but return-code ones.
//
// The spec "-documented" excludes the findings whose signature is a known
// finding of the profile (report/known.h, the documented real behaviours of
// docs/findings.md). The filter only carries it: signatures belong to the
// report layer, so each front end applies it (skips_documented()). The CI
// lanes select with it, so a new bug of a documented verdict class still stops
// them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "harness/runtime/verdict.h"

namespace program {

class FindingFilter {
 public:
  // Parses `text`; "" gives the empty filter. On error returns false, leaves
  // *out alone and sets *err (no option name), e.g. "unknown verdict 'x' in 'x@f'".
  static bool parse(std::string_view text, FindingFilter* out, std::string* err);

  bool empty() const { return specs_.empty() && !skip_documented_; }
  // The filter has "-documented": the front end must pass over known findings.
  bool skips_documented() const { return skip_documented_; }
  // True for every finding when empty(); else as the header says.
  bool matches(rt::Verdict v, std::string_view site) const;
  // The same on a finding's site_of(); `v` is the run's verdict.
  bool matches(rt::Verdict v, const rt::Finding& f) const;
  // f.site, or for a finding raised without one (a deadlock: "?"), the wait site
  // of the blocked thread f.tid.
  static std::string_view site_of(const rt::Finding& f);
  // The text it was parsed from ("" for the empty filter).
  const std::string& text() const { return text_; }

 private:
  struct Spec {
    rt::Verdict verdict;
    std::string func;  // "" = any site
    bool exclude = false;
  };
  std::vector<Spec> specs_;
  bool skip_documented_ = false;
  std::string text_;
};

}  // namespace program
