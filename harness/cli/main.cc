// damon-harness: one binary, one subcommand per file (see commands.h).
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "harness/cli/commands.h"

namespace {

std::string footer() {
  std::string env;
  for (const program::OptionSpec& o : program::option_table())
    if (!o.env.empty()) env += fmt::format("  {:<28} --{}\n", o.env, o.name);
  return fmt::format(
      "Environment (the command line wins over the environment):\n{}\n"
      "Exit codes: 0 no finding, 1 finding (or a failed check), 2 bad input.\n"
      "Run 'damon-harness SUBCOMMAND --help' for the options of each subcommand.",
      env);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "damon-harness: a concurrency harness for the Linux DAMON control plane "
      "(damon_start/stop, damon_call, damos_walk, commit, pause)",
      "damon-harness"};
  app.require_subcommand(1);
  app.footer(footer());
  std::vector<std::pair<CLI::App*, cli::CommandMain>> commands;
  for (const cli::CommandInfo& c : cli::registered_commands()) {
    CLI::App* sub = app.add_subcommand(c.name, c.description);
    commands.emplace_back(sub, c.setup(*sub));
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? cli::kExitOk : cli::kExitBadInput;
  }
  for (auto& [sub, run] : commands)
    if (sub->parsed()) return run();
  return cli::kExitBadInput;
}
