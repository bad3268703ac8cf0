#include "harness/report/write.h"

#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "harness/program/finding.h"
#include "harness/program/text.h"

namespace report {

namespace fs = std::filesystem;

namespace {

std::string rate(const ReplayStats& s) {
  std::string out = fmt::format("sim {}/{}", s.sim_reproduced, s.sim_runs);
  if (s.sim_hash_mismatch) out += " (replays diverged)";
  if (s.os_runs > 0) out += fmt::format(", os {}/{}", s.os_reproduced, s.os_runs);
  return out;
}

// The search's cell first; the replay of the minimal program's one schedule
// is its own, labelled pair of columns.
std::string matrix_markdown(const Bucket& b) {
  std::string out =
      "| profile | search for the signature | replay of its schedule: verdict | replay: same "
      "signature |\n|---|---|---|---|\n";
  for (const ProfileCell& c : b.matrix)
    out += fmt::format("| {} | {} | {} | {} |\n", c.profile, c.search.text(),
                       rt::verdict_name(c.verdict), c.reproduces ? "yes" : "no");
  return out;
}

std::string bucket_markdown(const Bucket& b, const TriageReport& rep) {
  const InputResult& r = rep.inputs[b.representative];
  std::string out = fmt::format("## Bucket {}: {}\n\n", b.id, class_name(b.cls));
  out += fmt::format("- verdict: {}\n- inputs: {}\n- representative: `{}` on {}\n",
                     rt::verdict_name(b.signature.verdict), b.members.size(), r.path, r.profile);
  out += fmt::format(
      "- reproducibility: {}\n- minimisation: {} ops / {} preemptions -> {} ops / "
      "{} preemptions ({} runs)\n\nSignature:\n\n",
      rate(r.stats), r.program.nr_ops(), r.program.schedule.preemptions.size(), b.minimal.nr_ops(),
      b.minimal.schedule.preemptions.size(), b.minimize_runs);
  for (const std::string& f : b.signature.facts) out += "- `" + f + "`\n";
  out += "\nProfiles:\n\n" + matrix_markdown(b);
  out += "\nMinimal program (`bucket-" + std::to_string(b.id) + ".txt`):\n\n```\n" +
         program::print_program(bucket_program(b, rep)) + "```\n\nTimeline:\n\n```\n" + b.timeline +
         "```\n\n";
  return out;
}

nlohmann::json stats_json(const ReplayStats& s) {
  return {{"sim_runs", s.sim_runs},
          {"sim_reproduced", s.sim_reproduced},
          {"sim_diverged", s.sim_hash_mismatch},
          {"os_runs", s.os_runs},
          {"os_reproduced", s.os_reproduced},
          {"verdict", rt::verdict_name(s.verdict)}};
}

nlohmann::json bucket_json(const Bucket& b, const TriageReport& rep) {
  nlohmann::json members = nlohmann::json::array(), matrix = nlohmann::json::array();
  for (size_t m : b.members) members.push_back(rep.inputs[m].path);
  for (const ProfileCell& c : b.matrix)
    matrix.push_back({{"profile", c.profile},
                      {"verdict", rt::verdict_name(c.verdict)},
                      {"reproduces", c.reproduces},
                      {"search",
                       {{"result", c.search.text()},
                        {"ran", c.search.ran},
                        {"found", c.search.found},
                        {"preemptions", c.search.preemptions},
                        {"bound", c.search.bound},
                        {"complete", c.search.complete},
                        {"schedules", c.search.schedules}}}});
  const InputResult& r = rep.inputs[b.representative];
  return {{"id", b.id},
          {"class", class_name(b.cls)},
          {"verdict", rt::verdict_name(b.signature.verdict)},
          {"signature", b.signature.key()},
          {"facts", b.signature.facts},
          {"members", members},
          {"representative", {{"path", r.path}, {"profile", r.profile}}},
          {"reproducibility", stats_json(r.stats)},
          {"profiles", matrix},
          {"minimal_program", program::print_program(bucket_program(b, rep))},
          {"minimize_runs", b.minimize_runs},
          {"timeline", b.timeline}};
}

}  // namespace

program::Program bucket_program(const Bucket& b, const TriageReport& rep) {
  program::Program p = b.minimal;
  const InputResult& r = rep.inputs[b.representative];
  p.comments = {
      fmt::format("triage bucket {}: {} ({})", b.id, class_name(b.cls),
                  rt::verdict_name(b.signature.verdict)),
      "signature: " + b.signature.key(),
      fmt::format("minimised from {} on profile {}", r.path, r.profile),
      fmt::format("replay: damon-harness timeline bucket-{}.txt --profile {}", b.id, r.profile)};
  return p;
}

std::string report_markdown(const TriageReport& rep) {
  std::string out =
      fmt::format("# Triage report\n\n{} inputs, {} buckets, {} skipped, {:.1f} s\n\n",
                  rep.inputs.size(), rep.buckets.size(), rep.skipped.size(), rep.seconds);
  out +=
      "| bucket | class | verdict | inputs | found by search on | replay reproduces on "
      "|\n|---|---|---|---|---|---|\n";
  for (const Bucket& b : rep.buckets) {
    std::string on, found;
    for (const ProfileCell& c : b.matrix) {
      if (c.reproduces) on += (on.empty() ? "" : ", ") + c.profile;
      if (c.search.found) found += (found.empty() ? "" : ", ") + c.profile;
    }
    out += fmt::format("| {} | {} | {} | {} | {} | {} |\n", b.id, class_name(b.cls),
                       rt::verdict_name(b.signature.verdict), b.members.size(),
                       found.empty() ? "-" : found, on.empty() ? "-" : on);
  }
  out += "\n";
  if (!rep.skipped.empty()) {
    out += "## Skipped files\n\n";
    for (const Skipped& s : rep.skipped) out += "- `" + s.path + "`: " + s.reason + "\n";
    out += "\n";
  }
  for (const Bucket& b : rep.buckets) out += bucket_markdown(b, rep);
  return out;
}

nlohmann::json report_json(const TriageReport& rep) {
  nlohmann::json j = {{"seconds", rep.seconds},
                      {"inputs", nlohmann::json::array()},
                      {"skipped", nlohmann::json::array()},
                      {"buckets", nlohmann::json::array()}};
  for (const InputResult& r : rep.inputs)
    j["inputs"].push_back({{"path", r.path},
                           {"profile", r.profile},
                           {"class", class_name(r.cls)},
                           {"signature", r.signature.key()},
                           {"reproducibility", stats_json(r.stats)}});
  for (const Skipped& s : rep.skipped)
    j["skipped"].push_back({{"path", s.path}, {"reason", s.reason}});
  for (const Bucket& b : rep.buckets) j["buckets"].push_back(bucket_json(b, rep));
  return j;
}

bool write_report(const TriageReport& rep, const std::string& out_dir, std::string* error) {
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec) {
    *error = "cannot create " + out_dir + ": " + ec.message();
    return false;
  }
  const fs::path dir(out_dir);
  for (const Bucket& b : rep.buckets) {
    const std::string name = "bucket-" + std::to_string(b.id) + ".txt";
    if (!program::write_file_atomic((dir / name).string(),
                                    program::print_program(bucket_program(b, rep)), error))
      return false;
  }
  return program::write_file_atomic((dir / "report.json").string(), report_json(rep).dump(2) + "\n",
                                    error) &&
         program::write_file_atomic((dir / "report.md").string(), report_markdown(rep), error);
}

}  // namespace report
