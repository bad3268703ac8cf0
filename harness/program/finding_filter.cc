#include "harness/program/finding_filter.h"

#include <fmt/format.h>

namespace program {
namespace {

// Sites are "func:label"; a bare prefix would let @damos_walk also select
// damos_walk_cancel's sites.
bool site_in(std::string_view site, std::string_view func) {
  return site.starts_with(func) && (site.size() == func.size() || site[func.size()] == ':');
}

}  // namespace

bool FindingFilter::parse(std::string_view text, FindingFilter* out, std::string* err) {
  FindingFilter f;
  f.text_ = text;
  for (std::string_view rest = text; !rest.empty();) {
    const size_t comma = rest.find(',');
    std::string_view spec = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (spec == "-documented") {
      f.skip_documented_ = true;
      continue;
    }
    const bool exclude = spec.starts_with('-');
    if (exclude) spec.remove_prefix(1);
    const size_t at = spec.find('@');
    const std::string_view name = spec.substr(0, at);
    Spec s{rt::Verdict::kOk, std::string(), exclude};
    if (!rt::parse_verdict(name, &s.verdict) || s.verdict == rt::Verdict::kOk) {
      *err = fmt::format("unknown verdict '{}' in '{}' ([-]VERDICT[@FUNC],...)", name, text);
      return false;
    }
    if (at != std::string_view::npos) {
      s.func = spec.substr(at + 1);
      if (s.func.empty() || s.func.find_first_of("@: ") != std::string::npos) {
        *err = fmt::format("bad function name '{}' in '{}' ([-]VERDICT[@FUNC],...)", s.func, text);
        return false;
      }
    }
    f.specs_.push_back(std::move(s));
  }
  *out = std::move(f);
  return true;
}

bool FindingFilter::matches(rt::Verdict v, std::string_view site) const {
  bool any_include = false, included = false;
  for (const Spec& s : specs_) {
    const bool hit = s.verdict == v && (s.func.empty() || site_in(site, s.func));
    if (s.exclude && hit) return false;
    any_include |= !s.exclude;
    included |= !s.exclude && hit;
  }
  return included || !any_include;
}

bool FindingFilter::matches(rt::Verdict v, const rt::Finding& f) const {
  return matches(v, site_of(f));
}

std::string_view FindingFilter::site_of(const rt::Finding& f) {
  if (!f.site.empty() && f.site != "?") return f.site;
  for (const rt::BlockedThread& b : f.blocked)
    if (b.tid == f.tid) return b.wait_site;
  return f.site;
}

}  // namespace program
