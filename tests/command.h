// Runs a shell command line for a test and captures what it printed.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace dwh_testing {

struct CommandResult {
  int code = -1;    // the exit code, or -1 if the command did not exit
  std::string out;  // stdout and stderr
};

// `cmd` runs under /bin/sh; `log_name` names its temporary output file.
inline CommandResult run_command(const std::string& cmd, const std::string& log_name) {
  const std::filesystem::path log =
      std::filesystem::temp_directory_path() / (log_name + "." + std::to_string(getpid()));
  const int status = std::system((cmd + " >" + log.string() + " 2>&1").c_str());
  CommandResult r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream in(log);
  std::stringstream ss;
  ss << in.rdbuf();
  r.out = ss.str();
  std::filesystem::remove(log);
  return r;
}

}  // namespace dwh_testing
