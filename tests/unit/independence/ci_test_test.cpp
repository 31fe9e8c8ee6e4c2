// Tests on data (query::citest over independence/ci_test): chi2 and g2 on contingency tables worked
// by hand, the stratified sum with its degrees-of-freedom adjustment, missing cells, fisher-z
// against the textbook partial-correlation formula, and every refusal.
#include <pgm/core/error.hpp>
#include <pgm/core/special_functions.hpp>
#include <pgm/query/citest.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <sstream>
#include <string>
#include <vector>

namespace pgm {
namespace {

using query::CiTestOptions;
using query::DataTable;

// A table from rows of cells under `names`.
DataTable table(const std::vector<std::string>& names, const std::vector<std::vector<std::string>>& rows) {
  DataTable t;
  t.source = "rows.csv";
  t.names = names;
  t.columns.resize(names.size());
  for (std::size_t r = 0; r < rows.size(); ++r) {
    for (std::size_t j = 0; j < names.size(); ++j) t.columns[j].push_back(rows[r][j]);
    t.lines.push_back(r + 2);
  }
  return t;
}

// `count` copies of the row.
void add(std::vector<std::vector<std::string>>& rows, int count, std::vector<std::string> row) {
  for (int i = 0; i < count; ++i) rows.push_back(row);
}

CiTestOptions options(std::string x, std::string y, std::vector<std::string> given = {},
                      CiTestKind test = CiTestKind::chi2) {
  CiTestOptions o;
  o.x = std::move(x);
  o.y = std::move(y);
  o.given = std::move(given);
  o.test = test;
  return o;
}

// 2 Σ O ln(O / E) over a table given as observed and expected cells.
double g2(const std::vector<double>& observed, const std::vector<double>& expected) {
  double s = 0.0;
  for (std::size_t i = 0; i < observed.size(); ++i) {
    if (observed[i] > 0) s += observed[i] * std::log(observed[i] / expected[i]);
  }
  return 2.0 * s;
}

// The 2 × 2 table a: (x 3, y 1), b: (x 1, y 2): margins 4, 3 and 4, 3 of 7, so
// E = 16/7, 12/7, 12/7, 9/7, every |O − E| = 5/7 and chi2 = (25/7)(1/16 + 2/12 + 1/9) = 175/144.
std::vector<std::vector<std::string>> two_by_two(const std::string& z = "") {
  std::vector<std::vector<std::string>> rows;
  add(rows, 3, {"a", "x", z});
  add(rows, 1, {"a", "y", z});
  add(rows, 1, {"b", "x", z});
  add(rows, 2, {"b", "y", z});
  return rows;
}

TEST(CiTest, PearsonOnATwoByTwoTable) {
  const auto r = query::citest(table({"A", "B", "C"}, two_by_two("p")), options("A", "B"));
  EXPECT_EQ(r.kind, CiTestKind::chi2);
  EXPECT_NEAR(r.statistic, 175.0 / 144.0, 1e-14);
  EXPECT_EQ(r.dof, 1u);
  EXPECT_NEAR(r.p_value, std::erfc(std::sqrt(175.0 / 288.0)), 1e-14);
  EXPECT_EQ(r.n, 7u);
  EXPECT_TRUE(r.independent);
  EXPECT_EQ(r.alpha, 0.05);
}

TEST(CiTest, LikelihoodRatioOnATwoByTwoTable) {
  const auto r = query::citest(table({"A", "B", "C"}, two_by_two("p")), options("A", "B", {}, CiTestKind::g2));
  const double want = 2.0 * (3 * std::log(21.0 / 16.0) + 2 * std::log(7.0 / 12.0) + 2 * std::log(14.0 / 9.0));
  EXPECT_NEAR(r.statistic, want, 1e-14);
  EXPECT_EQ(r.dof, 1u);
  EXPECT_NEAR(r.p_value, std::erfc(std::sqrt(want / 2.0)), 1e-14);
}

// Three strata of C:
//   p: the 2 × 2 table above (Y's third category z not seen here): dof 1, chi2 175/144;
//   q: only A = a: no test there, skipped (dof 0);
//   r: a: (x 1, y 1, z 2), b: (x 2, y 1, z 0); margins 4, 3 and 3, 2, 2 of 7: dof 2 (b's zero
//      cell does not remove a column), chi2 = (1/7)(25/12 + 1/8 + 36/8 + 25/9 + 1/6 + 36/6) = 161/72.
// Total chi2 497/144 on 3 dof: Q(3/2, t) = erfc(√t) + 2 √(t/π) e^(−t) at t = 497/288.
std::vector<std::vector<std::string>> stratified() {
  auto rows = two_by_two("p");
  add(rows, 2, {"a", "x", "q"});
  add(rows, 1, {"a", "z", "q"});
  add(rows, 1, {"a", "x", "r"});
  add(rows, 1, {"a", "y", "r"});
  add(rows, 2, {"a", "z", "r"});
  add(rows, 2, {"b", "x", "r"});
  add(rows, 1, {"b", "y", "r"});
  // Rows missing a tested cell are dropped.
  rows.push_back({"", "x", "p"});
  rows.push_back({"b", "", "r"});
  rows.push_back({"a", "y", ""});
  return rows;
}

TEST(CiTest, StratifiedPearsonSumsStrataAndAdjustsDof) {
  const auto r = query::citest(table({"A", "B", "C"}, stratified()), options("A", "B", {"C"}));
  EXPECT_NEAR(r.statistic, 497.0 / 144.0, 1e-13);
  EXPECT_EQ(r.dof, 3u);
  const double t = 497.0 / 288.0;
  EXPECT_NEAR(r.p_value, std::erfc(std::sqrt(t)) + 2.0 * std::sqrt(t / std::numbers::pi) * std::exp(-t), 1e-13);
  EXPECT_EQ(r.n, 17u);
}

TEST(CiTest, StratifiedLikelihoodRatio) {
  const auto r = query::citest(table({"A", "B", "C"}, stratified()), options("A", "B", {"C"}, CiTestKind::g2));
  const double p = g2({3, 1, 1, 2}, {16.0 / 7, 12.0 / 7, 12.0 / 7, 9.0 / 7});
  const double rr = g2({1, 1, 2, 2, 1, 0}, {12.0 / 7, 8.0 / 7, 8.0 / 7, 9.0 / 7, 6.0 / 7, 6.0 / 7});
  EXPECT_NEAR(r.statistic, p + rr, 1e-13);
  EXPECT_EQ(r.dof, 3u);
}

TEST(CiTest, TwoGivenColumnsMakeTheirJointStrata) {
  // C, D = (p, 1) and (p, 2) are two strata; each holds the 2 × 2 table, so the sum is twice it.
  auto rows = two_by_two("p");
  for (auto& row : rows) row.push_back("1");
  for (auto row : two_by_two("p")) {
    row.push_back("2");
    rows.push_back(row);
  }
  const auto r = query::citest(table({"A", "B", "C", "D"}, rows), options("A", "B", {"C", "D"}));
  EXPECT_NEAR(r.statistic, 2 * 175.0 / 144.0, 1e-13);
  EXPECT_EQ(r.dof, 2u);
  EXPECT_NEAR(r.p_value, std::exp(-175.0 / 144.0), 1e-14);  // dof 2: e^(−x/2)
}

TEST(CiTest, NoDegreesOfFreedomMeansIndependentWithPOne) {
  std::vector<std::vector<std::string>> rows;
  add(rows, 3, {"a", "x", "p"});
  add(rows, 2, {"a", "y", "q"});
  add(rows, 2, {"b", "y", "r"});
  const auto r = query::citest(table({"A", "B", "C"}, rows), options("A", "B", {"C"}));
  EXPECT_EQ(r.statistic, 0.0);
  EXPECT_EQ(r.dof, 0u);
  EXPECT_EQ(r.p_value, 1.0);
  EXPECT_TRUE(r.independent);
}

TEST(CiTest, StrongDependenceIsRejected) {
  // a always with x, b always with y, 500 each: chi2 = n = 1000 on 1 dof, p = erfc(√500) ≈ 1e-219.
  std::vector<std::vector<std::string>> rows;
  add(rows, 500, {"a", "x"});
  add(rows, 500, {"b", "y"});
  auto o = options("A", "B");
  o.alpha = 0.01;
  const auto r = query::citest(table({"A", "B"}, rows), o);
  EXPECT_NEAR(r.statistic, 1000.0, 1e-10);
  EXPECT_NEAR(r.p_value, std::erfc(std::sqrt(500.0)), 1e-10 * std::erfc(std::sqrt(500.0)));
  EXPECT_GT(r.p_value, 0.0);
  EXPECT_FALSE(r.independent);
  EXPECT_EQ(r.alpha, 0.01);
}

// Numbers as cells, with 17 significant digits.
std::string cell(double v) {
  std::ostringstream s;
  s.precision(17);
  s << v;
  return s.str();
}

double correlation(const std::vector<double>& a, const std::vector<double>& b) {
  const double n = static_cast<double>(a.size());
  double ma = 0, mb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) ma += a[i] / n, mb += b[i] / n;
  double sab = 0, saa = 0, sbb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) * (a[i] - ma);
    sbb += (b[i] - mb) * (b[i] - mb);
  }
  return sab / std::sqrt(saa * sbb);
}

TEST(CiTest, FisherZWithoutGivenIsPearsonsCorrelation) {
  // X = 1..5, Y = 2, 1, 4, 3, 5: deviations (−2, −1, 0, 1, 2) and (−1, −2, 1, 0, 2), so
  // r = 8 / 10 = 0.8, z = atanh(0.8) √(5 − 3) = ln 3 · √2, p = erfc(ln 3).
  const auto t = table({"X", "Y"}, {{"1", "2"}, {"2", "1"}, {"3", "4"}, {"4", "3"}, {"5", "5"}});
  const auto r = query::citest(t, options("X", "Y", {}, CiTestKind::fisher_z));
  EXPECT_EQ(r.kind, CiTestKind::fisher_z);
  EXPECT_NEAR(r.statistic, std::log(3.0) * std::sqrt(2.0), 1e-13);
  EXPECT_EQ(r.dof, 2u);
  EXPECT_NEAR(r.p_value, std::erfc(std::log(3.0)), 1e-13);
  EXPECT_EQ(r.n, 5u);
}

TEST(CiTest, FisherZGivenOneIsTheTextbookPartialCorrelation) {
  // r_xy.z = (r_xy − r_xz r_yz) / √((1 − r_xz²)(1 − r_yz²)).
  const std::vector<double> x{1.0, 2.5, 3.1, 4.7, 5.2, 6.0, 7.4, 8.8, 9.1, 10.6, 3.3, 5.5};
  const std::vector<double> y{2.1, 1.9, 4.4, 3.0, 5.8, 5.1, 7.7, 6.9, 9.9, 8.2, 1.2, 6.6};
  const std::vector<double> z{0.3, 1.1, 0.9, 2.2, 1.7, 3.1, 2.8, 4.4, 3.9, 5.0, 2.0, 0.1};
  std::vector<std::vector<std::string>> rows;
  for (std::size_t i = 0; i < x.size(); ++i) rows.push_back({cell(x[i]), cell(y[i]), cell(z[i])});
  rows.push_back({"1.0", "", "2.0"});  // missing: dropped
  const double rxy = correlation(x, y), rxz = correlation(x, z), ryz = correlation(y, z);
  const double partial = (rxy - rxz * ryz) / std::sqrt((1 - rxz * rxz) * (1 - ryz * ryz));
  const double want = 0.5 * std::log((1 + partial) / (1 - partial)) * std::sqrt(12.0 - 1 - 3);
  const auto r = query::citest(table({"X", "Y", "Z"}, rows), options("X", "Y", {"Z"}, CiTestKind::fisher_z));
  EXPECT_NEAR(r.statistic, want, 1e-12);
  EXPECT_EQ(r.dof, 8u);
  EXPECT_EQ(r.n, 12u);
  EXPECT_NEAR(r.p_value, std::erfc(std::fabs(want) / std::sqrt(2.0)), 1e-12);
}

TEST(CiTest, FisherZRefusals) {
  const auto o = options("X", "Y", {"Z"}, CiTestKind::fisher_z);
  // n − |Z| − 3 = 0.
  EXPECT_THROW((void)query::citest(table({"X", "Y", "Z"}, {{"1", "2", "3"}, {"2", "1", "5"}, {"3", "3", "4"}, {"4", "5", "1"}}), o),
               QueryError);
  // A constant column.
  const std::vector<std::vector<std::string>> constant{{"1", "2", "7"}, {"2", "1", "7"}, {"3", "3", "7"},
                                                       {"4", "5", "7"}, {"5", "4", "7"}, {"6", "6", "7"}};
  EXPECT_THROW((void)query::citest(table({"X", "Y", "Z"}, constant), o), NumericalError);
  // Y = 2 Z exactly: a singular correlation matrix.
  const std::vector<std::vector<std::string>> collinear{{"1", "2", "1"}, {"2", "6", "3"}, {"3", "4", "2"},
                                                        {"4", "10", "5"}, {"5", "8", "4"}, {"7", "2", "1"}};
  EXPECT_THROW((void)query::citest(table({"X", "Y", "Z"}, collinear), o), NumericalError);
  // Not a number: file and line in the message.
  try {
    (void)query::citest(table({"X", "Y", "Z"}, {{"1", "2", "3"}, {"2", "abc", "5"}}), o);
    FAIL() << "no error";
  } catch (const QueryError& e) {
    EXPECT_NE(std::string(e.what()).find("rows.csv:3"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("abc"), std::string::npos) << e.what();
  }
}

TEST(CiTest, BadQueries) {
  const auto t = table({"A", "B", "C"}, two_by_two("p"));
  EXPECT_THROW((void)query::citest(t, options("A", "Q")), QueryError);
  EXPECT_THROW((void)query::citest(t, options("A", "A")), QueryError);
  EXPECT_THROW((void)query::citest(t, options("A", "B", {"A"})), QueryError);
  EXPECT_THROW((void)query::citest(t, options("A", "B", {"C", "C"})), QueryError);
  auto o = options("A", "B");
  o.alpha = 1.0;
  EXPECT_THROW((void)query::citest(t, o), QueryError);
  o.alpha = 0.0;
  EXPECT_THROW((void)query::citest(t, o), QueryError);
  EXPECT_THROW((void)query::citest(table({"A", "B"}, {}), options("A", "B")), QueryError);
  EXPECT_THROW((void)query::citest(table({"A", "B"}, {{"", "x"}, {"a", ""}}), options("A", "B")), QueryError);
  EXPECT_THROW((void)query::parse_ci_test_kind("chi"), QueryError);
  EXPECT_EQ(query::parse_ci_test_kind("fisher-z"), CiTestKind::fisher_z);
}

TEST(DataTable, ReadsColumnsAndNamesProblems) {
  std::istringstream in("A,B,C\na,x,1\n\"b\",,2\n");
  const std::vector<std::string> keep{"C", "A"};
  const auto t = query::read_data_table(in, "d.csv", keep);
  ASSERT_EQ(t.names, keep);
  EXPECT_EQ(t.columns[0], (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(t.columns[1], (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(t.lines, (std::vector<std::size_t>{2, 3}));

  auto fails = [](const std::string& text, const std::string& part, const std::vector<std::string>& wanted = {}) {
    std::istringstream s(text);
    try {
      (void)query::read_data_table(s, "d.csv", wanted);
      ADD_FAILURE() << "no error for " << text;
    } catch (const QueryError& e) {
      EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
    }
  };
  fails("", "empty data file");
  fails("A,B\na,b\na\n", "d.csv:3");
  fails("A,A\na,b\n", "twice");
  fails("A,B\na,b\n", "no column 'Q'", {"Q"});
  fails("A,B\na,b\"c\n", "d.csv:2");
}

}  // namespace
}  // namespace pgm
