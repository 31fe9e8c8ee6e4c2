#pragma once
// Each file under commands/ registers its own subcommands on the app. main.cpp owns the mapping from
// exception types to exit codes, so commands just throw pgm::Error subclasses.
#include <pgm/io/load.hpp>
#include <pgm/query/model.hpp>
#include <pgm/render/render.hpp>

#include <CLI/CLI.hpp>

#include <iosfwd>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pgm::cli {

// Exit codes, one per error class (as CLI11 does). The rule between 2 and 4: a value the command
// line cannot mean anything by (no '=', not a size, a negative tolerance) is a usage error; a
// well-formed name the model does not have (variable, state) is a query error.
enum ExitCode : int {
  kOk = 0,
  kInternal = 1,      // a bug: never reachable by input
  kUsage = 2,         // bad command line: unknown command or option, malformed option value (UsageError)
  kModel = 3,         // unreadable or invalid model file (ParseError, ModelError, IoError)
  kQuery = 4,         // a query the model cannot answer: unknown variable or state, zero-probability
                      // evidence (QueryError); an operation or conversion the model or the target
                      // format cannot express (UnsupportedError)
  kLimit = 5,         // computation refused: too large (LimitError)
  kNumerical = 6,     // numerical failure (NumericalError)
};

// A command-line mistake found after CLI11 has parsed: a malformed option value. Exit code 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Options common to commands that read a model.
struct ModelOptions {
  std::string path;
  std::string format;  // empty: by extension
  bool renormalize = true;
  std::string format_flag = "--format";  // the option that names the format, for hints
};
void add_model_options(CLI::App& cmd, ModelOptions& opts);
// The model the options name, as a pgm::Model (Model::load with the options' format and
// renormalisation); a file name without a known extension is told to use opts.format_flag.
[[nodiscard]] Model load_model(const ModelOptions& opts);

using Assignments = query::Assignments;

// query::parse_assignments of repeated "--given A=a,B=b" values (`flag` names them in messages;
// "--point" reads coordinates); a malformed item is a UsageError, a variable given two different
// states a QueryError.
[[nodiscard]] Assignments parse_assignments(const std::vector<std::string>& given, const char* flag = "--given");

// --given/-g (repeatable) and --evidence-file/-e, and --max-memory, as every inference command has them.
void add_evidence_options(CLI::App& cmd, std::vector<std::string>& given, std::string& evidence_file);
void add_max_memory_option(CLI::App& cmd, std::string& max_memory);

// --soft X=0.8,0.2 (repeatable, one variable each) and, with `jeffrey`, --jeffrey X=0.3,0.7.
struct SoftOptions {
  std::vector<std::string> soft;
  std::vector<std::string> jeffrey;
};
void add_soft_options(CLI::App& cmd, SoftOptions& opts, bool jeffrey);
// The texts read (query::parse_soft); a malformed one is a UsageError (exit 2), as for --given.
struct SoftGiven {
  query::SoftAssignments soft;
  query::JeffreyTargets jeffrey;
  [[nodiscard]] bool empty() const noexcept { return soft.empty() && jeffrey.empty(); }
};
[[nodiscard]] SoftGiven parse_soft_options(const SoftOptions& opts);
// `evidence` with the soft evidence and then the Jeffrey targets applied (QueryError, exit 4, for
// bad numbers, unknown names or a continuous model).
[[nodiscard]] query::Evidence apply_soft(const Model& model, query::Evidence evidence, const SoftGiven& given,
                                         std::size_t max_memory_bytes);
// "8G", "512M", "100k" or a plain byte count (--max-memory); empty: half of physical memory.
[[nodiscard]] std::size_t parse_memory(const std::string& text);
// "X, Y" → {"X", "Y"} appended to `out`: names split at commas, spaces and tabs around them trimmed.
// An empty name is a UsageError "OPTION 'TEXT' has an empty WHAT; expected EXAMPLE".
void split_name_list(const std::string& text, std::string_view option, std::string_view what,
                     std::string_view example, std::vector<std::string>& out);
// The evidence file's assignments (none when the name is empty), then those of --given (parsed
// first, so a malformed --given is reported before any file is read); a variable given twice must agree.
[[nodiscard]] Assignments with_evidence_file(const std::string& evidence_file, Assignments given);

void register_discrete_commands(CLI::App& app);      // marginals, query, info        (discrete.cpp)
void register_independence_commands(CLI::App& app);  // independent, blanket, independencies (independence.cpp)
void register_gaussian_commands(CLI::App& app);      // score, sample                (gaussian.cpp)
void register_format_commands(CLI::App& app);        // convert, bench               (formats.cpp, bench.cpp)
void register_explain_commands(CLI::App& app);       // mpe, map                     (explain.cpp)
void register_batch_commands(CLI::App& app);         // batch                        (batch.cpp, issue 11)
void register_citest_commands(CLI::App& app);        // citest                       (citest.cpp, issue 12)
void register_fit_commands(CLI::App& app);           // fit, loglik                  (fit.cpp, issue 12)
void register_elbo_commands(CLI::App& app);          // elbo                         (elbo.cpp, issue 12)
void register_expect_commands(CLI::App& app);        // expect                       (expect.cpp, issue 12)
void register_render_commands(CLI::App& app);        // render                       (render.cpp, issue 13)
// issue 13, render: the picture format of an output path by its extension (UsageError naming it
// and `flag` otherwise), and writing a picture (IoError when the file cannot be written).
[[nodiscard]] render::Format picture_format(const std::string& path, const char* flag);
void write_picture(const std::string& path, const std::string& bytes);
// `pgm independent --render FILE`: the independence picture (render::Options::independence) written to FILE.
void render_independence(const Model& model, const std::vector<std::string>& x, const std::vector<std::string>& y,
                         const std::vector<std::string>& given, double tolerance, const std::string& path);

// `pgm query` on a Gaussian or linear-Gaussian model (implemented in gaussian.cpp): the joint
// posterior of `targets` given the evidence (values as text, read by the library).
void run_gaussian_query(const Model& model, const std::vector<std::string>& targets, const Assignments& given,
                        bool json, std::ostream& out);

// issue 13, serve: `pgm serve`, the page and JSON API over HTTP (serve.cpp, serve/server.cpp).
void register_serve_commands(CLI::App& app);

}  // namespace pgm::cli
