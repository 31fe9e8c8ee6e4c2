#pragma once
// Batch inference: one query per data row, many rows, one model (`pgm batch`, Python's m.batch,
// pgm.dask.batch). The engine is built once and shared; rows are answered by worker threads and
// handed to the sink in input order; input is read in chunks through a bounded queue, so memory
// does not grow with the number of rows.
//
// Per row, by mode:
//  - posteriors: P(X = s | row, given) for every target X and state s (declared order), then
//    ln P(row, given); the same calibration `pgm marginals --given ROW` performs (the "jt" engine:
//    Model::junction_tree_for the row's observed set), so the numbers are the same bits.
//  - loglik: ln P(row, given) alone (the same calibration).
//  - predict: the most probable joint assignment of the targets given the row (Model::map; every
//    variable, observed ones included, by Model::mpe when no targets are named), then
//    ln P(x*, row, given).
// A row whose evidence is impossible (P = 0), names an unknown state, has the wrong number of
// cells or contradicts `given` is a bad row: an error naming where it is (file:line), or, with
// skip_bad_rows, reported to the sink and skipped.
#include <pgm/core/variable.hpp>
#include <pgm/query/model.hpp>
#include <pgm/query/query.hpp>

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace pgm::io {
class CsvReader;
}

namespace pgm::query {

enum class BatchMode { posteriors, loglik, predict };

struct BatchOptions {
  // By name, in the order the output lists them; repeats refused. Empty: every variable in
  // declared order.
  std::vector<std::string> targets;
  // Evidence added to every row (a row may repeat it; a different state is a bad row).
  Assignments given;
  BatchMode mode = BatchMode::posteriors;
  std::size_t threads = 0;  // worker threads; 0: std::thread::hardware_concurrency()
  bool skip_bad_rows = false;
  EngineOptions engine;     // max_memory_bytes for the trees (and MAP/MPE elimination)
  // Work is handed out in chunks of this many rows, at most queue_chunks in flight (0: 4 per
  // thread): the bound on memory (rows read ahead of the writer).
  std::size_t chunk_rows = 256;
  std::size_t queue_chunks = 0;
  // Per worker, answers of up to this many distinct evidence rows are remembered and reused when a
  // row repeats (the same numbers: the same computation). 0: every row computed afresh.
  std::size_t memo_entries = std::size_t{1} << 13;
  // Workers also format each row as a CSV line (BatchRow::csv), in parallel.
  bool format_csv = false;
  // The number of the first data row (rows and their messages are numbered from it): a part of a
  // larger input, e.g. one partition of a Dask dataframe, numbers its rows as the whole would.
  std::size_t first_row = 1;
};

// The rows: a header of column names (variables of the model, any subset, any order), then
// records of cells in header order, each a state name or empty (unobserved).
class BatchSource {
 public:
  virtual ~BatchSource() = default;
  // Called once, first. QueryError when there is no header (empty input).
  virtual std::vector<std::string> header() = 0;
  // The next record's cells (views valid until the next call) and where it starts; false at the
  // end. A malformed record throws (ParseError or QueryError with its location): it is a bad row,
  // and the source must be able to go on to the next.
  virtual bool next(std::vector<std::string_view>& cells, std::size_t& line) = 0;
  // How messages name a place: "rows.csv:12" (a line of a file) or "row 3".
  [[nodiscard]] virtual std::string where(std::size_t row, std::size_t line) const = 0;
};

// A CSV stream (io::CsvReader: RFC 4180, blank lines skipped, unquoted cells trimmed); places are
// "NAME:LINE" with physical line numbers. The stream must outlive the source.
class CsvSource final : public BatchSource {
 public:
  CsvSource(std::istream& in, std::string name);
  ~CsvSource() override;
  std::vector<std::string> header() override;
  bool next(std::vector<std::string_view>& cells, std::size_t& line) override;
  [[nodiscard]] std::string where(std::size_t row, std::size_t line) const override;

 private:
  std::unique_ptr<io::CsvReader> reader_;
  std::string name_;
  std::size_t header_line_ = 1;
};

// Rows held in memory (Python, tests): cells in header order, "" unobserved; places are "row N".
class TableSource final : public BatchSource {
 public:
  TableSource(std::vector<std::string> header, std::vector<std::vector<std::string>> rows);
  std::vector<std::string> header() override { return header_; }
  bool next(std::vector<std::string_view>& cells, std::size_t& line) override;
  [[nodiscard]] std::string where(std::size_t row, std::size_t line) const override;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
  std::size_t next_ = 0;
};

// One answered row.
struct BatchRow {
  std::size_t row = 0;   // data row, from BatchOptions::first_row (records after the header; blank lines do not count)
  std::size_t line = 0;  // where it starts in the source
  // posteriors: the targets' probabilities (targets in order, states in declared order), then
  // ln P(e); loglik: {ln P(e)}; predict: {ln P(x*, e)}.
  std::span<const double> numbers;
  // predict: each target's state index in the most probable assignment. Empty otherwise.
  std::span<const std::uint32_t> states;
  // With BatchOptions::format_csv: the output line, "\n" included.
  std::string_view csv;
};

struct BatchRowError {
  std::size_t row = 0;
  std::size_t line = 0;
  std::string message;  // "WHERE: problem"
};

// Receives the answers in input order, on the thread that called run().
class BatchSink {
 public:
  virtual ~BatchSink() = default;
  virtual void row(const BatchRow& row) = 0;
  // With skip_bad_rows, each bad row in order (else the first one is thrown as a QueryError).
  virtual void skipped(const BatchRowError& error) { (void)error; }
  // After each chunk is delivered: the data rows read so far (for a progress display).
  virtual void progress(std::size_t rows) { (void)rows; }
};

struct BatchSummary {
  std::size_t rows = 0;     // data rows read
  std::size_t written = 0;  // answered and delivered
  std::size_t skipped = 0;  // bad rows skipped
};

class BatchRunner {
 public:
  // Checks what needs no rows: UnsupportedError for a continuous model (batch inference is
  // discrete only); QueryError for unknown or repeated targets and for unknown or conflicting
  // given evidence.
  BatchRunner(Model model, BatchOptions options);
  ~BatchRunner();
  BatchRunner(const BatchRunner&) = delete;
  BatchRunner& operator=(const BatchRunner&) = delete;

  // The output's columns: "row", then posteriors: "X=s" per target and state, then
  // "log_probability_of_evidence"; loglik: "log_likelihood"; predict: one per target (its
  // name), then "log_probability".
  [[nodiscard]] const std::vector<std::string>& columns() const noexcept;
  // The columns as a CSV line (cells quoted where needed), "\n" included.
  [[nodiscard]] std::string csv_header() const;
  // The target variables (ids into model().variables()), in output order.
  [[nodiscard]] const std::vector<VariableId>& targets() const noexcept;
  [[nodiscard]] const Model& model() const noexcept;
  [[nodiscard]] const BatchOptions& options() const noexcept;

  // Reads the header (QueryError naming the place of an unknown or repeated column), then every
  // row. Without skip_bad_rows the first bad row is thrown as QueryError("WHERE: problem") after
  // every row before it has been delivered; other failures (LimitError, NumericalError) are thrown
  // as they are, also after the rows before them. Safe to call from several threads at once.
  BatchSummary run(BatchSource& source, BatchSink& sink) const;

  struct Impl;  // lib/query/batch.cpp

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace pgm::query
