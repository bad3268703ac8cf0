#include "harness/report/store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

#include "harness/program/load.h"

namespace report {
namespace {

constexpr auto kFlushInterval = std::chrono::seconds(1);

bool exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

// Creates `path` with `data` unless it exists: temp file, then link(2).
// Returns 1 if this call created it, 0 if it was there, -1 on error.
int create_once(const std::string& path, const std::string& data, std::string* err) {
  const std::string tmp = fmt::format("{}.tmp.{}", path, getpid());
  if (!program::write_file_atomic(tmp, data, err)) return -1;
  const int rc = link(tmp.c_str(), path.c_str());
  const int saved = errno;
  unlink(tmp.c_str());
  if (rc == 0) return 1;
  if (saved == EEXIST) return 0;
  *err = fmt::format("{}: error: cannot create: {}", path, std::strerror(saved));
  return -1;
}

// The text after "# NAME: " on the first such line, or "".
std::string header(const std::string& text, std::string_view name) {
  const std::string tag = fmt::format("# {}: ", name);
  size_t at = text.rfind(tag, 0) == 0 ? 0 : text.find("\n" + tag);
  if (at == std::string::npos) return "";
  if (text[at] == '\n') at++;
  at += tag.size();
  return text.substr(at, text.find('\n', at) - at);
}

uint64_t sum_hits(const std::string& text) {
  uint64_t n = 0;
  for (size_t at = 0; at < text.size();) {
    n += std::strtoull(text.c_str() + at, nullptr, 10);
    const size_t nl = text.find('\n', at);
    if (nl == std::string::npos) break;
    at = nl + 1;
  }
  return n;
}

}  // namespace

std::string FindingStore::stem(const Signature& s) const {
  return fmt::format("{}/{}-{}", dir_, rt::verdict_name(s.verdict), s.id());
}

FindingStore::Hit FindingStore::record(const Signature& s, const program::FindingFile& f,
                                       std::string* path, std::string* err) {
  const std::string id = s.id();
  const std::string base = stem(s);
  *path = base + ".txt";
  auto it = seen_.find(id);
  Hit hit = Hit::kKnown;
  if (it == seen_.end()) {
    it = seen_.emplace(id, Pending{0, base + ".hits"}).first;
    if (!exists(*path)) {
      program::FindingFile with_key = f;
      with_key.signature = s.key();
      const int created = create_once(*path, program::format_finding(with_key, *path), err);
      hit = created > 0 ? Hit::kNew : created == 0 ? Hit::kKnown : Hit::kError;
    }
    it->second.hits++;
    append(&it->second);
    return hit;
  }
  it->second.hits++;
  if (std::chrono::steady_clock::now() - last_flush_ >= kFlushInterval) flush();
  return hit;
}

void FindingStore::append(Pending* p) {
  if (!p->hits) return;
  const std::string line = fmt::format("{}\n", p->hits);
  const int fd = open(p->hits_path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return;  // the count stays pending
  if (write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size())) p->hits = 0;
  close(fd);
}

void FindingStore::flush() {
  for (auto& [id, p] : seen_) append(&p);
  last_flush_ = std::chrono::steady_clock::now();
}

bool read_store(const std::string& dir, std::vector<StoreEntry>* out, std::string* err) {
  out->clear();
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return true;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (!name.ends_with(".txt") || name.find(".tmp.") != std::string::npos) continue;
    std::string text;
    if (!program::read_file(e.path().string(), &text, err)) return false;
    StoreEntry s;
    s.key = header(text, "signature");
    if (s.key.empty() || !rt::parse_verdict(s.key.substr(0, s.key.find(' ')), &s.verdict))
      continue;  // not a store file
    s.file = e.path().string();
    s.id = name.substr(name.rfind('-') + 1, name.size() - name.rfind('-') - 5);
    const std::string profile = header(text, "profile");
    s.profile = profile.substr(0, profile.find(','));
    s.replay = header(text, "replay");
    std::string hits;
    const std::string hits_path = s.file.substr(0, s.file.size() - 4) + ".hits";
    if (exists(hits_path) && !program::read_file(hits_path, &hits, err)) return false;
    s.hits = sum_hits(hits);
    out->push_back(std::move(s));
  }
  if (ec) {
    *err = fmt::format("{}: error: {}", dir, ec.message());
    return false;
  }
  std::sort(out->begin(), out->end(), [](const StoreEntry& a, const StoreEntry& b) {
    return a.hits != b.hits ? a.hits > b.hits : a.file < b.file;
  });
  return true;
}

}  // namespace report
