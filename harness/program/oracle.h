// Return-code contract oracles of one run, fed by the model's Observer hooks on
// the kdamond side and by the executor on the caller side:
//  - damos_walk() == 0: every scheme present at completion passed an
//    apply-interval boundary since the request was installed, and walk_fn saw
//    every region that scheme was applied to in that first boundary pass;
//  - damon_call() == 0 (non-repeat): fn ran exactly once; -ECANCELED/-EINVAL:
//    it did not run;
//  - every non-repeat request is completed exactly once;
//  - a canceled repeat control never runs again.
// The oracle's own tables are invisible to ThreadSanitizer (rt::Invisible).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "harness/damon/damon.h"

namespace program {

struct WalkRecord {
  damon::damos_walk_control* control = nullptr;
  bool installed = false;
  size_t install_seq = 0;
  bool completing = false;
  size_t complete_seq = 0;
  std::vector<int> schemes_at_completion;
  std::set<std::pair<int, int>> walked;  // (scheme id, region index) seen by walk_fn
};

struct CallRecord {
  damon::damon_call_control* control = nullptr;
  int runs = 0;
  std::string violation;  // set by fn when it runs while canceled
};

class Oracle final : public damon::Observer {
 public:
  void apply_boundary(damon::damon_ctx* ctx, damon::damos* s) override;
  void scheme_applied(damon::damon_ctx* ctx, damon::damos* s, damon::damon_region* r) override;
  void walk_installed(damon::damon_ctx* ctx, damon::damos_walk_control* c) override;
  void walk_completing(damon::damon_ctx* ctx, damon::damos_walk_control* c) override;

  // walk_fn and damon_call fn installed by the executor; data is a record.
  static void walk_fn(void* data, damon::damon_ctx* ctx, damon::damon_target* t,
                      damon::damon_region* r, damon::damos* s, unsigned long sz);
  static int call_fn(void* data);

  // Empty when the contract holds, else what broke.
  std::string check_walk(const WalkRecord& w, int ret);
  std::string check_call(const CallRecord& c, bool repeat, int ret);

 private:
  struct Event {
    const damon::damon_ctx* ctx;
    int scheme;
    int region;  // -1: a boundary
  };
  std::mutex mu_;
  std::vector<Event> log_;
};

}  // namespace program
