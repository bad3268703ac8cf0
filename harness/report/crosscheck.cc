#include "harness/report/crosscheck.h"

#include <fnmatch.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "harness/program/explore.h"
#include "harness/report/commands.h"
#include "harness/report/signature.h"
#include "harness/report/triage.h"

namespace report {
namespace {

namespace fs = std::filesystem;

std::string trim(std::string s) {
  const size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

// "lost-request#1a2b3c4d": the verdict and an id of the whole signature key.
std::string short_sig(const std::string& key) {
  uint32_t h = 2166136261u;
  for (unsigned char c : key) h = (h ^ c) * 16777619u;
  const size_t bar = key.find(" | ");
  const std::string verdict = bar == std::string::npos ? key : key.substr(0, bar);
  return bar == std::string::npos ? verdict : fmt::format("{}#{:08x}", verdict, h);
}

std::string cell(const CrossSide& s, bool searched) {
  std::string out = short_sig(s.signature);
  if (!searched) return out;
  std::vector<std::string> ids;
  for (const std::string& k : s.searched) ids.push_back(short_sig(k));
  out += fmt::format(" / search: {} ({})",
                     ids.empty() ? std::string("none") : fmt::format("{}", fmt::join(ids, ",")),
                     s.complete ? "complete" : "budget");
  return out;
}

const char* status_name(CrossStatus s) {
  switch (s) {
    case CrossStatus::kAgree:
      return "agree";
    case CrossStatus::kDiffer:
      return "differ";
    case CrossStatus::kKnown:
      return "known";
  }
  return "?";
}

std::string default_known_file(const std::vector<std::string>& paths) {
  if (paths.empty()) return "";
  fs::path p = fs::absolute(paths.front()).lexically_normal();
  if (!fs::is_directory(p)) p = p.parent_path();
  for (int up = 0; up < 3 && !p.empty(); up++, p = p.parent_path()) {
    if (fs::exists(p / kKnownDifferencesFile)) return (p / kKnownDifferencesFile).string();
    if (p == p.root_path()) break;
  }
  return "";
}

const KnownDifference* match(const std::vector<KnownDifference>& known, const CrossRow& r,
                             const std::string& a, const std::string& b) {
  for (const KnownDifference& k : known) {
    const bool pair = (k.a == a && k.b == b) || (k.a == b && k.b == a);
    if (pair && fnmatch(k.program.c_str(), r.relpath.c_str(), 0) == 0) return &k;
  }
  return nullptr;
}

nlohmann::json side_json(const CrossSide& s) {
  return {{"verdict", rt::verdict_name(s.verdict)},
          {"signature", s.signature},
          {"searched", s.searched},
          {"schedules", s.schedules},
          {"complete", s.complete}};
}

void print_table(const std::vector<CrossRow>& rows, const CrossOptions& opt, std::ostream& out) {
  const bool searched = opt.search_preemptions >= 0;
  size_t wp = 7, wa = opt.profile_a.size(), wb = opt.profile_b.size();
  for (const CrossRow& r : rows) {
    wp = std::max(wp, r.relpath.size());
    wa = std::max(wa, cell(r.a, searched).size());
    wb = std::max(wb, cell(r.b, searched).size());
  }
  out << fmt::format("{:<{}}  {:<{}}  {:<{}}  {}\n", "program", wp, opt.profile_a, wa,
                     opt.profile_b, wb, "result");
  std::set<std::string> legend;
  for (const CrossRow& r : rows) {
    out << fmt::format("{:<{}}  {:<{}}  {:<{}}  {}{}\n", r.relpath, wp, cell(r.a, searched), wa,
                       cell(r.b, searched), wb, status_name(r.status),
                       r.status == CrossStatus::kKnown ? ": " + r.reason : "");
    if (r.status == CrossStatus::kAgree) continue;
    for (const CrossSide* s : {&r.a, &r.b}) {
      legend.insert(s->signature);
      legend.insert(s->searched.begin(), s->searched.end());
    }
  }
  bool header = false;
  for (const std::string& k : legend) {
    if (short_sig(k) == k) continue;
    if (!header) out << "signatures in the rows that differ:\n";
    header = true;
    out << fmt::format("  {}  {}\n", short_sig(k), k);
  }
}

}  // namespace

bool load_known_differences(const std::string& path, std::vector<KnownDifference>* out,
                            std::string* error) {
  std::ifstream in(path);
  if (!in) {
    *error = path + ": cannot read";
    return false;
  }
  int n = 0;
  for (std::string line; std::getline(in, line);) {
    n++;
    const std::string t = trim(line);
    if (t.empty() || t[0] == '#') continue;
    const size_t colon = t.find(": ");
    std::vector<std::string> words;
    if (colon != std::string::npos) {
      std::istringstream head(t.substr(0, colon));
      for (std::string w; head >> w;) words.push_back(w);
    }
    KnownDifference k;
    if (colon == std::string::npos || words.size() != 3 || trim(t.substr(colon + 2)).empty()) {
      *error = fmt::format("{}:{}: expected 'PROGRAM PROFILE PROFILE: reason'", path, n);
      return false;
    }
    for (int i = 1; i <= 2; i++) {
      if (!program::find_profile(words[i])) {
        *error = fmt::format("{}:{}: unknown profile '{}' (profiles: {})", path, n, words[i],
                             program::profile_names());
        return false;
      }
    }
    k.program = words[0];
    k.a = words[1];
    k.b = words[2];
    k.reason = trim(t.substr(colon + 2));
    k.line = n;
    out->push_back(std::move(k));
  }
  return true;
}

CrossSide cross_side(const program::Program& p, const program::ProfileInfo& profile,
                     const CrossOptions& opt) {
  CrossSide s;
  program::RunConfig cfg;
  cfg.profile = &profile;
  cfg.strategy = program::StrategyKind::kProgram;
  const program::Outcome o = program::execute(p, cfg);
  s.verdict = o.verdict;
  s.signature = signature_of(o).key();
  if (opt.search_preemptions < 0) return s;
  program::ExploreConfig ec;
  ec.run = cfg;
  ec.max_preemptions = opt.search_preemptions;
  ec.max_schedules = opt.search_max_schedules;
  std::set<std::string> found;
  const program::ExploreResult r = program::explore(p, ec, [&](const program::Outcome& f, int) {
    found.insert(signature_of(f).key());
    return false;
  });
  s.searched.assign(found.begin(), found.end());
  s.schedules = r.schedules;
  s.complete = r.complete();
  return s;
}

int crosscheck_command(const CrossOptions& opt, std::ostream& out, std::ostream& err) {
  const program::ProfileInfo* a = program::find_profile(opt.profile_a);
  const program::ProfileInfo* b = program::find_profile(opt.profile_b);
  for (const auto& [name, p] : {std::pair{opt.profile_a, a}, std::pair{opt.profile_b, b}}) {
    if (!p) {
      err << fmt::format("error: unknown profile '{}' (profiles: {})\n", name,
                         program::profile_names());
      return kExitBadInput;
    }
  }
  const std::string known_file =
      opt.known_file.empty() ? default_known_file(opt.paths) : opt.known_file;
  std::vector<KnownDifference> known;
  std::string error;
  if (!known_file.empty() && !load_known_differences(known_file, &known, &error)) {
    err << "error: " << error << "\n";
    return kExitBadInput;
  }
  std::vector<Input> inputs;
  std::vector<Skipped> skipped;
  collect_inputs(opt.paths, &inputs, &skipped);
  // In a folder, a file that is no program (README.md, known-differences.txt)
  // is noted and passed over; a file named on the command line must be one.
  bool bad = false;
  for (const Skipped& s : skipped) {
    const fs::path f(s.path);
    const bool named = std::find(opt.paths.begin(), opt.paths.end(), s.path) != opt.paths.end();
    if (!named && (f.extension() == ".md" || f.filename() == kKnownDifferencesFile)) continue;
    err << s.path << (named ? ": error: " : ": note: skipped: ") << s.reason << "\n";
    bad |= named;
  }
  if (inputs.empty() && !bad) err << "error: no programs under the given paths\n";
  if (bad || inputs.empty()) return kExitBadInput;
  // Rows name programs relative to the known-differences file's folder, else
  // to the one folder given, else to the working folder.
  const fs::path base = !known_file.empty() ? fs::absolute(known_file).parent_path()
                        : opt.paths.size() == 1 && fs::is_directory(opt.paths[0])
                            ? fs::absolute(opt.paths[0])
                            : fs::current_path();
  // A tree's core.c keeps its state in its own statics (damon_lock,
  // nr_running_ctxs, ...), one copy per process: two executions of one tree
  // at once would share them, so a tree profile runs its programs one by one.
  const int jobs = a->is_tree() || b->is_tree() ? 1 : opt.jobs;
  if (jobs < opt.jobs)
    err << fmt::format("note: --jobs {}: tree profiles run one program at a time\n", opt.jobs);
  std::vector<CrossRow> rows(inputs.size());
  parallel_for(inputs.size(), jobs, [&](size_t i) {
    CrossRow& r = rows[i];
    r.path = inputs[i].path;
    r.relpath = fs::absolute(r.path).lexically_normal().lexically_relative(base).string();
    r.a = cross_side(inputs[i].program, *a, opt);
    r.b = cross_side(inputs[i].program, *b, opt);
  });
  std::set<int> used;
  int agree = 0, differ = 0, explained = 0;
  for (CrossRow& r : rows) {
    if (r.a == r.b) {
      agree++;
      continue;
    }
    if (const KnownDifference* k = match(known, r, a->name, b->name)) {
      r.status = CrossStatus::kKnown;
      r.reason = k->reason;
      used.insert(k->line);
      explained++;
    } else {
      r.status = CrossStatus::kDiffer;
      differ++;
    }
  }
  if (opt.json) {
    nlohmann::json j = {{"profile_a", a->name},
                        {"profile_b", b->name},
                        {"known_differences", known_file},
                        {"search_preemptions", opt.search_preemptions},
                        {"search_max_schedules", opt.search_max_schedules},
                        {"agree", agree},
                        {"known", explained},
                        {"differ", differ},
                        {"programs", nlohmann::json::array()}};
    for (const CrossRow& r : rows) {
      j["programs"].push_back({{"path", r.relpath},
                               {"a", side_json(r.a)},
                               {"b", side_json(r.b)},
                               {"result", status_name(r.status)},
                               {"reason", r.reason}});
    }
    out << j.dump(2) << "\n";
  } else {
    out << fmt::format("crosscheck: {} against {}; search: {}; known differences: {}\n", a->name,
                       b->name,
                       opt.search_preemptions < 0
                           ? "none (the programs' own schedules only)"
                           : fmt::format("<= {} preemptions, <= {} schedules per program and side",
                                         opt.search_preemptions, opt.search_max_schedules),
                       known_file.empty() ? "none" : known_file);
    print_table(rows, opt, out);
    out << fmt::format("{} programs: {} agree, {} known differences, {} unexplained\n", rows.size(),
                       agree, explained, differ);
  }
  for (const KnownDifference& k : known) {
    const bool pair = (k.a == a->name && k.b == b->name) || (k.a == b->name && k.b == a->name);
    if (pair && !used.count(k.line))
      err << fmt::format("{}:{}: note: known difference '{}' matched no differing program\n",
                         known_file, k.line, k.program);
  }
  return differ ? kExitFinding : kExitOk;
}

}  // namespace report
