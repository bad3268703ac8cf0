#include "harness/report/commands.h"

#include "harness/program/finding.h"
#include "harness/program/minimize.h"
#include "harness/program/text.h"
#include "harness/report/write.h"

namespace report {

namespace {

bool load_one(const std::string& file, Input* in, std::ostream& err) {
  std::string reason;
  if (load_input(file, true, in, &reason)) return true;
  err << file << ": error: " << reason << "\n";
  return false;
}

program::RunConfig replay_config(const damon::Profile* p, bool trace) {
  program::RunConfig cfg;
  cfg.profile = p;
  cfg.strategy = program::StrategyKind::kProgram;
  cfg.options.record_trace = trace;
  return cfg;
}

}  // namespace

const damon::Profile* pick_profile(const std::string& requested, const Input& in,
                                   std::string* error) {
  const std::string name = !requested.empty()    ? requested
                           : !in.profile.empty() ? in.profile
                                                 : kDefaultProfile;
  const damon::Profile* p = damon::find_profile(name);
  if (!p)
    *error = "unknown profile '" + name + "' (known: " + std::string(damon::profile_names()) + ")";
  return p;
}

int triage_command(const TriageArgs& args, std::ostream& out, std::ostream& err) {
  if (!args.options.profile.empty() && !damon::find_profile(args.options.profile)) {
    err << "error: unknown profile '" << args.options.profile
        << "' (known: " << damon::profile_names() << ")\n";
    return kExitBadInput;
  }
  const TriageReport rep = run_triage(args.options);
  for (const Skipped& s : rep.skipped) err << "skipped " << s.path << ": " << s.reason << "\n";
  std::string error;
  if (!write_report(rep, args.out_dir, &error)) {
    err << "error: " << error << "\n";
    return kExitBadInput;
  }
  out << "profile: "
      << (args.options.profile.empty() ? (args.options.all_profiles ? "all" : "per input")
                                       : args.options.profile)
      << "\n";
  for (const Bucket& b : rep.buckets)
    out << "bucket " << b.id << ": " << class_name(b.cls) << ", " << b.members.size() << " inputs, "
        << b.signature.key() << "\n";
  out << rep.inputs.size() << " inputs, " << rep.buckets.size() << " buckets, "
      << rep.skipped.size() << " skipped, " << rep.seconds << " s; report in " << args.out_dir
      << "/report.md\n";
  for (const Bucket& b : rep.buckets)
    if (b.cls != TriageClass::kNoLongerReproduces) return kExitFinding;
  return kExitOk;
}

namespace {

// The one input of timeline and minimize, with the profile to replay it on;
// nullptr (after printing why) on bad input.
const damon::Profile* load_for_replay(const std::string& file, const std::string& profile,
                                      Input* in, std::ostream& err) {
  if (!load_one(file, in, err)) return nullptr;
  std::string error;
  const damon::Profile* p = pick_profile(profile, *in, &error);
  if (!p) err << "error: " << error << "\n";
  return p;
}

}  // namespace

int timeline_command(const TimelineArgs& args, std::ostream& out, std::ostream& err) {
  Input in;
  const damon::Profile* p = load_for_replay(args.file, args.profile, &in, err);
  if (!p) return kExitBadInput;
  const program::Outcome o = program::execute(in.program, replay_config(p, true));
  out << "profile: " << p->name << ", schedule: "
      << (in.program.schedule.empty() ? "default"
          : in.program.schedule.pct   ? "pct"
                                      : "recorded")
      << "\n\n";
  out << render_timeline(o, args.timeline);
  return o.verdict == rt::Verdict::kOk ? kExitOk : kExitFinding;
}

int minimize_command(const MinimizeArgs& args, std::ostream& out, std::ostream& err) {
  Input in;
  const damon::Profile* p = load_for_replay(args.file, args.profile, &in, err);
  if (!p) return kExitBadInput;
  const program::RunConfig cfg = replay_config(p, false);
  const Signature sig = signature_of(program::execute(in.program, cfg));
  err << "profile: " << p->name << "\nsignature: " << sig.key() << "\n";
  program::MinimizeStats st;
  program::Program min = program::minimize(
      in.program, cfg, [&sig](const program::Outcome& o) { return signature_of(o) == sig; },
      program::MinimizeLimits{args.max_runs}, &st);
  err << in.program.nr_ops() << " ops / " << in.program.schedule.preemptions.size()
      << " preemptions -> " << min.nr_ops() << " ops / " << min.schedule.preemptions.size()
      << " preemptions in " << st.runs << " runs\n";
  min.comments.push_back("minimised from " + args.file + " on " + std::string(p->name) +
                         " keeping: " + sig.key());
  const std::string text = program::print_program(min);
  out << text;
  std::string error;
  if (!args.output.empty() && !program::write_file_atomic(args.output, text, &error)) {
    err << error << "\n";
    return kExitBadInput;
  }
  return sig.verdict == rt::Verdict::kOk ? kExitOk : kExitFinding;
}

}  // namespace report
