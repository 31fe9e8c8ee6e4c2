#pragma once
// Tests of conditional independence on data (pgm citest, pgm.citest): a table of named columns
// read from a CSV file (header of names; an empty cell is missing), encoded for the statistics of
// <pgm/independence/ci_test.hpp>.
//
// Discrete tests (chi2, g2) read cells as category labels: a column's categories are the distinct
// texts in it. fisher-z reads them as numbers. Rows with a missing cell in X, Y or any Z column are
// dropped; the result's n counts the rows used.
#include <pgm/independence/ci_test.hpp>

#include <cstddef>
#include <iosfwd>
#include <span>
#include <string>
#include <vector>

namespace pgm::query {

// Named columns of text cells ("" is missing), row r from line lines[r] of `source`.
struct DataTable {
  std::string source;
  std::vector<std::string> names;
  std::vector<std::vector<std::string>> columns;  // columns[j][r]
  std::vector<std::size_t> lines;                 // per row; 0 when the rows have no lines (not a file)
};

// Reads a CSV data file (io::CsvReader: RFC 4180, header of column names). With `keep` non-empty,
// only those columns are kept, in that order (a name not in the header: QueryError naming the
// file and the column). QueryError ("file:line: problem") for a file that cannot be opened, a
// malformed record, a row with more or fewer cells than the header, a duplicate column name, or
// a file with no header.
[[nodiscard]] DataTable read_data_table(const std::string& path, std::span<const std::string> keep = {});
[[nodiscard]] DataTable read_data_table(std::istream& in, const std::string& source,
                                        std::span<const std::string> keep = {});

struct CiTestOptions {
  std::string x, y;                // one column each
  std::vector<std::string> given;  // Z: zero or more columns
  CiTestKind test = CiTestKind::chi2;
  double alpha = 0.05;             // in (0, 1)
};

// "chi2", "g2" or "fisher-z"; QueryError otherwise.
[[nodiscard]] CiTestKind parse_ci_test_kind(const std::string& name);

// The test on `table`. QueryError for an unknown column (naming the source), X = Y, X or Y among
// the given columns, a column given twice, alpha outside (0, 1), no complete rows, too few rows
// for fisher-z, or a cell that is not a number under fisher-z ("source:line: ..."); LimitError and
// NumericalError as discrete_ci_test / fisher_z_test.
[[nodiscard]] CiTestResult citest(const DataTable& table, const CiTestOptions& options);

}  // namespace pgm::query
