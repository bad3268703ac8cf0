// Triage inputs: libFuzzer artifacts (crash-*, timeout-*, leak-*, oom-*,
// slow-unit-*: raw bytes, decoded with decode_bytes), finding files and text
// programs (the text format; a finding file's header comments may name the
// runtime and profile it was found on), and directories of them, walked
// recursively.
//
// Promises: input files are only read; a file that cannot be read or parsed is
// returned in `skipped` with the reason and never stops the collection; a file
// is a text program when its content is one (as the fuzz targets decide, whatever
// its name), else fuzzer bytes if named explicitly or an artifact, while inside a
// directory other files are skipped; in a directory, an artifact with a finding
// file beside it ("crash-<sha1>" and "crash-<sha1>.txt", as the fuzz targets
// write them) is one input, read from the finding file (same program, plus the
// header naming its profile and runtime).
#pragma once

#include <string>
#include <vector>

#include "harness/program/op.h"
#include "harness/runtime/execution.h"

namespace report {

enum class InputKind { kArtifact, kText };

struct Input {
  std::string path;
  InputKind kind = InputKind::kText;
  program::Program program;
  std::string header;                               // header comments, one per line
  rt::RuntimeKind runtime = rt::RuntimeKind::kSim;  // "runtime: os" in the header
  std::string profile;                              // "profile: X" in the header, else first expect
};

struct Skipped {
  std::string path;
  std::string reason;
};

// True for libFuzzer artifact file names.
bool is_artifact_name(const std::string& filename);

// Reads one file. Returns false with *reason set when it cannot.
bool load_input(const std::string& path, bool explicit_path, Input* out, std::string* reason);

// Expands `paths` (files and directories) into inputs, sorted by path.
void collect_inputs(const std::vector<std::string>& paths, std::vector<Input>* inputs,
                    std::vector<Skipped>* skipped);

}  // namespace report
