// `pgm marginals|query|mpe --soft` and `--jeffrey` end to end, on the worked example of
// docs/soft-evidence.md (values by hand):
//   P(Rain) = [0.2, 0.8], P(Grass=wet | Rain) = 0.9 (yes), 0.2 (no).
//   --soft Rain=0.8,0.2: Rain ∝ [0.16, 0.16] = [0.5, 0.5]; P(wet) = 0.5·0.9 + 0.5·0.2 = 0.55;
//     P(e) = 0.32. With Grass=wet as well: Rain ∝ [0.144, 0.032], P(e) = 0.176.
//   --jeffrey Rain=0.8,0.2: P(wet) = 0.8·0.9 + 0.2·0.2 = 0.76; P(e) stays 1.
//   mpe --soft Rain=0.8,0.2: (yes, wet) with 0.2·0.9·0.8 = 0.144.
#include "support/cli_runner.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;
using pgm::testing::CliRun;
using pgm::testing::run_pgm;

const char* kRain = R"(name: rain
type: bayesian-network
variables:
  Rain: [yes, no]
  Grass: [wet, dry]
cpds:
  Rain:
    probabilities: [0.2, 0.8]
  Grass:
    parents: [Rain]
    probabilities:
      yes: [0.9, 0.1]
      no: [0.2, 0.8]
)";

fs::path write_temp(const std::string& name, const std::string& text) {
  const fs::path p = fs::temp_directory_path() / ("pgm-soft-" + std::to_string(getpid()) + "-" + name);
  std::ofstream(p) << text;
  return p;
}

const std::string& rain() {
  static const std::string path = write_temp("rain.yaml", kRain).string();
  return path;
}

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
  for (auto it = j.begin(); it != j.end(); ++it) out.push_back(it.key());
  return out;
}

TEST(SoftEvidenceCli, MarginalsWithSoftEvidence) {
  for (const char* method : {"jt", "ve", "lbp"}) {
    const Json j = json_of(run_pgm({"marginals", rain(), "--soft", "Rain=0.8,0.2", "--method", method, "--json"}));
    EXPECT_NEAR(j["marginals"]["Rain"]["yes"].get<double>(), 0.5, 1e-15) << method;
    EXPECT_NEAR(j["marginals"]["Grass"]["wet"].get<double>(), 0.55, 1e-15) << method;
    EXPECT_NEAR(j["probability_of_evidence"].get<double>(), 0.32, 1e-15) << method;
    EXPECT_NEAR(j["log_probability_of_evidence"].get<double>(), std::log(0.32), 1e-14) << method;
    EXPECT_EQ(j["soft_evidence"], Json::parse(R"({"Rain": [0.8, 0.2]})")) << method;
    if (std::string(method) != "lbp") {
      EXPECT_EQ(keys(j), (std::vector<std::string>{"marginals", "evidence", "soft_evidence", "probability_of_evidence",
                                                   "log_probability_of_evidence"}));
    }
  }
  // Without --soft the keys are as they always were.
  const Json plain = json_of(run_pgm({"marginals", rain(), "--json"}));
  EXPECT_EQ(keys(plain), (std::vector<std::string>{"marginals", "evidence", "probability_of_evidence",
                                                   "log_probability_of_evidence"}));
}

TEST(SoftEvidenceCli, CombinesWithGivenAndEvidenceFile) {
  const fs::path evid = write_temp("wet.evidence", "Grass=wet\n");
  for (const std::vector<std::string>& extra :
       {std::vector<std::string>{"--given", "Grass=wet"}, std::vector<std::string>{"--evidence-file", evid.string()}}) {
    std::vector<std::string> args = {"query", rain(), "Rain", "--soft", "Rain=0.8,0.2", "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    const Json j = json_of(run_pgm(args));
    EXPECT_NEAR(j["marginals"]["Rain"]["yes"].get<double>(), 0.144 / 0.176, 1e-15);
    EXPECT_NEAR(j["probability_of_evidence"].get<double>(), 0.176, 1e-15);
    EXPECT_EQ(j["evidence"], Json::parse(R"({"Grass": "wet"})"));
  }
  fs::remove(evid);
  // Repeated --soft on one variable multiplies: [0.8·0.5, 0.2·1] = [0.4, 0.2].
  const Json twice = json_of(run_pgm({"query", rain(), "Rain", "--soft", "Rain=0.8,0.2", "--soft", "Rain=0.5,1", "--json"}));
  EXPECT_NEAR(twice["marginals"]["Rain"]["yes"].get<double>(), 0.08 / (0.08 + 0.16), 1e-15);
  EXPECT_EQ(twice["soft_evidence"], Json::parse(R"({"Rain": [0.4, 0.2]})"));
}

TEST(SoftEvidenceCli, HumanOutputNamesTheSoftEvidence) {
  const CliRun r = run_pgm({"query", rain(), "Grass", "--soft", "Rain=0.8,0.2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.substr(0, r.out.find('\n')), "P(Grass | soft Rain=[0.8, 0.2])   P(e) = 0.32");
  const CliRun m = run_pgm({"mpe", rain(), "--soft", "Rain=0.8,0.2"});
  ASSERT_EQ(m.exit_code, 0) << m.err;
  EXPECT_EQ(m.out.substr(0, m.out.find('\n')), "Most probable explanation given soft Rain=[0.8, 0.2]");
}

TEST(SoftEvidenceCli, Jeffrey) {
  const Json j = json_of(run_pgm({"query", rain(), "Grass", "Rain", "--jeffrey", "Rain=0.8,0.2", "--json"}));
  EXPECT_NEAR(j["marginals"]["Grass"]["wet"].get<double>(), 0.76, 1e-15);
  EXPECT_NEAR(j["marginals"]["Rain"]["yes"].get<double>(), 0.8, 1e-15);
  EXPECT_NEAR(j["probability_of_evidence"].get<double>(), 1.0, 1e-15);
  EXPECT_EQ(keys(j), (std::vector<std::string>{"marginals", "evidence", "jeffrey", "probability_of_evidence",
                                               "log_probability_of_evidence"}));
  EXPECT_EQ(j["jeffrey"], Json::parse(R"({"Rain": [0.8, 0.2]})"));
  const CliRun bad = run_pgm({"marginals", rain(), "--jeffrey", "Rain=0.8,0.3"});
  EXPECT_EQ(bad.exit_code, 4) << bad.err;
  EXPECT_NE(bad.err.find("sums to 1.1"), std::string::npos) << bad.err;
  // Impossible: Grass=wet is ruled out by a zero likelihood, yet the target gives it 0.5.
  const CliRun impossible = run_pgm({"marginals", rain(), "--soft", "Grass=0,1", "--jeffrey", "Grass=0.5,0.5"});
  EXPECT_EQ(impossible.exit_code, 4) << impossible.err;
  EXPECT_NE(impossible.err.find("probability zero"), std::string::npos) << impossible.err;
}

TEST(SoftEvidenceCli, Mpe) {
  const Json j = json_of(run_pgm({"mpe", rain(), "--soft", "Rain=0.8,0.2", "--json"}));
  EXPECT_EQ(j["assignment"], Json::parse(R"({"Rain": "yes", "Grass": "wet"})"));
  EXPECT_NEAR(j["probability"].get<double>(), 0.144, 1e-15);
  EXPECT_NEAR(j["log_probability"].get<double>(), std::log(0.144), 1e-14);
  EXPECT_EQ(keys(j), (std::vector<std::string>{"assignment", "probability", "log_probability", "evidence", "soft_evidence"}));
  const Json plain = json_of(run_pgm({"mpe", rain(), "--json"}));
  EXPECT_EQ(keys(plain), (std::vector<std::string>{"assignment", "probability", "log_probability", "evidence"}));
  EXPECT_NEAR(plain["probability"].get<double>(), 0.64, 1e-15);
}

TEST(SoftEvidenceCli, Map) {
  // P(wet, soft) = 0.2·0.8·0.9 + 0.8·0.2·0.2 = 0.176 = 0.55 · 0.32.
  const Json j = json_of(run_pgm({"map", rain(), "Grass", "--soft", "Rain=0.8,0.2", "--json"}));
  EXPECT_EQ(j["assignment"], Json::parse(R"({"Grass": "wet"})"));
  EXPECT_NEAR(j["probability"].get<double>(), 0.176, 1e-15);
  EXPECT_NEAR(j["posterior_probability"].get<double>(), 0.55, 1e-15);
  EXPECT_EQ(j["soft_evidence"], Json::parse(R"({"Rain": [0.8, 0.2]})"));
}

TEST(SoftEvidenceCli, ExitCodes) {
  // Text that is not NAME=numbers: a usage error, as a malformed --given.
  for (const char* bad : {"Rain", "Rain=0.8,x", "=1,2", "Rain=1,,2"}) {
    const CliRun r = run_pgm({"marginals", rain(), "--soft", bad});
    EXPECT_EQ(r.exit_code, 2) << bad << ": " << r.err;
  }
  // Numbers the model cannot take: bad evidence.
  for (const char* bad : {"Rain=0.8", "Rain=0,0", "Rain=-1,2", "Rain=nan,1", "Rain=inf,1", "Nope=1,1"}) {
    for (const char* cmd : {"marginals", "mpe"}) {
      const CliRun r = run_pgm({cmd, rain(), "--soft", bad});
      EXPECT_EQ(r.exit_code, 4) << cmd << " " << bad << ": " << r.err;
      EXPECT_NE(r.err.find("pgm: error: soft evidence"), std::string::npos) << r.err;
    }
  }
  const CliRun gaussian = run_pgm({"marginals", std::string(PGM_SOURCE_DIR) + "/models/bivariate.yaml", "--soft", "X1=1,2"});
  EXPECT_EQ(gaussian.exit_code, 4) << gaussian.err;
  EXPECT_NE(gaussian.err.find("discrete model"), std::string::npos) << gaussian.err;
  // Impossible soft evidence on an observed variable: P(e) = 0.
  const CliRun zero = run_pgm({"marginals", rain(), "--given", "Rain=yes", "--soft", "Rain=0,1"});
  EXPECT_EQ(zero.exit_code, 4) << zero.err;
  EXPECT_NE(zero.err.find("probability zero"), std::string::npos) << zero.err;
}

}  // namespace
