// damon-harness decode FILE: a fuzzer input as a text program.
#include <fmt/format.h>

#include "harness/cli/commands.h"
#include "harness/program/load.h"
#include "harness/program/text.h"

namespace cli {
namespace {

int decode_main(const std::string& file) {
  program::Program p;
  std::string err;
  program::InputFormat format;
  if (!program::load_program(file, &p, &err, &format)) return bad_input(err);
  if (format == program::InputFormat::kBytes)
    p.comments.insert(p.comments.begin(), fmt::format("decoded from {}", file));
  fmt::print("{}", program::print_program(p));
  return kExitOk;
}

CommandMain setup_decode(CLI::App& app) {
  auto file = std::make_shared<std::string>();
  app.add_option("FILE", *file, "fuzzer bytes (a text program is printed in canonical form)")
      ->required();
  return [file] { return decode_main(*file); };
}

const Registrar kDecode{"decode", "print a fuzzer input (bytes) as a text program", 30,
                        setup_decode};

}  // namespace
}  // namespace cli
