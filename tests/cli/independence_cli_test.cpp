// End-to-end tests of `pgm independent`, `pgm blanket` and `pgm independencies`: exit codes,
// messages and JSON, the expected answers worked out from the model files by hand.
#include "support/cli_runner.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <set>
#include <string>
#include <vector>

namespace {

using Json = nlohmann::json;
using Set = std::set<std::string>;
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

Set set_of(const Json& j) { return j.is_array() ? j.get<Set>() : Set{}; }

TEST(IndependentCli, SprinklerDSeparatedGivenBothCauses) {
  const Json j = json_of(run_pgm({"independent", model("sprinkler.yaml"), "--x", "WetGrass", "--y", "Season", "--given",
                                  "Sprinkler,Rain", "--json"}));
  EXPECT_EQ(j["independent"], true);
  EXPECT_EQ(j["method"], "d-separation");
  EXPECT_TRUE(j["active_trail"].is_null());
  EXPECT_EQ(j["x"], Json::array({"WetGrass"}));
  EXPECT_EQ(j["y"], Json::array({"Season"}));
  EXPECT_EQ(set_of(j["given"]), (Set{"Sprinkler", "Rain"}));
  EXPECT_FALSE(j.contains("numeric"));
}

TEST(IndependentCli, SprinklerDependentWithTrail) {
  const Json j =
      json_of(run_pgm({"independent", model("sprinkler.yaml"), "--x", "WetGrass", "--y", "Season", "--json", "--numeric"}));
  EXPECT_EQ(j["independent"], false);
  ASSERT_TRUE(j["active_trail"].is_array());
  ASSERT_EQ(j["active_trail"].size(), 3u);  // WetGrass ← Sprinkler|Rain ← Season
  EXPECT_EQ(j["active_trail"][0], "WetGrass");
  EXPECT_EQ(j["active_trail"][2], "Season");
  EXPECT_EQ(j["given"], Json::array());
  EXPECT_EQ(j["numeric"]["independent"], false);
  // P(wet | winter) = 0.8*0.8*0.8 + 0.2*0.2*0.9 + 0.2*0.8*0.95 = 0.7 (sprinkler off and no rain: 0);
  // P(wet | summer) = 0.25*0.1*0.8 + 0.75*0.9*0.9 + 0.75*0.1*0.95 = 0.69875; P(wet) = 0.6995.
  // Two binary variables: every cell is off by |P(wet, winter) - P(wet) P(winter)| = |0.42 - 0.4197|.
  EXPECT_NEAR(j["numeric"]["max_difference"].get<double>(), 0.0003, 1e-12);
}

TEST(IndependentCli, ExplainingAwayTextAndNumbers) {
  const CliRun r = run_pgm({"independent", model("explaining-away.yaml"), "--x", "Burglary", "--y", "Earthquake", "--given",
                         "Alarm", "--numeric"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Burglary → Alarm ← Earthquake"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("not d-separated"), std::string::npos) << r.out;
  // The numeric verdict with its figure, 0.008388 / 0.064009 = 0.131 (derived below); a bare
  // "dependent" would also match "independent".
  EXPECT_NE(r.out.find("max |P(x,y|z) - P(x|z) P(y|z)| = 0.131 > 1e-09, dependent"), std::string::npos) << r.out;

  // |0.036*0.019 - 0.126*0.072| / 0.253^2 (see ci_check_test.cpp for the joint).
  const Json j = json_of(run_pgm({"independent", model("explaining-away.yaml"), "--x", "Burglary", "--y", "Earthquake",
                                  "--given", "Alarm", "--numeric", "--json"}));
  EXPECT_EQ(j["active_trail"], Json::array({"Burglary", "Alarm", "Earthquake"}));
  EXPECT_NEAR(j["numeric"]["max_difference"].get<double>(), 0.008388 / 0.064009, 1e-12);
  EXPECT_EQ(j["numeric"]["independent"], false);

  const Json prior = json_of(run_pgm(
      {"independent", model("explaining-away.yaml"), "--x", "Burglary", "--y", "Earthquake", "--numeric", "--json"}));
  EXPECT_EQ(prior["independent"], true);
  EXPECT_EQ(prior["numeric"]["independent"], true);
  EXPECT_LT(prior["numeric"]["max_difference"].get<double>(), 1e-12);
}

TEST(IndependentCli, ParametersCanHideDependenceTheGraphShows) {
  const Json j = json_of(run_pgm({"independent", model("parameter-independence.yaml"), "--x", "StarSign", "--y", "Study",
                                  "--given", "ExamGrade", "--numeric", "--json"}));
  EXPECT_EQ(j["independent"], false);
  EXPECT_EQ(j["active_trail"], Json::array({"StarSign", "ExamGrade", "Study"}));
  EXPECT_EQ(j["numeric"]["independent"], true);
  EXPECT_LT(j["numeric"]["max_difference"].get<double>(), 1e-12);
}

TEST(IndependentCli, MarkovNetworkSeparation) {
  const Json j = json_of(run_pgm({"independent", model("misconception.yaml"), "--x", "A", "--y", "C", "--given", "B", "--json"}));
  EXPECT_EQ(j["method"], "separation");
  EXPECT_EQ(j["independent"], false);
  EXPECT_EQ(j["active_trail"], Json::array({"A", "D", "C"}));
  const CliRun r = run_pgm({"independent", model("misconception.yaml"), "--x", "A", "--y", "C", "--given", "B"});
  EXPECT_NE(r.out.find("A — D — C"), std::string::npos) << r.out;
  EXPECT_EQ(json_of(run_pgm({"independent", model("misconception.yaml"), "--x", "A", "--y", "C", "--given", "B,D",
                             "--json"}))["independent"],
            true);
}

TEST(IndependentCli, GaussianModels) {
  // Linear-Gaussian: Exam ← Knowledge → Project and every other trail passes Knowledge or the
  // unobserved collider Grade, so Exam ⟂ Project | Knowledge for every choice of weights.
  const Json lg = json_of(run_pgm({"independent", model("linear-gaussian.yaml"), "--x", "Exam", "--y", "Project",
                                   "--given", "Knowledge", "--numeric", "--json"}));
  EXPECT_EQ(lg["method"], "d-separation");
  EXPECT_EQ(lg["independent"], true);
  EXPECT_EQ(lg["numeric"]["independent"], true);
  // Aptitude → Knowledge ← Study: dependent once Knowledge is observed.
  const Json lg2 = json_of(run_pgm({"independent", model("linear-gaussian.yaml"), "--x", "Aptitude", "--y", "Study",
                                    "--given", "Knowledge", "--numeric", "--json"}));
  EXPECT_EQ(lg2["independent"], false);
  EXPECT_EQ(lg2["active_trail"], Json::array({"Aptitude", "Knowledge", "Study"}));
  EXPECT_EQ(lg2["numeric"]["independent"], false);

  // Bivariate: correlation 1 / sqrt(2 * 1.5) = 1/sqrt(3).
  const Json g = json_of(run_pgm({"independent", model("bivariate.yaml"), "--x", "X1", "--y", "X2", "--numeric", "--json"}));
  EXPECT_EQ(g["method"], "precision");
  EXPECT_EQ(g["independent"], false);
  EXPECT_TRUE(g["active_trail"].is_null());
  EXPECT_NEAR(g["numeric"]["max_difference"].get<double>(), 1.0 / std::sqrt(3.0), 1e-12);
}

TEST(IndependentCli, Errors) {
  const std::string m = model("sprinkler.yaml");
  CliRun r = run_pgm({"independent", m, "--x", "Wet", "--y", "Season"});
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_NE(r.err.find("'Wet'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("WetGrass"), std::string::npos) << r.err;

  r = run_pgm({"independent", m, "--x", "Rain", "--y", "Season", "--given", "Rain"});
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_NE(r.err.find("disjoint"), std::string::npos) << r.err;

  r = run_pgm({"independent", m, "--x", "Rain", "--y", "Rain"});
  EXPECT_EQ(r.exit_code, 4);

  r = run_pgm({"independent", m, "--x", "Rain"});
  EXPECT_EQ(r.exit_code, 2) << r.err;  // --y is required

  r = run_pgm({"independent", m, "--x", "Rain", "--y", "Season", "--given", "WetGrass=wet"});
  EXPECT_EQ(r.exit_code, 2);  // a malformed option value: usage
  EXPECT_NE(r.err.find("variable names"), std::string::npos) << r.err;

  r = run_pgm({"independent", m, "--x", "Rain", "--y", "Season", "--numeric", "--tolerance", "-1"});
  EXPECT_EQ(r.exit_code, 2) << r.err;  // a malformed option value: usage

  r = run_pgm({"independent", model("no-such-model.yaml"), "--x", "A", "--y", "B"});
  EXPECT_EQ(r.exit_code, 3);

  r = run_pgm({"blanket", m, "Nope"});
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_NE(r.err.find("Season"), std::string::npos) << r.err;
}

TEST(BlanketCli, Sprinkler) {
  const Json j = json_of(run_pgm({"blanket", model("sprinkler.yaml"), "Sprinkler", "--json"}));
  EXPECT_EQ(j["node"], "Sprinkler");
  EXPECT_EQ(set_of(j["blanket"]), (Set{"Season", "WetGrass", "Rain"}));
  EXPECT_EQ(j["parents"], Json::array({"Season"}));
  EXPECT_EQ(j["children"], Json::array({"WetGrass"}));
  EXPECT_EQ(j["co_parents"], Json::array({"Rain"}));
  const CliRun r = run_pgm({"blanket", model("sprinkler.yaml"), "Slippery"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Markov blanket of Slippery: WetGrass"), std::string::npos) << r.out;

  EXPECT_EQ(set_of(json_of(run_pgm({"blanket", model("misconception.yaml"), "A", "--json"}))["blanket"]), (Set{"B", "D"}));
  // Bivariate Gaussian: the precision is dense, so each variable's blanket is the other.
  EXPECT_EQ(set_of(json_of(run_pgm({"blanket", model("bivariate.yaml"), "X1", "--json"}))["blanket"]), (Set{"X2"}));
}

TEST(IndependenciesCli, Sprinkler) {
  const Json j = json_of(run_pgm({"independencies", model("sprinkler.yaml"), "--json"}));
  ASSERT_TRUE(j["independencies"].is_array());
  // Season has only descendants, so it states nothing; the other four each state one.
  std::set<std::string> nodes;
  for (const auto& item : j["independencies"]) {
    const std::string node = item["node"];
    nodes.insert(node);
    if (node == "WetGrass") {
      EXPECT_EQ(set_of(item["independent_of"]), (Set{"Season"}));
      EXPECT_EQ(set_of(item["given"]), (Set{"Sprinkler", "Rain"}));
    } else if (node == "Slippery") {
      EXPECT_EQ(set_of(item["independent_of"]), (Set{"Season", "Sprinkler", "Rain"}));
      EXPECT_EQ(set_of(item["given"]), (Set{"WetGrass"}));
    } else if (node == "Sprinkler") {
      EXPECT_EQ(set_of(item["independent_of"]), (Set{"Rain"}));
      EXPECT_EQ(set_of(item["given"]), (Set{"Season"}));
    }
  }
  EXPECT_EQ(nodes, (Set{"Sprinkler", "Rain", "WetGrass", "Slippery"}));
  const CliRun r = run_pgm({"independencies", model("sprinkler.yaml")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("WetGrass ⟂ Season | {Sprinkler, Rain}"), std::string::npos) << r.out;
}

}  // namespace
