// Subcommands of damon-harness. Each lives in its own harness/cli/cmd_<name>.cc
// and registers itself with a static Registrar, so adding a subcommand is adding
// a file (harness/cli/CMakeLists.txt globs cmd_*.cc into the executable, never
// into a static library, where unreferenced registrars would be dropped):
//
//   namespace {
//   cli::CommandMain setup_triage(CLI::App& app) { ...add options...; return [..] { ... }; }
//   const cli::Registrar kTriage{"triage", "group findings by signature", 60, setup_triage};
//   }
//
// Order numbers place the subcommands in --help: run 10, check 20, decode 30,
// encode 40, profiles 50, triage 60, minimize 70, timeline 80.
//
// Exit codes, for every subcommand: 0 = nothing found, 1 = a finding (or a
// failed check), 2 = bad input (command line, unknown profile, unreadable file,
// parse error).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "harness/program/options.h"

namespace cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFinding = 1;
inline constexpr int kExitBadInput = 2;

// Runs the parsed subcommand; returns the exit code.
using CommandMain = std::function<int()>;
// Adds the subcommand's options to `app` (already named and described) and
// returns what runs it once the command line has been parsed.
using CommandSetup = CommandMain (*)(CLI::App& app);

struct CommandInfo {
  const char* name;
  const char* description;
  int order;
  CommandSetup setup;
};

class Registrar {
 public:
  Registrar(const char* name, const char* description, int order, CommandSetup setup);
};

// In `order` order.
std::vector<CommandInfo> registered_commands();

// The run knobs of harness/program/options.h on a subcommand: --NAME for each
// name in `names`, help text and default from the table. apply() starts from the
// defaults and the environment, then applies what the command line gave.
class RunOptions {
 public:
  RunOptions(CLI::App& app, std::initializer_list<const char*> names);
  // On error prints "error: ..." to stderr and returns false (exit 2).
  bool apply(program::Settings* s) const;
  bool given(const char* name) const;

 private:
  struct Bound {
    const program::OptionSpec* spec;
    std::string value;
    CLI::Option* opt;
  };
  std::vector<std::unique_ptr<Bound>> bound_;
};

// "error: MESSAGE" on stderr; returns kExitBadInput.
int bad_input(const std::string& message);

}  // namespace cli
