// ---- issue 12: end-to-end tests of `pgm fit` and `pgm loglik`: the JSON contract, the fitted model
// written by extension, counts by hand, EM's history, and every exit code.
#include "support/cli_runner.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

using Json = nlohmann::ordered_json;
using pgm::testing::CliRun;
using pgm::testing::run_pgm;

std::string model(const std::string& name) { return std::string(PGM_SOURCE_DIR) + "/models/" + name; }

// A -> B with uniform CPTs.
constexpr const char* kAb =
    "name: ab\ntype: bayesian-network\nvariables:\n  A: [a0, a1]\n  B: [b0, b1]\ncpds:\n"
    "  A:\n    probabilities: [0.5, 0.5]\n  B:\n    parents: [A]\n    probabilities:\n"
    "      a0: [0.5, 0.5]\n      a1: [0.5, 0.5]\n";
constexpr const char* kAbRows = "A,B\na0,b0\na0,b0\na0,b1\na1,b1\n";

class FitCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("pgm-fit-cli-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string file(const std::string& name, const std::string& text) {
    const auto path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  std::filesystem::path dir_;
};

TEST_F(FitCli, CompleteDataCountsAndTheFittedModelFile) {
  const std::string m = file("ab.yaml", kAb), d = file("rows.csv", kAbRows), out = path("fitted.bif");
  const CliRun r = run_pgm({"fit", m, "--data", d, "-o", out, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json j = Json::parse(r.out);
  const double ll = 3 * std::log(0.75) + std::log(0.25) + 2 * std::log(2.0 / 3.0) + std::log(1.0 / 3.0);
  EXPECT_NEAR(j["log_likelihood"].get<double>(), ll, 1e-12);
  EXPECT_EQ(j["iterations"], 0);
  EXPECT_EQ(j["history"].size(), 1u);
  EXPECT_TRUE(j["warnings"].empty());
  // The BIF file holds the counts / N, read back by pgm itself.
  const CliRun q = run_pgm({"query", out, "B", "--given", "A=a0", "--json"});
  ASSERT_EQ(q.exit_code, 0) << q.err;
  EXPECT_NE(q.out.find("0.6666666666666"), std::string::npos) << q.out;
  // loglik of the same rows under the fitted model: the same total.
  const CliRun l = run_pgm({"loglik", out, "--data", d, "--json"});
  ASSERT_EQ(l.exit_code, 0) << l.err;
  const Json lj = Json::parse(l.out);
  EXPECT_NEAR(lj["total"].get<double>(), ll, 1e-12);
  ASSERT_EQ(lj["rows"].size(), 4u);
  EXPECT_NEAR(lj["rows"][3].get<double>(), std::log(0.25), 1e-12);
}

TEST_F(FitCli, UnseenParentConfigurationWarns) {
  const std::string m = file("ab.yaml", kAb), d = file("rows.csv", "A,B\na0,b0\na0,b1\n");
  const CliRun r = run_pgm({"fit", m, "--data", d, "-o", path("f.yaml"), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json j = Json::parse(r.out);
  ASSERT_EQ(j["warnings"].size(), 1u);
  EXPECT_EQ(j["unseen_parent_configurations"], 1);
  EXPECT_NE(r.err.find("warning: 1 parent configuration"), std::string::npos) << r.err;
}

TEST_F(FitCli, EmHistoryOnAsiaWithMissingCells) {
  const CliRun sample = run_pgm({"sample", model("asia.yaml"), "-n", "400", "-s", "9"});
  ASSERT_EQ(sample.exit_code, 0) << sample.err;
  std::istringstream in(sample.out);
  std::string line, csv;
  std::getline(in, line);
  csv = line + "\n";
  std::mt19937 rng(3);
  while (std::getline(in, line)) {
    std::string out, cell;
    std::istringstream cells(line);
    bool first = true;
    while (std::getline(cells, cell, ',')) {
      out += (first ? "" : ",") + (rng() % 5 == 0 ? std::string() : cell);
      first = false;
    }
    csv += out + "\n";
  }
  const std::string d = file("rows.csv", csv), out = path("em.yaml");
  const CliRun r = run_pgm({"fit", model("asia.yaml"), "--data", d, "-o", out, "--json", "--max-iter", "7", "--tol",
                            "0", "--threads", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json j = Json::parse(r.out);
  EXPECT_EQ(j["iterations"], 7);
  EXPECT_EQ(j["stop_reason"], "max-iter");
  EXPECT_EQ(j["converged"], false);
  ASSERT_EQ(j["history"].size(), 8u);
  for (std::size_t k = 1; k < 8; ++k)
    EXPECT_GE(j["history"][k].get<double>(), j["history"][k - 1].get<double>() - 1e-9);
  EXPECT_DOUBLE_EQ(j["log_likelihood"].get<double>(), j["history"][7].get<double>());
  const CliRun l = run_pgm({"loglik", out, "--data", d, "--json"});
  ASSERT_EQ(l.exit_code, 0) << l.err;
  EXPECT_NEAR(Json::parse(l.out)["total"].get<double>(), j["log_likelihood"].get<double>(), 1e-8);
  // With a prior: the log posterior and its history appear, never decreasing.
  const CliRun p = run_pgm({"fit", model("asia.yaml"), "--data", d, "-o", out, "--json", "--prior", "bdeu:2",
                            "--tol", "1e-8"});
  ASSERT_EQ(p.exit_code, 0) << p.err;
  const Json pj = Json::parse(p.out);
  ASSERT_TRUE(pj.contains("log_posterior"));
  const auto& h = pj["log_posterior_history"];
  for (std::size_t k = 2; k < h.size(); ++k) EXPECT_GE(h[k].get<double>(), h[k - 1].get<double>() - 1e-9);
  EXPECT_EQ(pj["stop_reason"], "tolerance");
}

TEST_F(FitCli, TextOutput) {
  const std::string m = file("ab.yaml", kAb), d = file("rows.csv", kAbRows);
  const CliRun r = run_pgm({"fit", m, "--data", d, "-o", path("f.yaml")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("log-likelihood: "), std::string::npos);
  const CliRun l = run_pgm({"loglik", m, "--data", d});
  ASSERT_EQ(l.exit_code, 0) << l.err;
  EXPECT_NE(l.out.find("total"), std::string::npos);
}

TEST_F(FitCli, ExitCodes) {
  const std::string m = file("ab.yaml", kAb), d = file("rows.csv", kAbRows), out = path("f.yaml");
  // Usage (2): a bad prior, negative --max-iter, --tol, --threads 0, an unknown output extension.
  for (const char* prior : {"dirichlet", "dirichlet:0", "bdeu:-1", "k2"}) {
    const CliRun r = run_pgm({"fit", m, "--data", d, "-o", out, "--prior", prior});
    EXPECT_EQ(r.exit_code, 2) << prior << r.err;
  }
  EXPECT_EQ(run_pgm({"fit", m, "--data", d, "-o", out, "--max-iter", "-1"}).exit_code, 2);
  EXPECT_EQ(run_pgm({"fit", m, "--data", d, "-o", out, "--tol", "-1"}).exit_code, 2);
  EXPECT_EQ(run_pgm({"fit", m, "--data", d, "-o", out, "--threads", "0"}).exit_code, 2);
  EXPECT_EQ(run_pgm({"fit", m, "--data", d, "-o", path("f.txt")}).exit_code, 2);
  EXPECT_EQ(run_pgm({"fit", m, "--data", d}).exit_code, 2);  // -o is required
  // Bad model file (3), -o unwritable (3).
  EXPECT_EQ(run_pgm({"fit", path("none.yaml"), "--data", d, "-o", out}).exit_code, 3);
  EXPECT_EQ(run_pgm({"fit", m, "--data", d, "-o", path("no/such/dir/f.yaml")}).exit_code, 3);
  // Bad data (4), each naming file:line.
  const struct {
    const char* csv;
    const char* where;
  } bad[] = {{"A,B\na0,b0\na0,b9\n", "rows.csv:3: unknown state 'b9'"},
             {"A,Q\na0,b0\n", "rows.csv:1: unknown column 'Q'"},
             {"A,B\na0,b0\na0\n", "rows.csv:3: 1 cell"},
             {"A,B\na0,b0\na0,\"b0\n", "rows.csv:3"}};
  for (const auto& b : bad) {
    const std::string f = file("rows.csv", b.csv);
    for (const char* cmd : {"fit", "loglik"}) {
      const CliRun r = std::string(cmd) == "fit" ? run_pgm({"fit", m, "--data", f, "-o", out})
                                                 : run_pgm({"loglik", m, "--data", f});
      EXPECT_EQ(r.exit_code, 4) << cmd << " " << b.csv << r.err;
      EXPECT_NE(r.err.find(b.where), std::string::npos) << cmd << " " << r.err;
    }
  }
  EXPECT_EQ(run_pgm({"fit", m, "--data", path("missing.csv"), "-o", out}).exit_code, 4);
  // A zero-probability row in EM (4) and in loglik (4, or skipped with --skip-bad-rows).
  const std::string det = file("det.yaml",
                               "name: det\ntype: bayesian-network\nvariables:\n  A: [a0, a1]\n  B: [b0, b1]\ncpds:\n"
                               "  A:\n    probabilities: [0.5, 0.5]\n  B:\n    parents: [A]\n    probabilities:\n"
                               "      a0: [1, 0]\n      a1: [0, 1]\n");
  const std::string zero = file("zero.csv", "A,B\na0,b0\n\na0,b1\n");
  const CliRun em = run_pgm({"fit", det, "--data", zero, "-o", out, "--em"});
  EXPECT_EQ(em.exit_code, 4);
  EXPECT_NE(em.err.find("zero.csv:4"), std::string::npos) << em.err;
  const CliRun ll = run_pgm({"loglik", det, "--data", zero});
  EXPECT_EQ(ll.exit_code, 4);
  EXPECT_NE(ll.err.find("zero.csv:4"), std::string::npos) << ll.err;
  const CliRun skip = run_pgm({"loglik", det, "--data", zero, "--skip-bad-rows", "--json"});
  ASSERT_EQ(skip.exit_code, 0) << skip.err;
  const Json sj = Json::parse(skip.out);
  EXPECT_EQ(sj["rows"].size(), 1u);
  EXPECT_NEAR(sj["total"].get<double>(), std::log(0.5), 1e-12);
  // Markov networks (4); missing cells in a linear-Gaussian network (4).
  EXPECT_EQ(run_pgm({"fit", model("misconception.yaml"), "--data", file("mn.csv", "A\na0\n"), "-o", out}).exit_code,
            4);
  const std::string lg = file("lg.csv", "Aptitude,Study,Knowledge,Exam,Project,Grade\n1,2,3,4,5,\n");
  EXPECT_EQ(run_pgm({"fit", model("linear-gaussian.yaml"), "--data", lg, "-o", out}).exit_code, 4);
}

TEST_F(FitCli, LinearGaussianByLeastSquares) {
  const std::string m = file("line.yaml",
                             "name: line\ntype: linear-gaussian\nvariables: [X, Y]\ncpds:\n  X: {intercept: 0, variance: 1}\n"
                             "  Y: {parents: [X], weights: [1], intercept: 0, variance: 1}\n");
  const std::string d = file("xy.csv", "X,Y\n0,1\n1,3\n2,7\n3,9\n");
  const std::string out = path("fitted.yaml");
  const CliRun r = run_pgm({"fit", m, "--data", d, "-o", out, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Slope 2.8, intercept 0.8, residual variance 0.2 (by hand, see fit_test.cpp): Y | X=10 ~ N(28.8, 0.2).
  const CliRun q = run_pgm({"query", out, "Y", "--given", "X=10", "--json"});
  ASSERT_EQ(q.exit_code, 0) << q.err;
  const Json qj = Json::parse(q.out);
  EXPECT_NEAR(qj["mean"][0].get<double>(), 28.8, 1e-9) << q.out;
  EXPECT_NEAR(qj["covariance"][0][0].get<double>(), 0.2, 1e-12) << q.out;
  // Only YAML holds a linear-Gaussian network.
  EXPECT_EQ(run_pgm({"fit", m, "--data", d, "-o", path("fitted.bif")}).exit_code, 4);
}

}  // namespace
