// The profile list: model rows first, in the model table's order, then the
// registered trees by name (static initialisation order is unspecified, the
// list's is not).
#include "harness/program/profiles.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "harness/damon/damon.h"
#include "harness/damon/profile.h"
#include "harness/program/backend_model.h"

namespace program {
namespace {

struct Registry {
  std::vector<ProfileInfo> pending;  // registered trees, until the list is frozen
  bool frozen = false;
};

Registry& registry() {
  static Registry* r = new Registry;  // never destroyed: abandoned os threads may read profiles
  return *r;
}

ProfileInfo model_profile(const damon::Profile& p) {
  ProfileInfo info;
  info.name = std::string(p.name);
  info.summary = std::string(p.summary);
  info.source = "model of " + std::string(p.kernel_ref);
  info.features.repeat = p.has_repeat;
  info.features.call_needs_started = p.call_needs_started;
  info.features.walk_needs_started = p.walk_needs_started;
  info.timing.sample_us = damon::damon_attrs{}.sample_interval;
  info.timing.aggr_us = damon::damon_attrs{}.aggr_interval;
  info.make_backend = make_model_backend;
  info.model = &p;
  return info;
}

std::vector<ProfileInfo>* build() {
  Registry& r = registry();
  r.frozen = true;
  auto* all = new std::vector<ProfileInfo>;
  for (const damon::Profile& p : damon::profiles()) all->push_back(model_profile(p));
  std::sort(r.pending.begin(), r.pending.end(),
            [](const ProfileInfo& a, const ProfileInfo& b) { return a.name < b.name; });
  for (ProfileInfo& p : r.pending) {
    if (damon::find_profile(p.name)) {
      // Checked here, not at registration: the model's table may not be
      // initialised yet while static initialisers register trees.
      std::fprintf(stderr, "register_profile(%s): a model profile has that name\n", p.name.c_str());
      std::abort();
    }
    all->push_back(std::move(p));
  }
  r.pending.clear();
  return all;
}

std::string join_names() {
  std::string names;
  for (const ProfileInfo& p : profiles()) names += (names.empty() ? "" : ", ") + p.name;
  return names;
}

}  // namespace

std::string Features::describe() const {
  std::string out;
  for (int k = 0; k < kNumOpKinds; k++) {
    if (!has(static_cast<OpKind>(k))) continue;
    if (!out.empty()) out += ' ';
    out += op_kind_name(static_cast<OpKind>(k));
    if (static_cast<OpKind>(k) == OpKind::kCall && repeat) out += "(repeat)";
  }
  return out;
}

const std::vector<ProfileInfo>& profiles() {
  static const std::vector<ProfileInfo>* all = build();
  return *all;
}

const ProfileInfo* find_profile(std::string_view name) {
  for (const ProfileInfo& p : profiles())
    if (p.name == name) return &p;
  return nullptr;
}

std::string_view profile_names() {
  static const std::string* names = new std::string(join_names());
  return *names;
}

std::string model_profile_fields_text() {
  return damon::profile_fields_text();
}

bool register_profile(ProfileInfo p) {
  Registry& r = registry();
  const bool dup = std::any_of(r.pending.begin(), r.pending.end(),
                               [&](const ProfileInfo& q) { return q.name == p.name; });
  if (r.frozen || dup || !p.make_backend) {
    std::fprintf(stderr, "register_profile(%s): %s\n", p.name.c_str(),
                 r.frozen          ? "too late (profiles() was already called)"
                 : !p.make_backend ? "no backend factory"
                                   : "duplicate profile name");
    std::abort();
  }
  r.pending.push_back(std::move(p));
  return true;
}

}  // namespace program
