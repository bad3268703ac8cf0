// Known findings: the real kernel behaviours docs/findings.md documents, listed
// by signature (signature.h) in corpus/known-findings.txt, one line each:
//
//   F4 v6.17,v6.19,pause-rfc return-contract | contract damos_walk() returned N ...
//   ID PROFILES KEY
//
// ID names the docs/findings.md entry, PROFILES is a comma list of profile
// names or "*" for every profile, KEY is Signature::key(). '#' starts a comment
// line. The file is compiled into the binaries that read it (the fuzz targets,
// damon-stress, damon-harness), so a fuzz target on ClusterFuzz knows it too.
// A finding of a known verdict class whose signature is not listed is new.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "harness/program/finding_filter.h"
#include "harness/report/signature.h"

namespace report {

struct KnownFinding {
  std::string id;                     // "F4"
  std::vector<std::string> profiles;  // empty: every profile
  std::string key;                    // Signature::key()
  int line = 0;
};

// Parses the file's text; errors read "NAME:LINE: error: ...".
bool parse_known_findings(std::string_view text, std::string_view name,
                          std::vector<KnownFinding>* out, std::string* err);
// The compiled-in list (aborts with the message if the file does not parse,
// which its test prevents).
const std::vector<KnownFinding>& known_findings();
// The entry documenting `key` on `profile`, or nullptr.
const KnownFinding* documented(std::string_view key, std::string_view profile);
inline const KnownFinding* documented(const Signature& s, std::string_view profile) {
  return documented(s.key(), profile);
}

// The stop-on filter with its "-documented" spec applied: true if `filter`
// selects the finding and, when it skips documented findings, `s` is not a
// known finding of `profile`.
bool selects(const program::FindingFilter& filter, rt::Verdict v, const rt::Finding& f,
             const Signature& s, std::string_view profile);

}  // namespace report
