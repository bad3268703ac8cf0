#include "harness/cli/trace.h"

#include <fmt/format.h>

namespace cli {
namespace {

std::string_view kind_word(rt::TraceKind k) {
  switch (k) {
    case rt::TraceKind::kPoint:
      return "";
    case rt::TraceKind::kBlock:
      return "blocks at ";
    case rt::TraceKind::kWake:
      return "wakes at ";
    case rt::TraceKind::kNote:
      return "# ";
    case rt::TraceKind::kStart:
      return "starts ";
    case rt::TraceKind::kExit:
      return "exits ";
  }
  return "";
}

std::string entry_text(const rt::RunResult& run, const rt::TraceEntry& e) {
  if (e.kind == rt::TraceKind::kNote)
    return e.note < run.notes.size() ? "# " + run.notes[e.note] : "# ?";
  return fmt::format("{}{}", kind_word(e.kind), e.site ? rt::site_text(e.site) : "");
}

}  // namespace

std::vector<std::string> trace_lines(const rt::RunResult& run) {
  std::vector<std::string> out;
  out.reserve(run.trace.size());
  for (size_t i = 0; i < run.trace.size(); i++) {
    const rt::TraceEntry& e = run.trace[i];
    const std::string thread = e.tid < run.threads.size() ? run.threads[e.tid].name : "?";
    out.push_back(fmt::format("{:>6} {:>3} {:<10} {}", i, e.tid, thread, entry_text(run, e)));
  }
  return out;
}

void print_trace(const rt::RunResult& run) {
  if (run.trace.empty()) {
    fmt::print("trace: none recorded (the os runtime keeps no trace)\n");
    return;
  }
  fmt::print("trace ({} entries; index, tid, thread, point):\n", run.trace.size());
  for (const std::string& line : trace_lines(run)) fmt::print("{}\n", line);
}

}  // namespace cli
