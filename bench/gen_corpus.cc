// dwh-gen-corpus: writes N random programs in the fuzzers' byte format (or the
// text format) into a folder, for the executions/s benchmarks. Programs come from
// the damon-stress workload generator: same seed, same corpus.
//
//   dwh-gen-corpus --out DIR --count 64 --ops 16 --clients 2 --profile pause-rfc
#include <cstdio>
#include <filesystem>
#include <string>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "harness/program/codec.h"
#include "harness/program/executor.h"
#include "harness/program/finding.h"
#include "harness/program/text.h"
#include "stress/workload.h"

int main(int argc, char** argv) {
  std::string out, profile_name = "pause-rfc", mix_text = stress::default_mix_text();
  int count = 64, ops = 16, clients = 2, contexts = 1;
  uint64_t seed = 1;
  bool text = false, clean = false;
  CLI::App app{"write random programs of a fixed number of operations"};
  app.add_option("--out", out, "folder to write into")->required();
  app.add_option("--count", count, "number of programs")->capture_default_str();
  app.add_option("--ops", ops, "operations per program (split over the clients)")
      ->check(CLI::Range(1, program::kMaxOps))
      ->capture_default_str();
  app.add_option("--clients", clients)
      ->check(CLI::Range(1, program::kMaxClients))
      ->capture_default_str();
  app.add_option("--contexts", contexts)
      ->check(CLI::Range(1, program::kMaxCtxs))
      ->capture_default_str();
  app.add_option("--profile", profile_name)->capture_default_str();
  app.add_option("--mix", mix_text)->capture_default_str();
  app.add_option("--seed", seed)->capture_default_str();
  app.add_flag("--text", text, "write the text format instead of bytes");
  app.add_flag("--clean", clean,
               "keep only programs that end without a finding in sim (default schedule), so "
               "a fuzz target can run them all without stopping");
  CLI11_PARSE(app, argc, argv);

  stress::WorkloadConfig cfg;
  cfg.profile = program::find_profile(profile_name);
  std::string err;
  if (!cfg.profile || !stress::parse_mix(mix_text, &cfg.mix, &err)) {
    std::fprintf(stderr, "dwh-gen-corpus: error: %s\n",
                 cfg.profile ? err.c_str() : "unknown profile");
    return 2;
  }
  cfg.clients = clients;
  cfg.contexts = contexts;
  cfg.exact_length = true;
  std::filesystem::create_directories(out);
  rt::SplitMix64 rng(seed);
  int tries = 0;
  for (int i = 0; i < count && tries < 1000 * count; tries++) {
    // ops split as evenly as possible; the first clients take the remainder.
    program::Program p;
    for (int c = 0; c < clients; c++) {
      cfg.ops_per_client = ops / clients + (c < ops % clients ? 1 : 0);
      stress::WorkloadConfig one = cfg;
      one.clients = 1;
      p.ops[c] = stress::generate_program(rng, one).ops[0];
    }
    if (clean) {
      program::RunConfig run;
      run.profile = cfg.profile;
      run.options.record_trace = false;
      const rt::Verdict v = program::execute(p, run).verdict;
      if (v != rt::Verdict::kOk) continue;
    }
    std::string data;
    if (text) {
      data = program::print_program(p);
    } else {
      const std::vector<uint8_t> bytes = program::encode_bytes(p);
      data.assign(bytes.begin(), bytes.end());
    }
    const std::string path = fmt::format("{}/prog-{:04}{}", out, i, text ? ".txt" : "");
    if (!program::write_file_atomic(path, data, &err)) {
      std::fprintf(stderr, "dwh-gen-corpus: %s\n", err.c_str());
      return 1;
    }
    i++;
  }
  std::printf("wrote %d programs of %d ops to %s (%d generated)\n", count, ops, out.c_str(), tries);
  return 0;
}
