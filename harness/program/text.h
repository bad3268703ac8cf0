// The text format of programs (grammar in docs/formats.md):
//
//   damon-harness program v2
//   # free comment lines
//   # expect pause-rfc: lost-request
//   setup: start ctx0          (v2: run to completion before the clients)
//   setup: stop ctx0
//   cpu0: walk ctx0
//   cpu1: start ctx0 exclusive
//   schedule: 3:1 0:2
//
// One operation per line. print_program(parse_program(t)) is stable, and
// parse_program(print_program(p)) == p.
#pragma once

#include <string>
#include <string_view>

#include "harness/program/op.h"

namespace program {

// The newest version; the parser reads every version up to it. v2 added the
// `setup:` block, and printing writes v1 for a program without one.
inline constexpr int kTextFormatVersion = 2;
inline constexpr int kSetupVersion = 2;

struct ParseError {
  int line = 0;    // 1-based
  int column = 0;  // 1-based
  std::string message;
  // "FILE:LINE:COL: error: MESSAGE"
  std::string format(std::string_view file) const;
};

// Returns false and fills *err on malformed input.
bool parse_program(std::string_view text, Program* out, ParseError* err);
std::string print_program(const Program& p);
// True if `data` looks like the text format (starts with the header line, after
// optional blank/comment lines) rather than fuzzer bytes.
bool looks_like_text(std::string_view data);

}  // namespace program
