// fuzz_program_text: the two program formats agree with each other and with
// themselves. For any bytes b, with p = decode(b):
//   parse(print(p)) == p, print(parse(print(p))) == print(p), decode(encode(p)) == p;
// and any text either fails to parse cleanly or prints to a fixed point.
// An inconsistency is a harness bug: it traps in replay mode too.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "fuzz/common.h"
#include "harness/program/codec.h"
#include "harness/program/text.h"

namespace {

[[noreturn]] void inconsistent(const char* what, const std::string& text) {
  std::fprintf(stderr, "==DAMON-HARNESS== FORMAT BUG: %s\n--- printed program ---\n%s---\n", what,
               text.c_str());
  __builtin_trap();
}

// The printed form of a parsed program is a fixed point of parse + print.
void check_fixed_point(const program::Program& p) {
  const std::string t1 = program::print_program(p);
  program::Program q;
  program::ParseError err;
  if (!program::parse_program(t1, &q, &err)) inconsistent(err.format("<printed>").c_str(), t1);
  if (!(q == p)) inconsistent("parse(print(p)) != p", t1);
  if (program::print_program(q) != t1) inconsistent("print(parse(print(p))) != print(p)", t1);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  fuzz::init("fuzz_program_text", *argc, *argv);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const program::Program p = program::decode_bytes(data, size);
  check_fixed_point(p);
  const std::vector<uint8_t> bytes = program::encode_bytes(p);
  if (!(program::decode_bytes(bytes.data(), bytes.size()) == p))
    inconsistent("decode(encode(p)) != p", program::print_program(p));

  const std::string_view text(reinterpret_cast<const char*>(data), size);
  program::Program t;
  program::ParseError err;
  if (program::parse_program(text, &t, &err)) check_fixed_point(t);
  return 0;
}
