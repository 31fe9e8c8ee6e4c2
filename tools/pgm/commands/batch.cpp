// `pgm batch`: one query per row of a CSV file (query::BatchRunner, <pgm/query/batch.hpp>):
// posterior marginals, log-likelihoods (--loglik) or most probable assignments (--predict),
// streamed through worker threads with the output in input order. See docs/batch.md.
#include "pgm/commands.hpp"

#include <pgm/core/error.hpp>
#include <pgm/core/size.hpp>
#include <pgm/query/batch.hpp>

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

namespace pgm::cli {
namespace {

struct BatchCliOptions {
  ModelOptions model;
  std::string data;
  std::string targets;
  std::vector<std::string> given;
  std::string evidence_file;
  long long threads = 0;  // signed, so "-1" is refused rather than wrapped
  CLI::Option* threads_option = nullptr;
  std::string output;
  bool loglik = false;
  bool predict = false;
  bool skip_bad_rows = false;
  std::string max_memory;
};

// Writes the workers' CSV lines; with a terminal on stderr, a progress line there.
class CsvSink final : public query::BatchSink {
 public:
  CsvSink(std::ostream& out, bool progress) : out_(out), progress_(progress) {}
  ~CsvSink() override { finish(); }
  CsvSink(const CsvSink&) = delete;
  CsvSink& operator=(const CsvSink&) = delete;

  // Lines are gathered and written in large blocks (a stream writes a long line straight through,
  // one system call each).
  void row(const query::BatchRow& row) override {
    pending_ += row.csv;
    if (pending_.size() >= (std::size_t{1} << 20)) flush();
  }
  void skipped(const query::BatchRowError& error) override {
    flush();
    clear_progress();
    std::cerr << "pgm: skipped bad row " << error.row << ": " << error.message << '\n';
  }
  void progress(std::size_t rows) override {
    if (!progress_) return;
    flush();
    const auto now = std::chrono::steady_clock::now();
    if (shown_ && now - last_ < std::chrono::milliseconds(200)) return;
    last_ = now;
    const double seconds = std::chrono::duration<double>(now - start_).count();
    std::cerr << "\rpgm batch: " << rows << " rows";
    if (seconds > 0.5) std::cerr << " (" << static_cast<long long>(static_cast<double>(rows) / seconds) << " rows/s)";
    std::cerr << "   " << std::flush;
    shown_ = true;
  }
  void finish() {
    flush();
    clear_progress();
  }
  void flush() {
    out_.write(pending_.data(), static_cast<std::streamsize>(pending_.size()));
    pending_.clear();
  }

 private:
  void clear_progress() {
    if (!shown_) return;
    std::cerr << "\r\033[K" << std::flush;
    shown_ = false;
  }
  std::ostream& out_;
  std::string pending_;
  bool progress_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now(), last_{};
};

void run_batch(const BatchCliOptions& opts) {
  if (opts.loglik && opts.predict) throw UsageError("--loglik and --predict cannot be combined: choose one output");
  if (opts.threads_option->count() > 0 && opts.threads < 1)
    throw UsageError("--threads must be at least 1, got " + opts.threads_option->as<std::string>());
  query::BatchOptions options;
  options.engine.max_memory_bytes = parse_memory(opts.max_memory);
  set_max_table_bytes(options.engine.max_memory_bytes);  // every table the library allocates
  if (!opts.targets.empty()) split_name_list(opts.targets, "--targets", "name", "X,Y,...", options.targets);
  Assignments given = parse_assignments(opts.given);
  const Model model = load_model(opts.model);
  options.given = with_evidence_file(opts.evidence_file, std::move(given));
  options.mode = opts.loglik    ? query::BatchMode::loglik
                 : opts.predict ? query::BatchMode::predict
                                : query::BatchMode::posteriors;
  options.threads = static_cast<std::size_t>(opts.threads);  // 0: every core
  options.skip_bad_rows = opts.skip_bad_rows;
  options.format_csv = true;
  const query::BatchRunner runner(model, options);

  std::ifstream data(opts.data, std::ios::binary);
  if (!data) {
    const int err = errno;
    throw QueryError("cannot open data file '" + opts.data + "' for reading" +
                     (err ? std::string(": ") + std::strerror(err) : ""));
  }
  std::ofstream file;
  if (!opts.output.empty()) {
    file.open(opts.output, std::ios::binary);
    if (!file) throw IoError("cannot open '" + opts.output + "' for writing");
  }
  std::ostream& out = opts.output.empty() ? std::cout : file;
  query::CsvSource source(data, opts.data);
  CsvSink sink(out, isatty(STDERR_FILENO) == 1);
  // The output's header is written once the data's header has been read and accepted (the runner
  // asks for the first row only then), so an empty file or a bad header writes nothing.
  class HeaderFirst final : public query::BatchSource {
   public:
    HeaderFirst(query::BatchSource& inner, std::ostream& out, std::string header)
        : inner_(inner), out_(out), header_(std::move(header)) {}
    std::vector<std::string> header() override { return inner_.header(); }
    bool next(std::vector<std::string_view>& cells, std::size_t& line) override {
      if (!header_.empty()) {
        out_ << header_;
        header_.clear();
      }
      return inner_.next(cells, line);
    }
    [[nodiscard]] std::string where(std::size_t row, std::size_t line) const override { return inner_.where(row, line); }

   private:
    query::BatchSource& inner_;
    std::ostream& out_;
    std::string header_;
  } headed(source, out, runner.csv_header());
  query::BatchSummary summary;
  try {
    summary = runner.run(headed, sink);
  } catch (...) {
    sink.finish();
    out.flush();
    throw;
  }
  sink.finish();
  out.flush();
  if (!out) throw IoError(opts.output.empty() ? "could not write the output" : "could not write '" + opts.output + "'");
  if (opts.skip_bad_rows)
    std::cerr << "pgm: skipped " << summary.skipped << " of " << summary.rows << " rows\n";
}

}  // namespace

void register_batch_commands(CLI::App& app) {
  auto opts = std::make_shared<BatchCliOptions>();
  CLI::App* cmd = app.add_subcommand(
      "batch", "One query per row of a CSV file: posterior marginals, log-likelihoods or most probable assignments");
  add_model_options(*cmd, opts->model);
  cmd->add_option("--data", opts->data,
                  "CSV file of rows: a header of variable names, then one state name per cell (empty: unobserved)")
      ->required()
      ->type_name("FILE");
  cmd->add_option("--targets", opts->targets,
                  "Variables to answer for, in this order (default: every variable in declared order)")
      ->type_name("X,Y");
  add_evidence_options(*cmd, opts->given, opts->evidence_file);
  opts->threads_option = cmd->add_option("--threads", opts->threads,
                                         "Worker threads (at least 1; default: one per core)")
                             ->type_name("N");
  cmd->add_option("--output,-o", opts->output, "Write the CSV output to FILE instead of standard output")
      ->type_name("FILE");
  cmd->add_flag("--loglik", opts->loglik, "Print each row's log-likelihood ln P(row, given) only");
  cmd->add_flag("--predict", opts->predict,
                "Print each row's most probable joint assignment of the targets (MAP; every variable: MPE)");
  cmd->add_flag("--skip-bad-rows", opts->skip_bad_rows,
                "Report bad rows on stderr and go on, with a summary line at the end (exit 0)");
  add_max_memory_option(*cmd, opts->max_memory);
  cmd->callback([opts] { run_batch(*opts); });
}

}  // namespace pgm::cli
