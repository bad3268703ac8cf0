#include "harness/program/oracle.h"

#include <algorithm>

#include "harness/kernel/kernel.h"
#include "harness/program/backend.h"
#include "harness/runtime/invisible.h"

namespace program {

void Oracle::apply_boundary(const void* ctx, int scheme) {
  rt::Invisible inv;
  std::lock_guard<std::mutex> g(mu_);
  log_.push_back(Event{ctx, scheme, -1});
}

void Oracle::scheme_applied(const void* ctx, int scheme, int region) {
  rt::Invisible inv;
  std::lock_guard<std::mutex> g(mu_);
  log_.push_back(Event{ctx, scheme, region});
}

void Oracle::walk_installed(WalkRecord& w) {
  rt::Invisible inv;
  std::lock_guard<std::mutex> g(mu_);
  w.installed = true;
  w.install_seq = log_.size();
}

void Oracle::walk_completing(WalkRecord& w, const int* schemes, size_t nr_schemes) {
  rt::Invisible inv;
  std::lock_guard<std::mutex> g(mu_);
  w.completing = true;
  w.complete_seq = log_.size();
  w.schemes_at_completion.assign(schemes, schemes + nr_schemes);
}

void Oracle::walked(WalkRecord& w, int scheme, int region) {
  rt::Invisible inv;
  w.walked.insert({scheme, region});
}

void Oracle::call_pass(const void* ctx, bool cancel) {
  std::string lost;
  {
    rt::Invisible inv;
    std::lock_guard<std::mutex> g(mu_);
    Passes& p = passes_[ctx];
    if (cancel) {
      p.cancels++;
      for (CallRecord* r : repeats_)
        if (r->ctx == ctx) r->armed = false;
      return;
    }
    const uint64_t prev = p.passes++;
    for (CallRecord* r : repeats_) {
      if (!r->armed || r->ctx != ctx || prev <= r->armed_pass || r->last_run_pass >= prev) continue;
      r->armed = false;  // reported once
      if (lost.empty())
        lost = "lost request: repeat damon_call_control of " + r->owner +
               " did not run in kdamond_call() pass " + std::to_string(prev) +
               " of its ctx and was never canceled (registered before pass " +
               std::to_string(r->armed_pass + 1) + ", last ran in pass " +
               std::to_string(r->last_run_pass) + ")";
    }
  }
  if (lost.empty()) return;
  rt::Execution& e = rt::Execution::current();
  rt::Finding f;
  f.verdict = rt::Verdict::kLostRequest;
  f.message = std::move(lost);
  f.tid = e.self();
  f.site = "kdamond_call:repeat control dropped";
  e.report(std::move(f));
}

void Oracle::repeat_calling(CallRecord& c, const void* ctx, std::string_view owner) {
  rt::Invisible inv;
  std::lock_guard<std::mutex> g(mu_);
  c.oracle = this;
  c.ctx = ctx;
  c.owner = owner;
  c.armed = false;
  c.cancels_at_call = passes_[ctx].cancels;
}

void Oracle::repeat_returned(CallRecord& c, int ret) {
  rt::Invisible inv;
  std::lock_guard<std::mutex> g(mu_);
  const Passes& p = passes_[c.ctx];
  // A cancel pass since the call began may have canceled the control (C4
  // then returns 0 for a control it no longer finds): no standing registration.
  if (ret != 0 || p.cancels != c.cancels_at_call) return;
  if (std::find(repeats_.begin(), repeats_.end(), &c) == repeats_.end()) repeats_.push_back(&c);
  c.armed = true;
  c.armed_pass = p.passes;
}

void Oracle::ctx_gone(const void* ctx) {
  rt::Invisible inv;
  std::lock_guard<std::mutex> g(mu_);
  for (CallRecord* r : repeats_)
    if (r->ctx == ctx) r->armed = false;
  passes_.erase(ctx);
}

void Oracle::ran(CallRecord& c) {
  std::lock_guard<std::mutex> g(mu_);
  c.last_run_pass = passes_[c.ctx].passes;
}

int Oracle::call_fn(void* data) {
  rt::Invisible inv;
  auto* c = static_cast<CallRecord*>(data);
  c->runs++;
  if (c->oracle) c->oracle->ran(*c);
  if (c->control && c->backend->call_canceled(c->control) && c->violation.empty()) {
    c->violation = "a canceled repeat damon_call_control ran again";
  }
  return 0;
}

std::string Oracle::check_walk(const WalkRecord& w, int ret) {
  if (ret != 0) return {};
  rt::Invisible inv;
  std::lock_guard<std::mutex> g(mu_);
  if (!w.completing) return "damos_walk() returned 0 but no damos_walk_complete() completed it";
  for (int id : w.schemes_at_completion) {
    // The scheme's first boundary after installation, and the regions it was
    // applied to in that pass (applications always precede their boundary).
    std::set<int> applied;
    bool passed = false;
    for (size_t i = w.install_seq; i < w.complete_seq && i < log_.size(); i++) {
      const Event& e = log_[i];
      if (e.scheme != id) continue;
      if (e.region < 0) {
        passed = true;
        break;
      }
      applied.insert(e.region);
    }
    if (!passed) {
      return "damos_walk() returned 0 but scheme " + std::to_string(id) +
             " passed no apply-interval boundary since the request was installed";
    }
    for (int r : applied) {
      if (!w.walked.count({id, r})) {
        return "damos_walk() returned 0 but walk_fn missed region " + std::to_string(r) +
               " that scheme " + std::to_string(id) + " was applied to";
      }
    }
  }
  return {};
}

std::string Oracle::check_call(const CallRecord& c, bool repeat, int ret) {
  rt::Invisible inv;
  if (!c.violation.empty()) return c.violation;
  if (repeat) return {};
  if (ret == 0 && c.runs != 1) {
    return "damon_call() returned 0 but fn ran " + std::to_string(c.runs) + " times";
  }
  if (ret != 0 && c.runs != 0) {
    return "damon_call() returned " + kernel::errname(ret) + " but fn ran " +
           std::to_string(c.runs) + " times";
  }
  return {};
}

}  // namespace program
