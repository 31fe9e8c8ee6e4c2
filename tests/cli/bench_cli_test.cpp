// End-to-end tests of `pgm bench`: counts are validated (zero and negative are usage errors, not
// wrapped to 2^64), CPU times are reported beside wall times, and --cells gives the three evidence
// kinds of the peer comparison with the observed counts worked out from the model's size.
#include "support/cli_runner.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <string>
#include <vector>

namespace {

using Json = nlohmann::json;
using pgm::testing::run_pgm;

std::string model(const std::string& name) { return std::string(PGM_SOURCE_DIR) + "/models/" + name; }

TEST(BenchCli, ZeroAndNegativeCountsAreUsageErrors) {
  for (const std::vector<std::string>& bad : {std::vector<std::string>{"--evidence-sets", "0"},
                                             {"--evidence-sets", "-1"},
                                             {"--repeat", "0"},
                                             {"--repeat", "-3"},
                                             {"--observed", "0"},
                                             {"--evidence-sets", "18446744073709551615"}}) {
    std::vector<std::string> args{"bench", model("sprinkler.yaml")};
    args.insert(args.end(), bad.begin(), bad.end());
    const auto r = run_pgm(args);
    EXPECT_EQ(r.exit_code, 2) << bad[0] << " " << bad[1] << ": " << r.err;
    EXPECT_NE(r.err.find(bad[0]), std::string::npos) << r.err;
  }
}

TEST(BenchCli, MoreObservedThanVariablesIsAQueryError) {
  // sprinkler has 5 variables.
  const auto r = run_pgm({"bench", model("sprinkler.yaml"), "--observed", "6"});
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_NE(r.err.find("5 variables"), std::string::npos) << r.err;
}

TEST(BenchCli, ReportsCpuTimePerEvidenceSet) {
  const auto r = run_pgm({"bench", model("sprinkler.yaml"), "--evidence-sets", "3", "--repeat", "2", "--observed", "2", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json j = Json::parse(r.out);
  EXPECT_EQ(j["evidence_sets"], 3);
  ASSERT_EQ(j["jt_all_marginals_cpu_seconds_per_set"].size(), 3u);
  for (const auto& t : j["jt_all_marginals_cpu_seconds_per_set"]) EXPECT_GT(t.get<double>(), 0.0);
  EXPECT_GT(j["triangulation_cpu_seconds"].get<double>(), 0.0);
  EXPECT_GT(j["ve_single_query_cpu_seconds"].get<double>(), 0.0);
}

TEST(BenchCli, CellsCoverTheThreeEvidenceKinds) {
  const auto r = run_pgm({"bench", model("sprinkler.yaml"), "--cells", "--repeat", "2", "--evidence-sets", "2", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json j = Json::parse(r.out);
  ASSERT_EQ(j["cells"].size(), 3u);
  // 5 variables: "5 observed" observes all 5, "10 %" rounds down to 0 and observes at least one.
  const std::vector<std::string> labels{"none", "5 observed", "10% observed"};
  const std::vector<int> observed{0, 5, 1}, sets{1, 2, 2};
  for (std::size_t i = 0; i < 3; ++i) {
    const Json& c = j["cells"][i];
    EXPECT_EQ(c["evidence"], labels[i]);
    EXPECT_EQ(c["observed"], observed[i]);
    EXPECT_EQ(c["sets"], sets[i]);
    EXPECT_LE(c["specialised_sets"].get<int>(), sets[i]);
    for (const char* k : {"reused_cold_cpu_seconds", "reused_warm_cpu_seconds", "one_shot_cpu_seconds",
                          "one_shot_pattern_cpu_seconds"}) {
      EXPECT_GT(c[k].get<double>(), 0.0) << k;
      EXPECT_TRUE(std::isfinite(c[k].get<double>())) << k;
    }
  }
}

}  // namespace
