#include "support/cli_runner.hpp"

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace pgm::testing {
namespace {

namespace fs = std::filesystem;

std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (const char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// Creates an empty file with a unique name under the temp directory and returns its path
// (empty on failure).
std::string unique_temp_file() {
  std::string pattern = (fs::temp_directory_path() / "pgm_cli_stderr_XXXXXX").string();
  const int fd = ::mkstemp(pattern.data());
  if (fd < 0) return {};
  ::close(fd);
  return pattern;
}

}  // namespace

CliRun run_pgm(const std::vector<std::string>& args) {
  CliRun r;
  const std::string err_path = unique_temp_file();
  if (err_path.empty()) {
    ADD_FAILURE() << "could not create a temp file for stderr";
    return r;
  }
  std::string cmd = shell_quote(PGM_CLI_PATH);
  for (const auto& a : args) cmd += " " + shell_quote(a);
  cmd += " 2>" + shell_quote(err_path) + " </dev/null";

  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (pipe == nullptr) {
    ADD_FAILURE() << "popen failed for " << cmd;
    std::error_code ec;
    fs::remove(err_path, ec);
    return r;
  }
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) r.out.append(buf, n);
  const int status = ::pclose(pipe);
  r.exit_code = status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  {
    std::ifstream err(err_path, std::ios::binary);
    std::ostringstream ss;
    ss << err.rdbuf();
    r.err = ss.str();
  }
  std::error_code ec;
  fs::remove(err_path, ec);
  return r;
}

}  // namespace pgm::testing
