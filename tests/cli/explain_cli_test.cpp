// End-to-end tests of `pgm mpe` and `pgm map`: JSON shapes, exit codes and values worked out by
// hand from models/sprinkler.yaml and models/misconception.yaml.
//
// Sprinkler, every full assignment's P = P(Se) P(Sp|Se) P(R|Se) P(W|Sp,R) P(Sl|W):
//   winter off yes wet yes   0.6·0.8·0.8·0.8·0.7    = 0.21504   (the maximum)
//   summer on  no  wet yes   0.4·0.75·0.9·0.9·0.7   = 0.1701
// Given Slippery=no: winter off no dry no 0.6·0.8·0.2·1·1 = 0.096 beats winter off yes wet no
// (0.09216) and summer off no dry no (0.09).
// MAP of Rain given Slippery=yes: P(R=yes, wet) = 0.6·0.8·(0.8·0.8 + 0.2·0.95) + 0.4·0.1·(0.25·0.8 +
// 0.75·0.95) = 0.4349 and P(R=no, wet) = 0.6·0.2·0.2·0.9 + 0.4·0.9·0.75·0.9 = 0.2646; times 0.7:
// 0.30443 and 0.18522, so P(e) = 0.48965 and P(R=yes | e) = 0.30443 / 0.48965.
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

TEST(ExplainCli, SprinklerMpeWithoutEvidence) {
  const Json j = json_of(run_pgm({"mpe", model("sprinkler.yaml"), "--json"}));
  EXPECT_EQ(keys(j), (std::vector<std::string>{"assignment", "probability", "log_probability", "evidence"}));
  EXPECT_EQ(j["assignment"], Json::parse(R"({"Season": "winter", "Sprinkler": "off", "Rain": "yes",
                                             "WetGrass": "wet", "Slippery": "yes"})"));
  EXPECT_NEAR(j["probability"].get<double>(), 0.21504, 1e-14);
  EXPECT_NEAR(j["log_probability"].get<double>(), std::log(0.21504), 1e-13);
  EXPECT_EQ(j["evidence"], Json::object());
}

TEST(ExplainCli, SprinklerMpeGivenSlipperyNoIncludesTheObservedVariable) {
  const Json j = json_of(run_pgm({"mpe", model("sprinkler.yaml"), "--given", "Slippery=no", "--json"}));
  EXPECT_EQ(j["assignment"], Json::parse(R"({"Season": "winter", "Sprinkler": "off", "Rain": "no",
                                             "WetGrass": "dry", "Slippery": "no"})"));
  EXPECT_NEAR(j["probability"].get<double>(), 0.096, 1e-14);
  EXPECT_EQ(j["evidence"], Json::parse(R"({"Slippery": "no"})"));
}

TEST(ExplainCli, SprinklerMapOfRainGivenSlippery) {
  const Json j = json_of(run_pgm({"map", model("sprinkler.yaml"), "Rain", "--given", "Slippery=yes", "--json"}));
  EXPECT_EQ(keys(j), (std::vector<std::string>{"assignment", "probability", "posterior_probability",
                                               "log_probability", "evidence"}));
  EXPECT_EQ(j["assignment"], Json::parse(R"({"Rain": "yes"})"));
  EXPECT_NEAR(j["probability"].get<double>(), 0.30443, 1e-13);
  EXPECT_NEAR(j["posterior_probability"].get<double>(), 0.30443 / 0.48965, 1e-13);
  EXPECT_NEAR(j["log_probability"].get<double>(), std::log(0.30443), 1e-12);
  EXPECT_EQ(j["evidence"], Json::parse(R"({"Slippery": "yes"})"));
}

// Misconception (K&F Fig. 4.1): phi2 wants B = C, phi4 D = A, phi3 C != D, so B != A; phi1(a0, b1) = 5
// beats phi1(a1, b0) = 1: a0 b1 c1 d0 with weight 5·100·100·100 = 5e6, P = 5e6 / Z, Z = 7,201,840.
TEST(ExplainCli, MarkovNetworkMpeIsNormalisedByZ) {
  const Json j = json_of(run_pgm({"mpe", model("misconception.yaml"), "--json"}));
  EXPECT_EQ(j["assignment"], Json::parse(R"({"A": "a0", "B": "b1", "C": "c1", "D": "d0"})"));
  EXPECT_NEAR(j["probability"].get<double>(), 5e6 / 7201840.0, 1e-13);
}

TEST(ExplainCli, EvidenceFileCombinesWithGiven) {
  const std::string path = ::testing::TempDir() + "/explain_cli_evidence.txt";
  {
    std::FILE* f = std::fopen(path.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs("Slippery=no\n", f);
    std::fclose(f);
  }
  const Json j = json_of(run_pgm({"mpe", model("sprinkler.yaml"), "--evidence-file", path, "--json"}));
  EXPECT_NEAR(j["probability"].get<double>(), 0.096, 1e-14);
  const CliRun clash = run_pgm({"mpe", model("sprinkler.yaml"), "--evidence-file", path, "--given", "Slippery=yes"});
  EXPECT_EQ(clash.exit_code, 4) << clash.err;
  std::remove(path.c_str());
}

TEST(ExplainCli, TextForm) {
  const CliRun r = run_pgm({"map", model("sprinkler.yaml"), "Rain", "--given", "Slippery=yes"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Rain  yes"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("P(x | e) = 0.6217"), std::string::npos) << r.out;
  const CliRun m = run_pgm({"mpe", model("sprinkler.yaml"), "--given", "Slippery=no"});
  ASSERT_EQ(m.exit_code, 0) << m.err;
  EXPECT_NE(m.out.find("no (observed)"), std::string::npos) << m.out;
  EXPECT_NE(m.out.find("P = 0.0960"), std::string::npos) << m.out;
}

TEST(ExplainCli, ExitCodes) {
  const std::string s = model("sprinkler.yaml");
  EXPECT_EQ(run_pgm({"map", s, "Nope"}).exit_code, 4);
  EXPECT_EQ(run_pgm({"mpe", s, "--given", "Slippery=maybe"}).exit_code, 4);
  EXPECT_EQ(run_pgm({"mpe", s, "--given", "WetGrass=dry,Slippery=yes"}).exit_code, 4);  // P(e) = 0
  EXPECT_EQ(run_pgm({"map", s, "Rain", "--given", "WetGrass=dry,Slippery=yes"}).exit_code, 4);
  EXPECT_EQ(run_pgm({"map", s}).exit_code, 2);              // no target
  EXPECT_EQ(run_pgm({"mpe", s, "--given", "Slippery"}).exit_code, 2);  // malformed
  EXPECT_EQ(run_pgm({"mpe", model("bivariate.yaml")}).exit_code, 4);   // continuous
}

TEST(ExplainCli, MaxMemoryBoundsEveryTable) {
  const std::string s = model("sprinkler.yaml");
  // Sprinkler's CPT has 4 entries = 32 bytes: over a 16-byte limit, refused with exit 5.
  const CliRun small = run_pgm({"map", s, "Rain", "Season", "--max-memory", "16"});
  EXPECT_EQ(small.exit_code, 5) << small.err;
  EXPECT_NE(small.err.find("over the limit"), std::string::npos) << small.err;
  // The largest table (WetGrass, 8 entries) is 64 bytes: 1 KiB is plenty.
  EXPECT_EQ(run_pgm({"mpe", s, "--max-memory", "1k"}).exit_code, 0);
  EXPECT_EQ(run_pgm({"mpe", s, "--max-memory", "0"}).exit_code, 2);
  EXPECT_EQ(run_pgm({"map", s, "Rain", "--max-memory", "lots"}).exit_code, 2);
}

// MAP over every variable is the MPE: no sum comes before a max, so 37 targets whose joint
// (over 10^11 entries) could never be formed are answered by the constrained order.
TEST(ExplainCli, MapOverEveryAlarmVariableIsItsMpe) {
  const std::string alarm = std::string(PGM_SHARED_DIR) + "/networks/bif/alarm.bif";
  if (std::FILE* f = std::fopen(alarm.c_str(), "r")) std::fclose(f);
  else GTEST_SKIP() << "no " << alarm;
  std::vector<std::string> args{"map", alarm};
  for (const char* v : {"HISTORY", "CVP", "PCWP", "HYPOVOLEMIA", "LVEDVOLUME", "LVFAILURE", "STROKEVOLUME",
                        "ERRLOWOUTPUT", "HRBP", "HREKG", "ERRCAUTER", "HRSAT", "INSUFFANESTH", "ANAPHYLAXIS", "TPR",
                        "EXPCO2", "KINKEDTUBE", "MINVOL", "FIO2", "PVSAT", "SAO2", "PAP", "PULMEMBOLUS", "SHUNT",
                        "INTUBATION", "PRESS", "DISCONNECT", "MINVOLSET", "VENTMACH", "VENTTUBE", "VENTLUNG",
                        "VENTALV", "ARTCO2", "CATECHOL", "HR", "CO", "BP"})
    args.emplace_back(v);
  args.emplace_back("--json");
  const Json map = json_of(run_pgm(args));
  const Json mpe = json_of(run_pgm({"mpe", alarm, "--json"}));
  ASSERT_TRUE(map.contains("assignment") && mpe.contains("assignment"));
  for (const auto& [name, state] : mpe["assignment"].items()) EXPECT_EQ(map["assignment"][name], state) << name;
  EXPECT_NEAR(map["log_probability"].get<double>(), mpe["log_probability"].get<double>(), 1e-12);
}

// Y -> X0..X39 (binary): summing Y out before the Xs are maximised needs a table over all 41
// variables, 2^41 = 2199023255552 entries = 16 TiB, beyond any memory limit: exit 5 with the figure.
TEST(ExplainCli, MapWhoseConstrainedOrderDoesNotFitIsRefused) {
  const std::string path = ::testing::TempDir() + "/explain_cli_star.bif";
  std::vector<std::string> args{"map", path};
  {
    std::FILE* f = std::fopen(path.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs("network star {}\nvariable Y { type discrete [ 2 ] { y0, y1 }; }\n", f);
    for (int i = 0; i < 40; ++i) std::fprintf(f, "variable X%d { type discrete [ 2 ] { a, b }; }\n", i);
    std::fputs("probability ( Y ) { table 0.5, 0.5; }\n", f);
    for (int i = 0; i < 40; ++i) {
      std::fprintf(f, "probability ( X%d | Y ) { (y0) 0.9, 0.1; (y1) 0.2, 0.8; }\n", i);
      args.push_back("X" + std::to_string(i));
    }
    std::fclose(f);
  }
  const CliRun r = run_pgm(args);
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_NE(r.err.find("2199023255552 entries"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("GiB"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--max-memory"), std::string::npos) << r.err;
  // With Y a target as well there is nothing to sum: answered, all at their likelier states.
  args.emplace_back("Y");
  args.emplace_back("--json");
  const Json j = json_of(run_pgm(args));
  EXPECT_EQ(j["assignment"]["Y"], "y0");
  EXPECT_EQ(j["assignment"]["X7"], "a");
  EXPECT_NEAR(j["log_probability"].get<double>(), std::log(0.5) + 40 * std::log(0.9), 1e-12);
  std::remove(path.c_str());
}

}  // namespace
