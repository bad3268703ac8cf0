#include <algorithm>
#include <cstdio>

#include <fmt/format.h>

#include "harness/cli/commands.h"

namespace cli {
namespace {

// A function-local static: registrars in other files run during static
// initialisation, in an order the language leaves open.
std::vector<CommandInfo>& registry() {
  static std::vector<CommandInfo> commands;
  return commands;
}

}  // namespace

Registrar::Registrar(const char* name, const char* description, int order, CommandSetup setup) {
  registry().push_back({name, description, order, setup});
}

std::vector<CommandInfo> registered_commands() {
  std::vector<CommandInfo> out = registry();
  std::sort(out.begin(), out.end(),
            [](const CommandInfo& a, const CommandInfo& b) { return a.order < b.order; });
  return out;
}

RunOptions::RunOptions(CLI::App& app, std::initializer_list<const char*> names) {
  for (const char* name : names) {
    const program::OptionSpec* spec = program::find_option(name);
    if (!spec) throw CLI::BadNameString(fmt::format("no option '{}' in the options table", name));
    auto b = std::make_unique<Bound>(Bound{spec, "", nullptr});
    b->opt = app.add_option(fmt::format("--{}", name), b->value, program::option_help(*spec));
    b->opt->type_name(spec->name == "profile" ? "PROFILE" : "VALUE");
    bound_.push_back(std::move(b));
  }
}

bool RunOptions::apply(program::Settings* s) const {
  std::string err;
  if (!program::settings_from_env(s, &err)) {
    bad_input(err);
    return false;
  }
  for (const auto& b : bound_) {
    if (b->opt->count() == 0) continue;
    if (!program::set_option(s, b->spec->name, b->value, &err)) {
      bad_input(err);
      return false;
    }
  }
  return true;
}

bool RunOptions::given(const char* name) const {
  for (const auto& b : bound_)
    if (b->spec->name == name) return b->opt->count() > 0;
  return false;
}

int bad_input(const std::string& message) {
  if (message.find("error:") == std::string::npos)
    std::fprintf(stderr, "damon-harness: error: %s\n", message.c_str());
  else
    std::fprintf(stderr, "%s\n", message.c_str());
  return kExitBadInput;
}

}  // namespace cli
