// io::CsvReader: RFC 4180 records, physical line numbers, trimming, blank lines, CRLF, BOM, errors
// with file:line and recovery, records longer than the reader's block; append_csv_cell's quoting.
#include <pgm/core/error.hpp>
#include <pgm/io/csv.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

using pgm::io::CsvReader;

struct Record {
  std::size_t line;
  std::vector<std::string> cells;
  bool operator==(const Record&) const = default;
};

// Every record, or "ERROR file:line: ..." entries for the malformed ones (the reader goes on).
std::vector<Record> read_all(const std::string& text, std::vector<std::string>* errors = nullptr) {
  std::istringstream in(text);
  CsvReader reader(in, "d.csv");
  std::vector<Record> out;
  std::vector<std::string_view> cells;
  for (int guard = 0; guard < 100000; ++guard) {
    try {
      if (!reader.next(cells)) return out;
      out.push_back({reader.line(), {cells.begin(), cells.end()}});
    } catch (const pgm::ParseError& e) {
      if (!errors) throw;
      errors->push_back(e.what());
    }
  }
  ADD_FAILURE() << "the reader did not end";
  return out;
}

TEST(CsvReader, PlainRecordsWithLineNumbers) {
  EXPECT_EQ(read_all("a,b\nx,y\n,z\n"),
            (std::vector<Record>{{1, {"a", "b"}}, {2, {"x", "y"}}, {3, {"", "z"}}}));
}

TEST(CsvReader, NoFinalLineEnd) {
  EXPECT_EQ(read_all("a,b\nx,y"), (std::vector<Record>{{1, {"a", "b"}}, {2, {"x", "y"}}}));
  EXPECT_EQ(read_all("a,"), (std::vector<Record>{{1, {"a", ""}}}));
}

TEST(CsvReader, EmptyInputHasNoRecords) {
  EXPECT_TRUE(read_all("").empty());
  EXPECT_TRUE(read_all("\n\n  \r\n").empty());
  EXPECT_TRUE(read_all("\xEF\xBB\xBF").empty());
}

TEST(CsvReader, UnquotedCellsAreTrimmedQuotedKept) {
  EXPECT_EQ(read_all("  a , b\t,c\n\" x \",  \"y\"  \n"),
            (std::vector<Record>{{1, {"a", "b", "c"}}, {2, {" x ", "y"}}}));
}

TEST(CsvReader, QuotedCellsHoldCommasQuotesAndLineEnds) {
  const auto r = read_all("a,\"b,c\",\"say \"\"hi\"\"\"\n\"two\nlines\",x,\"\"\nlast,1,2\n");
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0], (Record{1, {"a", "b,c", "say \"hi\""}}));
  EXPECT_EQ(r[1], (Record{2, {"two\nlines", "x", ""}}));
  EXPECT_EQ(r[2], (Record{4, {"last", "1", "2"}}));  // physical line 4: the cell above spans lines 2-3
}

TEST(CsvReader, CrlfLineEndsAndBom) {
  EXPECT_EQ(read_all("\xEF\xBB\xBF" "a,b\r\nx,\"y\"\r\n\r\nz,w\r\n"),
            (std::vector<Record>{{1, {"a", "b"}}, {2, {"x", "y"}}, {4, {"z", "w"}}}));
  // A BOM is skipped at the start only.
  EXPECT_EQ(read_all("a\n\xEF\xBB\xBF" "b\n")[1].cells[0], "\xEF\xBB\xBF" "b");
}

TEST(CsvReader, BlankLinesAreSkippedButCountLines) {
  EXPECT_EQ(read_all("\n\na,b\n \t\n\nx,y\n\n"), (std::vector<Record>{{3, {"a", "b"}}, {6, {"x", "y"}}}));
}

TEST(CsvReader, MalformedRecordsNameFileAndLineAndTheReaderGoesOn) {
  std::vector<std::string> errors;
  const auto r = read_all("a,b\nx,y\"z\nq,\"r\"s,t\nok,1\n", &errors);
  EXPECT_EQ(r, (std::vector<Record>{{1, {"a", "b"}}, {4, {"ok", "1"}}}));
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].rfind("d.csv:2: a quote inside an unquoted cell", 0), 0u) << errors[0];
  EXPECT_EQ(errors[1].rfind("d.csv:3: text after the closing quote", 0), 0u) << errors[1];
}

TEST(CsvReader, UnclosedQuoteIsReportedWhereItOpened) {
  std::vector<std::string> errors;
  const auto r = read_all("a,b\nx,y\n\"open,\nmore\nlines\n", &errors);
  EXPECT_EQ(r.size(), 2u);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].rfind("d.csv:3: a quoted cell is never closed", 0), 0u) << errors[0];
}

TEST(CsvReader, RecordsLongerThanTheReadBlock) {
  // 200,000-byte cells: several refills inside one record, quoted and unquoted.
  const std::string big(200000, 'x');
  std::string quoted_big = big;
  quoted_big[1000] = ',';
  quoted_big[150000] = '\n';
  const std::string text = "h1,h2\n" + big + ",\"" + quoted_big + "\"\nend,end\n";
  const auto r = read_all(text);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[1].cells[0], big);
  EXPECT_EQ(r[1].cells[1], quoted_big);
  EXPECT_EQ(r[2], (Record{4, {"end", "end"}}));
}

TEST(CsvReader, ManyRecordsAcrossBlocks) {
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "r" + std::to_string(i) + ",\"q" + std::to_string(i) + "\"\r\n";
  const auto r = read_all(text);
  ASSERT_EQ(r.size(), 20000u);
  for (int i = 0; i < 20000; i += 997) {
    EXPECT_EQ(r[static_cast<std::size_t>(i)],
              (Record{static_cast<std::size_t>(i + 1), {"r" + std::to_string(i), "q" + std::to_string(i)}}));
  }
}

TEST(CsvCell, QuotesOnlyWhenNeeded) {
  const auto cell = [](std::string_view s) {
    std::string out;
    pgm::io::append_csv_cell(out, s);
    return out;
  };
  EXPECT_EQ(cell("X=a"), "X=a");
  EXPECT_EQ(cell("X=a,b"), "\"X=a,b\"");
  EXPECT_EQ(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(cell(" padded"), "\" padded\"");
  EXPECT_EQ(cell("two\nlines"), "\"two\nlines\"");
  // What it writes reads back as the same cell.
  const std::string line = cell("a,\"b\"") + "," + cell(" c ") + "\n";
  EXPECT_EQ(read_all(line), (std::vector<Record>{{1, {"a,\"b\"", " c "}}}));
}

TEST(CsvCell, LeadingByteOrderMarkIsQuoted) {
  // Written bare at the start of a file, it would be skipped as the file's BOM.
  std::string out;
  pgm::io::append_csv_cell(out, "\xEF\xBB\xBF" "2");
  EXPECT_EQ(out, "\"\xEF\xBB\xBF" "2\"");
  EXPECT_EQ(read_all(out + "\n"), (std::vector<Record>{{1, {"\xEF\xBB\xBF" "2"}}}));
}

// The fuzzer's reproducers (tests/data/fuzz/csv/, fuzz/csv_fuzz.cpp): every record read writes back
// to text that reads as the same cells.
TEST(CsvReader, FuzzReproducersRoundTrip) {
  const std::filesystem::path dir = std::filesystem::path(PGM_SOURCE_DIR) / "tests" / "data" / "fuzz" / "csv";
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    std::vector<std::string> errors;
    const auto records = read_all(text.str(), &errors);
    std::string written;
    for (const auto& r : records) {
      for (std::size_t i = 0; i < r.cells.size(); ++i) {
        if (i) written += ',';
        pgm::io::append_csv_cell(written, r.cells[i]);
      }
      if (r.cells.size() == 1 && r.cells[0].empty()) written += "\"\"";
      written += '\n';
    }
    const auto again = read_all(written);
    ASSERT_EQ(again.size(), records.size()) << entry.path();
    for (std::size_t i = 0; i < records.size(); ++i) EXPECT_EQ(again[i].cells, records[i].cells) << entry.path();
    ++files;
  }
  EXPECT_GT(files, 0u);
}

}  // namespace
