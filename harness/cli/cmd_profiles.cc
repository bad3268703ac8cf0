// damon-harness profiles: the kernel versions the model knows, then the kernel
// trees built in, with their source and the operations their code has.
#include <fmt/format.h>

#include <memory>

#include "harness/cli/commands.h"

namespace cli {
namespace {

int profiles_main(bool fields) {
  if (fields) {
    fmt::print("{}", program::model_profile_fields_text());
    return kExitOk;
  }
  size_t width = 7;
  for (const program::ProfileInfo& p : program::profiles()) width = std::max(width, p.name.size());
  fmt::print("{:<{}}  {}\n", "profile", width, "summary / source");
  for (const program::ProfileInfo& p : program::profiles()) {
    fmt::print("{:<{}}  {}\n{:<{}}  source: {}\n", p.name, width, p.summary, "", width, p.source);
    if (p.is_tree() || p.features.ops != program::Features::kAllOps)
      fmt::print("{:<{}}  features: {}\n", "", width, p.features.describe());
  }
  fmt::print("default: {} (--profile, or DAMON_PROFILE)\n", program::Settings{}.profile);
  return kExitOk;
}

CommandMain setup_profiles(CLI::App& app) {
  auto fields = std::make_shared<bool>(false);
  app.add_flag("--fields", *fields,
               "print every field of every row, fully expanded (tests/golden/profiles-fields.txt)");
  return [fields] { return profiles_main(*fields); };
}

const Registrar kProfiles{"profiles",
                          "list the profiles: name, summary, source (model or kernel tree)", 50,
                          setup_profiles};

}  // namespace
}  // namespace cli
