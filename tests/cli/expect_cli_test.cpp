// End-to-end tests of `pgm expect`: JSON keys, values worked out by hand (see
// tests/unit/query/expectation_test.cpp for the derivations) and every exit code.
#include "support/cli_runner.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <string>
#include <vector>

namespace {

using Json = nlohmann::ordered_json;
using pgm::testing::CliRun;
using pgm::testing::run_pgm;

std::string model(const std::string& name) { return std::string(PGM_SOURCE_DIR) + "/models/" + name; }

Json json_of(const CliRun& r) {
  EXPECT_EQ(r.exit_code, 0) << r.err;
  try {
    return Json::parse(r.out);
  } catch (const std::exception& e) {
    ADD_FAILURE() << "not JSON (" << e.what() << "):\n" << r.out << "\nstderr:\n" << r.err;
    return Json::object();
  }
}

std::vector<std::string> keys(const Json& j) {
  std::vector<std::string> out;
  for (const auto& [k, v] : j.items()) out.push_back(k);
  return out;
}

TEST(ExpectCli, UncorrelatedDependentJson) {
  const Json j = json_of(run_pgm({"expect", model("uncorrelated-dependent.yaml"), "X", "Y", "--json"}));
  EXPECT_EQ(keys(j), (std::vector<std::string>{"expectation", "variance", "covariance", "correlation", "entropy",
                                               "mutual_information", "evidence"}));
  EXPECT_NEAR(j["expectation"]["X"].get<double>(), 0.0, 1e-15);
  EXPECT_NEAR(j["expectation"]["Y"].get<double>(), 2.0 / 3.0, 1e-15);
  EXPECT_NEAR(j["variance"]["X"].get<double>(), 2.0 / 3.0, 1e-15);
  EXPECT_NEAR(j["variance"]["Y"].get<double>(), 2.0 / 9.0, 1e-15);
  EXPECT_NEAR(j["covariance"].get<double>(), 0.0, 1e-15);
  EXPECT_NEAR(j["correlation"].get<double>(), 0.0, 1e-15);
  EXPECT_NEAR(j["entropy"]["X"].get<double>(), std::log(3.0), 1e-14);
  const double hy = std::log(3.0) - 2.0 / 3.0 * std::log(2.0);
  EXPECT_NEAR(j["entropy"]["Y"].get<double>(), hy, 1e-14);
  EXPECT_NEAR(j["mutual_information"].get<double>(), hy, 1e-14);
  EXPECT_EQ(j["evidence"], Json::object());
}

TEST(ExpectCli, EvidenceAndNullCorrelation) {
  const Json j =
      json_of(run_pgm({"expect", model("uncorrelated-dependent.yaml"), "X", "Y", "--given", "Y=1", "--json"}));
  EXPECT_NEAR(j["variance"]["X"].get<double>(), 1.0, 1e-15);
  EXPECT_TRUE(j["correlation"].is_null());
  EXPECT_EQ(j["evidence"], Json::parse(R"({"Y": "1"})"));
}

TEST(ExpectCli, OneVariableAndNonNumericStates) {
  const Json j = json_of(run_pgm({"expect", model("uncorrelated-dependent.yaml"), "X", "--json"}));
  EXPECT_EQ(keys(j), (std::vector<std::string>{"expectation", "variance", "entropy", "evidence"}));
  // Non-numeric states: entropy and I only.
  const Json n = json_of(run_pgm({"expect", model("explaining-away.yaml"), "Burglary", "Earthquake", "--json",
                                  "--given-set", "Alarm"}));
  EXPECT_EQ(keys(n), (std::vector<std::string>{"entropy", "mutual_information", "conditional_mutual_information",
                                               "given_set", "evidence"}));
  EXPECT_NEAR(n["mutual_information"].get<double>(), 0.0, 1e-15);
  EXPECT_GT(n["conditional_mutual_information"].get<double>(), 1e-3);
  EXPECT_EQ(n["given_set"], Json::parse(R"(["Alarm"])"));
  // With --values: Bernoulli(0.1), mean 0.1, variance 0.09.
  const Json v = json_of(run_pgm({"expect", model("explaining-away.yaml"), "Burglary", "--values", "Burglary=0,1",
                                  "--json"}));
  EXPECT_NEAR(v["expectation"]["Burglary"].get<double>(), 0.1, 1e-15);
  EXPECT_NEAR(v["variance"]["Burglary"].get<double>(), 0.09, 1e-15);
}

TEST(ExpectCli, TextOutput) {
  const CliRun r = run_pgm({"expect", model("uncorrelated-dependent.yaml"), "X", "Y"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Cov(X, Y) = 0"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("I(X; Y) = 0.636514"), std::string::npos) << r.out;  // ln 3 - (2/3) ln 2 = 0.63651416...
  const CliRun n = run_pgm({"expect", model("explaining-away.yaml"), "Burglary"});
  EXPECT_EQ(n.exit_code, 0) << n.err;
  EXPECT_NE(n.out.find("--values"), std::string::npos) << n.out;
}

TEST(ExpectCli, Gaussian) {
  const Json j = json_of(run_pgm({"expect", model("bivariate.yaml"), "X1", "X2", "--json"}));
  EXPECT_NEAR(j["covariance"].get<double>(), 1.0, 1e-15);
  EXPECT_NEAR(j["mutual_information"].get<double>(), -0.5 * std::log(2.0 / 3.0), 1e-14);
  // Given X2 = 3: X1 has mean 5/3 and variance 4/3 (models/bivariate.yaml).
  const Json c = json_of(run_pgm({"expect", model("bivariate.yaml"), "X1", "--given", "X2=3", "--json"}));
  EXPECT_NEAR(c["expectation"]["X1"].get<double>(), 5.0 / 3.0, 1e-14);
  EXPECT_NEAR(c["variance"]["X1"].get<double>(), 4.0 / 3.0, 1e-14);
}

TEST(ExpectCli, ExitCodes) {
  const std::string ud = model("uncorrelated-dependent.yaml");
  EXPECT_EQ(run_pgm({"expect", ud, "X", "X"}).exit_code, 4);
  EXPECT_EQ(run_pgm({"expect", ud, "Nope"}).exit_code, 4);
  EXPECT_EQ(run_pgm({"expect", ud, "X", "--values", "X=1,2"}).exit_code, 4);         // 2 values, 3 states
  EXPECT_EQ(run_pgm({"expect", ud, "X", "--values", "Nope=1,2"}).exit_code, 4);      // unknown variable
  EXPECT_EQ(run_pgm({"expect", ud, "X", "--values", "X=1,a,2"}).exit_code, 2);       // malformed
  EXPECT_EQ(run_pgm({"expect", ud, "X", "--values", "X"}).exit_code, 2);
  EXPECT_EQ(run_pgm({"expect", ud, "X", "Y", "--given-set", "X"}).exit_code, 4);
  EXPECT_EQ(run_pgm({"expect", ud, "X", "--given-set", "Y"}).exit_code, 4);          // needs Y
  EXPECT_EQ(run_pgm({"expect", ud, "X", "--given", "Y=7"}).exit_code, 4);            // unknown state
  EXPECT_EQ(run_pgm({"expect", ud, "X", "--given", "Y"}).exit_code, 2);              // malformed --given
  EXPECT_EQ(run_pgm({"expect", ud}).exit_code, 2);                                   // no variable
  EXPECT_EQ(run_pgm({"expect", ud, "X", "Y", "X"}).exit_code, 2);                    // three variables
  EXPECT_EQ(run_pgm({"expect", model("nope.yaml"), "X"}).exit_code, 3);
  const CliRun r = run_pgm({"expect", ud, "X", "--values", "X=1,2"});
  EXPECT_NE(r.err.find("one value per state"), std::string::npos) << r.err;
}

}  // namespace
