#pragma once
// Runs the `pgm` executable (PGM_CLI_PATH) for the end-to-end CLI tests, capturing its output.
#include <string>
#include <vector>

namespace pgm::testing {

struct CliRun {
  int exit_code = -1;  // -1 when the process did not exit normally (killed by a signal)
  std::string out;
  std::string err;
};

// Runs PGM_CLI_PATH with the arguments (each shell-quoted), stdin from /dev/null, capturing stdout
// (pipe) and stderr (a unique temp file, removed afterwards) and the exit status.
CliRun run_pgm(const std::vector<std::string>& args);

}  // namespace pgm::testing
