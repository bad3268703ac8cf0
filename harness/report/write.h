// Triage output: report.md (one section per bucket), report.json (the same
// data) and bucket-<n>.txt (the minimal program with a "# expect" line for every
// profile, ready for corpus/regression/).
//
// Promises: every file is written atomically (a temporary in the same directory,
// then rename), so a reader never sees half a report; the output directory is
// created if missing; nothing outside it is touched.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "harness/report/triage.h"

namespace report {

std::string report_markdown(const TriageReport& rep);
nlohmann::json report_json(const TriageReport& rep);
// The bucket's minimal program with its description comments and expectations.
program::Program bucket_program(const Bucket& b, const TriageReport& rep);

// Every file through program::write_file_atomic. Returns false and sets *error on
// the first failure.
bool write_report(const TriageReport& rep, const std::string& out_dir, std::string* error);

}  // namespace report
