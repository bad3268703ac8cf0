#include "harness/program/load.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include <fmt/format.h>

#include "harness/program/codec.h"
#include "harness/program/text.h"

namespace program {

bool read_file(const std::string& path, std::string* data, std::string* err) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    *err = fmt::format("{}: error: cannot read: is a directory", path);
    return false;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *err = fmt::format("{}: error: cannot read: {}", path, std::strerror(errno));
    return false;
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) {
    *err = fmt::format("{}: error: cannot read: I/O error", path);
    return false;
  }
  *data = std::move(buf).str();
  return true;
}

bool program_from_data(const std::string& path, const std::string& data, Program* out,
                       std::string* err, InputFormat* format) {
  const bool text = looks_like_text(data);
  if (format) *format = text ? InputFormat::kText : InputFormat::kBytes;
  if (!text) {
    *out = decode_bytes(reinterpret_cast<const uint8_t*>(data.data()), data.size());
    return true;
  }
  ParseError pe;
  if (parse_program(data, out, &pe)) return true;
  *err = pe.format(path);
  return false;
}

bool load_program(const std::string& path, Program* out, std::string* err, InputFormat* format) {
  std::string data;
  return read_file(path, &data, err) && program_from_data(path, data, out, err, format);
}

bool list_inputs(const std::string& path, std::vector<std::string>* files, std::string* err) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (ec || !fs::exists(st)) {
    *err = fmt::format("{}: error: no such file or directory", path);
    return false;
  }
  if (!fs::is_directory(st)) {
    files->push_back(path);
    return true;
  }
  std::vector<std::string> found;
  for (fs::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.empty() || name[0] == '.') continue;
    std::error_code fec;
    if (it->is_regular_file(fec) || !it->exists(fec)) found.push_back(it->path().string());
  }
  if (ec) {
    *err = fmt::format("{}: error: cannot list: {}", path, ec.message());
    return false;
  }
  std::sort(found.begin(), found.end());
  files->insert(files->end(), found.begin(), found.end());
  return true;
}

}  // namespace program
