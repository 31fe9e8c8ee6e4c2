// ---- issue 12: `pgm fit` (parameter learning: counting, Dirichlet/BDeu priors, EM, linear-Gaussian
// least squares) and `pgm loglik` (per-row log-likelihoods), over <pgm/query/fit.hpp>. See
// docs/learning.md.
#include "pgm/commands.hpp"
#include "pgm/output.hpp"

#include <pgm/core/error.hpp>
#include <pgm/core/size.hpp>
#include <pgm/query/fit.hpp>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

namespace pgm::cli {
namespace {

struct FitCliOptions {
  ModelOptions model;
  std::string data;
  std::string prior = "none";
  bool em = false;
  long long max_iter = 100;
  double tol = 1e-6;
  long long threads = 0;
  CLI::Option* threads_option = nullptr;
  std::string output;
  bool json = false;
  std::string max_memory;
};

struct LoglikCliOptions {
  ModelOptions model;
  std::string data;
  bool json = false;
  bool skip_bad_rows = false;
  long long threads = 0;
  CLI::Option* threads_option = nullptr;
  std::string max_memory;
};

std::ifstream open_data(const std::string& path) {
  std::ifstream data(path, std::ios::binary);
  if (!data) {
    const int err = errno;
    throw QueryError("cannot open data file '" + path + "' for reading" +
                     (err ? std::string(": ") + std::strerror(err) : ""));
  }
  return data;
}

std::size_t threads_of(long long threads, const CLI::Option* option) {
  if (option->count() > 0 && threads < 1)
    throw UsageError("--threads must be at least 1, got " + option->as<std::string>());
  return static_cast<std::size_t>(threads);
}

Json history_json(const std::vector<double>& h) {
  Json a = Json::array();
  for (double x : h) a.push_back(number_json(x));
  return a;
}

void run_fit(const FitCliOptions& opts) {
  query::FitOptions options;
  try {
    options.prior = query::parse_prior(opts.prior);
  } catch (const QueryError& e) {
    throw UsageError(e.what());
  }
  if (opts.max_iter < 0) throw UsageError("--max-iter must be at least 0, got " + std::to_string(opts.max_iter));
  if (!(opts.tol >= 0.0) || !std::isfinite(opts.tol))
    throw UsageError("--tol must be a finite number at least 0, got " + format_number(opts.tol));
  options.em = opts.em;
  options.max_iter = static_cast<std::size_t>(opts.max_iter);
  options.tol = opts.tol;
  options.threads = threads_of(opts.threads, opts.threads_option);
  options.engine.max_memory_bytes = parse_memory(opts.max_memory);
  set_max_table_bytes(options.engine.max_memory_bytes);
  // The output format first, so a bad name fails before any work (a command-line mistake).
  io::Format to = io::Format::automatic;
  try {
    to = io::format_of(opts.output);
  } catch (const ParseError& e) {
    throw UsageError("-o '" + opts.output + "': " + e.message());
  }
  const Model model = load_model(opts.model);
  std::ifstream data = open_data(opts.data);
  query::CsvSource source(data, opts.data);
  const query::FitResult r = query::fit(model, source, options);
  // Model::dumps writes discrete models; a fitted linear-Gaussian network is written as YAML here.
  const auto* lg = r.model.linear_gaussian_network();
  if (lg && to != io::Format::yaml)
    throw UnsupportedError("a linear-Gaussian network can be written as YAML only (-o FILE.yaml)");
  const std::string text = lg ? query::linear_gaussian_yaml(*lg) : r.model.dumps(to);
  {
    std::ofstream out(opts.output, std::ios::binary | std::ios::trunc);
    if (!out) throw IoError("cannot open '" + opts.output + "' for writing");
    out << text;
    out.flush();
    if (!out) throw IoError("error while writing '" + opts.output + "'");
  }
  for (const auto& w : r.warnings) std::cerr << "pgm: warning: " << w << '\n';
  if (opts.json) {
    Json j = Json::object();
    j["log_likelihood"] = number_json(r.log_likelihood);
    j["history"] = history_json(r.history);
    j["iterations"] = r.iterations;
    j["converged"] = r.converged;
    j["stop_reason"] = r.stop_reason;
    if (r.has_prior) {
      j["log_posterior"] = number_json(r.log_posterior);
      j["log_posterior_history"] = history_json(r.log_posterior_history);
    }
    j["em"] = r.em;
    j["rows"] = r.rows;
    j["unseen_parent_configurations"] = r.unseen_parent_configurations;
    Json w = Json::array();
    for (const auto& s : r.warnings) w.push_back(s);
    j["warnings"] = std::move(w);
    j["output"] = opts.output;
    print_json(j, std::cout);
    return;
  }
  std::cout << "Fitted " << r.rows << (r.rows == 1 ? " row" : " rows") << " by "
            << (r.em ? "EM" : model.kind() == query::ModelKind::linear_gaussian ? "least squares" : "counting")
            << "; wrote " << opts.output << "\n";
  std::cout << "log-likelihood: " << format_number(r.log_likelihood, 10) << "\n";
  if (r.has_prior) std::cout << "log-posterior: " << format_number(r.log_posterior, 10) << "\n";
  if (r.em)
    std::cout << "iterations: " << r.iterations << " (" << (r.converged ? "converged: " : "") << r.stop_reason
              << ")\n";
}

void run_loglik(const LoglikCliOptions& opts) {
  const std::size_t threads = threads_of(opts.threads, opts.threads_option);
  const std::size_t max_memory = parse_memory(opts.max_memory);
  set_max_table_bytes(max_memory);
  const Model model = load_model(opts.model);
  std::ifstream data = open_data(opts.data);
  query::CsvSource source(data, opts.data);
  const query::LoglikResult r = query::loglik(model, source, opts.skip_bad_rows, threads);
  for (const auto& m : r.skipped_messages) std::cerr << "pgm: skipped bad row: " << m << '\n';
  if (opts.json) {
    Json j = Json::object();
    Json rows = Json::array();
    for (double x : r.rows) rows.push_back(number_json(x));
    j["rows"] = std::move(rows);
    j["total"] = number_json(r.total);
    if (opts.skip_bad_rows) {
      Json numbers = Json::array();
      for (std::size_t n : r.row_numbers) numbers.push_back(n);
      j["row_numbers"] = std::move(numbers);
      j["skipped"] = r.skipped;
    }
    print_json(j, std::cout);
    return;
  }
  TextTable t;
  t.right_align(0);
  t.right_align(1);
  t.add_row({"row", "log_likelihood"});
  for (std::size_t i = 0; i < r.rows.size(); ++i)
    t.add_row({std::to_string(r.row_numbers[i]), format_number(r.rows[i], 10)});
  t.add_row({"total", format_number(r.total, 10)});
  t.print(std::cout);
  if (opts.skip_bad_rows) std::cerr << "pgm: skipped " << r.skipped << " rows\n";
}

}  // namespace

void register_fit_commands(CLI::App& app) {
  auto opts = std::make_shared<FitCliOptions>();
  CLI::App* cmd = app.add_subcommand(
      "fit", "Learn a Bayesian network's parameters from a CSV of rows (counting, Dirichlet/BDeu priors, EM for "
             "missing cells and latent variables; linear-Gaussian networks by least squares)");
  add_model_options(*cmd, opts->model);
  cmd->add_option("--data", opts->data,
                  "CSV file of rows: a header of variable names, then one state (or number) per cell; empty: missing")
      ->required()
      ->type_name("FILE");
  cmd->add_option("--prior", opts->prior, "none (default), dirichlet:A (A added to every count) or bdeu:ESS")
      ->type_name("PRIOR");
  cmd->add_flag("--em", opts->em, "Use EM even when the data are complete (from MODEL's parameters)");
  cmd->add_option("--max-iter", opts->max_iter, "EM iterations at most (default 100)")->type_name("N");
  cmd->add_option("--tol", opts->tol,
                  "Stop EM when the log-likelihood (log posterior) improves by less than T (default 1e-6; 0: "
                  "exactly --max-iter iterations)")
      ->type_name("T");
  opts->threads_option =
      cmd->add_option("--threads", opts->threads, "E-step worker threads (at least 1; default: one per core)")
          ->type_name("N");
  cmd->add_option("--output,-o", opts->output, "Fitted model to write; the format follows the extension")
      ->required()
      ->type_name("FILE");
  cmd->add_flag("--json", opts->json, "Print the fit's summary as JSON");
  add_max_memory_option(*cmd, opts->max_memory);
  cmd->callback([opts] { run_fit(*opts); });

  auto lopts = std::make_shared<LoglikCliOptions>();
  CLI::App* lcmd = app.add_subcommand(
      "loglik", "Natural-log likelihood of each row of a CSV file (missing cells summed out) and their total");
  add_model_options(*lcmd, lopts->model);
  lcmd->add_option("--data", lopts->data, "CSV file of rows: a header of variable names, then one state per cell")
      ->required()
      ->type_name("FILE");
  lcmd->add_flag("--json", lopts->json, "Print {\"rows\": [...], \"total\": l} as JSON");
  lcmd->add_flag("--skip-bad-rows", lopts->skip_bad_rows,
                 "Report impossible or malformed rows on stderr and leave them out (exit 0)");
  lopts->threads_option =
      lcmd->add_option("--threads", lopts->threads, "Worker threads (at least 1; default: one per core)")
          ->type_name("N");
  add_max_memory_option(*lcmd, lopts->max_memory);
  lcmd->callback([lopts] { run_loglik(*lopts); });
}

}  // namespace pgm::cli
