#include "harness/runtime/schedule.h"

#include <charconv>
#include <limits>

namespace rt {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t';
}

// Reads a decimal number at text[*pos]; leaves *pos after it. Fails on no digits
// and on overflow of `max`.
bool read_number(std::string_view text, size_t* pos, uint64_t max, uint64_t* out) {
  const char* first = text.data() + *pos;
  const char* last = text.data() + text.size();
  auto [end, ec] = std::from_chars(first, last, *out);
  if (end == first) return false;
  *pos += end - first;
  return ec == std::errc() && *out <= max;
}

bool fail(size_t col, std::string msg, size_t* error_col, std::string* error) {
  *error_col = col;
  *error = std::move(msg);
  return false;
}

}  // namespace

std::string format_schedule(const Schedule& s) {
  std::string out;
  if (s.pct) {
    out = "pct seed=" + std::to_string(s.pct->seed) + " points=";
    for (size_t i = 0; i < s.pct->points.size(); i++) {
      if (i) out += ',';
      const uint16_t pt = s.pct->points[i];
      if (s.pct->per_thread)
        out += std::to_string(PctSchedule::point_tid(pt)) + "@" +
               std::to_string(PctSchedule::point_count(pt));
      else
        out += std::to_string(pt);
    }
    if (s.pct->acquire_only) out += " at=acquire";
    return out;
  }
  for (const Preemption& p : s.preemptions) {
    if (!out.empty()) out += ' ';
    out += std::to_string(p.delay);
    out += ':';
    out += std::to_string(p.tid);
  }
  return out;
}

namespace {

// "pct seed=N points=A,B,..." from text[pos], just after "pct".
bool parse_pct(std::string_view text, size_t pos, Schedule* out, size_t* error_col,
               std::string* error) {
  PctSchedule pct;
  auto skip_spaces = [&] {
    while (pos < text.size() && is_space(text[pos])) pos++;
  };
  auto keyword = [&](std::string_view kw) {
    skip_spaces();
    if (text.substr(pos, kw.size()) != kw) return false;
    pos += kw.size();
    return true;
  };
  if (!keyword("seed=")) return fail(pos, "expected 'seed=N' after 'pct'", error_col, error);
  uint64_t v = 0;
  const size_t seed_col = pos;
  if (!read_number(text, &pos, std::numeric_limits<uint16_t>::max(), &v))
    return fail(seed_col, "expected a seed in 0..65535", error_col, error);
  pct.seed = static_cast<uint16_t>(v);
  if (!keyword("points=")) return fail(pos, "expected 'points=A,B,...'", error_col, error);
  for (bool first = true; first || (pos < text.size() && text[pos] == ','); first = false) {
    if (!first) pos++;
    const size_t col = pos;
    if (first && (pos == text.size() || is_space(text[pos]))) break;  // "points=" with none
    if (pct.points.size() == kMaxPctPoints)
      return fail(col, "more than " + std::to_string(kMaxPctPoints) + " change points", error_col,
                  error);
    // "T@N" (per thread) or "N"; one form per schedule.
    size_t digits = pos;
    while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') digits++;
    const bool thread_form = digits < text.size() && text[digits] == '@';
    if (!first && thread_form != pct.per_thread)
      return fail(col, "change points mix N and T@N", error_col, error);
    pct.per_thread = thread_form;
    if (thread_form) {
      uint64_t n = 0;
      if (!read_number(text, &pos, 7, &v))
        return fail(col, "expected a thread id in 0..7 before '@'", error_col, error);
      const size_t n_col = ++pos;
      if (!read_number(text, &pos, 512, &n) || n == 0)
        return fail(n_col, "expected a count in 1..512 after '@'", error_col, error);
      pct.points.push_back(
          PctSchedule::thread_point(static_cast<int>(v), static_cast<uint32_t>(n)));
      continue;
    }
    if (!read_number(text, &pos, kMaxPctPoint, &v) || v == 0)
      return fail(col, "expected a change point in 1.." + std::to_string(kMaxPctPoint), error_col,
                  error);
    pct.points.push_back(static_cast<uint16_t>(v));
  }
  skip_spaces();
  const size_t at_col = pos;
  if (keyword("at=")) {
    if (text.substr(pos, 7) != "acquire")
      return fail(at_col, "expected 'at=acquire'", error_col, error);
    pos += 7;
    pct.acquire_only = true;
  }
  skip_spaces();
  if (pos != text.size())
    return fail(pos, "unexpected text after the PCT schedule", error_col, error);
  out->preemptions.clear();
  out->pct = std::move(pct);
  return true;
}

}  // namespace

bool parse_schedule(std::string_view text, Schedule* out, size_t* error_col, std::string* error) {
  Schedule s;
  size_t pos = 0;
  while (pos < text.size() && is_space(text[pos])) pos++;
  if (text.substr(pos, 3) == "pct") {
    if (!parse_pct(text, pos + 3, &s, error_col, error)) return false;
    *out = std::move(s);
    return true;
  }
  for (;;) {
    while (pos < text.size() && is_space(text[pos])) pos++;
    if (pos == text.size()) break;
    const size_t start = pos;
    uint64_t delay = 0, tid = 0;
    if (!read_number(text, &pos, std::numeric_limits<uint32_t>::max(), &delay))
      return fail(start, "expected 'delay:tid' with delay in 0..4294967295", error_col, error);
    if (pos == text.size() || text[pos] != ':')
      return fail(pos, "expected ':' after the delay", error_col, error);
    const size_t tid_col = ++pos;
    if (!read_number(text, &pos, std::numeric_limits<uint8_t>::max(), &tid))
      return fail(tid_col, "expected a thread id in 0..255 after ':'", error_col, error);
    if (pos < text.size() && !is_space(text[pos]))
      return fail(pos, "expected a space between preemptions", error_col, error);
    s.preemptions.push_back({static_cast<uint32_t>(delay), static_cast<uint8_t>(tid)});
  }
  *out = std::move(s);
  return true;
}

}  // namespace rt
