// The code under test, as the program layer sees it: the kernel API of one
// DAMON control plane (include/linux/damon.h) plus the few harness hooks a
// caller needs (build a ctx from parameters, invalidate its target, describe it
// for hang reports). ops.cc carries out the callers' idioms (sysfs, modules)
// over this interface only; oracle.cc hears the kdamond side through the
// Oracle's backend-neutral hooks. The model (harness/damon) is one
// implementation; a kernel tree's own core.c compiled against shim headers is
// another. Which one runs is the profile's choice (profiles.h).
//
// One Backend object serves one execution: it is made before the run (outside
// it) by the profile's factory, bound to the execution's kernel::World, and
// destroyed with the run (or abandoned with it when the os runtime leaves hung
// threads behind). Every method except describe_* and the control accessors is
// called on an execution thread and may be a scheduling point, exactly where the
// kernel function it stands for is.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "harness/program/config.h"

namespace rt {
struct Site;
}  // namespace rt
namespace kernel {
class CallerFrame;
class World;
}  // namespace kernel

namespace program {

class Oracle;
struct WalkRecord;

// A backend's own struct damon_ctx / damon_call_control / damos_walk_control:
// opaque here, only ever passed back to the backend that made them.
struct Ctx;
struct CallControl;
struct WalkControl;

// What a caller commits (what sysfs or a module builds into a parameter ctx).
struct CtxParams {
  int nr_schemes = 1;
  unsigned long apply_interval_us[kMaxSchemes] = {5000, 10000, 15000};
  bool wmarks_active = true;  // false: every scheme's watermarks deactivate it
  bool pause = false;         // damon_ctx->pause (profiles with the pause loop)
  bool fail = false;          // committing from this ctx fails part-way (-ENOMEM)
};

// damon_call_control's public fields.
struct CallSpec {
  int (*fn)(void* data) = nullptr;
  void* data = nullptr;
  bool repeat = false;
  bool dealloc_on_cancel = false;
};

class Backend {
 public:
  virtual ~Backend() = default;

  // ---- contexts ----
  // A ctx built from p, like damon_sysfs_build_ctx(); nullptr on allocation
  // failure.
  virtual Ctx* build_ctx(const CtxParams& p) = 0;
  virtual void destroy_ctx(Ctx* ctx) = 0;                          // damon_destroy_ctx
  virtual int commit_ctx(Ctx* dst, Ctx* src) = 0;                  // damon_commit_ctx
  virtual int start(Ctx** ctxs, int nr_ctxs, bool exclusive) = 0;  // damon_start
  virtual int stop(Ctx** ctxs, int nr_ctxs) = 0;  // damon_stop; 0 where it returns void
  virtual bool is_running(Ctx* ctx) = 0;          // damon_is_running
  // The monitored process exits: the ops' target_valid() turns false.
  virtual void invalidate_target(Ctx* ctx) = 0;

  // ---- damon_call ----
  // A control on the caller's stack: dies with `frame`. `what` names the kind
  // of object in lifetime reports ("call control"), `label` its completion in
  // traces (the owning op; empty: the backend's default).
  virtual CallControl* frame_call_control(kernel::CallerFrame& frame, const char* what,
                                          std::string_view label) = 0;
  // A module's static control: lives for the whole execution. `owner_desc`
  // ("client 0 module") and `label` as above.
  virtual CallControl* static_call_control(std::string_view owner_desc, std::string_view label) = 0;
  // kzalloc'd at the caller's `site` (dies at free_call_control or at the
  // kdamond's dealloc_on_cancel kfree); nullptr when fault injection fails the
  // allocation.
  virtual CallControl* kzalloc_call_control(const char* what, std::string_view label,
                                            const rt::Site* site) = 0;
  virtual void free_call_control(CallControl* c, const rt::Site* site) = 0;  // the caller's kfree
  virtual void set_call(CallControl* c, const CallSpec& spec) = 0;
  virtual int damon_call(Ctx* ctx, CallControl* c) = 0;
  // Read after the call returned (or, for a static control, between calls).
  virtual int call_return_code(const CallControl* c) = 0;
  virtual int call_completions(const CallControl* c) = 0;  // complete()s it got
  // The control's private `canceled`; read by the oracle from fn, on the kdamond.
  virtual bool call_canceled(const CallControl* c) = 0;

  // ---- damos_walk ----
  // A control on the caller's stack whose walk_fn reports each visit to
  // Oracle::walked(*record, ...).
  virtual WalkControl* frame_walk_control(kernel::CallerFrame& frame, std::string_view label,
                                          WalkRecord* record) = 0;
  virtual int damos_walk(Ctx* ctx, WalkControl* c) = 0;
  virtual int walk_completions(const WalkControl* c) = 0;

  // ---- hang reports (read-only, no scheduling point, no lock) ----
  virtual std::string describe_core(kernel::World& w) = 0;
  virtual std::string describe_ctx(kernel::World& w, const Ctx* ctx) = 0;
};

}  // namespace program
