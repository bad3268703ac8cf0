// Timelines in the style of the DAMON review thread's diagrams: one column
// per acting thread (clients first, in their order and labelled cpuN as the
// diagrams label theirs, then kdamonds as they appear; teardown only when it does more than check
// and wait; setup only with show_all), time flowing downward, one row per protocol-level step. A
// kthread that starts after one of the same name exited (the kdamond of a restarted context)
// continues that column.
//
// Promises:
//  - every line is at most `width` display columns (labels are cut with "…"/"~");
//  - style kBox uses │ ─ ┼ ▼, style kAscii only 7-bit characters (| - + v);
//  - an op's start shows as the kernel API it calls ("damos_walk()"), its return
//    as "▼return -EINVAL"; a kthread's steps are grouped under "func()" headers,
//    placed where the function was entered even when its first steps are hidden;
//  - mutex lock/unlock and plain reads are hidden unless show_all;
//  - runs of the same step by the same thread collapse into one row ("… ×3");
//  - a blocked thread ends with "▼ nobody completes it" (a completion nobody can
//    reach) or "▼ waits: WHAT", a thread still runnable in a livelock with
//    "▼ never gets anywhere"; the finding's summary follows the diagram;
//  - at most max_rows rows: the middle of a longer trace is elided.
#pragma once

#include <string>

#include "harness/program/executor.h"

namespace report {

enum class TimelineStyle { kBox, kAscii };

struct TimelineOptions {
  int width = 80;
  TimelineStyle style = TimelineStyle::kBox;
  bool show_all = false;
  int max_rows = 120;
};

// `o` must come from a run with Options::record_trace.
std::string render_timeline(const program::Outcome& o, const TimelineOptions& opt);

// The kernel API an op line calls: "walk ctx0" -> "damos_walk()".
std::string api_of_op(const std::string& op);

// Display columns of UTF-8 text (one per code point).
int display_width(std::string_view s);

}  // namespace report
