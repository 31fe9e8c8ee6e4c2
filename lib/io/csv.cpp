// The streaming CSV reader (see csv.hpp). A record is parsed from the start of the unread part of
// the buffer; when it runs past the end of the buffer before the input's end, a block is read and
// the record is parsed again from its start (cheap: records are short, blocks are 64 KiB), so the
// parser never has to suspend in the middle of a cell.
#include <pgm/io/csv.hpp>

#include <pgm/core/error.hpp>

#include <istream>
#include <utility>

namespace pgm::io {
namespace {

bool blank(char c) { return c == ' ' || c == '\t'; }

}  // namespace

CsvReader::CsvReader(std::istream& in, std::string source, std::size_t block)
    : in_(in), source_(std::move(source)), block_(block == 0 ? 1 : block) {}

bool CsvReader::fill() {
  if (eof_) return false;
  buffer_.erase(0, pos_);
  pos_ = 0;
  const std::size_t old = buffer_.size();
  buffer_.resize(old + block_);
  in_.read(buffer_.data() + old, static_cast<std::streamsize>(block_));
  const auto got = static_cast<std::size_t>(in_.gcount());
  buffer_.resize(old + got);
  if (got == 0) {
    if (in_.bad()) throw IoError(source_ + ": read error");
    eof_ = true;
    return false;
  }
  return true;
}

void CsvReader::fail(std::size_t line, const std::string& problem, std::size_t resume) {
  line_ = line;
  pos_ = resume;
  throw ParseError(SourceLocation{source_, static_cast<int>(line), 0}, problem);
}

bool CsvReader::next(std::vector<std::string_view>& cells) {
  cells.clear();
  if (!started_) {
    started_ = true;
    while (buffer_.size() - pos_ < 3 && fill()) {
    }
    if (buffer_.compare(pos_, 3, "\xEF\xBB\xBF") == 0) pos_ += 3;
  }
  for (;;) {
    const char* b = buffer_.data();
    const std::size_t n = buffer_.size();
    std::size_t i = pos_;
    // A blank line is no record.
    {
      std::size_t j = i;
      while (j < n && (blank(b[j]) || b[j] == '\r')) ++j;
      if (j < n && b[j] == '\n') {
        pos_ = j + 1;
        ++next_line_;
        continue;
      }
      if (j == n) {
        if (fill()) continue;
        pos_ = n;
        return false;
      }
    }
    std::size_t lines = 0;  // line ends consumed inside the record so far
    spans_.clear();
    unescaped_.clear();
    bool more = false;  // the record runs past the buffer: read more and parse it again
    // A malformed record: the reader resumes after the line end at or after `from`.
    auto malformed = [&](std::size_t at_line, const std::string& problem, std::size_t from) {
      std::size_t k = from;
      while (k < n && b[k] != '\n') ++k;
      if (k == n && !eof_) return false;  // need the rest of the line
      const std::size_t skipped_lines = k < n ? 1 : 0;
      next_line_ += lines + skipped_lines;
      fail(at_line, problem, k < n ? k + 1 : n);
    };
    for (;;) {
      while (i < n && blank(b[i])) ++i;
      if (i < n && b[i] == '"') {
        const std::size_t open_line = next_line_ + lines;
        const std::size_t begin = unescaped_.size();
        ++i;
        bool closed = false;
        while (i < n) {
          const char c = b[i];
          if (c == '"') {
            if (i + 1 >= n && !eof_) break;  // "" or the end of the cell: need the next byte
            if (i + 1 < n && b[i + 1] == '"') {
              unescaped_ += '"';
              i += 2;
              continue;
            }
            ++i;
            closed = true;
            break;
          }
          if (c == '\n') ++lines;
          unescaped_ += c;
          ++i;
        }
        if (!closed) {
          if (!eof_) {
            more = true;
            break;
          }
          next_line_ += lines;
          fail(open_line, "a quoted cell is never closed (the quote opened on this line has no closing quote)", n);
        }
        spans_.push_back({true, begin, unescaped_.size() - begin});
        while (i < n && blank(b[i])) ++i;
        if (i >= n && !eof_) {
          more = true;
          break;
        }
        if (i >= n) break;
        if (b[i] == ',') {
          ++i;
          continue;
        }
        if (b[i] == '\n') {
          ++i;
          ++lines;
          break;
        }
        if (b[i] == '\r') {
          if (i + 1 >= n) {
            if (!eof_) {
              more = true;
              break;
            }
            ++i;
            break;
          }
          if (b[i + 1] == '\n') {
            i += 2;
            ++lines;
            break;
          }
        }
        if (!malformed(next_line_ + lines, "text after the closing quote of a cell (a quote inside a quoted cell is written \"\")", i)) {
          more = true;
          break;
        }
      } else {
        const std::size_t begin = i;
        while (i < n && b[i] != ',' && b[i] != '\n' && b[i] != '"') ++i;
        if (i < n && b[i] == '"') {
          if (!malformed(next_line_ + lines, "a quote inside an unquoted cell (quote the whole cell and write the quote as \"\")", i)) {
            more = true;
            break;
          }
        }
        if (i >= n && !eof_) {
          more = true;
          break;
        }
        std::size_t end = i;
        while (end > begin && (blank(b[end - 1]) || b[end - 1] == '\r')) --end;
        spans_.push_back({false, begin, end - begin});
        if (i >= n) break;
        if (b[i] == ',') {
          ++i;
          continue;
        }
        ++i;  // '\n'
        ++lines;
        break;
      }
    }
    if (more) {
      fill();  // then parse again (at the end of the input, knowing it ends)
      continue;
    }
    line_ = next_line_;
    next_line_ += lines;
    pos_ = i;
    cells.reserve(spans_.size());
    for (const Span& s : spans_)
      cells.emplace_back(s.quoted ? std::string_view(unescaped_).substr(s.begin, s.size)
                                  : std::string_view(buffer_).substr(s.begin, s.size));
    return true;
  }
}

void append_csv_cell(std::string& out, std::string_view cell) {
  // A leading byte order mark would be taken for the file's at the start of the input.
  bool quote = !cell.empty() && (blank(cell.front()) || blank(cell.back()) || cell.substr(0, 3) == "\xEF\xBB\xBF");
  for (char c : cell)
    if (c == ',' || c == '"' || c == '\r' || c == '\n') quote = true;
  if (!quote) {
    out += cell;
    return;
  }
  out += '"';
  for (char c : cell) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

}  // namespace pgm::io
