// damon-harness encode FILE -o OUT: a text program as fuzzer bytes, e.g. to seed
// a corpus that is kept in the byte format.
#include <fmt/format.h>

#include "harness/cli/commands.h"
#include "harness/program/codec.h"
#include "harness/program/finding.h"
#include "harness/program/load.h"

namespace cli {
namespace {

struct EncodeArgs {
  std::string file;
  std::string out;
};

int encode_main(const EncodeArgs& a) {
  program::Program p;
  std::string err;
  program::InputFormat format;
  if (!program::load_program(a.file, &p, &err, &format)) return bad_input(err);
  if (format != program::InputFormat::kText)
    return bad_input(
        fmt::format("{}: error: not a text program (no 'damon-harness program v1' "
                    "header); it is already bytes",
                    a.file));
  if (!p.setup.empty())
    return bad_input(fmt::format(
        "{}: error: the program has a setup block, which the byte format cannot hold", a.file));
  const std::vector<uint8_t> bytes = program::encode_bytes(p);
  if (!(program::decode_bytes(bytes.data(), bytes.size()) == p))
    fmt::print(stderr,
               "{}: warning: the program exceeds the byte format's limits (delay <= {}, tid <= "
               "{}, {} preemptions); the bytes hold a clamped copy\n",
               a.file, program::kMaxEncodedDelay, program::kMaxEncodedTid,
               program::kMaxPreemptions);
  const std::string data(bytes.begin(), bytes.end());
  if (!program::write_file_atomic(a.out, data, &err)) return bad_input(err);
  return kExitOk;
}

CommandMain setup_encode(CLI::App& app) {
  auto a = std::make_shared<EncodeArgs>();
  app.add_option("FILE", a->file, "text program")->required();
  app.add_option("-o,--output", a->out, "where to write the bytes (atomically)")
      ->required()
      ->type_name("OUT");
  return [a] { return encode_main(*a); };
}

const Registrar kEncode{"encode", "write a text program as fuzzer bytes", 40, setup_encode};

}  // namespace
}  // namespace cli
