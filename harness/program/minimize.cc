#include "harness/program/minimize.h"

#include <algorithm>

namespace program {

namespace {

// The client-thread count fixes every later thread id (teardown, setup,
// kdamonds), so dropping the last client must shift the schedule's ids with it.
rt::Schedule renumber(const rt::Schedule& s, int old_clients, int new_clients) {
  if (old_clients == new_clients) return s;
  rt::Schedule out;
  const int shift = old_clients - new_clients;
  for (const rt::Preemption& pre : s.preemptions) {
    if (pre.tid >= new_clients && pre.tid < old_clients) continue;
    rt::Preemption q = pre;
    if (q.tid >= old_clients) q.tid = static_cast<uint8_t>(q.tid - shift);
    out.preemptions.push_back(q);
  }
  return out;
}

uint64_t total_delay(const Program& p) {
  uint64_t d = 0;
  for (const rt::Preemption& pre : p.schedule.preemptions) d += pre.delay;
  return d;
}

class Minimizer {
 public:
  Minimizer(const RunConfig& cfg, KeepFn keep, MinimizeLimits limits)
      : cfg_(cfg), keep_(std::move(keep)), limits_(limits) {
    cfg_.strategy = StrategyKind::kProgram;
    cfg_.options.record_trace = false;
  }

  bool test(const Program& p) {
    if (runs_ >= limits_.max_runs) return false;
    runs_++;
    return keep_(execute(p, cfg_));
  }
  // The first run, with the caller's budget. Once it passes, a candidate gets a
  // step budget of a few times the original run's: a schedule that sends a
  // smaller program into a livelock costs the whole budget otherwise.
  // A PCT schedule becomes the preemptions its run took: those are what the
  // later steps drop and shorten.
  bool test_first(Program* p) {
    runs_++;
    const Outcome o = execute(*p, cfg_);
    if (!keep_(o)) return false;
    if (p->schedule.pct) p->schedule = o.run.schedule;
    if (o.verdict != rt::Verdict::kLivelock)
      cfg_.options.max_steps = std::min(cfg_.options.max_steps, 4 * o.run.steps + 2000);
    return true;
  }
  int runs() const { return runs_; }

  bool drop_op_chunks(Program* p);
  bool drop_preemptions(Program* p);
  bool reduce_delays(Program* p);

 private:
  RunConfig cfg_;
  KeepFn keep_;
  MinimizeLimits limits_;
  int runs_ = 0;
};

// Delta debugging over the flat op list: chunks of n/2, n/4, ..., 1.
bool Minimizer::drop_op_chunks(Program* p) {
  bool progress = false;
  for (size_t chunk = std::max<size_t>(p->nr_ops() / 2, 1);; chunk /= 2) {
    for (size_t start = 0; start < p->nr_ops();) {
      std::vector<bool> drop(p->nr_ops(), false);
      for (size_t i = start; i < std::min(start + chunk, drop.size()); i++) drop[i] = true;
      Program cand = drop_ops(*p, drop);
      if (cand.nr_ops() > 0 && test(cand)) {
        *p = std::move(cand);
        progress = true;
      } else {
        start += chunk;
      }
    }
    if (chunk <= 1) break;
  }
  return progress;
}

bool Minimizer::drop_preemptions(Program* p) {
  bool progress = false;
  for (size_t i = p->schedule.preemptions.size(); i-- > 0;) {
    auto& pres = p->schedule.preemptions;
    Program merged = *p;
    auto& mp = merged.schedule.preemptions;
    if (i + 1 < mp.size()) mp[i + 1].delay += mp[i].delay + 1;
    mp.erase(mp.begin() + static_cast<long>(i));
    Program plain = *p;
    plain.schedule.preemptions.erase(plain.schedule.preemptions.begin() + static_cast<long>(i));
    if (test(merged)) {
      *p = std::move(merged);
    } else if (i + 1 < pres.size() && test(plain)) {
      *p = std::move(plain);
    } else {
      continue;
    }
    progress = true;
  }
  return progress;
}

bool Minimizer::reduce_delays(Program* p) {
  bool progress = false;
  for (size_t i = 0; i < p->schedule.preemptions.size(); i++) {
    for (uint32_t d = 0; d < p->schedule.preemptions[i].delay;) {
      Program cand = *p;
      cand.schedule.preemptions[i].delay = d;
      if (test(cand)) {
        *p = std::move(cand);
        progress = true;
        break;
      }
      // Bisect towards the current delay; stop once a step would not move, or
      // the search would never end once (cur - d) / 2 rounds to 0.
      const uint32_t cur = p->schedule.preemptions[i].delay;
      const uint32_t next = d == 0 ? cur / 2 : d + (cur - d) / 2;
      if (next <= d || next >= cur) break;
      d = next;
    }
  }
  return progress;
}

}  // namespace

Program drop_ops(const Program& p, const std::vector<bool>& drop) {
  Program out = p;
  size_t k = 0;
  for (int c = 0; c < kMaxClients; c++) {
    out.ops[c].clear();
    for (const Op& op : p.ops[c])
      if (!(k < drop.size() && drop[k++])) out.ops[c].push_back(op);
  }
  out.schedule = renumber(p.schedule, p.nr_clients(), out.nr_clients());
  return out;
}

bool smaller_program(const Program& a, const Program& b) {
  if (a.nr_ops() != b.nr_ops()) return a.nr_ops() < b.nr_ops();
  if (a.schedule.preemptions.size() != b.schedule.preemptions.size())
    return a.schedule.preemptions.size() < b.schedule.preemptions.size();
  return total_delay(a) < total_delay(b);
}

Program minimize(const Program& p, const RunConfig& cfg, KeepFn keep) {
  return minimize(p, cfg, std::move(keep), MinimizeLimits{}, nullptr);
}

Program minimize(const Program& p, const RunConfig& cfg, KeepFn keep, MinimizeLimits limits,
                 MinimizeStats* stats) {
  Minimizer m(cfg, std::move(keep), limits);
  Program best = p;
  const bool reproduced = m.test_first(&best);
  if (reproduced) {
    for (bool progress = true; progress;) {
      progress = m.drop_op_chunks(&best);
      progress |= m.drop_preemptions(&best);
      progress |= m.reduce_delays(&best);
    }
  }
  if (stats) *stats = MinimizeStats{m.runs(), reproduced};
  return best;
}

}  // namespace program
