#include "harness/report/commands.h"

#include "harness/program/explore.h"
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

program::RunConfig replay_config(const program::ProfileInfo* p, bool trace) {
  program::RunConfig cfg;
  cfg.profile = p;
  cfg.strategy = program::StrategyKind::kProgram;
  cfg.options.record_trace = trace;
  return cfg;
}

// The fewest preemptions that keep the signature: a search of min's schedules
// deepened from 0 up to what min's own schedule takes. A schedule found with
// fewer replaces min's.
void fewest_preemptions(program::Program* min, const program::RunConfig& cfg, const Signature& sig,
                        uint64_t max_schedules, std::ostream& err) {
  const size_t have = program::execute(*min, cfg).run.schedule.preemptions.size();
  program::ExploreConfig ec;
  ec.run = cfg;
  ec.run.options.record_trace = false;
  ec.max_preemptions = static_cast<int>(have);
  ec.max_schedules = max_schedules;
  program::Outcome best;
  int fewest = -1;
  const program::ExploreResult r =
      program::explore(*min, ec, [&](const program::Outcome& o, int preemptions) {
        if (signature_of(o) != sig) return false;
        best = o;
        fewest = preemptions;
        return true;
      });
  std::string line;
  if (fewest >= 0) {
    if (static_cast<size_t>(fewest) < have) min->schedule = best.replay.schedule;
    line = "fewest preemptions that keep the signature: " + std::to_string(fewest) +
           (fewest ? " (every schedule with fewer run; " + std::to_string(r.schedules) +
                         " schedules in all)"
                   : "");
  } else {
    const int reached = r.bounds.empty() ? 0 : r.bounds.back().preemptions;
    line = "fewest preemptions that keep the signature: at most " + std::to_string(have) +
           " (the search for fewer ran out of budget at " + std::to_string(reached) +
           " preemptions, " + std::to_string(r.schedules) + " schedules)";
  }
  err << line << "\n";
  min->comments.push_back(line);
}

}  // namespace

const program::ProfileInfo* pick_profile(const std::string& requested, const Input& in,
                                         std::string* error) {
  const std::string name = !requested.empty()    ? requested
                           : !in.profile.empty() ? in.profile
                                                 : kDefaultProfile;
  const program::ProfileInfo* p = program::find_profile(name);
  if (!p)
    *error =
        "unknown profile '" + name + "' (known: " + std::string(program::profile_names()) + ")";
  return p;
}

int triage_command(const TriageArgs& args, std::ostream& out, std::ostream& err) {
  if (!args.options.profile.empty() && !program::find_profile(args.options.profile)) {
    err << "error: unknown profile '" << args.options.profile
        << "' (known: " << program::profile_names() << ")\n";
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
const program::ProfileInfo* load_for_replay(const std::string& file, const std::string& profile,
                                            Input* in, std::ostream& err) {
  if (!load_one(file, in, err)) return nullptr;
  std::string error;
  const program::ProfileInfo* p = pick_profile(profile, *in, &error);
  if (!p) err << "error: " << error << "\n";
  return p;
}

}  // namespace

int timeline_command(const TimelineArgs& args, std::ostream& out, std::ostream& err) {
  Input in;
  const program::ProfileInfo* p = load_for_replay(args.file, args.profile, &in, err);
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
  const program::ProfileInfo* p = load_for_replay(args.file, args.profile, &in, err);
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
  if (sig.verdict != rt::Verdict::kOk && args.search_max_schedules > 0)
    fewest_preemptions(&min, cfg, sig, args.search_max_schedules, err);
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
