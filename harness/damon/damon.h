// The DAMON control plane (mm/damon/core.c), modelled over the kernel primitives.
// One model function per kernel function, with the kernel's name; the form each
// takes comes from the run's Profile (profile.h). Monitoring itself is abstracted:
// one target with a few regions, schemes with apply intervals and watermarks.
// See docs/model.md for the function-by-function map to kernel commits.
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include <boost/container/small_vector.hpp>

#include "harness/damon/profile.h"
#include "harness/kernel/kernel.h"
#include "harness/kernel/list.h"

namespace damon {

inline constexpr int kMaxSchemes = 3;
inline constexpr int kNrRegions = 3;

struct damon_ctx;
struct damon_target;
struct damon_region;
struct damos;

using damon_call_fn = int (*)(void* data);
using damos_walk_fn = void (*)(void* data, damon_ctx* ctx, damon_target* t, damon_region* r,
                               damos* s, unsigned long sz_filter_passed);

struct damon_call_control : kernel::Tracked {
  damon_call_fn fn = nullptr;
  void* data = nullptr;
  bool repeat = false;
  int return_code = 0;
  bool dealloc_on_cancel = false;
  // private
  kernel::completion completion{"call completion", this};
  bool canceled = false;
  rt::Event& reach_event() { return completion.e; }
  // Harness bookkeeping, not kernel state: the control's list_head is linked on a
  // ctx's call_controls or on a kdamond's local list (caller-contract check).
  std::atomic<bool> linked{false};
};

struct damos_walk_control : kernel::Tracked {
  damos_walk_fn walk_fn = nullptr;
  void* data = nullptr;
  // private
  kernel::completion completion{"walk completion", this};
  bool canceled = false;
  rt::Event& reach_event() { return completion.e; }
};

enum class damos_wmark_metric : unsigned char { DAMOS_WMARK_NONE, DAMOS_WMARK_FREE_MEM_RATE };

struct damos_watermarks {
  damos_wmark_metric metric = damos_wmark_metric::DAMOS_WMARK_NONE;
  unsigned long interval_us = 0;
  unsigned long high = 0, mid = 0, low = 0;
  bool activated = true;
};

struct damon_region {
  unsigned long start = 0, end = 0;
  unsigned int nr_accesses = 0;
};

struct damon_target {
  damon_region regions[kNrRegions];
  int nr_regions = 0;
};

struct damos : kernel::Tracked {
  int id = 0;                           // stable identity for oracles and reports
  unsigned long apply_interval_us = 0;  // 0: the aggregation interval
  unsigned long next_apply_sis = 0;
  damos_watermarks wmarks;
  bool walk_completed = false;
};

struct damon_attrs {
  unsigned long sample_interval = 5000;  // us
  unsigned long aggr_interval = 20000;   // us
  unsigned long ops_update_interval = 60000000;
};

// Observation hooks for the oracles; all optional. apply_boundary and
// scheme_applied run on the kdamond thread, walk_installed on the caller's.
struct Observer {
  virtual ~Observer() = default;
  // Scheme s passed one of its apply-interval boundaries (kdamond_apply_schemes step 5).
  virtual void apply_boundary(damon_ctx* ctx, damos* s) {}
  // Scheme s was applied to region r (right before damos_walk_call_walk).
  virtual void scheme_applied(damon_ctx* ctx, damos* s, damon_region* r) {}
  // A walk request became installed in ctx->walk_control.
  virtual void walk_installed(damon_ctx* ctx, damos_walk_control* c) {}
  // damos_walk_complete() is about to complete c: every scheme of ctx passed a
  // boundary. Called right before complete(), under walk_control_lock where the
  // profile holds it across kdamond_apply_schemes() (not in v6.14).
  virtual void walk_completing(damon_ctx* ctx, damos_walk_control* c) {}
  // kdamond_call(ctx, cancel) begins (on the kdamond): the repeat-control oracle
  // counts the passes.
  virtual void call_pass(damon_ctx* ctx, bool cancel) {}
};

// Module-wide state of mm/damon/core.c (damon_lock, nr_running_ctxs,
// running_exclusive_ctxs). One per execution, owned by the
// execution's kernel::World (registered as a static object).
struct damon_core : kernel::Tracked {
  const Profile* profile = nullptr;
  Observer* observer = nullptr;  // harness: damon_set_observer()
  kernel::mutex damon_lock{"damon_lock"};
  int nr_running_ctxs = 0;
  bool running_exclusive_ctxs = false;
  // The environment the abstract operations read: free memory rate (per mille)
  // that the watermarks compare against.
  unsigned long free_mem_rate = 500;
  // Harness ids for reports; atomic because callers create contexts and
  // schemes concurrently, and the kernel shares nothing between those calls.
  std::atomic<int> next_scheme_id{1};
  std::atomic<int> next_ctx_id{0};
};

struct damon_ctx : kernel::Tracked {
  damon_core* core = nullptr;
  int id = 0;
  damon_attrs attrs;
  bool pause = false;            // public parameter (pause profiles)
  bool maybe_corrupted = false;  // read and written without a lock (26f775a054c3)

  // kdamond and its lock
  kernel::task_struct* kdamond = nullptr;
  kernel::mutex kdamond_lock{"kdamond_lock"};
  kernel::completion kdamond_started{"kdamond_started"};

  // damon_call: one slot (C1) or a list (C2+)
  kernel::mutex call_control_lock{"call_control_lock"};
  kernel::RefPtr<damon_call_control> call_control;
  kernel::mutex call_controls_lock{"call_controls_lock"};
  kernel::List<damon_call_control> call_controls;
  bool call_controls_obsolete = false;

  // damos_walk
  kernel::mutex walk_control_lock{"walk_control_lock"};
  kernel::RefPtr<damos_walk_control> walk_control;
  bool walk_control_obsolete = false;

  unsigned long passed_sample_intervals = 0;
  unsigned long next_aggregation_sis = 0;
  unsigned long next_ops_update_sis = 0;

  boost::container::small_vector<damos*, kMaxSchemes> schemes;
  damon_target target;
  bool has_target = false;
  // ops.target_valid(): false once the monitored process "exited".
  std::atomic<bool> target_valid{true};

  // ---- harness bookkeeping, not kernel state ----
  bool fail = false;  // parameter ctx: committing from it fails part-way (-ENOMEM)
  // For the caller-contract checks (contracts.cc); mirror kernel state without
  // being scheduling points.
  std::atomic<bool> ever_started{false};                    // a damon_start of it succeeded
  std::atomic<kernel::task_struct*> running_task{nullptr};  // == kdamond
};

// ---- per-execution setup (harness, not kernel) ----
// Creates the module-wide state for `profile` and binds it to the current world
// (or to `world`, usable before the execution runs). The world owns the core.
damon_core* damon_core_create(const Profile* profile);
damon_core* damon_core_create(kernel::World& world, const Profile* profile);
damon_core& damon_core_current();

// Sets the observer of the current execution's core (nullptr: none).
void damon_set_observer(Observer* o);

// The protocol state in one line, for hang reports: kdamond, walk_control,
// call_controls, flags. Takes no lock and makes no scheduling point (the
// threads may be stuck holding the locks); objects `w` knows to be dead are not
// read. "no ctx" for nullptr.
std::string damon_describe_ctx(kernel::World& w, const damon_ctx* ctx);
std::string damon_describe_core(kernel::World& w, const damon_core* core);

// Parameters a caller commits (what sysfs or a module builds into a param ctx).
struct damon_params {
  int nr_schemes = 1;
  unsigned long apply_interval_us[kMaxSchemes] = {5000, 10000, 15000};
  bool wmarks_active = true;  // false: every scheme's watermarks deactivate it
  bool pause = false;
  bool fail = false;  // the commit fails part-way (allocation failure)
};
// Builds a parameter ctx from params, like damon_sysfs_build_ctx(). nullptr on
// allocation failure.
damon_ctx* damon_build_param_ctx(const damon_params& p);
// The monitored target's process exits: ops.target_valid() turns false.
void damon_invalidate_target(damon_ctx* ctx);

// ---- kernel API (include/linux/damon.h) ----
damon_ctx* damon_new_ctx();
void damon_destroy_ctx(damon_ctx* ctx);
int damon_commit_ctx(damon_ctx* dst, damon_ctx* src);
int damon_start(damon_ctx** ctxs, int nr_ctxs, bool exclusive);
int damon_stop(damon_ctx** ctxs, int nr_ctxs);  // always 0 where it returns void
bool damon_is_running(damon_ctx* ctx);
int damon_call(damon_ctx* ctx, damon_call_control* control);
int damos_walk(damon_ctx* ctx, damos_walk_control* control);

// ---- internals, exposed for unit tests ----
int __damon_start(damon_ctx* ctx);
int __damon_stop(damon_ctx* ctx);
int kdamond_fn(void* data);
void kdamond_call(damon_ctx* ctx, bool cancel);
int kdamond_wait_activation(damon_ctx* ctx);
void kdamond_apply_schemes(damon_ctx* ctx);
void damos_walk_call_walk(damon_ctx* ctx, damon_target* t, damon_region* r, damos* s,
                          unsigned long sz_filter_passed);
void damos_walk_complete(damon_ctx* ctx, damos* s);
void damos_walk_cancel(damon_ctx* ctx);
int damon_call_handle_inactive_ctx(damon_ctx* ctx, damon_call_control* control);
bool kdamond_need_stop(damon_ctx* ctx);
void kdamond_usleep(unsigned long usecs);
unsigned long damos_wmark_wait_us(damos* scheme);
void damon_do_apply_schemes(damon_ctx* ctx, damon_target* t, damon_region* r);
void damos_apply_scheme(damon_ctx* ctx, damon_target* t, damon_region* r, damos* s);

}  // namespace damon
