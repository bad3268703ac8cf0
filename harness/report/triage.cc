#include "harness/report/triage.h"

#include <atomic>
#include <chrono>
#include <map>
#include <thread>

#include "harness/program/explore.h"
#include "harness/program/minimize.h"
#include "harness/report/timeline.h"

namespace report {

namespace {

program::RunConfig replay_config(const program::ProfileInfo& profile, rt::RuntimeKind runtime) {
  program::RunConfig cfg;
  cfg.profile = &profile;
  cfg.runtime = runtime;
  cfg.strategy = program::StrategyKind::kProgram;
  cfg.options.record_trace = false;
  cfg.options.watchdog_abort = false;
  return cfg;
}

bool has_finding(const program::Outcome& o) {
  return o.verdict != rt::Verdict::kOk;
}

// The profiles one input is triaged on (see triage.h).
std::vector<const program::ProfileInfo*> profiles_for(const Input& in, const TriageOptions& opt) {
  if (!opt.profile.empty()) return {program::find_profile(opt.profile)};
  std::vector<const program::ProfileInfo*> all;
  for (const program::ProfileInfo& p : program::profiles()) all.push_back(&p);
  if (opt.all_profiles) return all;
  if (const program::ProfileInfo* own = program::find_profile(in.profile)) return {own};
  for (const program::ProfileInfo* p : all)
    if (has_finding(program::execute(in.program, replay_config(*p, rt::RuntimeKind::kSim))))
      return {p};
  return {all.front()};
}

void replay_os(const program::Program& p, const program::ProfileInfo& profile, int runs,
               InputResult* r) {
  const program::RunConfig cfg = replay_config(profile, rt::RuntimeKind::kOs);
  for (int i = 0; i < runs; i++) {
    const program::Outcome o = program::execute(p, cfg);
    r->stats.os_runs++;
    if (!has_finding(o)) continue;
    r->stats.os_reproduced++;
    if (r->stats.sim_reproduced == 0) {
      r->stats.verdict = o.verdict;
      r->signature = signature_of(o);
    }
  }
}

std::vector<InputResult> triage_input(const Input& in, const TriageOptions& opt) {
  std::vector<InputResult> out;
  for (const program::ProfileInfo* p : profiles_for(in, opt)) {
    InputResult r = triage_one(in.program, in, *p, opt);
    if (opt.all_profiles && r.cls == TriageClass::kNoLongerReproduces) continue;
    out.push_back(std::move(r));
  }
  if (out.empty()) out.push_back(triage_one(in.program, in, program::profiles().front(), opt));
  return out;
}

bool minimisable(TriageClass c) {
  return c != TriageClass::kNoLongerReproduces && c != TriageClass::kHarnessBug &&
         c != TriageClass::kTsanRace && c != TriageClass::kSanitizer;
}

std::vector<Bucket> make_buckets(const std::vector<InputResult>& inputs) {
  std::vector<Bucket> buckets;
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < inputs.size(); i++) {
    const InputResult& r = inputs[i];
    std::string key(class_name(r.cls));
    if (r.cls != TriageClass::kNoLongerReproduces) key += "#" + r.signature.key();
    auto [it, fresh] = index.emplace(key, buckets.size());
    if (fresh) {
      Bucket b;
      b.id = static_cast<int>(buckets.size()) + 1;
      b.cls = r.cls;
      b.signature = r.signature;
      buckets.push_back(std::move(b));
    }
    Bucket& b = buckets[it->second];
    b.members.push_back(i);
    if (program::smaller_program(r.program, inputs[b.representative].program) ||
        b.members.size() == 1)
      b.representative = i;
  }
  return buckets;
}

// Searches the schedules of `p` on `profile` for a finding with signature `sig`.
SearchCell search_profile(const program::Program& p, const program::ProfileInfo& profile,
                          const Signature& sig, const TriageOptions& opt) {
  SearchCell c;
  if (opt.search_preemptions < 0) return c;
  program::ExploreConfig cfg;
  cfg.run = replay_config(profile, rt::RuntimeKind::kSim);
  cfg.max_preemptions = opt.search_preemptions;
  cfg.max_schedules = opt.search_max_schedules;
  const program::ExploreResult r =
      program::explore(p, cfg, [&](const program::Outcome& o, int preemptions) {
        if (signature_of(o) != sig) return false;
        c.found = true;
        c.preemptions = preemptions;
        return true;
      });
  c.ran = true;
  c.bound = opt.search_preemptions;
  c.complete = r.complete();
  c.schedules = r.schedules;
  return c;
}

void finish_bucket(Bucket* b, const std::vector<InputResult>& inputs, const TriageOptions& opt) {
  const InputResult& rep = inputs[b->representative];
  const program::ProfileInfo& home = *program::find_profile(rep.profile);
  b->minimal = rep.program;
  if (opt.minimize && minimisable(b->cls)) {
    program::MinimizeLimits lim{b->cls == TriageClass::kLivelock
                                    ? std::min(200, opt.minimize_max_runs)
                                    : opt.minimize_max_runs};
    program::MinimizeStats st;
    const Signature sig = b->signature;
    b->minimal = program::minimize(
        rep.program, replay_config(home, rt::RuntimeKind::kSim),
        [&sig](const program::Outcome& o) { return signature_of(o) == sig; }, lim, &st);
    b->minimize_runs = st.runs;
  }
  b->minimal.expects.clear();
  for (const program::ProfileInfo& p : program::profiles()) {
    const program::Outcome o =
        program::execute(b->minimal, replay_config(p, rt::RuntimeKind::kSim));
    const bool same = has_finding(o) && signature_of(o) == b->signature;
    b->matrix.push_back(ProfileCell{std::string(p.name), o.verdict, same,
                                    search_profile(b->minimal, p, b->signature, opt)});
    b->minimal.expects.push_back(program::Expect{std::string(p.name), o.verdict});
  }
  program::RunConfig traced = replay_config(home, rt::RuntimeKind::kSim);
  traced.options.record_trace = true;
  b->timeline = render_timeline(program::execute(b->minimal, traced), TimelineOptions{});
}

}  // namespace

std::string SearchCell::text() const {
  if (!ran) return "-";
  if (found)
    return "found (" + std::to_string(preemptions) + " preemption" + (preemptions == 1 ? "" : "s") +
           ")";
  if (complete) return "not found within " + std::to_string(bound) + " (complete)";
  return "not found (incomplete, budget)";
}

void parallel_for(size_t n, int jobs, const std::function<void(size_t)>& fn) {
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i = next++; i < n; i = next++) fn(i);
  };
  std::vector<std::thread> pool;
  for (int j = 1; j < std::max(1, jobs); j++) pool.emplace_back(worker);
  worker();
  for (std::thread& t : pool) t.join();
}

InputResult triage_one(const program::Program& p, const Input& in,
                       const program::ProfileInfo& profile, const TriageOptions& opt) {
  InputResult r;
  r.path = in.path;
  r.profile = std::string(profile.name);
  r.kind = in.kind;
  r.program = p;
  const program::RunConfig cfg = replay_config(profile, rt::RuntimeKind::kSim);
  const program::Outcome first = program::execute(p, cfg);
  r.signature = signature_of(first);
  r.stats.verdict = first.verdict;
  for (int i = 0; i < opt.sim_replays; i++) {
    const program::Outcome o = i == 0 ? first : program::execute(p, cfg);
    r.stats.sim_runs++;
    if (has_finding(o) && signature_of(o) == r.signature) r.stats.sim_reproduced++;
    if (o.run.trace_hash != first.run.trace_hash || o.verdict != first.verdict)
      r.stats.sim_hash_mismatch = true;
  }
  if (in.runtime == rt::RuntimeKind::kOs) replay_os(p, profile, opt.os_replays, &r);
  r.cls = classify(r.stats, sanitizer_in(in.header));
  return r;
}

TriageReport run_triage(const TriageOptions& opt) {
  const auto t0 = std::chrono::steady_clock::now();
  TriageReport rep;
  std::vector<Input> inputs;
  collect_inputs(opt.paths, &inputs, &rep.skipped);
  std::vector<std::vector<InputResult>> per_input(inputs.size());
  parallel_for(inputs.size(), opt.jobs,
               [&](size_t i) { per_input[i] = triage_input(inputs[i], opt); });
  for (auto& v : per_input)
    for (InputResult& r : v) rep.inputs.push_back(std::move(r));
  rep.buckets = make_buckets(rep.inputs);
  parallel_for(rep.buckets.size(), opt.jobs,
               [&](size_t i) { finish_bucket(&rep.buckets[i], rep.inputs, opt); });
  rep.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return rep;
}

}  // namespace report
