#pragma once
// A streaming CSV record reader (RFC 4180) for data files such as `pgm batch --data`.
//
// - Records end at LF or CRLF; a UTF-8 byte order mark at the very start is skipped.
// - A cell is quoted ("...", with "" for a quote inside; it may span lines and hold commas) or
//   unquoted. Unquoted cells have surrounding spaces and tabs trimmed (as --given trims states);
//   a quoted cell is kept exactly, and only spaces/tabs may stand between its quotes and the
//   separators.
// - Blank lines (nothing, or only spaces, tabs and a CR) are skipped: they are not records.
// - line() is the physical line (1-based) where the last record began, so a quoted cell spanning
//   lines keeps later line numbers right.
// Memory is bounded by the longest record, not the input: the input is read in blocks.
#include <cstddef>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

namespace pgm::io {

class CsvReader {
 public:
  // Reads from `in` (which must outlive the reader) in blocks of `block` bytes (at least 1; small
  // blocks are for tests of records split across reads); `source` names it in error messages.
  static constexpr std::size_t kDefaultBlock = std::size_t{1} << 16;
  CsvReader(std::istream& in, std::string source, std::size_t block = kDefaultBlock);

  // The next record's cells, valid until the next call; false at the end of the input.
  // ParseError ("source:line: problem") on a malformed record (a quote inside an unquoted cell,
  // text after a closing quote, a quoted cell never closed); the reader then resumes after the
  // end of the physical line where the problem is (a cell never closed: at the end of the input),
  // so a caller may report the record and go on.
  bool next(std::vector<std::string_view>& cells);

  [[nodiscard]] std::size_t line() const noexcept { return line_; }
  [[nodiscard]] const std::string& source() const noexcept { return source_; }

 private:
  bool fill();  // reads another block after the unread part; false when the input is exhausted
  [[noreturn]] void fail(std::size_t line, const std::string& problem, std::size_t resume);

  std::istream& in_;
  std::string source_;
  std::size_t block_;
  std::string buffer_;        // buffer_[pos_, end) unread
  std::size_t pos_ = 0;
  bool eof_ = false;
  bool started_ = false;      // the BOM check is done
  std::size_t next_line_ = 1; // physical line at pos_
  std::size_t line_ = 0;
  std::string unescaped_;     // quoted cells' text
  struct Span {
    bool quoted;
    std::size_t begin, size;
  };
  std::vector<Span> spans_;
};

// RFC 4180 quoting of one cell: as is unless it holds a comma, quote, CR or LF, or starts or ends
// with a space or tab (which a reader trimming unquoted cells would lose) or a UTF-8 byte order
// mark (which a reader would skip at the start of the input); then in quotes with
// quotes doubled. Appended to `out`.
void append_csv_cell(std::string& out, std::string_view cell);

}  // namespace pgm::io
