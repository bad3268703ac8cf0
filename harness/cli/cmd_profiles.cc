// damon-harness profiles: the kernel versions the model knows.
#include <fmt/format.h>

#include <memory>

#include "harness/cli/commands.h"

namespace cli {
namespace {

int profiles_main(bool fields) {
  if (fields) {
    fmt::print("{}", damon::profile_fields_text());
    return kExitOk;
  }
  size_t width = 7;
  for (const damon::Profile& p : damon::profiles()) width = std::max(width, p.name.size());
  fmt::print("{:<{}}  {}\n", "profile", width, "summary / kernel ref");
  for (const damon::Profile& p : damon::profiles())
    fmt::print("{:<{}}  {}\n{:<{}}  ref: {}\n", p.name, width, p.summary, "", width, p.kernel_ref);
  fmt::print("default: {} (--profile, or DAMON_PROFILE)\n", program::Settings{}.profile);
  return kExitOk;
}

CommandMain setup_profiles(CLI::App& app) {
  auto fields = std::make_shared<bool>(false);
  app.add_flag("--fields", *fields,
               "print every field of every row, fully expanded (tests/golden/profiles-fields.txt)");
  return [fields] { return profiles_main(*fields); };
}

const Registrar kProfiles{"profiles", "list the kernel profiles: name, summary, kernel ref", 50,
                          setup_profiles};

}  // namespace
}  // namespace cli
