// The profile table, built from the rows of profiles.def: each row is a copy of its
// base with the changes it states.
#include <fmt/format.h>

#include <stdexcept>
#include <string>

#include "harness/damon/profile.h"

namespace damon {
namespace {

using C = CallForm;
using K = KdamondCallForm;
using W = WalkForm;
using X = ExitOrder;

Profile derive(const std::vector<Profile>& rows, std::string_view name, std::string_view base,
               std::string_view ref, std::string_view summary, void (*change)(Profile&)) {
  Profile p{};
  if (!base.empty()) {
    const Profile* b = nullptr;
    for (const Profile& r : rows)
      if (r.name == base) b = &r;
    if (b == nullptr)
      throw std::logic_error("profiles.def: row " + std::string(name) +
                             " names an unknown or later base " + std::string(base));
    p = *b;
  }
  p.name = name;
  p.base = base;
  p.kernel_ref = ref;
  p.summary = summary;
  change(p);
  return p;
}

std::vector<Profile> make_rows() {
  std::vector<Profile> rows;
#define DWH_PROFILE(name, base, ref, summary, ...) \
  rows.push_back(derive(rows, name, base, ref, summary, [](Profile& p) { __VA_ARGS__; }));
#include "harness/damon/profiles.def"
#undef DWH_PROFILE
  return rows;
}

// Never destroyed: the os runtime abandons the threads of a hung run, and they
// may still read their profile while the process exits.
const std::vector<Profile>& kProfiles = *new std::vector<Profile>(make_rows());

std::string field_text(bool v) {
  return v ? "true" : "false";
}
std::string field_text(CallForm v) {
  return fmt::format("C{}", static_cast<int>(v) + 1);
}
std::string field_text(KdamondCallForm v) {
  switch (v) {
    case K::kK1:
      return "K1";
    case K::kK3:
      return "K3";
    case K::kK4:
      return "K4";
  }
  return "?";
}
std::string field_text(WalkForm v) {
  return fmt::format("W{}", static_cast<int>(v) + 1);
}
std::string field_text(ExitOrder v) {
  switch (v) {
    case X::kResetFirst:
      return "reset-first";
    case X::kCallFirst:
      return "call-first";
    case X::kCancelFirst:
      return "cancel-first";
  }
  return "?";
}

std::string join_names() {
  std::string names;
  for (const Profile& p : kProfiles) {
    if (!names.empty()) names += ", ";
    names += p.name;
  }
  return names;
}

}  // namespace

const std::vector<Profile>& profiles() {
  return kProfiles;
}

const Profile* find_profile(std::string_view name) {
  for (const Profile& p : kProfiles)
    if (p.name == name) return &p;
  return nullptr;
}

std::string_view profile_names() {
  static const std::string names = join_names();
  return names;
}

std::string profile_fields_text() {
  std::string out;
  for (const Profile& p : kProfiles) {
    out += fmt::format("{}.base = {}\n", p.name, p.base.empty() ? "-" : p.base);
#define DWH_PROFILE_FIELD(type, field, what) \
  out += fmt::format("{}.{} = {}\n", p.name, #field, field_text(p.field));
#include "harness/damon/profile_fields.def"
#undef DWH_PROFILE_FIELD
  }
  return out;
}

}  // namespace damon
