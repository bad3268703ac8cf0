// Loading programs from files, for every front end: the text format or fuzzer
// bytes, told apart by looks_like_text(). Every error is one line a person can
// act on: "FILE:LINE:COL: error: MESSAGE" for parse errors (the column points at
// the offending token), "FILE: error: MESSAGE" for files that cannot be read.
#pragma once

#include <string>
#include <vector>

#include "harness/program/op.h"

namespace program {

enum class InputFormat { kText, kBytes };

// Reads the whole file. Errors: "FILE: error: cannot read: <strerror>".
bool read_file(const std::string& path, std::string* data, std::string* err);
// Reads and decodes `path` in whichever format it is in.
bool load_program(const std::string& path, Program* out, std::string* err,
                  InputFormat* format = nullptr);
// Parses `data` (read from `path`) as text, or decodes it as bytes.
bool program_from_data(const std::string& path, const std::string& data, Program* out,
                       std::string* err, InputFormat* format = nullptr);

// The regular files to process for `path`: the file itself, or the files of a
// folder (not recursive, sorted by name, hidden files left out). Errors:
// "PATH: error: ..." when `path` is neither.
bool list_inputs(const std::string& path, std::vector<std::string>* files, std::string* err);

}  // namespace program
