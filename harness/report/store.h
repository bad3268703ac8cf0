// A findings store: one folder, shared by every process that fuzzes into it
// (libFuzzer -jobs/-fork workers, damon-stress), holding one finding file per
// signature and a hit count for each:
//
//   DIR/<verdict>-<id>.txt    the first finding of the signature (a finding
//                             file, finding.h, with a "# signature: KEY" line).
//                             Written to a temporary file, then link(2)ed to
//                             its name, which fails if another process got
//                             there first: exactly one first file, never half
//                             a file.
//   DIR/<verdict>-<id>.hits   lines "N\n", each written by one O_APPEND
//                             write(2), so that concurrent appends never mix;
//                             the hit count is their sum.
//
// A process adds its hits up in memory and appends them when a signature is
// new to it, at most once a second otherwise, and at flush(); a process killed
// outright loses at most that second's counts, never a file. id is
// Signature::id().
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "harness/program/finding.h"
#include "harness/report/signature.h"

namespace report {

class FindingStore {
 public:
  explicit FindingStore(std::string dir) : dir_(std::move(dir)) {}
  ~FindingStore() { flush(); }
  FindingStore(const FindingStore&) = delete;
  FindingStore& operator=(const FindingStore&) = delete;

  enum class Hit {
    kNew,    // this call wrote the signature's first file
    kKnown,  // the store already had it: only its count went up
    kError,  // the file could not be written (*err says why); counted all the same
  };
  // Records one finding of signature `s`. *path: the signature's finding file.
  Hit record(const Signature& s, const program::FindingFile& f, std::string* path,
             std::string* err);
  // Appends the counts not yet written.
  void flush();
  const std::string& dir() const { return dir_; }
  // DIR/<verdict>-<id> (no extension).
  std::string stem(const Signature& s) const;

 private:
  struct Pending {
    uint64_t hits = 0;
    std::string hits_path;
  };
  void append(Pending* p);
  std::string dir_;
  std::map<std::string, Pending> seen_;  // by id: signatures this process has met
  std::chrono::steady_clock::time_point last_flush_ = std::chrono::steady_clock::now();
};

// One signature of a store, as read back from its files.
struct StoreEntry {
  std::string id;
  rt::Verdict verdict = rt::Verdict::kOk;
  std::string key;      // from the file's "# signature:" line
  std::string profile;  // from "# profile:"
  std::string file;     // DIR/<verdict>-<id>.txt
  std::string replay;   // the file's "# replay:" command
  uint64_t hits = 0;
};
// Every signature of `dir`, most hits first. A missing folder is an empty
// store; an unreadable file is an error ("PATH: error: ...").
bool read_store(const std::string& dir, std::vector<StoreEntry>* out, std::string* err);

}  // namespace report
