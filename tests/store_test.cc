// The findings store (report/store.h) and the known findings
// (report/known.h): one first file per signature however many processes
// share the folder, hit counts that add up, and documented findings selected
// by signature, not by verdict class.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "harness/program/executor.h"
#include "harness/program/load.h"
#include "harness/program/profiles.h"
#include "harness/program/text.h"
#include "harness/report/known.h"
#include "harness/report/store.h"
#include "program_testing.h"

namespace {

namespace fs = std::filesystem;

struct TempDir {
  fs::path path;
  TempDir() {
    char tmpl[] = "/tmp/dwh-store-test-XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~TempDir() { fs::remove_all(path); }
};

report::Signature sig(rt::Verdict v, std::string fact) {
  report::Signature s;
  s.verdict = v;
  s.facts = {std::move(fact)};
  return s;
}

program::FindingFile finding(rt::Verdict v) {
  program::FindingFile f;
  f.program = program::testing::parse_text("damon-harness program v1\ncpu0: start ctx0\n");
  f.verdict = v;
  f.profile = "pause-rfc";
  f.finding.message = "planted";
  return f;
}

std::string file_text(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(Store, FirstFindingOnceLaterHitsCount) {
  TempDir d;
  const report::Signature a = sig(rt::Verdict::kDeadlock, "wait x:y");
  const report::Signature b = sig(rt::Verdict::kDeadlock, "wait x:z");
  std::string path, err;
  {
    report::FindingStore s(d.path.string());
    EXPECT_EQ(s.record(a, finding(a.verdict), &path, &err), report::FindingStore::Hit::kNew);
    EXPECT_EQ(path, (d.path / ("deadlock-" + a.id() + ".txt")).string());
    EXPECT_EQ(s.record(a, finding(a.verdict), &path, &err), report::FindingStore::Hit::kKnown);
    EXPECT_EQ(s.record(b, finding(b.verdict), &path, &err), report::FindingStore::Hit::kNew);
  }
  // A second process meets a signature the store already has: no new file.
  report::FindingStore other(d.path.string());
  EXPECT_EQ(other.record(a, finding(a.verdict), &path, &err), report::FindingStore::Hit::kKnown);
  other.flush();
  std::vector<report::StoreEntry> entries;
  ASSERT_TRUE(report::read_store(d.path.string(), &entries, &err)) << err;
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].key, a.key());
  EXPECT_EQ(entries[0].hits, 3u);
  EXPECT_EQ(entries[1].hits, 1u);
  EXPECT_EQ(entries[0].profile, "pause-rfc");
  EXPECT_NE(entries[0].replay.find("damon-harness run " + entries[0].file), std::string::npos);
  // The store's file is a finding file that names its signature.
  EXPECT_NE(file_text(entries[0].file).find("# signature: " + a.key()), std::string::npos);
}

// Several processes (fork, as libFuzzer's -jobs workers are) record the same
// signatures at once: exactly one file per signature, every hit counted, no
// temporary file left.
TEST(Store, ProcessesSharingTheFolder) {
  TempDir d;
  constexpr int kProcs = 4, kHits = 200;
  const report::Signature a = sig(rt::Verdict::kLostRequest, "wait a:b");
  const report::Signature b = sig(rt::Verdict::kUseAfterFree, "access c:d");
  std::vector<pid_t> kids;
  for (int i = 0; i < kProcs; i++) {
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      report::FindingStore s(d.path.string());
      std::string path, err;
      for (int h = 0; h < kHits; h++) {
        s.record(a, finding(a.verdict), &path, &err);
        s.record(b, finding(b.verdict), &path, &err);
      }
      s.flush();
      _exit(0);
    }
    kids.push_back(pid);
  }
  for (pid_t k : kids) {
    int status = 0;
    waitpid(k, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  std::vector<report::StoreEntry> entries;
  std::string err;
  ASSERT_TRUE(report::read_store(d.path.string(), &entries, &err)) << err;
  ASSERT_EQ(entries.size(), 2u);
  for (const report::StoreEntry& e : entries) EXPECT_EQ(e.hits, uint64_t{kProcs * kHits});
  int files = 0;
  for (const auto& e : fs::directory_iterator(d.path)) {
    files++;
    EXPECT_EQ(e.path().filename().string().find(".tmp."), std::string::npos) << e.path();
  }
  EXPECT_EQ(files, 4);  // a .txt and a .hits per signature
}

TEST(Store, MissingFolderIsEmpty) {
  std::vector<report::StoreEntry> entries;
  std::string err;
  EXPECT_TRUE(report::read_store("/nonexistent/dwh-store", &entries, &err));
  EXPECT_TRUE(entries.empty());
}

TEST(Signature, IdIsLettersAndFollowsTheKey) {
  const report::Signature a = sig(rt::Verdict::kDeadlock, "wait x:y");
  const report::Signature b = sig(rt::Verdict::kDeadlock, "wait x:z");
  EXPECT_EQ(a.id().size(), 14u);
  EXPECT_EQ(a.id().find_first_not_of("abcdefghijklmnopqrstuvwxyz"), std::string::npos);
  EXPECT_NE(a.id(), b.id());
  EXPECT_EQ(a.id(), sig(rt::Verdict::kDeadlock, "wait x:y").id());
}

// The known-findings file parses, and every id in it is an entry of
// docs/findings.md.
TEST(Known, EveryEntryIsADocumentedFinding) {
  ASSERT_FALSE(report::known_findings().empty());
  std::string doc, err;
  ASSERT_TRUE(program::read_file(std::string(DWH_SOURCE_DIR) + "/docs/findings.md", &doc, &err));
  for (const report::KnownFinding& k : report::known_findings())
    EXPECT_NE(doc.find("### " + k.id + "."), std::string::npos)
        << "corpus/known-findings.txt:" << k.line << ": " << k.id << " is not in docs/findings.md";
}

TEST(Known, BadLinesNameTheirLine) {
  std::vector<report::KnownFinding> out;
  std::string err;
  EXPECT_FALSE(report::parse_known_findings("# c\nF1 v9.9 deadlock | x\n", "k.txt", &out, &err));
  EXPECT_EQ(err.rfind("k.txt:2: error: unknown profile 'v9.9'", 0), 0u) << err;
  EXPECT_FALSE(report::parse_known_findings("F1 * nonsense | x\n", "k.txt", &out, &err));
  EXPECT_EQ(err.rfind("k.txt:1: error:", 0), 0u) << err;
  ASSERT_TRUE(report::parse_known_findings("F1 * deadlock | x\n", "k.txt", &out, &err)) << err;
  EXPECT_TRUE(out[0].profiles.empty());
}

// The signature of a regression file's run on a profile.
report::Signature run_signature(const std::string& file, const char* profile) {
  std::string text, err;
  EXPECT_TRUE(
      program::read_file(std::string(DWH_SOURCE_DIR) + "/corpus/regression/" + file, &text, &err))
      << err;
  program::RunConfig cfg;
  cfg.profile = program::find_profile(profile);
  return report::signature_of(program::execute(program::testing::parse_text(text), cfg));
}

// F4 on mm-new is documented by its signature; a return-code bug of the same
// verdict class with another signature (a planted one: damos_walk() returning
// 0 after a cancel) is not, and "-documented" lets only the latter through.
TEST(Known, SelectsBySignatureNotByVerdict) {
  const report::Signature f4 = run_signature("walk-completed-stale-after-cancel.txt", "mm-new");
  ASSERT_EQ(f4.verdict, rt::Verdict::kReturnContract) << f4.key();
  const report::KnownFinding* k = report::documented(f4, "mm-new");
  ASSERT_NE(k, nullptr) << f4.key();
  EXPECT_EQ(k->id, "F4");
  const report::Signature planted =
      sig(rt::Verdict::kReturnContract, "contract damos_walk() returned N after a cancel");
  EXPECT_EQ(report::documented(planted, "mm-new"), nullptr);

  program::FindingFilter filter;
  std::string err;
  ASSERT_TRUE(program::FindingFilter::parse("-documented", &filter, &err)) << err;
  EXPECT_FALSE(filter.empty());
  const rt::Finding none;
  EXPECT_FALSE(report::selects(filter, f4.verdict, none, f4, "mm-new"));
  EXPECT_TRUE(report::selects(filter, planted.verdict, none, planted, "mm-new"));
  // Documented on the profiles the file lists only: F3 is 6.17's.
  const report::Signature f3 = run_signature("call-list-add-tail.txt", "v6.17");
  ASSERT_EQ(f3.verdict, rt::Verdict::kLostRequest) << f3.key();
  ASSERT_NE(report::documented(f3, "v6.17"), nullptr) << f3.key();
  EXPECT_EQ(report::documented(f3, "pause-rfc"), nullptr);
  EXPECT_TRUE(report::selects(filter, f3.verdict, none, f3, "pause-rfc"));
}

}  // namespace
