#include "harness/report/known.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include <fmt/format.h>

#include "harness/program/profiles.h"

namespace report {

// corpus/known-findings.txt, embedded by CMake (harness/report/CMakeLists.txt).
extern const char kKnownFindingsText[];

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

std::string_view next_word(std::string_view* rest) {
  *rest = trim(*rest);
  const size_t end = std::min(rest->find_first_of(" \t"), rest->size());
  const std::string_view w = rest->substr(0, end);
  rest->remove_prefix(end);
  return w;
}

bool parse_profiles(std::string_view list, std::vector<std::string>* out, std::string* why) {
  if (list == "*") return true;
  while (!list.empty()) {
    const size_t comma = std::min(list.find(','), list.size());
    const std::string_view p = list.substr(0, comma);
    if (!program::find_profile(p)) {
      *why = fmt::format("unknown profile '{}' (profiles: {})", p, program::profile_names());
      return false;
    }
    out->emplace_back(p);
    list.remove_prefix(std::min(comma + 1, list.size()));
  }
  return true;
}

}  // namespace

bool parse_known_findings(std::string_view text, std::string_view name,
                          std::vector<KnownFinding>* out, std::string* err) {
  std::vector<KnownFinding> list;
  int line_no = 0;
  while (!text.empty()) {
    const size_t nl = std::min(text.find('\n'), text.size());
    std::string_view rest = trim(text.substr(0, nl));
    text.remove_prefix(std::min(nl + 1, text.size()));
    line_no++;
    if (rest.empty() || rest.front() == '#') continue;
    KnownFinding k;
    k.line = line_no;
    k.id = next_word(&rest);
    const std::string_view profiles = next_word(&rest);
    k.key = trim(rest);
    std::string why;
    rt::Verdict v;
    if (k.key.empty()) why = "want 'ID PROFILES SIGNATURE'";
    if (why.empty()) parse_profiles(profiles, &k.profiles, &why);
    if (why.empty() && !rt::parse_verdict(k.key.substr(0, k.key.find(' ')), &v))
      why = fmt::format("signature '{}' does not start with a verdict", k.key);
    if (!why.empty()) {
      *err = fmt::format("{}:{}: error: {}", name, line_no, why);
      return false;
    }
    list.push_back(std::move(k));
  }
  *out = std::move(list);
  return true;
}

const std::vector<KnownFinding>& known_findings() {
  static const std::vector<KnownFinding> list = [] {
    std::vector<KnownFinding> l;
    std::string err;
    if (!parse_known_findings(kKnownFindingsText, "corpus/known-findings.txt", &l, &err)) {
      std::fprintf(stderr, "%s\n", err.c_str());
      std::abort();
    }
    return l;
  }();
  return list;
}

const KnownFinding* documented(std::string_view key, std::string_view profile) {
  for (const KnownFinding& k : known_findings()) {
    if (k.key != key) continue;
    if (k.profiles.empty() ||
        std::find(k.profiles.begin(), k.profiles.end(), profile) != k.profiles.end())
      return &k;
  }
  return nullptr;
}

bool selects(const program::FindingFilter& filter, rt::Verdict v, const rt::Finding& f,
             const Signature& s, std::string_view profile) {
  if (!filter.matches(v, f)) return false;
  return !filter.skips_documented() || !documented(s, profile);
}

}  // namespace report
