// libFuzzer harness: the CSV record reader of `pgm batch --data` (io::CsvReader), then the rows run
// through query::BatchRunner against a small fixed model, bad rows skipped.
// Checked beyond "no crash": the records (cells, line numbers, errors) do not depend on how the
// input is split into reads (blocks of 1 and 7 bytes against the default), and every record read
// writes back (io::append_csv_cell) to text that reads as the same cells.
#include "fixed_model.hpp"
#include "harness.hpp"

#include <pgm/io/csv.hpp>
#include <pgm/query/batch.hpp>

#include <sstream>
#include <string>
#include <vector>

namespace {

struct Read {
  std::vector<std::vector<std::string>> records;
  std::vector<std::size_t> lines;
  std::vector<std::string> errors;
  bool operator==(const Read&) const = default;
};

Read read_all(const std::string& text, std::size_t block) {
  std::istringstream in(text);
  pgm::io::CsvReader reader(in, "fuzz.csv", block);
  Read out;
  std::vector<std::string_view> cells;
  for (std::size_t guard = 0; guard <= text.size() + 1; ++guard) {
    try {
      if (!reader.next(cells)) return out;
      out.records.emplace_back(cells.begin(), cells.end());
      out.lines.push_back(reader.line());
    } catch (const pgm::ParseError& e) {
      out.errors.push_back(e.what());
      out.lines.push_back(0);
    }
  }
  pgm::fuzz::fail("the CSV reader returned more records than the input has bytes", text);
}

std::string describe(const Read& r) {
  std::string out;
  for (const auto& rec : r.records) {
    out += "[";
    for (const auto& c : rec) out += "<" + c + ">";
    out += "]\n";
  }
  for (const auto& e : r.errors) out += "error: " + e + "\n";
  return out;
}

struct Discard final : pgm::query::BatchSink {
  void row(const pgm::query::BatchRow&) override {}
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text = pgm::fuzz::text_of(data, size);
  const Read whole = read_all(text, pgm::io::CsvReader::kDefaultBlock);
  for (std::size_t block : {std::size_t{1}, std::size_t{7}}) {
    const Read split = read_all(text, block);
    if (!(split == whole))
      pgm::fuzz::fail("the CSV records depend on the read block size",
                      "block " + std::to_string(block) + ":\n" + describe(split) + "--- whole:\n" + describe(whole));
  }
  std::string written;
  for (const auto& rec : whole.records) {
    if (rec.size() == 1 && rec[0].empty()) {
      written += "\"\"\n";  // a lone empty cell written bare would be a blank line
      continue;
    }
    for (std::size_t i = 0; i < rec.size(); ++i) {
      if (i) written += ',';
      pgm::io::append_csv_cell(written, rec[i]);
    }
    written += '\n';
  }
  const Read again = read_all(written, pgm::io::CsvReader::kDefaultBlock);
  if (again.records != whole.records || !again.errors.empty())
    pgm::fuzz::fail("written CSV records do not read back the same", describe(whole) + "--- written:\n" + written +
                                                                          "--- read back:\n" + describe(again));

  static const pgm::Model model(pgm::fuzz::fixed_model());
  static const pgm::query::BatchRunner runner = [] {
    pgm::query::BatchOptions options;
    options.threads = 1;
    options.skip_bad_rows = true;
    options.format_csv = true;
    options.chunk_rows = 3;
    return pgm::query::BatchRunner(model, options);
  }();
  try {
    std::istringstream in(text);
    pgm::query::CsvSource source(in, "fuzz.csv");
    Discard sink;
    (void)runner.run(source, sink);
  } catch (const pgm::QueryError&) {  // no header, an unknown or repeated column
  }
  return 0;
}
