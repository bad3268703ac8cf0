// damon-harness check DIR|FILE: run every "# expect <profile>: <verdict>" line of
// text programs and report the ones that do not hold.
#include <filesystem>

#include <fmt/format.h>

#include "harness/cli/commands.h"
#include "harness/program/load.h"
#include "harness/program/text.h"

namespace cli {
namespace {

// A program without a schedule that is expected to find something may need a
// particular interleaving: seeds 0..kRandomSeeds-1 of the random strategy get a go.
constexpr uint64_t kRandomSeeds = 200;

struct CheckArgs {
  std::string path;
  std::string profile;  // only this profile's expectations; empty: all
};

struct Tally {
  int passed = 0;
  int failed = 0;
  int bad = 0;
};

// "FILE:LINE:COL" of the profile name in the first expectation naming `profile`.
std::string expect_location(const std::string& file, std::string_view text,
                            std::string_view profile) {
  int line_no = 0;
  for (size_t pos = 0; pos < text.size();) {
    const size_t nl = std::min(text.find('\n', pos), text.size());
    const std::string_view line = text.substr(pos, nl - pos);
    line_no++;
    const size_t e = line.find("expect");
    const size_t p = e == std::string_view::npos ? e : line.find(profile, e + 6);
    if (line.find('#') < e && p != std::string_view::npos)
      return fmt::format("{}:{}:{}", file, line_no, p + 1);
    pos = nl + 1;
  }
  return file;
}

rt::Verdict run_once(const program::Program& p, const program::ProfileInfo* profile,
                     program::StrategyKind strategy, uint64_t seed) {
  program::Settings s;
  s.strategy = strategy;
  s.seed = seed;
  program::RunConfig cfg = program::make_run_config(s, profile, 0);
  cfg.options.record_trace = false;
  return program::execute(p, cfg).verdict;
}

// Empty when the expectation holds, else what happened instead.
std::string check_expect(const program::Program& p, const program::ProfileInfo* profile,
                         rt::Verdict want, std::string* how) {
  const rt::Verdict got = run_once(p, profile, program::StrategyKind::kProgram, 0);
  if (got == want) return "";
  if (p.schedule.empty() && want != rt::Verdict::kOk) {
    for (uint64_t seed = 0; seed < kRandomSeeds; seed++) {
      if (run_once(p, profile, program::StrategyKind::kRandom, seed) == want) {
        *how = fmt::format(" (with --strategy random --seed {})", seed);
        return "";
      }
    }
    return fmt::format("{} (and no random seed 0..{} gave {})", rt::verdict_name(got),
                       kRandomSeeds - 1, rt::verdict_name(want));
  }
  return std::string(rt::verdict_name(got));
}

void check_program(const std::string& file, const std::string& text, const program::Program& p,
                   const CheckArgs& a, Tally* t) {
  int checked = 0;
  for (const program::Expect& e : p.expects) {
    if (!a.profile.empty() && e.profile != a.profile) continue;
    const program::ProfileInfo* profile = program::find_profile(e.profile);
    if (!profile && e.profile.rfind("linux-", 0) == 0) {
      // A kernel-tree profile (docs/tree.md) this build has no tree for.
      fmt::print("note {}: {} is a kernel tree not built in (DWH_KERNEL_TREES)\n", file, e.profile);
      continue;
    }
    if (!profile) {
      t->bad++;
      bad_input(fmt::format("{}: error: unknown profile '{}' (profiles: {})",
                            expect_location(file, text, e.profile), e.profile,
                            program::profile_names()));
      continue;
    }
    checked++;
    std::string how;
    const std::string got = check_expect(p, profile, e.verdict, &how);
    if (got.empty()) {
      t->passed++;
      fmt::print("ok   {} {}: {}{}\n", file, e.profile, rt::verdict_name(e.verdict), how);
      continue;
    }
    t->failed++;
    fmt::print("FAIL {} {}: expected {}, got {}\n     replay: damon-harness run {} --profile {}\n",
               file, e.profile, rt::verdict_name(e.verdict), got, file, e.profile);
  }
  if (checked == 0)
    fmt::print("note {}: no expectation{}\n", file,
               a.profile.empty() ? "" : fmt::format(" for profile {}", a.profile));
}

// In a folder, only text programs are checked: *.txt files and anything that
// looks like the text format (fuzzer byte inputs are skipped).
void check_file(const std::string& file, bool in_folder, const CheckArgs& a, Tally* t) {
  std::string text, err;
  if (!program::read_file(file, &text, &err)) {
    bad_input(err + (in_folder ? " (skipped)" : ""));
    if (!in_folder) t->bad++;
    return;
  }
  if (in_folder && !file.ends_with(".txt") && !program::looks_like_text(text)) return;
  program::Program p;
  program::ParseError pe;
  if (!program::parse_program(text, &p, &pe)) {
    t->bad++;
    bad_input(pe.format(file));
    return;
  }
  check_program(file, text, p, a, t);
}

int check_main(const CheckArgs& a) {
  if (!a.profile.empty() && !program::find_profile(a.profile))
    return bad_input(fmt::format("--profile: unknown profile '{}' (profiles: {})", a.profile,
                                 program::profile_names()));
  std::vector<std::string> files;
  std::string err;
  if (!program::list_inputs(a.path, &files, &err)) return bad_input(err);
  const bool in_folder = std::filesystem::is_directory(a.path);
  Tally t;
  for (const std::string& f : files) check_file(f, in_folder, a, &t);
  fmt::print("{} passed, {} failed{}\n", t.passed, t.failed,
             t.bad ? fmt::format(", {} bad input", t.bad) : "");
  if (t.bad) return kExitBadInput;
  return t.failed ? kExitFinding : kExitOk;
}

CommandMain setup_check(CLI::App& app) {
  auto a = std::make_shared<CheckArgs>();
  app.add_option("PATH", a->path, "a text program, or a folder of them")->required();
  app.add_option("--profile", a->profile,
                 "check only the expectations for this profile (default: every expectation; "
                 "DAMON_PROFILE is not consulted)")
      ->type_name("PROFILE");
  app.footer(fmt::format(
      "Each '# expect <profile>: <verdict>' line is run on the sim runtime with the program's "
      "own schedule. When the program has no schedule and the expected verdict is not ok, "
      "the random strategy with seeds 0..{} is tried as well, and the expectation holds if "
      "any of those runs gives the expected verdict.\n"
      "In a folder, *.txt files and files in the text format are checked; unreadable files "
      "are reported and skipped. Prints 'N passed, N failed' at the end.\n"
      "Exit codes: 0 all hold, 1 a mismatch, 2 bad input (unknown profile, parse error).",
      kRandomSeeds - 1));
  return [a] { return check_main(*a); };
}

const Registrar kCheck{"check", "run the '# expect' lines of text programs", 20, setup_check};

}  // namespace
}  // namespace cli
