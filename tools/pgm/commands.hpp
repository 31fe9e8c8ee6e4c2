#pragma once
// Each file under commands/ registers its own subcommands on the app. main.cpp owns the mapping from
// exception types to exit codes, so commands just throw pgm::Error subclasses.
#include <pgm/io/load.hpp>

#include <CLI/CLI.hpp>

#include <iosfwd>
#include <string>
#include <utility>
#include <vector>

namespace pgm::cli {

// Exit codes, one per error class (as CLI11 does).
enum ExitCode : int {
  kOk = 0,
  kInternal = 1,
  kUsage = 2,         // bad command line
  kModel = 3,         // unreadable or invalid model file (ParseError, ModelError, IoError)
  kQuery = 4,         // bad query or evidence, zero-probability evidence (QueryError)
  kLimit = 5,         // computation refused: too large (LimitError)
  kNumerical = 6,     // numerical failure (NumericalError)
};

// Options common to commands that read a model.
struct ModelOptions {
  std::string path;
  std::string format;  // empty: by extension
  bool renormalize = true;
};
void add_model_options(CLI::App& cmd, ModelOptions& opts);
[[nodiscard]] Model load(const ModelOptions& opts);

// Splits repeated "--given A=a,B=b" values into name/value pairs; QueryError on malformed items.
[[nodiscard]] std::vector<std::pair<std::string, std::string>> parse_assignments(const std::vector<std::string>& given);

void register_discrete_commands(CLI::App& app);      // marginals, query, info        (discrete.cpp)
void register_independence_commands(CLI::App& app);  // independent, blanket, independencies (independence.cpp)
void register_gaussian_commands(CLI::App& app);      // score, sample                (gaussian.cpp)
void register_format_commands(CLI::App& app);        // convert, bench               (formats.cpp, bench.cpp)

// `pgm query` on a Gaussian or linear-Gaussian model (implemented in gaussian.cpp).
void run_gaussian_query(const Model& model, const std::vector<std::string>& targets,
                        const std::vector<std::pair<std::string, std::string>>& given, bool json, std::ostream& out);

}  // namespace pgm::cli
