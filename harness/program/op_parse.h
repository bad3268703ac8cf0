// Private to the text format: the tokens of one "cpuN:" line to an Op. The
// grammar is in docs/formats.md; format_op() prints the canonical form.
#pragma once

#include <string_view>
#include <vector>

#include "harness/program/op.h"
#include "harness/program/text.h"

namespace program {

struct Token {
  std::string_view text;
  int column = 0;  // 1-based, in the whole line
};

// Splits on spaces and tabs; `first_column` is the column of text[0].
std::vector<Token> tokenize(std::string_view text, int first_column);

// Parses `tokens` (the operation name first) into *op, leaving the fields the
// kind does not use at their defaults. On error sets err->column and
// err->message (err->line is the caller's). `end_column` is where a missing
// token would have started.
bool parse_op(const std::vector<Token>& tokens, int end_column, Op* op, ParseError* err);

}  // namespace program
