#include "harness/program/executor.h"

#include <algorithm>
#include <memory>

#include "harness/kernel/world.h"
#include "harness/program/liveness.h"
#include "harness/program/run_state.h"
#include "harness/runtime/invisible.h"

namespace program {

namespace {

// PCT's change points are drawn over the run's expected number of decisions
// with a choice; too many, and most of them fall after the run has ended (the
// depth is then lower than asked). A run takes about 15 to 40 such decisions
// per operation, plus the kdamonds' loops and the teardown.
uint64_t pct_expected_steps(const Program& p) {
  return std::clamp<uint64_t>(30 * (p.nr_ops() + 4), 100, 2000);
}

std::unique_ptr<rt::Strategy> make_strategy(const Program& p, const RunConfig& cfg) {
  switch (cfg.strategy) {
    case StrategyKind::kRandom:
      return rt::make_random_strategy(cfg.seed);
    case StrategyKind::kPct:
      return rt::make_pct_strategy(cfg.seed, cfg.pct_depth, pct_expected_steps(p));
    case StrategyKind::kProgram:
      break;
  }
  return rt::make_schedule_strategy(p.schedule);
}

void client_body(RunState& st, int client) {
  const Program& p = *st.program;
  rt::Execution& e = rt::Execution::current();
  for (size_t i = 0; i < p.ops[client].size(); i++) {
    const Op& op = p.ops[client][i];
    OpResult& r = st.results[st.client_tids[client] + i];
    if (e.tracing()) e.note(r.op);
    r.ret = run_op(st, client, static_cast<int>(i), op, r.op);
    r.returned = true;
    e.progress();
    if (e.tracing()) e.note(r.text());
  }
}

// Teardown: stop every context once the clients are quiet, wait for every
// client (a woken client may restart a context), stop again, then check what
// must hold once everything has stopped.
void teardown_body(RunState& st, int nr_clients) {
  rt::Execution& e = rt::Execution::current();
  auto all_done = [&] {
    for (int c = 0; c < nr_clients; c++)
      if (!e.finished(c)) return false;
    return true;
  };
  // A woken client may restart a context: keep stopping for a while, then
  // wait for the clients for good (a client that can still not finish is
  // then a deadlock, or a livelock if something keeps running).
  for (int round = 0; round < kTeardownRounds && !all_done(); round++) {
    stop_all(st);
    kernel::schedule_timeout_idle_ms_at(kTeardownPollMs, RT_SITE("teardown poll"));
  }
  stop_all(st);
  for (int c = 0; c < nr_clients; c++) e.join(c, RT_SITE("wait for client"));
  stop_all(st);
  final_checks(st);
}

// For the os watchdog's hang reports; read-only (see Execution::describe_state).
std::string describe_contexts(kernel::World& w, const RunState& st) {
  std::string out = "    " + st.backend->describe_core(w) + "\n";
  for (int i = 0; i < kMaxCtxs; i++) {
    if (const Ctx* ctx = st.slots[i].ctx.load(std::memory_order_relaxed))
      out += "    ctx" + std::to_string(i) + ": " + st.backend->describe_ctx(w, ctx) + "\n";
  }
  return out;
}

}  // namespace

Outcome execute(const Program& p, const RunConfig& cfg) {
  Outcome out;
  auto own_strategy = cfg.external_strategy ? nullptr : make_strategy(p, cfg);
  rt::Strategy& strategy = cfg.external_strategy ? *cfg.external_strategy : *own_strategy;
  rt::Options options = cfg.options;
  if (!options.livelock_ns) options.livelock_ns = livelock_bound_ns(p, *cfg.profile, options);
  std::unique_ptr<rt::Execution> e = cfg.runtime == rt::RuntimeKind::kSim
                                         ? rt::make_sim_execution(strategy, 0, options)
                                         : rt::make_os_execution(options);
  auto world = std::make_unique<kernel::World>();
  world->attach(*e);
  world->access_hook = cfg.access_hook;
  auto st = std::make_unique<RunState>();
  st->profile = cfg.profile;
  st->backend = cfg.profile->make_backend(*cfg.profile, *world, st->oracle);
  if (cfg.runtime == rt::RuntimeKind::kSim) {
    st->program = &p;
  } else {
    st->program_copy = p;
    st->program = &st->program_copy;
  }

  const int nr_clients = p.nr_clients();
  st->client_tids.reserve(nr_clients);
  st->results.reserve(p.nr_ops());
  for (size_t i = 0; i < p.setup.size(); i++)
    st->setup_results.push_back(
        OpResult{kSetupClient, static_cast<int>(i), format_op(p.setup[i]), false, 0});
  for (int c = 0; c < nr_clients; c++) {
    st->client_tids.push_back(static_cast<int>(st->results.size()));
    for (size_t i = 0; i < p.ops[c].size(); i++) {
      st->results.push_back(OpResult{c, static_cast<int>(i), format_op(p.ops[c][i]), false, 0});
    }
  }
  // Thread ids: clients 0..n-1 (what schedules name), then teardown, then setup.
  RunState* s = st.get();
  for (int c = 0; c < nr_clients; c++) {
    e->spawn("cpu" + std::to_string(c), rt::ThreadKind::kClient, [s, c] { client_body(*s, c); });
  }
  e->spawn("teardown", rt::ThreadKind::kTeardown,
           [s, nr_clients] { teardown_body(*s, nr_clients); });
  e->spawn("setup", rt::ThreadKind::kSetup, [s] { setup_contexts(*s); });
  kernel::World* w = world.get();
  e->describe_state = [s, w] { return describe_contexts(*w, *s); };

  out.run = e->run();
  out.verdict = out.run.verdict;
  if (e->abandoned()) {
    // Abandoned threads may still be writing their results: a snapshot, which
    // ThreadSanitizer must not take for a race of the model's.
    rt::Invisible inv;
    out.results = st->results;
    out.setup_results = st->setup_results;
  } else {
    out.results = std::move(st->results);
    out.setup_results = std::move(st->setup_results);
  }
  out.replay = p;
  out.replay.schedule = out.run.schedule;
  out.abandoned = e->abandoned();
  if (out.abandoned) {
    // Hung threads still reference these: abandon them to the process's end.
    (void)e.release();
    (void)world.release();
    (void)st.release();
  }
  return out;
}

std::string OpResult::text() const {
  return op + " = " + kernel::errname(ret);
}

std::string Outcome::summary() const {
  if (run.findings.empty()) return std::string(rt::verdict_name(verdict));
  const rt::Finding& f = run.findings.front();
  return std::string(rt::verdict_name(verdict)) + ": " + f.message;
}

}  // namespace program
