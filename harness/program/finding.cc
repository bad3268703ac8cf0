#include "harness/program/finding.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fmt/format.h>

#include "harness/program/text.h"

namespace program {
namespace {

// Detail lines are prefixed so that none of them can read as "# expect ...".
void add_block(std::vector<std::string>* comments, std::string_view text) {
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    comments->push_back(fmt::format("| {}", text.substr(0, nl)));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
}

std::string one_line(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c == '\n' || c == '\r') c = ' ';
  return out;
}

uint64_t fnv1a(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ull;
  return h;
}

}  // namespace

FindingFile finding_from_outcome(const Outcome& o, const Settings& s, uint64_t run_seed,
                                 std::string origin) {
  FindingFile f;
  f.program = o.replay;
  f.verdict = o.verdict;
  if (!o.run.findings.empty()) f.finding = o.run.findings.front();
  f.profile = s.profile;
  f.runtime = s.runtime;
  f.strategy = s.strategy;
  f.seed = run_seed;
  f.max_steps = s.max_steps;
  f.origin = std::move(origin);
  return f;
}

std::string replay_command(std::string_view path, std::string_view profile, rt::RuntimeKind runtime,
                           uint64_t max_steps) {
  std::string cmd = fmt::format("damon-harness run {} --profile {}", path, profile);
  if (runtime == rt::RuntimeKind::kOs) cmd += " --runtime os";
  if (max_steps && max_steps != Settings{}.max_steps)
    cmd += fmt::format(" --max-steps {}", max_steps);
  return cmd;
}

std::string format_finding(const FindingFile& f, std::string_view path) {
  Program p = f.program;
  p.comments.clear();
  p.expects.clear();
  std::vector<std::string>& c = p.comments;
  c.push_back(fmt::format("damon-harness finding: {}", rt::verdict_name(f.verdict)));
  c.push_back(fmt::format("profile: {}, runtime: {}, strategy: {}, seed: {}", f.profile,
                          runtime_name(f.runtime), strategy_name(f.strategy), f.seed));
  if (!f.origin.empty()) c.push_back(fmt::format("found by: {}", one_line(f.origin)));
  if (!f.finding.message.empty()) c.push_back("finding: " + one_line(f.finding.message));
  if (!f.signature.empty()) c.push_back("signature: " + one_line(f.signature));
  if (!f.finding.site.empty())
    c.push_back(
        fmt::format("site: {} (tid {}, step {})", f.finding.site, f.finding.tid, f.finding.step));
  if (!f.finding.detail.empty()) {
    c.push_back("detail:");
    add_block(&c, f.finding.detail);
  }
  c.push_back("replay: " + replay_command(path, f.profile, f.runtime, f.max_steps));
  if (f.runtime == rt::RuntimeKind::kSim && f.verdict != rt::Verdict::kHarnessBug)
    p.expects.push_back({f.profile, f.verdict});
  return print_program(p);
}

std::string finding_file_name(const FindingFile& f) {
  Program bare = f.program;
  bare.comments.clear();
  bare.expects.clear();
  return fmt::format("finding-{}-{:016x}.txt", rt::verdict_name(f.verdict),
                     fnv1a(print_program(bare)));
}

bool write_finding(const FindingFile& f, const std::string& path, std::string* err) {
  return write_file_atomic(path, format_finding(f, path), err);
}

bool write_file_atomic(const std::string& path, std::string_view data, std::string* err) {
  static std::atomic<unsigned> counter{0};
  const std::string tmp = fmt::format("{}.tmp.{}.{}", path, getpid(), counter++);
  const int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    *err = fmt::format("{}: error: cannot create: {}", tmp, std::strerror(errno));
    return false;
  }
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  const int saved = errno;
  const bool closed = close(fd) == 0;
  const bool ok = done == data.size() && closed;
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    *err = fmt::format("{}: error: cannot write: {}", path, std::strerror(ok ? errno : saved));
    unlink(tmp.c_str());
    return false;
  }
  return true;
}

}  // namespace program
