// End-to-end tests of `pgm elbo`: JSON keys, exit codes, and values checked against independent
// figures (ln P(e) by hand on sprinkler, the one-factor model's closed forms by hand).
#include "support/cli_runner.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <numbers>
#include <string>
#include <vector>

namespace {

using Json = nlohmann::ordered_json;
using pgm::testing::run_pgm;

std::string model(const std::string& name) { return std::string(PGM_SOURCE_DIR) + "/models/" + name; }

std::vector<std::string> keys(const Json& j) {
  std::vector<std::string> out;
  for (const auto& [k, v] : j.items()) out.push_back(k);
  return out;
}

TEST(ElboCli, SprinklerMeanFieldJson) {
  const auto r = run_pgm({"elbo", model("sprinkler.yaml"), "--given", "Slippery=yes", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json j = Json::parse(r.out);
  EXPECT_EQ(keys(j), (std::vector<std::string>{"elbo", "history", "iterations", "converged", "q",
                                                "log_probability_of_evidence", "gap"}));
  // P(Slippery = yes) = 0.48965 (tests/cli/explain_cli_test.cpp works it out by hand).
  EXPECT_NEAR(j["log_probability_of_evidence"].get<double>(), std::log(0.48965), 1e-12);
  const double elbo = j["elbo"].get<double>();
  EXPECT_LE(elbo, std::log(0.48965) + 1e-12);
  EXPECT_NEAR(j["gap"].get<double>(), std::log(0.48965) - elbo, 1e-12);
  EXPECT_EQ(j["history"].size(), j["iterations"].get<std::size_t>() + 1);
  EXPECT_EQ(j["history"].back().get<double>(), elbo);
  EXPECT_FALSE(j["q"].contains("Slippery"));  // observed variables are left out
  EXPECT_EQ(keys(j["q"]), (std::vector<std::string>{"Season", "Sprinkler", "Rain", "WetGrass"}));
  EXPECT_TRUE(j["converged"].get<bool>());
  const auto again = run_pgm({"elbo", model("sprinkler.yaml"), "--given", "Slippery=yes", "--json", "--seed", "0"});
  EXPECT_EQ(again.out, r.out);  // seed 0 is the default
}

TEST(ElboCli, MaxIterTolAndErrors) {
  const auto one = run_pgm({"elbo", model("sprinkler.yaml"), "--max-iter", "1", "--json"});
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_EQ(Json::parse(one.out)["iterations"], 1);
  EXPECT_EQ(run_pgm({"elbo", model("sprinkler.yaml"), "--tol", "-1"}).exit_code, 2);
  EXPECT_EQ(run_pgm({"elbo", model("sprinkler.yaml"), "--given", "Rain"}).exit_code, 2);
  EXPECT_EQ(run_pgm({"elbo", model("sprinkler.yaml"), "--given", "Nope=yes"}).exit_code, 4);
  EXPECT_EQ(run_pgm({"elbo", model("sprinkler.yaml"), "--point", "X=1"}).exit_code, 2);
  // P(wet | sprinkler off, no rain) = 0: impossible evidence, as every command reports it.
  const auto zero = run_pgm({"elbo", model("sprinkler.yaml"), "--given", "Sprinkler=off,Rain=no,WetGrass=wet"});
  EXPECT_EQ(zero.exit_code, 4);
  EXPECT_NE(zero.err.find("probability zero"), std::string::npos) << zero.err;
  // The text form names the bound and the exact figure.
  const auto text = run_pgm({"elbo", model("sprinkler.yaml")});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("ELBO = "), std::string::npos);
  EXPECT_NE(text.out.find("ln P(e) = 0"), std::string::npos) << text.out;
}

TEST(ElboCli, LatentOneFactorByHand) {
  // z ~ N(0, 1), x | z ~ N(2 z + 1, 1): x ~ N(1, 5); q = the prior N(0, 1).
  const auto r = run_pgm({"elbo", model("factor-analysis.yaml"), "--point", "X=3", "--q-mean", "Z=0", "--q-logvar",
                          "Z=0", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json j = Json::parse(r.out);
  EXPECT_EQ(keys(j), (std::vector<std::string>{"elbo", "reconstruction", "kl", "log_marginal_likelihood", "gap",
                                                "posterior"}));
  const double l2pi = std::log(2 * std::numbers::pi);
  EXPECT_NEAR(j["reconstruction"].get<double>(), -0.5 * (l2pi + 8.0), 1e-12);
  EXPECT_NEAR(j["kl"].get<double>(), 0.0, 1e-15);
  EXPECT_NEAR(j["log_marginal_likelihood"].get<double>(), -0.5 * (l2pi + std::log(5.0) + 0.8), 1e-12);
  EXPECT_NEAR(j["gap"].get<double>(), 0.5 * (std::log(0.2) + 1.64 / 0.2 - 1.0), 1e-12);
  EXPECT_NEAR(j["posterior"]["mean"]["Z"].get<double>(), 0.8, 1e-14);
  EXPECT_NEAR(j["posterior"]["covariance"][0][0].get<double>(), 0.2, 1e-14);
  // Without --q-*: q is the exact posterior (one latent: diagonal), so the gap is 0.
  const Json d = Json::parse(run_pgm({"elbo", model("factor-analysis.yaml"), "--point", "X=3", "--json"}).out);
  EXPECT_NEAR(d["gap"].get<double>(), 0.0, 1e-12);
}

TEST(ElboCli, LatentErrors) {
  const auto missing = run_pgm({"elbo", model("factor-analysis.yaml"), "--q-mean", "Z=0"});
  EXPECT_EQ(missing.exit_code, 4);
  EXPECT_NE(missing.err.find("missing: X"), std::string::npos) << missing.err;
  EXPECT_EQ(run_pgm({"elbo", model("factor-analysis.yaml"), "--point", "X=3,Z=1"}).exit_code, 4);
  EXPECT_EQ(run_pgm({"elbo", model("factor-analysis.yaml"), "--point", "X=abc"}).exit_code, 4);
  EXPECT_EQ(run_pgm({"elbo", model("factor-analysis.yaml"), "--point", "X"}).exit_code, 2);
  EXPECT_EQ(run_pgm({"elbo", model("factor-analysis.yaml"), "--point", "X=3", "--given", "X=3"}).exit_code, 2);
  // Beyond a double: a numerical failure, never null or NaN.
  EXPECT_EQ(run_pgm({"elbo", model("factor-analysis.yaml"), "--point", "X=3", "--q-logvar", "Z=1000"}).exit_code, 6);
  EXPECT_EQ(run_pgm({"elbo", model("factor-analysis.yaml"), "--point", "X=1e300"}).exit_code, 6);
}

}  // namespace
