// damon-harness store DIR: the buckets of a findings store (report/store.h),
// most hits first: signature id, verdict, hits, whether the signature is a
// documented finding of its profile (corpus/known-findings.txt), the first
// finding file and the command that replays it, then each signature's key.
#include <fmt/format.h>

#include "harness/cli/commands.h"
#include "harness/report/known.h"
#include "harness/report/store.h"

namespace cli {
namespace {

struct StoreArgs {
  std::string dir;
  bool tsv = false;
};

std::string documented_text(const report::StoreEntry& e) {
  const report::KnownFinding* k = report::documented(e.key, e.profile);
  return k ? k->id : "no";
}

void print_tsv(const std::vector<report::StoreEntry>& entries) {
  fmt::print("id\tverdict\thits\tdocumented\tprofile\tfile\treplay\tsignature\n");
  for (const report::StoreEntry& e : entries)
    fmt::print("{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n", e.id, rt::verdict_name(e.verdict), e.hits,
               documented_text(e), e.profile, e.file, e.replay, e.key);
}

void print_table(const StoreArgs& a, const std::vector<report::StoreEntry>& entries) {
  uint64_t hits = 0, documented = 0;
  size_t vw = 7, fw = 10;
  for (const report::StoreEntry& e : entries) {
    hits += e.hits;
    documented += documented_text(e) != "no";
    vw = std::max(vw, rt::verdict_name(e.verdict).size());
    fw = std::max(fw, e.file.size());
  }
  fmt::print("store {}: {} signature(s), {} documented, {} new; {} hit(s)\n", a.dir, entries.size(),
             documented, entries.size() - documented, hits);
  if (entries.empty()) return;
  fmt::print("{:>3}  {:<14}  {:<{}}  {:>9}  {:<10}  {:<{}}  {}\n", "#", "signature", "verdict", vw,
             "hits", "documented", "first file", fw, "replay");
  for (size_t i = 0; i < entries.size(); i++) {
    const report::StoreEntry& e = entries[i];
    fmt::print("{:>3}  {:<14}  {:<{}}  {:>9}  {:<10}  {:<{}}  {}\n", i + 1, e.id,
               rt::verdict_name(e.verdict), vw, e.hits, documented_text(e), e.file, fw, e.replay);
  }
  fmt::print("signatures:\n");
  for (size_t i = 0; i < entries.size(); i++)
    fmt::print("{:>3}  {}  {}\n", i + 1, entries[i].id, entries[i].key);
}

CommandMain setup_store(CLI::App& app) {
  auto a = std::make_shared<StoreArgs>();
  app.add_option("dir", a->dir, "findings store folder (DWH_STORE of the fuzz targets)")
      ->required();
  app.add_flag("--tsv", a->tsv, "tab-separated, one header line, for scripts");
  return [a] {
    std::vector<report::StoreEntry> entries;
    std::string err;
    if (!report::read_store(a->dir, &entries, &err)) return bad_input(err);
    if (a->tsv)
      print_tsv(entries);
    else
      print_table(*a, entries);
    return entries.empty() ? kExitOk : kExitFinding;
  };
}

const Registrar kStore{"store", "list a findings store's signatures: hits, documented, replay", 65,
                       setup_store};

}  // namespace
}  // namespace cli
