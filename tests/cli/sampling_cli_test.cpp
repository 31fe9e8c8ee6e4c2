// `pgm marginals --method lw|gibbs` end to end: the JSON fields and their order, the estimates
// against brute-force enumeration (tests/support/enumeration_oracle) within 5 reported standard
// errors, the text output, determinism per seed, the Gibbs zero warning, and every error path's
// exit code (2 usage, 4 query).
#include "support/cli_runner.hpp"
#include "support/enumeration_oracle.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <pgm/io/load.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace {

using Json = nlohmann::ordered_json;
using pgm::testing::run_pgm;

std::string model(const std::string& name) { return std::string(PGM_SOURCE_DIR) + "/models/" + name; }

Json parse(const pgm::testing::CliRun& r) {
  try {
    return Json::parse(r.out);
  } catch (const std::exception& e) {
    ADD_FAILURE() << "stdout is not JSON (" << e.what() << "):\n" << r.out << "\nstderr:\n" << r.err;
    return Json::object();
  }
}

std::vector<std::string> keys(const Json& j) {
  std::vector<std::string> out;
  for (const auto& item : j.items()) out.push_back(item.key());
  return out;
}

// Every marginal within 5 of its standard errors (+1e-3) and 0.03 of the enumeration oracle's.
void check_against_oracle(const Json& out, const std::string& file,
                          const std::vector<std::pair<std::string, std::string>>& given) {
  const auto loaded = pgm::io::load_model(model(file));
  const auto* bn = std::get_if<pgm::BayesianNetwork>(&loaded);
  const auto* mn = std::get_if<pgm::MarkovNetwork>(&loaded);
  const pgm::VariableSet& vars = bn ? bn->variables() : mn->variables();
  const pgm::testing::EnumerationOracle oracle = bn ? pgm::testing::EnumerationOracle(*bn) : pgm::testing::EnumerationOracle(*mn);
  const auto exact = oracle.marginals(vars.evidence(given));
  for (pgm::VariableId v = 0; v < vars.size(); ++v) {
    const auto& var = vars[v];
    for (std::size_t s = 0; s < var.states.size(); ++s) {
      const double got = out["marginals"][var.name][var.states[s]].get<double>();
      const double se = out["standard_errors"][var.name][var.states[s]].get<double>();
      EXPECT_LE(std::abs(got - exact[v][s]), 5 * se + 1e-3) << var.name << "=" << var.states[s] << " se " << se;
      EXPECT_LE(std::abs(got - exact[v][s]), 0.03) << var.name << "=" << var.states[s];
    }
  }
}

TEST(SamplingCli, LikelihoodWeightingJson) {
  const auto r = run_pgm({"marginals", model("sprinkler.yaml"), "--method", "lw", "--samples", "20000", "--seed", "5",
                          "--json", "-g", "WetGrass=wet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  const Json out = parse(r);
  EXPECT_EQ(keys(out), (std::vector<std::string>{"marginals", "evidence", "probability_of_evidence",
                                                 "log_probability_of_evidence", "method", "samples", "seed",
                                                 "standard_errors", "effective_sample_size",
                                                 "probability_of_evidence_standard_error", "warnings"}));
  EXPECT_EQ(out["method"], "lw");
  EXPECT_EQ(out["samples"], 20000);
  EXPECT_EQ(out["seed"], 5);
  EXPECT_EQ(out["warnings"], Json::array());
  check_against_oracle(out, "sprinkler.yaml", {{"WetGrass", "wet"}});
  // P(WetGrass = wet) by hand: Σ_season Σ_sprinkler Σ_rain P(·) P(wet | sprinkler, rain).
  double pe = 0;
  const double season[2] = {0.6, 0.4}, sprinkler_on[2] = {0.2, 0.75}, rain_yes[2] = {0.8, 0.1};
  const double wet[2][2] = {{0.0, 0.8}, {0.9, 0.95}};  // [sprinkler][rain]
  for (int se = 0; se < 2; ++se)
    for (int sp = 0; sp < 2; ++sp)
      for (int ra = 0; ra < 2; ++ra)
        pe += season[se] * (sp ? sprinkler_on[se] : 1 - sprinkler_on[se]) * (ra ? rain_yes[se] : 1 - rain_yes[se]) *
              wet[sp][ra];
  const double pe_se = out["probability_of_evidence_standard_error"].get<double>();
  EXPECT_GT(pe_se, 0);
  EXPECT_NEAR(out["probability_of_evidence"].get<double>(), pe, 5 * pe_se);
  EXPECT_NEAR(std::exp(out["log_probability_of_evidence"].get<double>()), out["probability_of_evidence"].get<double>(),
              1e-12);
  const double ess = out["effective_sample_size"].get<double>();
  EXPECT_GT(ess, 1000);
  EXPECT_LT(ess, 20000);
  EXPECT_EQ(out["standard_errors"]["WetGrass"]["wet"], 0.0);  // observed
}

TEST(SamplingCli, GibbsJsonOnAMarkovNetwork) {
  const auto r = run_pgm({"marginals", model("misconception.yaml"), "--method", "gibbs", "--samples", "20000",
                          "--burn-in", "500", "--json", "-g", "A=a1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  const Json out = parse(r);
  EXPECT_EQ(keys(out), (std::vector<std::string>{"marginals", "evidence", "probability_of_evidence",
                                                 "log_probability_of_evidence", "method", "samples", "burn_in", "seed",
                                                 "standard_errors", "warnings"}));
  EXPECT_EQ(out["method"], "gibbs");
  EXPECT_EQ(out["samples"], 20000);
  EXPECT_EQ(out["burn_in"], 500);
  EXPECT_EQ(out["seed"], 0);  // the default
  EXPECT_TRUE(out["probability_of_evidence"].is_null());
  EXPECT_TRUE(out["log_probability_of_evidence"].is_null());
  check_against_oracle(out, "misconception.yaml", {{"A", "a1"}});
}

TEST(SamplingCli, GibbsWarnsOfZerosOnStderrAndInJson) {
  // A Markov network whose one factor over 13 binary variables has a zero: too many joint states to
  // sample them as a block, so the table is named on stderr and in "warnings".
  const std::string path = (std::filesystem::temp_directory_path() / "pgm_sampling_cli_wide.yaml").string();
  {
    std::ofstream out(path);
    out << "name: wide\ntype: markov-network\nvariables:\n";
    std::string scope;
    for (int i = 0; i < 13; ++i) {
      out << "  X" << i << ": [s0, s1]\n";
      scope += (i ? ", X" : "X") + std::to_string(i);
    }
    out << "factors:\n  - scope: [" << scope << "]\n    values: [0";
    for (int i = 1; i < (1 << 13); ++i) out << ", 1";
    out << "]\n";
  }
  const auto r = run_pgm({"marginals", path, "--method", "gibbs", "--samples", "200", "--json"});
  std::filesystem::remove(path);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("pgm: warning: gibbs: factor 1 has zero entries linking the unobserved variables X0, X1"),
            std::string::npos)
      << r.err;
  const Json out = parse(r);
  ASSERT_EQ(out["warnings"].size(), 1u);
  EXPECT_NE(out["warnings"][0].get<std::string>().find("reducible"), std::string::npos);
  EXPECT_EQ(out["burn_in"], 1000);  // max(1000, 200 / 10)
  // asia's deterministic 'either' is sampled jointly with tub and lung: no warning, right answers.
  const auto asia = run_pgm({"marginals", model("asia.yaml"), "--method", "gibbs", "--samples", "20000", "--json"});
  ASSERT_EQ(asia.exit_code, 0) << asia.err;
  EXPECT_EQ(asia.err, "");
  check_against_oracle(parse(asia), "asia.yaml", {});
}

TEST(SamplingCli, TextSaysMethodSamplesAndErrors) {
  const auto lw = run_pgm({"marginals", model("sprinkler.yaml"), "--method", "lw", "--samples", "2000", "-g", "Rain=yes"});
  ASSERT_EQ(lw.exit_code, 0) << lw.err;
  EXPECT_NE(lw.out.find("P(e) ≈ "), std::string::npos) << lw.out;
  EXPECT_NE(lw.out.find(" ± "), std::string::npos) << lw.out;
  EXPECT_NE(lw.out.find("Likelihood weighting: 2000 samples (seed 0), effective sample size"), std::string::npos)
      << lw.out;
  EXPECT_EQ(lw.out.find("nan"), std::string::npos) << lw.out;
  const auto g = run_pgm({"marginals", model("sprinkler.yaml"), "--method", "gibbs", "--samples", "2000", "-g", "Rain=yes"});
  ASSERT_EQ(g.exit_code, 0) << g.err;
  EXPECT_NE(g.out.find("P(e) not estimated"), std::string::npos) << g.out;
  EXPECT_NE(g.out.find("Gibbs sampling: 2000 samples after 1000 burn-in sweeps (seed 0)"), std::string::npos) << g.out;
  EXPECT_EQ(g.out.find("nan"), std::string::npos) << g.out;
  // One Gibbs sample: no batch-means error, shown as n/a and null, never NaN.
  const auto one = run_pgm({"marginals", model("student.yaml"), "--method", "gibbs", "--samples", "1"});
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_NE(one.out.find("± n/a"), std::string::npos) << one.out;
  const auto one_json = run_pgm({"marginals", model("student.yaml"), "--method", "gibbs", "--samples", "1", "--json"});
  ASSERT_EQ(one_json.exit_code, 0) << one_json.err;
  EXPECT_TRUE(parse(one_json)["standard_errors"]["Grade"]["g1"].is_null());
}

TEST(SamplingCli, SameSeedSameOutputOtherSeedOther) {
  for (const char* method : {"lw", "gibbs"}) {
    const std::vector<std::string> base{"marginals", model("student.yaml"), "--method", method, "--samples", "500",
                                        "--json", "-g", "Letter=l1"};
    auto with_seed = [&](const char* seed) {
      auto args = base;
      args.insert(args.end(), {"--seed", seed});
      return run_pgm(args);
    };
    const auto a = with_seed("18446744073709551615"), b = with_seed("18446744073709551615"), c = with_seed("1");
    ASSERT_EQ(a.exit_code, 0) << a.err;
    EXPECT_EQ(a.out, b.out) << method;
    EXPECT_NE(parse(a)["marginals"], parse(c)["marginals"]) << method;
    EXPECT_EQ(parse(a)["seed"].get<std::uint64_t>(), 18446744073709551615ULL);
  }
}

TEST(SamplingCli, UsageErrors) {
  const std::vector<std::vector<std::string>> bad{
      {"--method", "lw", "--samples", "0"},          {"--method", "lw", "--samples", "-1"},
      {"--method", "lw", "--samples", "x"},          {"--method", "lw", "--samples", "1.5"},
      {"--method", "lw", "--samples", "99999999999999999999999"},
      {"--method", "gibbs", "--samples", "1000000001"},
      {"--method", "gibbs", "--burn-in", "-1"},      {"--method", "gibbs", "--burn-in", "ten"},
      {"--method", "gibbs", "--seed", "-1"},         {"--method", "gibbs", "--seed", "18446744073709551616"},
      {"--method", "lw", "--seed", "0x10"},          {"--method", "lw", "--burn-in", "10"},
      {"--samples", "100"},                          {"--method", "ve", "--seed", "1"},
      {"--method", "lbp", "--burn-in", "5"},         {"--method", "jt", "--samples", "100"}};
  for (const auto& extra : bad) {
    std::vector<std::string> args{"marginals", model("sprinkler.yaml")};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto r = run_pgm(args);
    std::string shown;
    for (const auto& a : extra) shown += a + " ";
    EXPECT_EQ(r.exit_code, 2) << shown << "\n" << r.err;
    EXPECT_EQ(r.out, "") << shown;
    EXPECT_NE(r.err.find(extra[extra.size() - 2]), std::string::npos) << shown << r.err;  // names the option
  }
}

TEST(SamplingCli, QueryErrors) {
  // lw on a Markov network names the method.
  const auto mn = run_pgm({"marginals", model("misconception.yaml"), "--method", "lw"});
  EXPECT_EQ(mn.exit_code, 4);
  EXPECT_NE(mn.err.find("method 'lw' answers bayesian-network models"), std::string::npos) << mn.err;
  // A joint or a --by table: marginals only.
  for (const char* method : {"lw", "gibbs"}) {
    const auto joint = run_pgm({"query", model("sprinkler.yaml"), "Rain", "Season", "--joint", "--method", method});
    EXPECT_EQ(joint.exit_code, 4) << joint.err;
    EXPECT_NE(joint.err.find("single-variable marginals only"), std::string::npos) << joint.err;
    const auto by = run_pgm({"query", model("sprinkler.yaml"), "Rain", "--by", "Season", "--method", method});
    EXPECT_EQ(by.exit_code, 4) << by.err;
  }
  // Impossible evidence: lw finds no consistent sample, gibbs proves P(e) = 0 from a reduced table.
  const std::vector<std::string> impossible{"-g", "WetGrass=wet", "-g", "Rain=no", "-g", "Sprinkler=off"};
  auto lw_args = std::vector<std::string>{"marginals", model("sprinkler.yaml"), "--method", "lw"};
  lw_args.insert(lw_args.end(), impossible.begin(), impossible.end());
  const auto lw = run_pgm(lw_args);
  EXPECT_EQ(lw.exit_code, 4);
  EXPECT_NE(lw.err.find("none of the 10000 samples was consistent with the evidence"), std::string::npos) << lw.err;
  EXPECT_NE(lw.err.find("WetGrass=wet"), std::string::npos) << lw.err;
  auto gibbs_args = std::vector<std::string>{"marginals", model("sprinkler.yaml"), "--method", "gibbs"};
  gibbs_args.insert(gibbs_args.end(), impossible.begin(), impossible.end());
  const auto gibbs = run_pgm(gibbs_args);
  EXPECT_EQ(gibbs.exit_code, 4);
  EXPECT_NE(gibbs.err.find("has probability zero"), std::string::npos) << gibbs.err;
  EXPECT_EQ(gibbs.out, "");
}

}  // namespace
