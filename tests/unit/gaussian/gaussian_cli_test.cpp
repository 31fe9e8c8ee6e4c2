// `pgm query/score/sample/info` on Gaussian models, end to end. Expected values are the closed
// forms documented in the model files.
#include "support/cli_runner.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <sstream>
#include <string>
#include <vector>

namespace {

using pgm::testing::CliRun;
using pgm::testing::run_pgm;

// Splits space-separated CLI arguments (none here needs quoting) into a vector for run_pgm.
std::vector<std::string> words(const std::string& args) {
  std::vector<std::string> out;
  std::istringstream in(args);
  std::string w;
  while (in >> w) out.push_back(w);
  return out;
}

std::string model(const std::string& f) { return std::string(PGM_SOURCE_DIR) + "/models/" + f; }

std::vector<std::vector<std::string>> csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::istringstream ls(line);
    std::string cell;
    while (std::getline(ls, cell, ',')) cells.push_back(cell);
    rows.push_back(cells);
  }
  return rows;
}

TEST(GaussianCli, QueryJson) {
  // X1 | X2 = 3: mean 5/3, variance 4/3 (bivariate.yaml).
  const CliRun r = run_pgm(words("query " + model("bivariate.yaml") + " X1 --given X2=3 --json"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["variables"], nlohmann::json::array({"X1"}));
  EXPECT_NEAR(j["mean"][0].get<double>(), 5.0 / 3.0, 1e-15);
  EXPECT_NEAR(j["covariance"][0][0].get<double>(), 4.0 / 3.0, 1e-15);
}

TEST(GaussianCli, QueryLinearGaussianChain) {
  // linear-gaussian.yaml, Knowledge | Study = 13: Knowledge = 0.5·Aptitude + 2·Study + e, so the mean
  // is 50 + 26 = 76 and the variance 0.25·225 + 25 = 81.25.
  const CliRun r = run_pgm(words("query " + model("linear-gaussian.yaml") + " Knowledge --given Study=13 --json"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_NEAR(j["mean"][0].get<double>(), 76.0, 1e-12);
  EXPECT_NEAR(j["covariance"][0][0].get<double>(), 81.25, 1e-12);
}

TEST(GaussianCli, ScoreJson) {
  // mahalanobis.yaml at (1, 0.8): d² = 0.43, log p = −½(2 log 2π + log det Σ + d²), det Σ = 2.
  const CliRun r = run_pgm(words("score " + model("mahalanobis.yaml") + " --point X1=1,X2=0.8 --json"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_NEAR(j["mahalanobis"].get<double>(), std::sqrt(0.43), 1e-15);
  EXPECT_NEAR(j["log_density"].get<double>(),
              -0.5 * (2.0 * std::log(2.0 * std::numbers::pi) + std::log(2.0) + 0.43), 1e-14);
  EXPECT_EQ(run_pgm(words("score " + model("mahalanobis.yaml") + " --point X1=1")).exit_code, 4);
  EXPECT_EQ(run_pgm(words("score " + model("mahalanobis.yaml") + " --point X1=1,X2=abc")).exit_code, 4);
}

TEST(GaussianCli, SampleGaussianMomentsAndDeterminism) {
  const CliRun r = run_pgm(words("sample " + model("bivariate.yaml") + " -n 4000 --seed 42"));
  ASSERT_EQ(r.exit_code, 0);
  const auto rows = csv(r.out);
  ASSERT_EQ(rows.size(), 4001u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"X1", "X2"}));
  double s1 = 0, s2 = 0;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    s1 += std::stod(rows[i][0]);
    s2 += std::stod(rows[i][1]);
  }
  // Means 1 and 2, standard errors √(2/4000) and √(1.5/4000); 5 SE.
  EXPECT_NEAR(s1 / 4000, 1.0, 5 * std::sqrt(2.0 / 4000));
  EXPECT_NEAR(s2 / 4000, 2.0, 5 * std::sqrt(1.5 / 4000));
  EXPECT_EQ(run_pgm(words("sample " + model("bivariate.yaml") + " -n 4000 --seed 42")).out, r.out);
  EXPECT_NE(run_pgm(words("sample " + model("bivariate.yaml") + " -n 4000 --seed 43")).out, r.out);
}

TEST(GaussianCli, SampleGaussianGiven) {
  const CliRun r = run_pgm(words("sample " + model("bivariate.yaml") + " -n 4000 --seed 1 --given X2=3"));
  ASSERT_EQ(r.exit_code, 0);
  const auto rows = csv(r.out);
  ASSERT_EQ(rows.size(), 4001u);
  double s = 0;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i][1], "3");
    s += std::stod(rows[i][0]);
  }
  // X1 | X2 = 3 ~ N(5/3, 4/3).
  EXPECT_NEAR(s / 4000, 5.0 / 3.0, 5 * std::sqrt(4.0 / 3.0 / 4000));
}

TEST(GaussianCli, SampleDiscrete) {
  const CliRun r = run_pgm(words("sample " + model("sprinkler.yaml") + " -n 200 --seed 3 --given Rain=yes"));
  ASSERT_EQ(r.exit_code, 0);
  const auto rows = csv(r.out);
  ASSERT_EQ(rows.size(), 201u);
  std::size_t rain = 0;
  for (std::size_t c = 0; c < rows[0].size(); ++c)
    if (rows[0][c] == "Rain") rain = c;
  ASSERT_EQ(rows[0][rain], "Rain");
  for (std::size_t i = 1; i < rows.size(); ++i) EXPECT_EQ(rows[i][rain], "yes");
  EXPECT_EQ(run_pgm(words("sample " + model("sprinkler.yaml") + " -n 5 --given Rain=maybe")).exit_code, 4);
  EXPECT_EQ(run_pgm(words("sample " + model("misconception.yaml") + " -n 5")).exit_code, 4);
}

// Eigenvalues of a small symmetric matrix by cyclic Jacobi rotations (shares nothing with Eigen's
// tridiagonal QR that pgm uses), ascending.
std::vector<double> jacobi_eigenvalues(std::vector<std::vector<double>> a) {
  const std::size_t n = a.size();
  for (int sweep = 0; sweep < 100; ++sweep) {
    double off = 0;
    for (std::size_t p = 0; p < n; ++p)
      for (std::size_t q = p + 1; q < n; ++q) off += a[p][q] * a[p][q];
    if (off < 1e-30) break;
    for (std::size_t p = 0; p < n; ++p)
      for (std::size_t q = p + 1; q < n; ++q) {
        if (a[p][q] == 0) continue;
        const double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        const double t = (theta >= 0 ? 1.0 : -1.0) / (std::abs(theta) + std::sqrt(theta * theta + 1));
        const double c = 1 / std::sqrt(t * t + 1), s = t * c;
        for (std::size_t k = 0; k < n; ++k) {  // A <- A J (columns p, q)
          const double akp = a[k][p], akq = a[k][q];
          a[k][p] = c * akp - s * akq;
          a[k][q] = s * akp + c * akq;
        }
        for (std::size_t k = 0; k < n; ++k) {  // A <- J^T A (rows p, q)
          const double apk = a[p][k], aqk = a[q][k];
          a[p][k] = c * apk - s * aqk;
          a[q][k] = s * apk + c * aqk;
        }
      }
  }
  std::vector<double> ev(n);
  for (std::size_t i = 0; i < n; ++i) ev[i] = a[i][i];
  std::sort(ev.begin(), ev.end());
  return ev;
}

TEST(GaussianCli, Info) {
  const CliRun r = run_pgm(words("info " + model("linear-gaussian.yaml") + " --json"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["edges"].size(), 7u);
  // The joint covariance by hand from the CPDs, in topological order (the file's order):
  // Cov(X_i, X_k) = sum_p w_ip Cov(X_p, X_k) for k before i, Var(X_i) = sum_pq w_ip w_iq Cov(X_p, X_q) + v_i.
  struct Cpd {
    std::vector<std::size_t> parents;
    std::vector<double> weights;
    double variance;
  };
  // Aptitude, Study, Knowledge, Exam, Project, Grade.
  const std::vector<Cpd> cpds{{{}, {}, 225.0},           {{}, {}, 9.0},           {{0, 1}, {0.5, 2.0}, 25.0},
                              {{2}, {0.8}, 36.0},        {{2, 1}, {0.5, 1.0}, 16.0}, {{3, 4}, {0.6, 0.4}, 4.0}};
  std::vector<std::vector<double>> cov(6, std::vector<double>(6, 0.0));
  for (std::size_t i = 0; i < 6; ++i) {
    for (std::size_t k = 0; k < i; ++k) {
      double c = 0;
      for (std::size_t p = 0; p < cpds[i].parents.size(); ++p) c += cpds[i].weights[p] * cov[cpds[i].parents[p]][k];
      cov[i][k] = cov[k][i] = c;
    }
    double v = cpds[i].variance;
    for (std::size_t p = 0; p < cpds[i].parents.size(); ++p)
      for (std::size_t q = 0; q < cpds[i].parents.size(); ++q)
        v += cpds[i].weights[p] * cpds[i].weights[q] * cov[cpds[i].parents[p]][cpds[i].parents[q]];
    cov[i][i] = v;
  }
  // Spot values: Var(Knowledge) = 0.25*225 + 4*9 + 25 = 117.25, Cov(Aptitude, Knowledge) = 0.5*225.
  EXPECT_DOUBLE_EQ(cov[2][2], 117.25);
  EXPECT_DOUBLE_EQ(cov[0][2], 112.5);
  ASSERT_EQ(j["covariance"].size(), 6u);
  for (std::size_t a = 0; a < 6; ++a)
    for (std::size_t b = 0; b < 6; ++b) EXPECT_NEAR(j["covariance"][a][b].get<double>(), cov[a][b], 1e-9) << a << "," << b;
  const std::vector<double> ev = jacobi_eigenvalues(cov);
  ASSERT_GT(ev.front(), 0.0);
  EXPECT_NEAR(j["condition_number"].get<double>(), ev.back() / ev.front(), 1e-9 * ev.back() / ev.front());
  // bivariate: eigenvalues of [[2, 1], [1, 1.5]] are 1.75 ± √(1.75² − 2) = 1.75 ± √1.0625.
  const auto b = nlohmann::json::parse(run_pgm(words("info " + model("bivariate.yaml") + " --json")).out);
  const double r1 = std::sqrt(0.0625 + 1.0);
  EXPECT_NEAR(b["condition_number"].get<double>(), (1.75 + r1) / (1.75 - r1), 1e-12);
}

// mahalanobis.yaml: d²(x1, 0) = ½ · 1.5 x1² = 0.75 x1², so d = 0.8660254 x1 and
// log p = −½(2 log 2π + log 2 + 0.75 x1²).
double score_log_density(double x1) {
  return -0.5 * (2.0 * std::log(2.0 * std::numbers::pi) + std::log(2.0) + 0.75 * x1 * x1);
}

TEST(GaussianCli, ScoreFarFromTheMeanIsFiniteWhileRepresentable) {
  // x1 = 1e150: d² = 7.5e299 still fits; the old norm() squared z first and was fine here too, but
  // the density exp(-3.75e299) underflows and is shown as exp(...), not 0.
  const CliRun r = run_pgm(words("score " + model("mahalanobis.yaml") + " --point X1=1e150,X2=0 --json"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_NEAR(j["mahalanobis"].get<double>() / (std::sqrt(0.75) * 1e150), 1.0, 1e-14);
  EXPECT_NEAR(j["log_density"].get<double>() / score_log_density(1e150), 1.0, 1e-14);
  const CliRun text = run_pgm(words("score " + model("mahalanobis.yaml") + " --point X1=1e150,X2=0"));
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_EQ(text.out.find("inf"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("exp(-3.75e+299)"), std::string::npos) << text.out;
  // x1 = 100: log p = −½(2 log 2π + log 2 + 7500) = −3752.18445..., density exp of that.
  const CliRun mid = run_pgm(words("score " + model("mahalanobis.yaml") + " --point X1=100,X2=0"));
  ASSERT_EQ(mid.exit_code, 0) << mid.err;
  const auto at = mid.out.find("exp(");
  ASSERT_NE(at, std::string::npos) << mid.out;
  EXPECT_NEAR(std::stod(mid.out.substr(at + 4)), score_log_density(100), 0.5e-6) << mid.out;
}

TEST(GaussianCli, ScoreWhoseLogDensityIsBelowTheDoubleRangeSaysSo) {
  // x1 = 1e300: d = 8.66e299 is a double (computed without squaring), d² = 7.5e599 is not, so the
  // log-density, about −3.75e599, cannot be represented: a numerical error (6), never a bare -inf.
  for (const std::string flags : {"", " --json"}) {
    const CliRun r = run_pgm(words("score " + model("mahalanobis.yaml") + " --point X1=1e300,X2=0" + flags));
    EXPECT_EQ(r.exit_code, 6) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find("Mahalanobis distance 8.66e+299"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("about -3.75e+599"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("inf"), std::string::npos) << r.err;
  }
}

TEST(GaussianCli, ScoreRefusesValuesThatAreNotFiniteNumbers) {
  for (const std::string value : {"inf", "-inf", "nan", "1e400", "abc", "0x"}) {
    const CliRun r = run_pgm(words("score " + model("mahalanobis.yaml") + " --point X1=" + value + ",X2=0"));
    EXPECT_EQ(r.exit_code, 4) << value << ": " << r.err;
    EXPECT_NE(r.err.find("'X1' is '" + value + "'"), std::string::npos) << r.err;
  }
  // Below the smallest double is that nearest double (0 here): the density at the mean.
  const CliRun tiny = run_pgm(words("score " + model("mahalanobis.yaml") + " --point X1=1e-400,X2=0 --json"));
  ASSERT_EQ(tiny.exit_code, 0) << tiny.err;
  EXPECT_NEAR(nlohmann::json::parse(tiny.out)["log_density"].get<double>(), score_log_density(0), 1e-14);
}

TEST(GaussianCli, SampleCountsAndSeedsAreWholeNumbers) {
  // CLI11 alone read --seed -5 into the unsigned seed as 2^64 - 5 and said "not in range" of 1.5.
  for (const std::string args : {"-n 1.5", "-n -1", "-n 100000001", "--seed -5", "--seed 1.5", "--seed x"}) {
    const CliRun r = run_pgm(words("sample " + model("bivariate.yaml") + " " + args));
    EXPECT_EQ(r.exit_code, 2) << args << ": " << r.err;
    EXPECT_NE(r.err.find("whole number"), std::string::npos) << r.err;
    EXPECT_EQ(r.out, "");
  }
  // The largest seed is one: 2^64 - 1.
  const CliRun r = run_pgm(words("sample " + model("bivariate.yaml") + " -n 2 --seed 18446744073709551615"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(csv(r.out).size(), 3u);
}

}  // namespace
