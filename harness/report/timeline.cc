#include "harness/report/timeline.h"

#include <algorithm>
#include <map>
#include <set>

namespace report {

namespace {

constexpr std::string_view kHiddenLabels[] = {"kthread_should_stop",
                                              "ops.target_valid",
                                              "sleep",
                                              "init_completion",
                                              "reinit_completion",
                                              "init request",
                                              "call walk_fn",
                                              "get_task_struct",
                                              "put_task_struct",
                                              "wait for client",
                                              "kthread exit",
                                              "nr_running_ctxs++",
                                              "nr_running_ctxs--",
                                              "clear running_exclusive_ctxs"};

struct Row {
  int col = -1;
  std::string text;
  int repeat = 1;
  std::vector<bool> open;  // per column: inside an op or a function group
};

bool starts_with(std::string_view s, std::string_view p) {
  return s.rfind(p, 0) == 0;
}

bool hidden_label(std::string_view label) {
  if (starts_with(label, "mutex_") || starts_with(label, "read ") || starts_with(label, "check "))
    return true;
  return std::find(std::begin(kHiddenLabels), std::end(kHiddenLabels), label) !=
         std::end(kHiddenLabels);
}

std::string truncate_to(const std::string& s, int w) {
  if (display_width(s) <= w) return s;
  std::string out;
  int n = 0;
  for (size_t i = 0; i < s.size(); i++) {
    const bool lead = (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80;
    if (lead && ++n > w - 1) break;
    out += s[i];
  }
  return out + "…";
}

std::string pad_to(std::string s, int w) {
  return s + std::string(std::max(0, w - display_width(s)), ' ');
}

// Builds rows from the trace, one thread state machine per runtime thread.
class Builder {
 public:
  Builder(const program::Outcome& o, const TimelineOptions& opt) : o_(o), opt_(opt) {}

  void build() {
    // Clients first, in their order (cpu0, cpu1, ...), as in the review thread's
    // diagrams; kthreads and the teardown follow as they appear.
    for (const rt::TraceEntry& e : o_.run.trace)
      if (e.kind == rt::TraceKind::kNote && is_client(e.tid)) client_tids_.insert(e.tid);
    for (int tid : client_tids_) column(tid);
    for (const rt::TraceEntry& e : o_.run.trace) take(e);
    if (!o_.run.findings.empty())
      for (const rt::BlockedThread& b : o_.run.findings.front().blocked) end_blocked(b);
  }
  std::vector<Row> rows() const { return rows_; }
  std::vector<int> column_tids() const { return cols_; }

 private:
  const std::string& name(int tid) const { return o_.run.threads[tid].name; }
  bool is_client(int tid) const { return o_.run.threads[tid].kind == rt::ThreadKind::kClient; }

  bool shown(int tid, const rt::Site* site) const {
    const rt::ThreadKind k = o_.run.threads[tid].kind;
    // The setup thread shows when it runs the program's setup block.
    if (k == rt::ThreadKind::kSetup && !opt_.show_all && o_.replay.setup.empty()) return false;
    if (opt_.show_all) return true;
    if (hidden_label(site->label)) return false;
    if (k != rt::ThreadKind::kTeardown) return true;
    const std::string_view f = site->func;
    return f != "damon_is_running" && f != "teardown_body";
  }

  // A kthread takes over the column of an exited one of the same name (the
  // kdamond of a restarted context), so a restart does not cost a column.
  int column(int tid) {
    if (auto it = col_of_.find(tid); it != col_of_.end()) return it->second;
    for (size_t c = 0; c < cols_.size(); c++) {
      if (!exited_[c] || name(cols_[c]) != name(tid)) continue;
      exited_[c] = false;
      return col_of_[tid] = static_cast<int>(c);
    }
    cols_.push_back(tid);
    open_.push_back(false);
    exited_.push_back(false);
    for (Row& r : rows_) r.open.push_back(false);
    return col_of_[tid] = static_cast<int>(cols_.size()) - 1;
  }

  void emit(int tid, std::string text, bool open_after) {
    const int c = column(tid);
    if (!rows_.empty() && rows_.back().col == c && rows_.back().text == text) {
      rows_.back().repeat++;
    } else {
      rows_.push_back(Row{c, std::move(text), 1, open_});
    }
    open_[c] = open_after;
  }

  // A header goes where its function was entered, not where its first shown
  // step is: damos_walk_cancel() reads the request (a hidden step) long before
  // it marks it, and the race is in between.
  void insert_header(int tid, std::string text) {
    const int c = column(tid);
    size_t at = std::min(entered_[tid], rows_.size());
    for (size_t i = rows_.size(); i-- > at;)
      if (rows_[i].col == c) {
        at = i + 1;
        break;
      }
    Row header{c, std::move(text), 1, at < rows_.size() ? rows_[at].open : open_};
    rows_.insert(rows_.begin() + static_cast<long>(at), std::move(header));
    for (size_t i = at + 1; i < rows_.size(); i++) rows_[i].open[c] = true;
    for (auto& [other, row] : entered_)
      if (other != tid && row >= at) row++;
    open_[c] = true;
  }

  void take(const rt::TraceEntry& e) {
    if (e.kind == rt::TraceKind::kNote) return take_note(e.tid, o_.run.notes[e.note]);
    if (e.kind != rt::TraceKind::kPoint || !e.site) return;
    if (last_func_[e.tid] != e.site->func) {
      last_func_[e.tid] = e.site->func;
      entered_[e.tid] = rows_.size();
    }
    const std::string label = e.site->label;
    const bool setup = o_.run.threads[e.tid].kind == rt::ThreadKind::kSetup;
    if (label == "kthread exit" && !setup) {
      emit(e.tid, "▼exit", false);
      exited_[column(e.tid)] = true;
      return;
    }
    if (!shown(e.tid, e.site)) return;
    if (!is_client(e.tid) && func_[e.tid] != e.site->func) {
      func_[e.tid] = e.site->func;
      insert_header(e.tid, std::string(e.site->func) + "()");
    }
    emit(e.tid, "│" + label, true);
  }

  void take_note(int tid, const std::string& note) {
    const size_t eq = note.find(" = ");
    if (eq == std::string::npos) return emit(tid, api_of_op(note), true);
    emit(tid, "▼return " + note.substr(eq + 3), false);
  }

  // A runnable thread in a hang report is the one the run stopped in: it never
  // gets anywhere in a livelock, and is simply where it was otherwise (a lost
  // request is reported at the step that drops it).
  void end_blocked(const rt::BlockedThread& b) {
    if (b.tid < 0 || !col_of_.count(b.tid)) return;
    std::string text = "▼ waits: " + b.waits_on;
    if (starts_with(b.waits_on, "completion")) text = "▼ nobody completes it";
    if (b.waits_on.find("runnable") != std::string::npos) {
      if (o_.verdict != rt::Verdict::kLivelock) return;
      text = "▼ never gets anywhere";
    }
    emit(b.tid, text, false);
  }

  const program::Outcome& o_;
  const TimelineOptions& opt_;
  std::vector<Row> rows_;
  std::set<int> client_tids_;
  std::vector<int> cols_;      // first thread of each column
  std::map<int, int> col_of_;  // thread -> column
  std::vector<bool> exited_;   // per column: its thread has exited
  std::vector<bool> open_;
  std::map<int, std::string> func_;       // function of the last shown step
  std::map<int, std::string> last_func_;  // function of the last step
  std::map<int, size_t> entered_;         // row count when last_func_ was entered
};

std::string render_row(const Row& r, int ncols, int w) {
  std::string line;
  for (int c = 0; c < ncols; c++) {
    std::string cell;
    if (c == r.col) {
      cell = r.repeat > 1 ? r.text + " ×" + std::to_string(r.repeat) : r.text;
    } else if (r.open[c]) {
      cell = "│";
    }
    line += pad_to(truncate_to(cell, w), w);
    if (c + 1 < ncols) line += "│";
  }
  while (!line.empty() && line.back() == ' ') line.pop_back();
  return line + "\n";
}

std::string header(const program::Outcome& o, const std::vector<int>& tids, int w) {
  std::string names, rule;
  for (size_t c = 0; c < tids.size(); c++) {
    names += pad_to(truncate_to(o.run.threads[tids[c]].name, w), w);
    for (int i = 0; i < w; i++) rule += "─";
    if (c + 1 < tids.size()) {
      names += "│";
      rule += "┼";
    }
  }
  while (!names.empty() && names.back() == ' ') names.pop_back();
  return names + "\n" + rule + "\n";
}

std::string wrap(const std::string& text, int width) {
  std::string out;
  std::string_view rest = text;
  while (display_width(rest) > width) {
    size_t cut = rest.rfind(' ', static_cast<size_t>(width));
    if (cut == std::string_view::npos || cut == 0) cut = static_cast<size_t>(width);
    out += std::string(rest.substr(0, cut)) + "\n";
    rest = rest.substr(std::min(rest.size(), cut + 1));
  }
  return out + std::string(rest) + "\n";
}

std::string to_ascii(std::string s) {
  const std::pair<std::string_view, char> map[] = {{"│", '|'}, {"─", '-'}, {"┼", '+'},
                                                   {"▼", 'v'}, {"…", '~'}, {"×", 'x'}};
  for (const auto& [from, to] : map)
    for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + 1))
      s.replace(at, from.size(), 1, to);
  return s;
}

}  // namespace

int display_width(std::string_view s) {
  int n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

std::string api_of_op(const std::string& op) {
  static const std::map<std::string, std::string> kApi = {
      {"walk", "damos_walk()"},         {"call", "damon_call()"},
      {"start", "damon_start()"},       {"stop", "damon_stop()"},
      {"commit", "damon_commit_ctx()"}, {"is_running", "damon_is_running()"}};
  auto it = kApi.find(op.substr(0, op.find(' ')));
  return it == kApi.end() ? op : it->second;
}

std::string render_timeline(const program::Outcome& o, const TimelineOptions& opt) {
  Builder b(o, opt);
  b.build();
  const std::vector<int> tids = b.column_tids();
  std::vector<Row> rows = b.rows();
  const int ncols = std::max<int>(1, static_cast<int>(tids.size()));
  const int w = std::max(4, (opt.width - (ncols - 1)) / ncols);
  std::string out = header(o, tids, w);
  const size_t head = static_cast<size_t>(opt.max_rows) * 2 / 3;
  const size_t tail = static_cast<size_t>(opt.max_rows) - head;
  for (size_t i = 0; i < rows.size(); i++) {
    if (rows.size() > static_cast<size_t>(opt.max_rows) && i == head) {
      out += "… " + std::to_string(rows.size() - head - tail) + " rows elided …\n";
      i = rows.size() - tail;
    }
    out += render_row(rows[i], ncols, w);
  }
  out += "\n" + wrap(o.summary(), opt.width);
  return opt.style == TimelineStyle::kAscii ? to_ascii(out) : out;
}

}  // namespace report
