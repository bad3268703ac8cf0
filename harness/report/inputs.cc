#include "harness/report/inputs.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "harness/program/codec.h"
#include "harness/program/text.h"

namespace report {

namespace fs = std::filesystem;

namespace {

bool read_all(const std::string& path, std::string* out, std::string* reason) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *reason = std::string("cannot open: ") + std::strerror(errno);
    return false;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) {
    *reason = "read error";
    return false;
  }
  *out = ss.str();
  return true;
}

// The word after `key` followed by ':' '=' or spaces ("runtime: os", "--runtime=os").
std::string header_value(const std::string& header, std::string_view key) {
  for (size_t at = header.find(key); at != std::string::npos; at = header.find(key, at + 1)) {
    size_t i = at + key.size();
    const size_t sep = i;
    while (i < header.size() && (header[i] == ':' || header[i] == '=' || header[i] == ' ')) i++;
    if (i == sep) continue;
    size_t end = i;
    while (end < header.size() && !std::isspace(static_cast<unsigned char>(header[end])) &&
           header[end] != ',' && header[end] != ')')
      end++;
    if (end > i) return header.substr(i, end - i);
  }
  return "";
}

void read_header(Input* in) {
  for (const std::string& c : in->program.comments) in->header += c + "\n";
  if (header_value(in->header, "runtime") == "os") in->runtime = rt::RuntimeKind::kOs;
  in->profile = header_value(in->header, "profile");
  if (in->profile.empty() && !in->program.expects.empty())
    in->profile = in->program.expects.front().profile;
}

// An artifact whose finding file ("crash-<sha1>.txt", written by the fuzz
// targets beside it) is in `sorted`: the finding file is the same program plus
// the header naming its profile and runtime, so it stands for both.
bool has_finding_file(const std::string& path, const std::vector<std::string>& sorted) {
  const std::string name = fs::path(path).filename().string();
  if (!is_artifact_name(name) || fs::path(name).has_extension()) return false;
  return std::binary_search(sorted.begin(), sorted.end(), path + ".txt");
}

}  // namespace

bool is_artifact_name(const std::string& name) {
  for (std::string_view p : {"crash-", "timeout-", "leak-", "oom-", "slow-unit-"})
    if (name.rfind(p, 0) == 0) return true;
  return false;
}

bool load_input(const std::string& path, bool explicit_path, Input* out, std::string* reason) {
  std::string data;
  if (!read_all(path, &data, reason)) return false;
  Input in;
  in.path = path;
  // Text or bytes by content, as the fuzz targets decide (fuzz/common.cc): a
  // finding file beside an artifact ("crash-<sha1>.txt") has an artifact's name.
  const bool artifact = is_artifact_name(fs::path(path).filename().string());
  if (program::looks_like_text(data)) {
    program::ParseError err;
    if (!program::parse_program(data, &in.program, &err)) {
      *reason = err.format(path);
      return false;
    }
    read_header(&in);
  } else if (artifact || explicit_path) {
    in.kind = InputKind::kArtifact;
    in.program = program::decode_bytes(reinterpret_cast<const uint8_t*>(data.data()), data.size());
  } else {
    *reason = "not a libFuzzer artifact or a text program";
    return false;
  }
  *out = std::move(in);
  return true;
}

void collect_inputs(const std::vector<std::string>& paths, std::vector<Input>* inputs,
                    std::vector<Skipped>* skipped) {
  auto take = [&](const std::string& p, bool explicit_path) {
    Input in;
    std::string reason;
    if (load_input(p, explicit_path, &in, &reason)) {
      inputs->push_back(std::move(in));
    } else {
      skipped->push_back({p, reason});
    }
  };
  for (const std::string& p : paths) {
    std::error_code ec;
    if (!fs::is_directory(p, ec)) {
      take(p, true);
      continue;
    }
    std::vector<std::string> files;
    for (auto it =
             fs::recursive_directory_iterator(p, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_regular_file(ec) && it->path().filename().string()[0] != '.')
        files.push_back(it->path().string());
    }
    if (ec) skipped->push_back({p, "directory walk stopped: " + ec.message()});
    std::sort(files.begin(), files.end());
    for (const std::string& f : files)
      if (!has_finding_file(f, files)) take(f, false);
  }
}

}  // namespace report
