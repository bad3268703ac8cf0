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
  for (const Preemption& p : s.preemptions) {
    if (!out.empty()) out += ' ';
    out += std::to_string(p.delay);
    out += ':';
    out += std::to_string(p.tid);
  }
  return out;
}

bool parse_schedule(std::string_view text, Schedule* out, size_t* error_col, std::string* error) {
  Schedule s;
  size_t pos = 0;
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
