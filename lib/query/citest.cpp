// Data tables and the tests on them (see the header).
#include <pgm/query/citest.hpp>

#include <pgm/core/error.hpp>
#include <pgm/io/csv.hpp>

#include <charconv>
#include <cmath>
#include <fstream>
#include <string_view>
#include <unordered_map>

namespace pgm::query {
namespace {

std::string quoted_list(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "'" : ", '") + n + "'";
  return out;
}

std::string where(const DataTable& t, std::size_t row) {
  if (row < t.lines.size() && t.lines[row] > 0) return t.source + ":" + std::to_string(t.lines[row]);
  return t.source + " row " + std::to_string(row + 1);
}

}  // namespace

DataTable read_data_table(const std::string& path, std::span<const std::string> keep) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw QueryError("cannot open data file '" + path + "' for reading");
  return read_data_table(in, path, keep);
}

DataTable read_data_table(std::istream& in, const std::string& source, std::span<const std::string> keep) {
  DataTable t;
  t.source = source;
  io::CsvReader reader(in, source);
  std::vector<std::string_view> cells;
  try {
    if (!reader.next(cells)) throw QueryError(source + ": empty data file: expected a header of column names");
    std::vector<std::string> header(cells.begin(), cells.end());
    std::unordered_map<std::string, std::size_t> index;
    for (std::size_t j = 0; j < header.size(); ++j) {
      if (header[j].empty()) continue;
      if (!index.emplace(header[j], j).second) {
        throw QueryError(source + ":" + std::to_string(reader.line()) + ": column '" + header[j] + "' appears twice in the header");
      }
    }
    std::vector<std::size_t> picked;  // header positions of the kept columns
    if (keep.empty()) {
      for (std::size_t j = 0; j < header.size(); ++j) picked.push_back(j);
      t.names = header;
    } else {
      for (const auto& name : keep) {
        const auto it = index.find(name);
        if (it == index.end()) {
          throw QueryError(source + ": no column '" + name + "' in the header (columns: " + quoted_list(header) + ")");
        }
        picked.push_back(it->second);
        t.names.push_back(name);
      }
    }
    t.columns.resize(picked.size());
    while (reader.next(cells)) {
      if (cells.size() != header.size()) {
        throw QueryError(source + ":" + std::to_string(reader.line()) + ": the row has " + std::to_string(cells.size()) +
                         " cells, the header " + std::to_string(header.size()));
      }
      for (std::size_t k = 0; k < picked.size(); ++k) t.columns[k].emplace_back(cells[picked[k]]);
      t.lines.push_back(reader.line());
    }
  } catch (const ParseError& e) {
    throw QueryError(e.what());  // the data, not a model, is malformed: exit 4 as for pgm batch
  }
  return t;
}

CiTestKind parse_ci_test_kind(const std::string& name) {
  if (name == "chi2") return CiTestKind::chi2;
  if (name == "g2") return CiTestKind::g2;
  if (name == "fisher-z") return CiTestKind::fisher_z;
  throw QueryError("unknown test '" + name + "': expected chi2, g2 or fisher-z");
}

CiTestResult citest(const DataTable& table, const CiTestOptions& o) {
  if (!(o.alpha > 0.0 && o.alpha < 1.0)) throw QueryError("alpha must be in (0, 1), got " + std::to_string(o.alpha));
  std::vector<std::string> names{o.x, o.y};
  names.insert(names.end(), o.given.begin(), o.given.end());
  std::vector<std::size_t> col;
  for (std::size_t k = 0; k < names.size(); ++k) {
    for (std::size_t l = 0; l < k; ++l) {
      if (names[l] == names[k]) {
        const char* role = k == 1 ? "X and Y are the same column" : l < 2 ? "X and Y may not be among the given columns"
                                                                          : "a given column is named twice";
        throw QueryError(std::string(role) + ": '" + names[k] + "'");
      }
    }
    std::size_t j = 0;
    while (j < table.names.size() && table.names[j] != names[k]) ++j;
    if (j == table.names.size()) {
      throw QueryError(table.source + ": no column '" + names[k] + "' (columns: " + quoted_list(table.names) + ")" +
                       (k < 2 && names[k].find(',') != std::string::npos ? "; X and Y are one column each" : ""));
    }
    col.push_back(j);
  }
  const std::size_t rows = table.names.empty() ? 0 : table.columns[col[0]].size();
  // Complete rows only.
  std::vector<std::size_t> used;
  used.reserve(rows);
  for (std::size_t r = 0; r < rows; ++r) {
    bool complete = true;
    for (const auto j : col) complete = complete && !table.columns[j][r].empty();
    if (complete) used.push_back(r);
  }
  if (used.empty()) {
    throw QueryError(table.source + (rows == 0 ? ": no data rows" : ": every row has a missing cell in the tested columns"));
  }

  if (o.test == CiTestKind::fisher_z) {
    const std::size_t n = used.size();
    std::vector<double> values(n * col.size());
    for (std::size_t k = 0; k < col.size(); ++k) {
      const auto& column = table.columns[col[k]];
      for (std::size_t i = 0; i < n; ++i) {
        const std::string& cell = column[used[i]];
        double v = 0.0;
        const char* first = cell.data();
        const char* last = first + cell.size();
        if (*first == '+') ++first;
        const auto [end, ec] = std::from_chars(first, last, v);
        if (ec != std::errc() || end != last || !std::isfinite(v)) {
          throw QueryError(where(table, used[i]) + ": column '" + names[k] + "': '" + cell +
                           "' is not a finite number (fisher-z reads numbers)");
        }
        values[k * n + i] = v;
      }
    }
    return fisher_z_test(values, n, o.given.size(), names, o.alpha);
  }

  // Category codes per column, and the stratum of each row's Z configuration.
  const std::size_t n = used.size();
  std::vector<std::uint32_t> x(n), y(n), stratum(n, 0);
  std::uint32_t levels[2] = {0, 0};
  for (int k = 0; k < 2; ++k) {
    std::unordered_map<std::string_view, std::uint32_t> code;
    auto& out = k == 0 ? x : y;
    const auto& column = table.columns[col[static_cast<std::size_t>(k)]];
    for (std::size_t i = 0; i < n; ++i) {
      out[i] = code.emplace(column[used[i]], static_cast<std::uint32_t>(code.size())).first->second;
    }
    levels[k] = static_cast<std::uint32_t>(code.size());
  }
  std::uint32_t strata = 1;
  if (!o.given.empty()) {
    std::unordered_map<std::string, std::uint32_t> code;
    std::string key;
    for (std::size_t i = 0; i < n; ++i) {
      key.clear();
      for (std::size_t k = 2; k < col.size(); ++k) {  // length-prefixed, so no separator can be confused
        const std::string& cell = table.columns[col[k]][used[i]];
        key += std::to_string(cell.size());
        key += ':';
        key += cell;
      }
      stratum[i] = code.emplace(key, static_cast<std::uint32_t>(code.size())).first->second;
    }
    strata = static_cast<std::uint32_t>(code.size());
  }
  DiscreteColumns data;
  data.x = x;
  data.y = y;
  data.stratum = stratum;
  data.x_levels = levels[0];
  data.y_levels = levels[1];
  data.strata = strata;
  return discrete_ci_test(o.test, data, o.alpha);
}

}  // namespace pgm::query
