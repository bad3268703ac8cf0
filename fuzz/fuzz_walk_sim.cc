// fuzz_walk_sim: programs (operations + preemptions, harness/program/codec.h) on
// the deterministic sim runtime with every oracle. A protocol finding goes to
// the findings store and, in crash mode, aborts (fuzz/common.h);
// caller-contract verdicts are the program's fault and are not reported.
#include <cstddef>
#include <cstdint>

#include "fuzz/common.h"

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  // Livelocks are judged by virtual time against the program's own bound
  // (harness/program/liveness.h); the step cap is only a safety net.
  fuzz::init("fuzz_walk_sim", *argc, *argv);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const fuzz::Target& t = fuzz::target();
  program::Program p;
  if (!fuzz::input_program(data, size, &p)) return -1;
  program::RunConfig cfg = program::make_run_config(t.settings, t.profile, 0);
  cfg.strategy = program::StrategyKind::kProgram;
  cfg.options.record_trace = t.settings.interleaving_feedback;
  if (t.settings.object_feedback && !t.replay_mode) {  // replay needs no feedback
    cfg.access_hook = fuzz::object_feedback_hook();
    fuzz::begin_object_feedback();
  }
  const program::Outcome o = program::execute(p, cfg);
  if (t.settings.interleaving_feedback) fuzz::add_interleaving_feedback(o.run);
  if (rt::is_protocol_bug(o.verdict))
    fuzz::on_finding(o, program::finding_from_outcome(o, t.settings, 0, t.name), data, size);
  return 0;
}
