// Return-code contract oracles of one run, fed by the backend's hooks on the
// kdamond side (any backend: the model's Observer, a tree's fake operations) and
// by the executor on the caller side:
//  - damos_walk() == 0: every scheme present at completion passed an
//    apply-interval boundary since the request was installed, and walk_fn saw
//    every region that scheme was applied to in that first boundary pass;
//  - damon_call() == 0 (non-repeat): fn ran exactly once; -ECANCELED/-EINVAL:
//    it did not run;
//  - every non-repeat request is completed exactly once;
//  - a canceled repeat control never runs again;
//  - a repeat control registered on a running ctx runs in every later
//    kdamond_call() pass of that ctx until the ctx's exit cancels it (one that
//    drops off without being canceled is a lost request). This one needs the
//    backend to report the passes (call_pass()); the model does.
// The oracle's own tables are invisible to ThreadSanitizer (rt::Invisible).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace program {

class Backend;
class Oracle;
struct CallControl;

// Schemes are named by an id unique within the run, regions by their index in
// their target, contexts by the backend's ctx address.
struct WalkRecord {
  bool installed = false;
  size_t install_seq = 0;
  bool completing = false;
  size_t complete_seq = 0;
  std::vector<int> schemes_at_completion;
  std::set<std::pair<int, int>> walked;  // (scheme id, region index) seen by walk_fn
};

struct CallRecord {
  // The control fn runs from, when fn may look at it (not a dealloc_on_cancel
  // one, which the kdamond may free), and the backend that can read it.
  Backend* backend = nullptr;
  const CallControl* control = nullptr;
  int runs = 0;
  std::string violation;  // set by fn when it runs while canceled
  // Repeat controls (Oracle::repeat_calling()): the oracle fn reports its runs
  // to, the ctx of the last damon_call(), the name of the op that made it, and
  // whether that registration stands (damon_call() returned 0 and no cancel
  // pass of the ctx came since), with the ctx's pass count when it returned,
  // its cancel-pass count when the call began, and the pass fn last ran in.
  Oracle* oracle = nullptr;
  const void* ctx = nullptr;
  std::string owner;
  bool armed = false;
  uint64_t armed_pass = 0;
  uint64_t cancels_at_call = 0;
  uint64_t last_run_pass = 0;
};

class Oracle final {
 public:
  // ---- kdamond side, called by the backend ----
  // Scheme `scheme` passed one of its apply-interval boundaries.
  void apply_boundary(const void* ctx, int scheme);
  // Scheme `scheme` was applied to region `region` (right before walk_fn runs).
  void scheme_applied(const void* ctx, int scheme, int region);
  // The walk request of `w` became installed in its ctx.
  void walk_installed(WalkRecord& w);
  // damos_walk_complete() is about to complete `w`'s request; `schemes` are
  // the ctx's schemes at that moment.
  void walk_completing(WalkRecord& w, const int* schemes, size_t nr_schemes);
  // The request's walk_fn saw region `region` for scheme `scheme`.
  static void walked(WalkRecord& w, int scheme, int region);

  // A kdamond_call() pass of `ctx` begins; `cancel`: the exit's pass that
  // cancels every control. Reports a repeat control that missed the pass
  // before this one (a lost request), on the calling kdamond.
  void call_pass(const void* ctx, bool cancel);

  // ---- caller side, called by the executor ----
  // A damon_call() of repeat control `c` on `ctx` is about to be made by
  // `owner` ("cpu0 op#3 call ctx0 repeat").
  void repeat_calling(CallRecord& c, const void* ctx, std::string_view owner);
  // That damon_call() returned `ret`.
  void repeat_returned(CallRecord& c, int ret);
  // `ctx` is about to be destroyed: no registration on it stands any more.
  void ctx_gone(const void* ctx);

  // The damon_call fn the executor installs; data is a CallRecord.
  static int call_fn(void* data);

  // Empty when the contract holds, else what broke.
  std::string check_walk(const WalkRecord& w, int ret);
  std::string check_call(const CallRecord& c, bool repeat, int ret);

 private:
  struct Event {
    const void* ctx;
    int scheme;
    int region;  // -1: a boundary
  };
  struct Passes {
    uint64_t passes = 0;   // non-cancel kdamond_call() passes begun
    uint64_t cancels = 0;  // cancel passes begun
  };
  void ran(CallRecord& c);
  std::mutex mu_;
  std::vector<Event> log_;
  std::map<const void*, Passes> passes_;
  std::vector<CallRecord*> repeats_;  // every repeat record ever armed
};

}  // namespace program
