// fuzz_walk_os: programs on the os runtime (real threads, real locks) for the
// fuzz-tsan preset: ThreadSanitizer sees the model's races as they are. Timing
// is perturbed from a hash of the input; a hang trips the runtime's watchdog,
// whose hook writes the finding file before the process aborts, so libFuzzer
// keeps the input. With a stop-on filter or in keep mode the watchdog does not
// abort: the hung run returns (its threads abandoned) and on_finding() decides.
#include <cstddef>
#include <cstdint>

#include "fuzz/common.h"

namespace {

constexpr double kTimeScale = 0.002;  // 500x faster than real time
constexpr uint8_t kPerturbRate = 48;  // ~1 in 5 points yields, spins or sleeps briefly
// A run that polls forever makes progress, so the watchdog never fires; this
// budget reports it as a livelock well before libFuzzer's -timeout (60 s,
// fuzz_walk_os.options) would end the process with one stack and no program.
// A run under TSan takes milliseconds to a few hundred.
constexpr uint64_t kRunBudgetMs = 30000;

// What the watchdog's hook needs: the input of the run in progress.
struct Current {
  const program::Program* program = nullptr;
  const uint8_t* data = nullptr;
  size_t size = 0;
};
Current g_current;

void on_hang(const rt::Finding& f, void*) {
  const program::Settings& s = fuzz::target().settings;
  if (!g_current.program || !s.stop_on.empty() || s.keep_fuzzing) return;
  program::FindingFile ff;
  ff.program = *g_current.program;
  ff.verdict = f.verdict;
  ff.finding = f;
  ff.profile = fuzz::target().settings.profile;
  ff.runtime = rt::RuntimeKind::kOs;
  ff.origin = fuzz::target().name;
  if (fuzz::target().replay_mode) return;
  // No op results yet: the signature has no "request" facts (the process aborts).
  program::Outcome o;
  o.verdict = f.verdict;
  o.run.findings.push_back(f);
  const report::Signature sig = report::signature_of(o);
  const std::string crash =
      fuzz::crash_report(ff, sig, fuzz::write_finding(ff, g_current.data, g_current.size));
  std::fputs(crash.c_str(), stderr);
  std::fflush(stderr);
}

uint32_t input_hash(const uint8_t* data, size_t size) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < size; i++) h = (h ^ data[i]) * 16777619u;
  return h | 1;  // 0 would turn perturbation off
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  fuzz::init("fuzz_walk_os", *argc, *argv);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const fuzz::Target& t = fuzz::target();
  program::Program p;
  if (!fuzz::input_program(data, size, &p)) return -1;
  program::Settings s = t.settings;
  s.runtime = rt::RuntimeKind::kOs;
  s.strategy = program::StrategyKind::kProgram;
  program::RunConfig cfg = program::make_run_config(s, t.profile, 0);
  cfg.options.time_scale = kTimeScale;
  cfg.options.run_budget_ms = kRunBudgetMs;
  cfg.options.perturb_seed = input_hash(data, size);
  cfg.options.perturb_rate = kPerturbRate;
  cfg.options.record_trace = false;
  cfg.options.watchdog_abort = !t.replay_mode && t.settings.stop_on.empty() && !s.keep_fuzzing;
  cfg.options.hang_hook = on_hang;
  g_current = {&p, data, size};
  const program::Outcome o = program::execute(p, cfg);
  g_current = {};
  if (rt::is_protocol_bug(o.verdict))
    fuzz::on_finding(o, program::finding_from_outcome(o, s, 0, t.name), data, size);
  return 0;
}
