#include "harness/program/oracle.h"

#include "harness/runtime/invisible.h"

namespace program {

namespace {
int region_index(const damon::damon_ctx* ctx, const damon::damon_region* r) {
  return static_cast<int>(r - ctx->target.regions);
}
}  // namespace

void Oracle::apply_boundary(damon::damon_ctx* ctx, damon::damos* s) {
  rt::Invisible inv;
  std::lock_guard<std::mutex> g(mu_);
  log_.push_back(Event{ctx, s->id, -1});
}

void Oracle::scheme_applied(damon::damon_ctx* ctx, damon::damos* s, damon::damon_region* r) {
  rt::Invisible inv;
  std::lock_guard<std::mutex> g(mu_);
  log_.push_back(Event{ctx, s->id, region_index(ctx, r)});
}

void Oracle::walk_installed(damon::damon_ctx* ctx, damon::damos_walk_control* c) {
  rt::Invisible inv;
  std::lock_guard<std::mutex> g(mu_);
  auto* w = static_cast<WalkRecord*>(c->data);
  w->installed = true;
  w->install_seq = log_.size();
}

void Oracle::walk_completing(damon::damon_ctx* ctx, damon::damos_walk_control* c) {
  rt::Invisible inv;
  std::lock_guard<std::mutex> g(mu_);
  auto* w = static_cast<WalkRecord*>(c->data);
  w->completing = true;
  w->complete_seq = log_.size();
  w->schemes_at_completion.clear();
  for (const damon::damos* s : ctx->schemes) w->schemes_at_completion.push_back(s->id);
}

void Oracle::walk_fn(void* data, damon::damon_ctx* ctx, damon::damon_target*,
                     damon::damon_region* r, damon::damos* s, unsigned long) {
  rt::Invisible inv;
  static_cast<WalkRecord*>(data)->walked.insert({s->id, region_index(ctx, r)});
}

int Oracle::call_fn(void* data) {
  rt::Invisible inv;
  auto* c = static_cast<CallRecord*>(data);
  c->runs++;
  if (c->control && c->control->canceled && c->violation.empty()) {
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
