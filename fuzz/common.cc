#include "fuzz/common.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string_view>

#include <fmt/format.h>

#include "harness/program/codec.h"
#include "harness/program/text.h"
#include "harness/report/known.h"
#include "harness/report/store.h"

#ifdef DWH_INVISIBLE_TSAN
// ThreadSanitizer sleeps a second before exiting while any other thread is alive
// (atexit_sleep_ms), so that such threads can race with the exit. In these
// targets the threads alive at exit run no instrumented code: libFuzzer's RSS
// thread (uninstrumented, in sleep(1)), the os runtime's idle workers (joined at
// exit anyway), and the threads of abandoned os runs, which wait forever in a
// proven deadlock or sit parked at a scheduling point. The sleep could only
// cost: a second per process, that is per input of a triage or replay run and
// per job of -fork. TSAN_OPTIONS still overrides it.
extern "C" const char* __tsan_default_options() {
  return "atexit_sleep_ms=0";
}
#endif

// libFuzzer collects every array in this section as extra coverage counters and
// clears them before each input; outside libFuzzer the section is just data.
// External linkage and `used`, so that stores to it are never optimised away.
// 2^12 counters: the model has a few hundred sites, so the pairs that occur fit
// with some collisions. libFuzzer clears and scans every extra counter on every
// input, opt-in feedback or not, so the arrays are kept small.
constexpr int kInterleavingCounterBits = 12;
__attribute__((used, section("__libfuzzer_extra_counters")))
uint8_t dwh_interleaving_counters[1 << kInterleavingCounterBits];
// Object feedback: fewer sites touch tracked objects than there are
// scheduling points, so 2^12 counters.
constexpr int kObjectCounterBits = 12;
__attribute__((used, section("__libfuzzer_extra_counters")))
uint8_t dwh_object_counters[1 << kObjectCounterBits];

// Signature feedback: one counter per signature (a hash of its id), set on
// every finding, so the first input that reaches a signature is new coverage.
// A few dozen signatures occur; 2^10 counters keep collisions rare.
constexpr int kSignatureCounterBits = 10;
__attribute__((used, section("__libfuzzer_extra_counters")))
uint8_t dwh_signature_counters[1 << kSignatureCounterBits];

namespace fuzz {
namespace {

[[noreturn]] void die(const std::string& msg) {
  std::fprintf(stderr, "%s: error: %s\n", target().name.c_str(), msg.c_str());
  std::exit(2);
}

std::string profile_suffix(std::string_view name) {
  std::string s(name);
  for (char& c : s)
    if (c == '.' || c == '-') c = '_';
  return s;
}

// OSS-Fuzz cannot pass environment variables, so the per-profile copies of a
// target carry the profile in their name.
void profile_from_argv0(const char* argv0) {
  const std::string_view base =
      std::string_view(argv0).substr(std::string_view(argv0).rfind('/') + 1);
  const std::string prefix = target().name + "_";
  if (!base.starts_with(prefix)) return;
  const std::string_view suffix = base.substr(prefix.size());
  for (const program::ProfileInfo& p : program::profiles()) {
    if (profile_suffix(p.name) == suffix) {
      target().settings.profile = p.name;
      return;
    }
  }
  die(fmt::format("binary name {} names no profile (profiles: {})", base,
                  program::profile_names()));
}

uint32_t rotl(uint32_t x, int n) {
  return x << n | x >> (32 - n);
}

void sha1_block(uint32_t h[5], const uint8_t* p) {
  uint32_t w[80];
  for (int i = 0; i < 16; i++)
    w[i] = uint32_t(p[4 * i]) << 24 | p[4 * i + 1] << 16 | p[4 * i + 2] << 8 | p[4 * i + 3];
  for (int i = 16; i < 80; i++) w[i] = rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
  uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
  for (int i = 0; i < 80; i++) {
    uint32_t f, k;
    if (i < 20)
      f = (b & c) | (~b & d), k = 0x5a827999;
    else if (i < 40)
      f = b ^ c ^ d, k = 0x6ed9eba1;
    else if (i < 60)
      f = (b & c) | (b & d) | (c & d), k = 0x8f1bbcdc;
    else
      f = b ^ c ^ d, k = 0xca62c1d6;
    const uint32_t t = rotl(a, 5) + f + e + k + w[i];
    e = d, d = c, c = rotl(b, 30), b = a, a = t;
  }
  h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e;
}

// Findings the stop-on filter passed over, by verdict (kHarnessBug is the last
// one). Touched only on findings.
constexpr int kVerdicts = static_cast<int>(rt::Verdict::kHarnessBug) + 1;
uint64_t g_ignored[kVerdicts];

void print_ignored() {
  std::string by_verdict;
  uint64_t total = 0;
  for (int v = 0; v < kVerdicts; v++) {
    if (!g_ignored[v]) continue;
    total += g_ignored[v];
    by_verdict +=
        fmt::format(" {}={}", rt::verdict_name(static_cast<rt::Verdict>(v)), g_ignored[v]);
  }
  std::fprintf(stderr, "%s: %llu finding(s) not selected by stop-on %s, ignored:%s\n",
               target().name.c_str(), static_cast<unsigned long long>(total),
               target().settings.stop_on.text().c_str(), total ? by_verdict.c_str() : " none");
}

void ignore(const program::FindingFile& f) {
  uint64_t& n = g_ignored[static_cast<int>(f.verdict)];
  const std::string_view site = program::FindingFilter::site_of(f.finding);
  if (n++ == 0)
    std::fprintf(stderr, "%s: ignoring %s findings not selected by stop-on %s (first at %s)\n",
                 target().name.c_str(), std::string(rt::verdict_name(f.verdict)).c_str(),
                 target().settings.stop_on.text().c_str(),
                 site.empty() ? "no site" : std::string(site).c_str());
}

// Marks the feature of the ordered pair of site hashes (a, b) in a counter
// array of 2^bits entries (both feedbacks key on such pairs). No coverage
// counters: on_access() calls it on the model's fibers.
__attribute__((no_sanitize("coverage"))) void mark_pair(uint8_t* counters, int bits, uint64_t a,
                                                        uint64_t b) {
  uint64_t k = (a * 0x9e3779b97f4a7c15ull) ^ b;
  k ^= k >> 29;
  counters[(k * 0xbf58476d1ce4e5b9ull) >> (64 - bits)] = 1;
}

// The last access to each tracked object of the current run: an open-address
// table keyed by the object's address (a run has a few dozen objects; when it
// is full, further objects are not followed).
struct LastAccess {
  const void* obj;
  uint64_t site;  // hash of the site, 0 for none
  int tid;
  uint32_t run;  // the slot is in use in the run whose g_run this is
};
constexpr int kObjectSlotBits = 9;
LastAccess g_last_access[1 << kObjectSlotBits];
int g_objects = 0;
uint32_t g_run = 1;  // begin_object_feedback() empties the table by moving on

// Harness bookkeeping, called on the model's fibers: under TSan every sim fiber
// is a thread of its own, so the table's accesses must be hidden, which the
// World does around the hook (program::AccessHook). No coverage counters (plain
// stores; fuzz/tsan.sancov-allowlist).
__attribute__((no_sanitize("coverage"))) void on_access(const void* obj, const rt::Site* site,
                                                        bool born, int tid) {
  constexpr size_t mask = (size_t{1} << kObjectSlotBits) - 1;
  size_t i = (reinterpret_cast<uintptr_t>(obj) * 0x9e3779b97f4a7c15ull) >> (64 - kObjectSlotBits);
  while (g_last_access[i].run == g_run && g_last_access[i].obj != obj) i = (i + 1) & mask;
  LastAccess& a = g_last_access[i];
  const uint64_t h = site ? site->hash() : 0;
  if (a.run != g_run) {
    if (g_objects >= static_cast<int>(mask)) return;  // keep one slot free to end the probes
    g_objects++;
    a = LastAccess{obj, h, tid, g_run};
    return;
  }
  // A new object at a dead one's address starts a new history.
  if (!born && a.tid != tid) mark_pair(dwh_object_counters, kObjectCounterBits, a.site, h);
  a.site = h;
  a.tid = tid;
}

__attribute__((no_sanitize("coverage"))) void mark_signature(const report::Signature& s) {
  uint64_t h = 0;
  for (const char c : s.id()) h = h * 31 + static_cast<unsigned char>(c);
  dwh_signature_counters[(h * 0x9e3779b97f4a7c15ull) >> (64 - kSignatureCounterBits)] = 1;
}

// The folder of -artifact_prefix= ("build/fuzz-work/artifacts/" -> its folder).
std::string artifact_dir() {
  const std::string& p = target().artifact_prefix;
  const size_t slash = p.rfind('/');
  return slash == std::string::npos ? "." : p.substr(0, slash);
}

// The store of DWH_STORE; in keep mode the artifact folder without it. Its
// destructor appends the counts still pending at exit.
report::FindingStore* store() {
  static std::optional<report::FindingStore> s;
  static bool made = false;
  if (made) return s ? &*s : nullptr;
  made = true;
  const Target& t = target();
  std::string dir = t.settings.store;
  if (dir.empty() && t.settings.keep_fuzzing && !t.replay_mode) dir = artifact_dir();
  if (dir.empty()) return nullptr;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) die(fmt::format("store {}: {}", dir, ec.message()));
  s.emplace(dir);
  return &*s;
}

// Keep mode, a signature new to the store: the FINDING lines, no abort.
void announce(const program::FindingFile& f, const report::Signature& sig,
              const std::string& path) {
  std::fprintf(stderr,
               "==DAMON-HARNESS== FINDING verdict=%s profile=%s file=%s signature=%s (new; "
               "fuzzing goes on)\nreplay: %s\n",
               std::string(rt::verdict_name(f.verdict)).c_str(), f.profile.c_str(), path.c_str(),
               sig.id().c_str(),
               program::replay_command(path, f.profile, f.runtime, f.max_steps).c_str());
  std::fflush(stderr);
}

}  // namespace

program::AccessHook object_feedback_hook() {
  return on_access;
}

void begin_object_feedback() {
  if (++g_run == 0) {  // wrapped: stamps of 2^32 runs ago would look current
    std::memset(g_last_access, 0, sizeof g_last_access);
    g_run = 1;
  }
  g_objects = 0;
}

Target& target() {
  static Target t;
  return t;
}

ReplayStats& replay_stats() {
  static ReplayStats s;
  return s;
}

void init(const char* name, int argc, char** argv) {
  Target& t = target();
  t.name = name;
  std::string err;
  if (!program::settings_from_env(&t.settings, &err)) die(err);
  const char* env_profile = std::getenv("DAMON_PROFILE");
  if ((!env_profile || !*env_profile) && argc > 0) profile_from_argv0(argv[0]);
  t.profile = program::settings_profile(t.settings, &err);
  if (!t.profile) die(err);
  for (int i = 1; i < argc; i++) {
    const std::string_view a = argv[i];
    if (a.starts_with("-artifact_prefix=")) t.artifact_prefix = a.substr(17);
  }
  if (!t.settings.stop_on.empty()) std::atexit(print_ignored);
  if (t.replay_mode) return;
  // Only fuzz_walk_sim has the schedule feedback.
  const bool sim = name == std::string_view("fuzz_walk_sim");
  const std::string feedback = sim ? fmt::format(", object pairs {}, scheduling-point pairs {}",
                                                 t.settings.object_feedback ? "on" : "off",
                                                 t.settings.interleaving_feedback ? "on" : "off")
                                   : "";
  report::FindingStore* st = store();
  std::fprintf(stderr, "%s: profile %s%s, stop on %s, on a new signature: %s, store %s\n", name,
               t.profile->name.data(), feedback.c_str(),
               t.settings.stop_on.empty() ? "any finding" : t.settings.stop_on.text().c_str(),
               t.settings.keep_fuzzing ? "keep fuzzing" : "crash", st ? st->dir().c_str() : "none");
}

bool input_program(const uint8_t* data, size_t size, program::Program* out) {
  const std::string_view s(reinterpret_cast<const char*>(data), size);
  if (!program::looks_like_text(s)) {
    *out = program::decode_bytes(data, size);
    return true;
  }
  program::ParseError err;
  if (program::parse_program(s, out, &err)) return true;
  if (target().replay_mode) {
    replay_stats().bad++;
    std::fprintf(stderr, "%s\n", err.format(target().current_input).c_str());
  }
  return false;
}

std::string sha1_hex(const uint8_t* data, size_t size) {
  uint32_t h[5] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0};
  size_t i = 0;
  for (; i + 64 <= size; i += 64) sha1_block(h, data + i);
  uint8_t tail[128] = {};
  const size_t rest = size - i;
  if (rest) std::memcpy(tail, data + i, rest);
  tail[rest] = 0x80;
  const size_t len = rest < 56 ? 64 : 128;
  const uint64_t bits = static_cast<uint64_t>(size) * 8;
  for (int b = 0; b < 8; b++) tail[len - 1 - b] = static_cast<uint8_t>(bits >> (8 * b));
  for (size_t off = 0; off < len; off += 64) sha1_block(h, tail + off);
  return fmt::format("{:08x}{:08x}{:08x}{:08x}{:08x}", h[0], h[1], h[2], h[3], h[4]);
}

std::string finding_lines(const program::FindingFile& f, const std::string& path) {
  return fmt::format("==DAMON-HARNESS== FINDING verdict={} profile={} file={}\nreplay: {}\n",
                     rt::verdict_name(f.verdict), f.profile, path,
                     program::replay_command(path, f.profile, f.runtime, f.max_steps));
}

std::string crash_report(const program::FindingFile& f, const report::Signature& s,
                         const std::string& path) {
  std::string out = finding_lines(f, path);
  if (!f.finding.message.empty()) out += "finding: " + f.finding.message + "\n";
  return out + report::assertion_line(s) + "\n";
}

std::string write_finding(const program::FindingFile& f, const uint8_t* data, size_t size) {
  const std::string path = target().artifact_prefix + "crash-" + sha1_hex(data, size) + ".txt";
  std::string err;
  if (!program::write_finding(f, path, &err)) std::fprintf(stderr, "%s\n", err.c_str());
  return path;
}

bool stops(const program::FindingFile& f, const report::Signature& s) {
  return report::selects(target().settings.stop_on, f.verdict, f.finding, s, f.profile);
}

void flush_store() {
  if (report::FindingStore* st = store()) st->flush();
}

void on_finding(const program::Outcome& o, const program::FindingFile& f, const uint8_t* data,
                size_t size) {
  const Target& t = target();
  const report::Signature sig = report::signature_of(o);
  mark_signature(sig);
  if (!stops(f, sig)) return ignore(f);
  std::string path, err;
  report::FindingStore::Hit hit = report::FindingStore::Hit::kNew;
  if (report::FindingStore* st = store()) {
    hit = st->record(sig, f, &path, &err);
    if (hit == report::FindingStore::Hit::kError) std::fprintf(stderr, "%s\n", err.c_str());
  }
  if (!t.replay_mode) {
    if (hit == report::FindingStore::Hit::kKnown) return;
    if (t.settings.keep_fuzzing) return announce(f, sig, path);
    const std::string crash = crash_report(f, sig, write_finding(f, data, size));
    std::fputs(crash.c_str(), stderr);
    std::fflush(stderr);
    std::abort();
  }
  replay_stats().findings++;
  std::printf("%s: %s: %s\n  replay: %s\n", t.current_input.c_str(),
              std::string(rt::verdict_name(f.verdict)).c_str(), f.finding.message.c_str(),
              program::replay_command(t.current_input, f.profile, f.runtime, f.max_steps).c_str());
}

void add_interleaving_feedback(const rt::RunResult& run) {
  int prev_tid = -1;
  uint64_t prev_hash = 0;
  for (const rt::TraceEntry& e : run.trace) {
    if (!e.site || (e.kind != rt::TraceKind::kPoint && e.kind != rt::TraceKind::kBlock)) continue;
    const uint64_t h = e.site->hash();
    // Presence, not a count: libFuzzer turns every count bucket of every
    // counter into a feature of its own, and counted pairs made nearly every
    // input "new", so the corpus grew without bound.
    if (prev_tid >= 0 && prev_tid != e.tid)
      mark_pair(dwh_interleaving_counters, kInterleavingCounterBits, prev_hash, h);
    prev_tid = e.tid;
    prev_hash = h;
  }
}

}  // namespace fuzz
