// End-to-end tests of the `pgm` executable: exit codes, stderr messages and JSON values, each
// expected value worked out by hand from the model files (arithmetic in the comments).
#include "support/cli_runner.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <pgm/core/error.hpp>
#include <pgm/inference/junction_tree.hpp>
#include <pgm/io/load.hpp>

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;
using pgm::testing::CliRun;
using pgm::testing::run_pgm;

// A path under the temp directory unique to this process and call.
fs::path temp_path(const std::string& suffix) {
  static std::atomic<int> counter{0};
  return fs::temp_directory_path() /
         ("pgm_cli_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + suffix);
}

std::string model(const std::string& name) { return std::string(PGM_SOURCE_DIR) + "/models/" + name; }

// Parses stdout as JSON, failing the test (not crashing) when it is not JSON.
Json parse_json(const CliRun& r) {
  try {
    return Json::parse(r.out);
  } catch (const std::exception& e) {
    ADD_FAILURE() << "stdout is not JSON (" << e.what() << "):\n" << r.out << "\nstderr:\n" << r.err;
    return Json::object();
  }
}

std::vector<std::string> keys(const Json& object) {
  std::vector<std::string> out;
  for (const auto& item : object.items()) out.push_back(item.key());
  return out;
}

std::size_t count(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (auto pos = haystack.find(needle); pos != std::string::npos; pos = haystack.find(needle, pos + needle.size())) {
    ++n;
  }
  return n;
}

// The line of `text` that starts (after indentation) with `prefix` followed by a space.
std::string line_starting(const std::string& text, const std::string& prefix) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    const auto first = line.find_first_not_of(' ');
    if (first != std::string::npos && line.compare(first, prefix.size() + 1, prefix + " ") == 0) return line;
  }
  return {};
}

constexpr double kTol = 1e-12;

void expect_table(const Json& table, const std::vector<double>& expected) {
  ASSERT_EQ(table.size(), expected.size()) << table.dump();
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_NEAR(table[i].get<double>(), expected[i], kTol) << "entry " << i;
  }
}
const std::string kFull = "\u2588";  // full block: 1/30 of the bar, i.e. probability 1/30

// lesson-joint.yaml: one factor over X, Y (Z = 1), rows X, columns Y:
//        y0    y1    y2   | P(X)
//   x0  0.10  0.05  0.05  | 0.20
//   x1  0.20  0.15  0.05  | 0.40
//   x2  0.05  0.20  0.15  | 0.40
//  P(Y) 0.35  0.40  0.25
const std::string kLesson = model("lesson-joint.yaml");

// ---------------------------------------------------------------------------------------------
// marginals / query on the lesson's joint table

TEST(CliMarginals, LessonJointWithoutEvidence) {
  const CliRun r = run_pgm({"marginals", kLesson, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  const Json j = parse_json(r);
  EXPECT_EQ(keys(j), (std::vector<std::string>{"marginals", "evidence", "probability_of_evidence",
                                               "log_probability_of_evidence"}));
  // Declared order of variables and states.
  EXPECT_EQ(keys(j["marginals"]), (std::vector<std::string>{"X", "Y"}));
  EXPECT_EQ(keys(j["marginals"]["X"]), (std::vector<std::string>{"x0", "x1", "x2"}));
  // Row sums: 0.10+0.05+0.05 = 0.20, 0.20+0.15+0.05 = 0.40, 0.05+0.20+0.15 = 0.40.
  EXPECT_NEAR(j["marginals"]["X"]["x0"].get<double>(), 0.20, kTol);
  EXPECT_NEAR(j["marginals"]["X"]["x1"].get<double>(), 0.40, kTol);
  EXPECT_NEAR(j["marginals"]["X"]["x2"].get<double>(), 0.40, kTol);
  // Column sums: 0.10+0.20+0.05 = 0.35, 0.05+0.15+0.20 = 0.40, 0.05+0.05+0.15 = 0.25.
  EXPECT_NEAR(j["marginals"]["Y"]["y0"].get<double>(), 0.35, kTol);
  EXPECT_NEAR(j["marginals"]["Y"]["y1"].get<double>(), 0.40, kTol);
  EXPECT_NEAR(j["marginals"]["Y"]["y2"].get<double>(), 0.25, kTol);
  EXPECT_TRUE(j["evidence"].is_object());
  EXPECT_TRUE(j["evidence"].empty());
  // A Markov network without evidence reports its partition function: the table sums to 1.
  EXPECT_NEAR(j["probability_of_evidence"].get<double>(), 1.0, kTol);
  EXPECT_NEAR(j["log_probability_of_evidence"].get<double>(), 0.0, kTol);
}

TEST(CliQuery, ConditionalOnObservedColumn) {
  const CliRun r = run_pgm({"query", kLesson, "X", "--given", "Y=y0", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json j = parse_json(r);
  EXPECT_EQ(keys(j["marginals"]), (std::vector<std::string>{"X"}));
  // P(X | Y=y0) = column y0 / its sum = (0.10, 0.20, 0.05) / 0.35.
  EXPECT_NEAR(j["marginals"]["X"]["x0"].get<double>(), 0.10 / 0.35, kTol);
  EXPECT_NEAR(j["marginals"]["X"]["x1"].get<double>(), 0.20 / 0.35, kTol);
  EXPECT_NEAR(j["marginals"]["X"]["x2"].get<double>(), 0.05 / 0.35, kTol);
  EXPECT_EQ(j["evidence"], Json({{"Y", "y0"}}));
  // Z of the model reduced to Y=y0: the column sum 0.35.
  EXPECT_NEAR(j["probability_of_evidence"].get<double>(), 0.35, kTol);
  EXPECT_NEAR(j["log_probability_of_evidence"].get<double>(), std::log(0.35), kTol);
  // Full precision in the text: 0.2/0.35 = 0.571428571428571..., not cut to a few digits.
  EXPECT_NE(r.out.find("0.571428571428571"), std::string::npos) << r.out;
}

TEST(CliQuery, GivenSplitsOnCommasAndRepeatsKeepOrder) {
  // Y=y1 and X=x2 pick one cell: P(e) = 0.20, and X is then certainly x2.
  const CliRun a = run_pgm({"query", kLesson, "X", "--given", "Y=y1,X=x2", "--json"});
  const CliRun b = run_pgm({"query", kLesson, "X", "--given", "Y=y1", "--given", "X=x2", "--json"});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  ASSERT_EQ(b.exit_code, 0) << b.err;
  for (const CliRun* r : {&a, &b}) {
    const Json j = parse_json(*r);
    EXPECT_EQ(keys(j["evidence"]), (std::vector<std::string>{"Y", "X"}));
    EXPECT_EQ(j["evidence"]["X"], "x2");
    EXPECT_NEAR(j["probability_of_evidence"].get<double>(), 0.20, kTol);
    EXPECT_NEAR(j["marginals"]["X"]["x0"].get<double>(), 0.0, kTol);
    EXPECT_NEAR(j["marginals"]["X"]["x2"].get<double>(), 1.0, kTol);
  }
}

TEST(CliQuery, JointTableFirstVariableSlowest) {
  {
    const CliRun r = run_pgm({"query", kLesson, "X", "Y", "--joint", "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const Json j = parse_json(r);
    EXPECT_EQ(keys(j), (std::vector<std::string>{"joint", "evidence", "probability_of_evidence",
                                                 "log_probability_of_evidence"}));
    EXPECT_EQ(j["joint"]["variables"], Json({"X", "Y"}));
    // X slowest: the table exactly as written in the file.
    const std::vector<double> expected = {0.10, 0.05, 0.05, 0.20, 0.15, 0.05, 0.05, 0.20, 0.15};
    expect_table(j["joint"]["table"], expected);
  }
  {
    const CliRun r = run_pgm({"query", kLesson, "Y", "X", "--joint", "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const Json j = parse_json(r);
    EXPECT_EQ(j["joint"]["variables"], Json({"Y", "X"}));
    // Y slowest: the transpose, column by column.
    const std::vector<double> expected = {0.10, 0.20, 0.05, 0.05, 0.15, 0.20, 0.05, 0.05, 0.15};
    expect_table(j["joint"]["table"], expected);
  }
}

TEST(CliQuery, ConditionalTableBy) {
  const CliRun r = run_pgm({"query", kLesson, "X", "--by", "Y", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json j = parse_json(r);
  EXPECT_EQ(j["conditional"]["target"], "X");
  EXPECT_EQ(j["conditional"]["given_variable"], "Y");
  const Json& t = j["conditional"]["table"];
  EXPECT_EQ(keys(t), (std::vector<std::string>{"y0", "y1", "y2"}));
  // p(x | y) = p(x, y) / p(y), per column.
  // y0: (0.10, 0.20, 0.05) / 0.35
  EXPECT_NEAR(t["y0"]["x0"].get<double>(), 0.10 / 0.35, kTol);
  EXPECT_NEAR(t["y0"]["x1"].get<double>(), 0.20 / 0.35, kTol);
  EXPECT_NEAR(t["y0"]["x2"].get<double>(), 0.05 / 0.35, kTol);
  // y1: (0.05, 0.15, 0.20) / 0.40 = (0.125, 0.375, 0.5)
  EXPECT_NEAR(t["y1"]["x0"].get<double>(), 0.125, kTol);
  EXPECT_NEAR(t["y1"]["x1"].get<double>(), 0.375, kTol);
  EXPECT_NEAR(t["y1"]["x2"].get<double>(), 0.5, kTol);
  // y2: (0.05, 0.05, 0.15) / 0.25 = (0.2, 0.2, 0.6)
  EXPECT_NEAR(t["y2"]["x0"].get<double>(), 0.2, kTol);
  EXPECT_NEAR(t["y2"]["x1"].get<double>(), 0.2, kTol);
  EXPECT_NEAR(t["y2"]["x2"].get<double>(), 0.6, kTol);
  EXPECT_NEAR(j["probability_of_evidence"].get<double>(), 1.0, kTol);
}

TEST(CliQuery, ConditionalTableMarksZeroProbabilityRowsUndefined) {
  // Given Y=y1, P(Y=y0 | e) = P(Y=y2 | e) = 0: those rows are undefined, not 0/0.
  const CliRun r = run_pgm({"query", kLesson, "X", "--by", "Y", "--given", "Y=y1", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json j = parse_json(r);
  const Json& t = j["conditional"]["table"];
  EXPECT_TRUE(t["y0"].is_null());
  EXPECT_TRUE(t["y2"].is_null());
  EXPECT_NEAR(t["y1"]["x0"].get<double>(), 0.125, kTol);  // 0.05 / 0.40
  EXPECT_NEAR(t["y1"]["x2"].get<double>(), 0.5, kTol);    // 0.20 / 0.40
  EXPECT_NEAR(j["probability_of_evidence"].get<double>(), 0.40, kTol);

  const CliRun text = run_pgm({"query", kLesson, "X", "--by", "Y", "--given", "Y=y1"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_EQ(count(text.out, "undefined"), 2U) << text.out;
  EXPECT_EQ(text.out.find("nan"), std::string::npos) << text.out;
}

TEST(CliQuery, ByRejectsSeveralTargetsAndTheTargetItself) {
  EXPECT_EQ(run_pgm({"query", kLesson, "X", "Y", "--by", "Y"}).exit_code, 4);
  EXPECT_EQ(run_pgm({"query", kLesson, "X", "--by", "X"}).exit_code, 4);
  // --by and --joint exclude each other: a usage error.
  EXPECT_EQ(run_pgm({"query", kLesson, "X", "--by", "Y", "--joint"}).exit_code, 2);
}

// ---------------------------------------------------------------------------------------------
// Human output

TEST(CliText, MarginalsTableHasAlignedBars) {
  const CliRun r = run_pgm({"marginals", kLesson});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Bar cells: p * 30, drawn in eighths. 0.40 * 30 = 12 full blocks.
  const std::string x1 = line_starting(r.out, "x1");
  ASSERT_FALSE(x1.empty()) << r.out;
  EXPECT_NE(x1.find("0.4000"), std::string::npos) << x1;
  EXPECT_EQ(count(x1, kFull), 12U) << x1;
  // 0.35 * 30 = 10.5: ten full blocks and a half block (U+258C).
  const std::string y0 = line_starting(r.out, "y0");
  EXPECT_NE(y0.find("0.3500"), std::string::npos) << y0;
  EXPECT_EQ(count(y0, kFull), 10U) << y0;
  EXPECT_EQ(y0.substr(y0.size() - 3), "\u258C") << y0;
  // The probability column starts at the same place on every state line.
  EXPECT_EQ(x1.find("0.4000"), y0.find("0.3500"));
}

TEST(CliText, JointTableRows) {
  const CliRun r = run_pgm({"query", kLesson, "X", "Y", "--joint"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // The x1 y0 cell holds 0.20: 6 full blocks.
  std::istringstream in(r.out);
  std::string line;
  bool found = false;
  while (std::getline(in, line)) {
    if (line.find("x1") != std::string::npos && line.find("y0") != std::string::npos) {
      found = true;
      EXPECT_NE(line.find("0.2000"), std::string::npos) << line;
      EXPECT_EQ(count(line, kFull), 6U) << line;
    }
  }
  EXPECT_TRUE(found) << r.out;
}

// ---------------------------------------------------------------------------------------------
// sprinkler.yaml: Season -> Sprinkler, Season -> Rain, (Sprinkler, Rain) -> WetGrass -> Slippery.
//   P(winter) = 0.6; P(on | winter) = 0.2, P(on | summer) = 0.75; P(yes | winter) = 0.8,
//   P(yes | summer) = 0.1; P(wet | sprinkler, rain) = off,no 0 / off,yes 0.8 / on,no 0.9 / on,yes 0.95;
//   P(slippery=yes | wet) = 0.7, P(slippery=yes | dry) = 0.
// P(Season, Sprinkler, Rain, wet) per season:
//   winter: off,yes 0.8*0.8*0.8 = 0.512; on,no 0.2*0.2*0.9 = 0.036; on,yes 0.2*0.8*0.95 = 0.152 (x 0.6)
//   summer: off,yes 0.25*0.1*0.8 = 0.02; on,no 0.75*0.9*0.9 = 0.6075; on,yes 0.75*0.1*0.95 = 0.07125 (x 0.4)
//   P(wet | winter) = 0.7, P(wet | summer) = 0.69875, P(wet) = 0.42 + 0.2795 = 0.6995.
const std::string kSprinkler = model("sprinkler.yaml");

TEST(CliMarginals, SprinklerPriors) {
  const CliRun r = run_pgm({"marginals", kSprinkler, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json j = parse_json(r);
  EXPECT_EQ(keys(j["marginals"]), (std::vector<std::string>{"Season", "Sprinkler", "Rain", "WetGrass", "Slippery"}));
  EXPECT_NEAR(j["marginals"]["Season"]["winter"].get<double>(), 0.6, kTol);
  EXPECT_NEAR(j["marginals"]["Sprinkler"]["on"].get<double>(), 0.6 * 0.2 + 0.4 * 0.75, kTol);  // 0.42
  EXPECT_NEAR(j["marginals"]["Rain"]["yes"].get<double>(), 0.6 * 0.8 + 0.4 * 0.1, kTol);       // 0.52
  EXPECT_NEAR(j["marginals"]["WetGrass"]["wet"].get<double>(), 0.6995, kTol);
  EXPECT_NEAR(j["marginals"]["Slippery"]["yes"].get<double>(), 0.6995 * 0.7, kTol);  // 0.48965
  EXPECT_NEAR(j["probability_of_evidence"].get<double>(), 1.0, kTol);
}

TEST(CliMarginals, SprinklerGivenWetGrassBothEngines) {
  for (const std::string method : {"ve", "jt"}) {
    SCOPED_TRACE("--method " + method);
    const CliRun r = run_pgm({"marginals", kSprinkler, "--given", "WetGrass=wet", "--method", method, "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const Json j = parse_json(r);
    const Json& m = j["marginals"];
    // P(winter | wet) = 0.6 * 0.7 / 0.6995.
    EXPECT_NEAR(m["Season"]["winter"].get<double>(), 0.42 / 0.6995, kTol);
    // P(on, wet) = 0.6 * (0.036 + 0.152) + 0.4 * (0.6075 + 0.07125) = 0.1128 + 0.2715 = 0.3843.
    EXPECT_NEAR(m["Sprinkler"]["on"].get<double>(), 0.3843 / 0.6995, kTol);
    // P(yes, wet) = 0.6 * (0.512 + 0.152) + 0.4 * (0.02 + 0.07125) = 0.3984 + 0.0365 = 0.4349.
    EXPECT_NEAR(m["Rain"]["yes"].get<double>(), 0.4349 / 0.6995, kTol);
    EXPECT_NEAR(m["Rain"]["no"].get<double>(), 0.2646 / 0.6995, kTol);  // 0.6995 - 0.4349
    EXPECT_NEAR(m["WetGrass"]["wet"].get<double>(), 1.0, kTol);
    EXPECT_NEAR(m["Slippery"]["yes"].get<double>(), 0.7, kTol);
    EXPECT_EQ(j["evidence"], Json({{"WetGrass", "wet"}}));
    EXPECT_NEAR(j["probability_of_evidence"].get<double>(), 0.6995, kTol);
    EXPECT_NEAR(j["log_probability_of_evidence"].get<double>(), std::log(0.6995), kTol);
  }
}

TEST(CliQuery, SprinklerJointAndConditional) {
  {
    // P(Season, Sprinkler): winter,off 0.6*0.8 = 0.48; winter,on 0.12; summer,off 0.4*0.25 = 0.1;
    // summer,on 0.3.
    const Json j = parse_json(run_pgm({"query", kSprinkler, "Season", "Sprinkler", "--joint", "--json"}));
    const std::vector<double> expected = {0.48, 0.12, 0.1, 0.3};
    expect_table(j["joint"]["table"], expected);
  }
  {
    // P(Rain | Season) recovers the CPT; Sprinkler=on changes nothing (Rain is independent of
    // Sprinkler given Season) except P(e) = 0.42.
    const Json j =
        parse_json(run_pgm({"query", kSprinkler, "Rain", "--by", "Season", "--given", "Sprinkler=on", "--json"}));
    const Json& t = j["conditional"]["table"];
    EXPECT_NEAR(t["winter"]["no"].get<double>(), 0.2, kTol);
    EXPECT_NEAR(t["winter"]["yes"].get<double>(), 0.8, kTol);
    EXPECT_NEAR(t["summer"]["no"].get<double>(), 0.9, kTol);
    EXPECT_NEAR(t["summer"]["yes"].get<double>(), 0.1, kTol);
    EXPECT_NEAR(j["probability_of_evidence"].get<double>(), 0.42, kTol);
  }
}

TEST(CliText, SprinklerTitleNamesQueryAndEvidence) {
  const CliRun r = run_pgm({"query", kSprinkler, "Rain", "--given", "WetGrass=wet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("P(Rain | WetGrass=wet)", 0), 0U) << r.out;
  EXPECT_NE(r.out.find("P(e) = 0.6995"), std::string::npos) << r.out;
  // 0.4349 / 0.6995 = 0.62173 -> "0.6217"; 0.62173 * 240 = 149.2 eighths: 18 full blocks + 5/8.
  const std::string yes = line_starting(r.out, "yes");
  EXPECT_NE(yes.find("0.6217"), std::string::npos) << yes;
  EXPECT_EQ(count(yes, kFull), 18U) << yes;
  EXPECT_EQ(yes.substr(yes.size() - 3), "\u258B") << yes;
}

TEST(CliMarginals, EvidenceFileCombinesWithGiven) {
  const fs::path path = temp_path(".evidence");
  {
    std::ofstream f(path);
    f << "# observed\nWetGrass=wet\n";
  }
  const CliRun r =
      run_pgm({"marginals", kSprinkler, "--evidence-file", path.string(), "--given", "Season=winter", "--json"});
  // The same variable in the file and in --given with another state is rejected.
  const CliRun clash = run_pgm({"marginals", kSprinkler, "--evidence-file", path.string(), "--given", "WetGrass=dry"});
  std::error_code ec;
  fs::remove(path, ec);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json j = parse_json(r);
  EXPECT_EQ(keys(j["evidence"]), (std::vector<std::string>{"WetGrass", "Season"}));
  // P(winter, wet) = 0.6 * 0.7 = 0.42; P(Rain=yes | winter, wet) = (0.512 + 0.152) / 0.7.
  EXPECT_NEAR(j["probability_of_evidence"].get<double>(), 0.42, kTol);
  EXPECT_NEAR(j["marginals"]["Rain"]["yes"].get<double>(), 0.664 / 0.7, kTol);
  EXPECT_EQ(clash.exit_code, 4) << clash.err;
  EXPECT_NE(clash.err.find("WetGrass"), std::string::npos) << clash.err;
}

TEST(CliMarginals, GaussianModelGivesMeans) {
  // linear-gaussian.yaml: Exam = 10 + 0.8 Knowledge, E[Knowledge] = 0.5*100 + 2*10 = 70, so E[Exam] = 66.
  const CliRun r = run_pgm({"marginals", model("linear-gaussian.yaml"), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json j = parse_json(r);
  const auto& names = j["variables"];
  const auto it = std::find(names.begin(), names.end(), Json("Exam"));
  ASSERT_NE(it, names.end()) << j.dump();
  EXPECT_NEAR(j["mean"][static_cast<std::size_t>(it - names.begin())].get<double>(), 66.0, 1e-9);
}

// ---------------------------------------------------------------------------------------------
// A Bayesian network and a textbook Markov network

TEST(CliQuery, AsiaBayesianNetwork) {
  // asia.yaml: P(asia=yes) = 0.01, P(tub=yes | asia=yes) = 0.05.
  const CliRun r = run_pgm({"query", model("asia.yaml"), "tub", "--given", "asia=yes", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json j = parse_json(r);
  EXPECT_NEAR(j["marginals"]["tub"]["yes"].get<double>(), 0.05, kTol);
  EXPECT_NEAR(j["marginals"]["tub"]["no"].get<double>(), 0.95, kTol);
  EXPECT_NEAR(j["probability_of_evidence"].get<double>(), 0.01, kTol);
  EXPECT_NEAR(j["log_probability_of_evidence"].get<double>(), std::log(0.01), kTol);

  // Without evidence P(e) = 1 for a Bayesian network.
  const Json none = parse_json(run_pgm({"query", model("asia.yaml"), "smoke", "--json"}));
  EXPECT_NEAR(none["probability_of_evidence"].get<double>(), 1.0, kTol);
  EXPECT_NEAR(none["marginals"]["smoke"]["yes"].get<double>(), 0.5, kTol);
}

TEST(CliMarginals, MisconceptionPartitionFunction) {
  // Koller & Friedman (2009), Fig. 4.1: Z = 7,201,840.
  const CliRun r = run_pgm({"marginals", model("misconception.yaml"), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json j = parse_json(r);
  EXPECT_NEAR(j["probability_of_evidence"].get<double>(), 7201840.0, 1e-6);
  EXPECT_NEAR(j["log_probability_of_evidence"].get<double>(), std::log(7201840.0), 1e-12);
}

// ---------------------------------------------------------------------------------------------
// info

TEST(CliInfo, LessonJointJson) {
  const CliRun r = run_pgm({"info", kLesson, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json j = parse_json(r);
  EXPECT_EQ(j["name"], "lesson-joint");
  EXPECT_EQ(j["type"], "markov-network");
  EXPECT_EQ(j["variables"], Json({{"X", {"x0", "x1", "x2"}}, {"Y", {"y0", "y1", "y2"}}}));
  EXPECT_EQ(j["edges"], Json::parse(R"([["X", "Y"]])"));
  EXPECT_EQ(j["parameters"], 9);        // one 3 x 3 factor table
  EXPECT_EQ(j["treewidth"], 1);         // a single edge
  EXPECT_EQ(j["max_clique_size"], 9);   // the clique {X, Y}: 3 * 3 entries
  // `automatic` runs min-fill, weighted min-fill and min-degree and must report the one it kept;
  // on a single edge all three give the same order, and the text line repeats the same figures.
  const std::string h = j["elimination_heuristic"].get<std::string>();
  EXPECT_TRUE(h == "min-fill" || h == "weighted-min-fill" || h == "min-degree") << h;
  const CliRun text = run_pgm({"info", kLesson});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("\nElimination width  1 (" + h + " order, largest clique 9 entries)\n"), std::string::npos)
      << text.out;
}

TEST(CliInfo, AsiaJsonAndText) {
  const CliRun r = run_pgm({"info", model("asia.yaml"), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json j = parse_json(r);
  EXPECT_EQ(j["type"], "bayesian-network");
  EXPECT_EQ(j["variables"].size(), 8U);
  // asia->tub, smoke->lung, smoke->bronc, tub->either, lung->either, either->xray, either->dysp,
  // bronc->dysp.
  EXPECT_EQ(j["edges"].size(), 8U);
  EXPECT_NE(std::find(j["edges"].begin(), j["edges"].end(), Json({"asia", "tub"})), j["edges"].end());
  // Free parameters: (2-1) * parent configurations = asia 1, tub 2, smoke 1, lung 2, bronc 2,
  // either 4, xray 2, dysp 4 = 18.
  EXPECT_EQ(j["parameters"], 18);
  // The moral graph has the triangles {lung, tub, either} and {either, bronc, dysp} and no larger
  // cliques; the chordal completion adds lung - bronc: treewidth 2.
  EXPECT_EQ(j["treewidth"], 2);

  const CliRun text = run_pgm({"info", model("asia.yaml")});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("\n  asia -> tub\n"), std::string::npos) << text.out;
  // The same figures as the JSON, on their labelled lines: 18 free parameters; treewidth 2, so the
  // largest clique holds three binary variables, 2^3 = 8 entries.
  EXPECT_NE(text.out.find("\nEdges              8\n"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("\nParameters         18\n"), std::string::npos) << text.out;
  const std::string h = j["elimination_heuristic"].get<std::string>();
  EXPECT_NE(text.out.find("\nElimination width  2 (" + h + " order, largest clique 8 entries)\n"), std::string::npos)
      << text.out;
  EXPECT_EQ(j["max_clique_size"], 8);
}

// ---------------------------------------------------------------------------------------------
// Exit codes and messages

TEST(CliErrors, UsageErrorsExitTwo) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {},                                          // no subcommand
           {"frobnicate"},                              // unknown subcommand
           {"marginals"},                               // missing model
           {"query", kLesson},                          // missing target
           {"marginals", kLesson, "--frobnicate"},      // unknown option
           {"marginals", kLesson, "--given"},           // option without its value
           {"marginals", kLesson, "--method", "mcmc"},  // value outside the choices (gibbs became a method in issue 11)
           {"marginals", kLesson, "--format", "csv"},   // unknown format
       }) {
    const CliRun r = run_pgm(args);
    EXPECT_EQ(r.exit_code, 2) << "args: " << ::testing::PrintToString(args) << "\n" << r.err;
    EXPECT_EQ(r.err.rfind("pgm: error: ", 0), 0U) << r.err;
    EXPECT_EQ(r.out, "");
  }
}

TEST(CliErrors, HelpAndVersionExitZero) {
  const CliRun help = run_pgm({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("marginals"), std::string::npos) << help.out;
  const CliRun sub = run_pgm({"query", "--help"});
  EXPECT_EQ(sub.exit_code, 0);
  EXPECT_NE(sub.out.find("--by"), std::string::npos) << sub.out;
  EXPECT_EQ(run_pgm({"--version"}).exit_code, 0);
}

TEST(CliErrors, MissingModelFileExitsThree) {
  const std::string missing = (fs::temp_directory_path() / "pgm_cli_test_no_such_model.yaml").string();
  const CliRun r = run_pgm({"marginals", missing});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_EQ(r.err.rfind("pgm: error: ", 0), 0U) << r.err;
  EXPECT_NE(r.err.find("pgm_cli_test_no_such_model.yaml"), std::string::npos) << r.err;
}

TEST(CliErrors, MalformedModelFileExitsThreeWithLine) {
  const fs::path path = temp_path(".yaml");
  {
    std::ofstream f(path);
    f << "name: broken\n"
         "type: markov-network\n"
         "variables:\n"
         "  X: [x0, x1]\n"
         "factors:\n"
         "  - scope: [X]\n"
         "    values: [0.5, oops]\n";  // line 7: not a number
  }
  const CliRun r = run_pgm({"marginals", path.string()});
  std::error_code ec;
  fs::remove(path, ec);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_EQ(r.err.rfind("pgm: error: ", 0), 0U) << r.err;
  EXPECT_NE(r.err.find(path.filename().string() + ":7"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
}

TEST(CliErrors, BadEvidenceExitsFour) {
  struct Case {
    std::string given;
    std::string mentions;
  };
  for (const Case& c : std::vector<Case>{
           {"Z=z0", "Z"},              // unknown variable
           {"X=x9", "x9"},             // unknown state
           {"Y=y0,X=x0,Y=y1", "Y"},    // same variable, two states
       }) {
    const CliRun r = run_pgm({"marginals", kLesson, "--given", c.given});
    EXPECT_EQ(r.exit_code, 4) << "--given " << c.given << "\n" << r.err;
    EXPECT_EQ(r.err.rfind("pgm: error: ", 0), 0U) << r.err;
    EXPECT_NE(r.err.find(c.mentions), std::string::npos) << r.err;
    EXPECT_EQ(r.out, "");
  }
  // Unknown target variable.
  EXPECT_EQ(run_pgm({"query", kLesson, "W"}).exit_code, 4);
}

TEST(CliErrors, ZeroProbabilityEvidenceExitsFour) {
  // asia.yaml: either = lung OR tub, so P(either=no | lung=yes) = 0.
  const CliRun r = run_pgm({"marginals", model("asia.yaml"), "--given", "lung=yes,either=no", "--json"});
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_NE(r.err.find("probability zero"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("lung=yes, either=no"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
  // sprinkler.yaml: P(Slippery=yes | WetGrass=dry) = 0.
  const CliRun s = run_pgm({"query", kSprinkler, "Rain", "--given", "WetGrass=dry,Slippery=yes"});
  EXPECT_EQ(s.exit_code, 4) << s.err;
  EXPECT_NE(s.err.find("probability zero"), std::string::npos) << s.err;
}

}  // namespace

namespace {

// The junction tree of misconception (4 binary variables in a cycle) has two cliques of 8 entries:
// with the initial and calibrated tables and separators that is (2*8 + 2*4)*8 + (2*8)*8 = 320 bytes
// (the root has no separator), so a 100-byte limit must be refused with the figure, exit code 5.
TEST(CliMarginals, JunctionTreeOverMemoryLimitIsRefusedWithTheFigure) {
  const CliRun r = run_pgm({"marginals", PGM_SOURCE_DIR "/models/misconception.yaml", "--max-memory", "100"});
  EXPECT_EQ(r.exit_code, 5);
  EXPECT_NE(r.err.find("MiB of tables"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--max-memory"), std::string::npos) << r.err;
  EXPECT_EQ(run_pgm({"marginals", PGM_SOURCE_DIR "/models/misconception.yaml", "--max-memory", "1M"}).exit_code, 0);
  EXPECT_EQ(run_pgm({"marginals", PGM_SOURCE_DIR "/models/misconception.yaml", "--max-memory", "lots"}).exit_code, 2);
  // Larger than any size_t: saturates to "no limit" rather than overflowing the conversion.
  EXPECT_EQ(run_pgm({"marginals", PGM_SOURCE_DIR "/models/misconception.yaml", "--max-memory", "1e30G"}).exit_code, 0);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// The command line's manners (issue 9): what a newcomer's typos and mistakes get back.

namespace {

const std::string kSprinklerModel = PGM_SOURCE_DIR "/models/sprinkler.yaml";
const std::string kLessonModel = PGM_SOURCE_DIR "/models/lesson-joint.yaml";

// The usage-error shape: exit 2, "pgm: error: " first, nothing on stdout.
void expect_usage_error(const CliRun& r, const std::vector<std::string>& mentions) {
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(r.err.rfind("pgm: error: ", 0), 0U) << r.err;
  EXPECT_EQ(r.out, "");
  for (const auto& m : mentions) EXPECT_NE(r.err.find(m), std::string::npos) << "missing '" << m << "' in\n" << r.err;
}

TEST(CliManners, UnknownCommandIsNamedWithTheNearest) {
  // qeury -> query: one transposition, edit distance 2; margnals -> marginals: one deletion.
  expect_usage_error(run_pgm({"qeury", kSprinklerModel, "Rain"}), {"unknown command 'qeury'", "did you mean 'query'?"});
  expect_usage_error(run_pgm({"margnals", kSprinklerModel}), {"'margnals'", "did you mean 'marginals'?"});
  expect_usage_error(run_pgm({"idependencies", kSprinklerModel}), {"did you mean 'independencies'?"});
  // Nothing near: no guess, but the list of commands.
  const CliRun far = run_pgm({"frobnicate"});
  expect_usage_error(far, {"unknown command 'frobnicate'", "marginals", "convert"});
  EXPECT_EQ(far.err.find("did you mean"), std::string::npos) << far.err;
  expect_usage_error(run_pgm({}), {"a command is required", "query"});
}

TEST(CliManners, SingleDashLongOptionIsRefusedNotReadAsShortOption) {
  // CLI11 alone reads "-given" as "-g iven" and reports a malformed evidence 'iven'.
  const CliRun r = run_pgm({"query", kSprinklerModel, "Rain", "-given", "WetGrass=wet"});
  expect_usage_error(r, {"unknown option '-given'", "did you mean '--given'?"});
  EXPECT_EQ(r.err.find("malformed evidence"), std::string::npos) << r.err;
  expect_usage_error(run_pgm({"marginals", kSprinklerModel, "-json"}), {"'-json'", "'--json'"});
  // A short option glued to a value that starts with a letter is the same ambiguity: refused, with
  // the spelling that works.
  expect_usage_error(run_pgm({"query", kSprinklerModel, "Rain", "-gWetGrass=wet"}), {"'-g WetGrass=wet'"});
  // The short option itself, and a short option glued to a number, still work.
  const CliRun g = run_pgm({"query", kSprinklerModel, "Rain", "-g", "WetGrass=wet", "--json"});
  ASSERT_EQ(g.exit_code, 0) << g.err;
  EXPECT_NEAR(parse_json(g)["probability_of_evidence"].get<double>(), 0.6995, kTol);
  const CliRun n = run_pgm({"sample", kSprinklerModel, "-n3"});
  ASSERT_EQ(n.exit_code, 0) << n.err;
  EXPECT_EQ(count(n.out, "\n"), 4U) << n.out;  // header + 3 rows
}

TEST(CliManners, MisspeltLongOptionSuggestsTheNearest) {
  expect_usage_error(run_pgm({"marginals", kSprinklerModel, "--jsn"}),
                     {"unknown option '--jsn' for 'pgm marginals'", "did you mean '--json'?"});
  expect_usage_error(run_pgm({"query", kSprinklerModel, "Rain", "--giveb=WetGrass=wet"}), {"did you mean '--given'?"});
  // The usage hint points at the command's own help.
  expect_usage_error(run_pgm({"query", kSprinklerModel, "Rain", "--jsn"}), {"Run 'pgm query --help'"});
}

TEST(CliManners, OptionsBeforeTheCommandAreNamed) {
  expect_usage_error(run_pgm({"--json", "marginals", kSprinklerModel}),
                     {"'--json' is an option of 'pgm marginals': put it after the command"});
  expect_usage_error(run_pgm({"--verison"}), {"unknown option '--verison'", "did you mean '--version'?"});
  expect_usage_error(run_pgm({"help"}), {"'pgm --help'"});
  expect_usage_error(run_pgm({"--"}), {"a command is required"});
  EXPECT_EQ(run_pgm({"--version"}).out, "pgm 0.1.0\n");
}

TEST(CliManners, MissingArgumentIsNamedAndDescribed) {
  expect_usage_error(run_pgm({"marginals"}), {"missing the model argument: model file", "Run 'pgm marginals --help'"});
  expect_usage_error(run_pgm({"query", kSprinklerModel}), {"missing the targets argument"});
  expect_usage_error(run_pgm({"convert", kSprinklerModel}), {"missing the output argument"});
}

TEST(CliManners, HelpShowsNoDefaultThatContradictsItsText) {
  // CLI11 printed "--renormalize,--no-renormalize{false}" beside "(default: on)".
  for (const std::string command : {"marginals", "query", "info", "independent", "blanket", "independencies", "score",
                                    "sample", "convert", "bench"}) {
    const CliRun r = run_pgm({command, "--help"});
    ASSERT_EQ(r.exit_code, 0) << command;
    EXPECT_EQ(r.out.find("{false}"), std::string::npos) << command << ":\n" << r.out;
    EXPECT_EQ(r.out.find("{true}"), std::string::npos) << command << ":\n" << r.out;
  }
  const CliRun m = run_pgm({"marginals", "--help"});
  // The flag's names alone on their line (the description, too long to share it, follows).
  EXPECT_NE(m.out.find("\n  --renormalize,--no-renormalize\n"), std::string::npos) << m.out;
  EXPECT_NE(m.out.find("(default: on)"), std::string::npos) << m.out;
  // The top-level help documents the exit codes.
  const CliRun top = run_pgm({"--help"});
  EXPECT_NE(top.out.find("Exit codes: 0 ok, 2 bad command line"), std::string::npos) << top.out;
}

// ---------------------------------------------------------------------------------------------
// Exit codes by class: 2 a malformed option value, 4 a well-formed name the model does not have
// (or a conversion the target format cannot express, see convert_test), 5 a size refusal.

TEST(CliExitCodes, MalformedOptionValueIsUsageError) {
  struct Case {
    std::vector<std::string> args;
    std::string mentions;
  };
  for (const Case& c : std::vector<Case>{
           {{"marginals", kLessonModel, "--given", "X"}, "'X'"},      // no '='
           {{"marginals", kLessonModel, "--given", "=x0"}, "'=x0'"},  // empty name
           {{"marginals", kLessonModel, "--given", "X="}, "'X='"},    // empty state
           {{"marginals", kLessonModel, "--given", "Y=y0,X"}, "'X'"}, // the second item
           {{"marginals", kLessonModel, "--max-memory", "lots"}, "--max-memory"},
           {{"marginals", kLessonModel, "--max-memory", "5Q"}, "'Q'"},
           {{"marginals", kLessonModel, "--max-memory", "0"}, "positive"},
           {{"score", PGM_SOURCE_DIR "/models/mahalanobis.yaml", "--point", "X1"}, "--point"},
       }) {
    SCOPED_TRACE(::testing::PrintToString(c.args));
    expect_usage_error(run_pgm(c.args), {c.mentions});
  }
  // The command line is checked before any file is read: a missing model does not hide it.
  expect_usage_error(run_pgm({"marginals", "/nonexistent/model.yaml", "--given", "X"}), {"'X'"});
}

TEST(CliExitCodes, NameNotInTheModelIsQueryError) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"marginals", kLessonModel, "--given", "Z=z0"},  // no variable Z
           {"marginals", kLessonModel, "--given", "X=x9"},  // X has no state x9
           {"query", kLessonModel, "W"},                    // no target W
           {"query", kLessonModel, "X", "--by", "W"},       // no variable W to condition on
           {"blanket", kLessonModel, "W"},
       }) {
    const CliRun r = run_pgm(args);
    EXPECT_EQ(r.exit_code, 4) << ::testing::PrintToString(args) << "\n" << r.err;
    EXPECT_EQ(r.err.rfind("pgm: error: ", 0), 0U) << r.err;
  }
}

TEST(CliExitCodes, SizeRefusalNamesTheOptionButTheLibraryDoesNot) {
  // The CLI adds the flag to the library's refusal (exit 5)...
  const CliRun r = run_pgm({"marginals", PGM_SOURCE_DIR "/models/misconception.yaml", "--max-memory", "100"});
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_NE(r.err.find("--max-memory SIZE sets the limit"), std::string::npos) << r.err;
  // ...which itself speaks of the library's terms, not the command line's.
  const pgm::ModelVariant model = pgm::io::load_model(PGM_SOURCE_DIR "/models/misconception.yaml");
  pgm::JunctionTreeOptions options;
  options.max_memory_bytes = 100;
  try {
    const pgm::JunctionTree tree(std::get<pgm::MarkovNetwork>(model), options);
    ADD_FAILURE() << "a 320-byte tree under a 100-byte limit was not refused";
  } catch (const pgm::LimitError& e) {
    EXPECT_EQ(std::string(e.what()).find("--"), std::string::npos) << e.what();
  }
  try {
    (void)pgm::io::format_of("model-without-extension");
    ADD_FAILURE() << "no extension was accepted";
  } catch (const pgm::ParseError& e) {
    EXPECT_EQ(std::string(e.what()).find("--"), std::string::npos) << e.what();
  }
  // The CLI names its own option for the format (of an existing file whose name has no extension).
  const fs::path bare = temp_path("");
  std::ofstream(bare) << "name: x\n";
  const CliRun f = run_pgm({"marginals", bare.string()});
  std::error_code ec;
  fs::remove(bare, ec);
  EXPECT_EQ(f.exit_code, 3) << f.err;
  EXPECT_NE(f.err.find("name the format with --format"), std::string::npos) << f.err;
  const CliRun t = run_pgm({"convert", kSprinklerModel, "/tmp/pgm-cli-test-out.txt"});
  EXPECT_EQ(t.exit_code, 2) << t.err;
  EXPECT_NE(t.err.find("--to"), std::string::npos) << t.err;
}

// ---------------------------------------------------------------------------------------------
// P(e) below the smallest double

// 400 independent binary roots R0..R399 with P(R = a) = 0.1, every one observed at a:
// P(e) = 0.1^400 = 1e-400, below the smallest double (~4.9e-324), log P(e) = 400 ln 0.1.
TEST(CliText, UnderflowingEvidenceProbabilityIsShownAsExp) {
  const fs::path dir = temp_path("_underflow");
  fs::create_directories(dir);
  const fs::path model_path = dir / "roots.yaml";
  const fs::path evidence_path = dir / "all-a.evidence";
  {
    std::ofstream m(model_path);
    std::ofstream e(evidence_path);
    m << "name: roots\ntype: bayesian-network\nvariables:\n";
    for (int i = 0; i < 400; ++i) m << "  R" << i << ": [a, b]\n";
    m << "cpds:\n";
    for (int i = 0; i < 400; ++i) {
      m << "  R" << i << ":\n    probabilities: [0.1, 0.9]\n";
      e << "R" << i << "=a\n";
    }
  }
  const CliRun text = run_pgm({"marginals", model_path.string(), "--evidence-file", evidence_path.string()});
  const CliRun json = run_pgm({"marginals", model_path.string(), "--evidence-file", evidence_path.string(), "--json"});
  std::error_code ec;
  fs::remove_all(dir, ec);
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_EQ(text.out.find("P(e) = 0"), std::string::npos) << text.out.substr(0, 200);
  const auto at = text.out.find("P(e) = exp(");
  ASSERT_NE(at, std::string::npos) << text.out.substr(0, 200);
  const double printed = std::stod(text.out.substr(at + 11));
  // Printed with 10 significant digits: -921.0340372, so within half a unit of the 7th decimal.
  EXPECT_NEAR(printed, 400 * std::log(0.1), 0.5e-7) << text.out.substr(at, 40);
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const Json j = parse_json(json);
  EXPECT_NEAR(j["log_probability_of_evidence"].get<double>(), 400 * std::log(0.1), 1e-9);
  EXPECT_NEAR(j["marginals"]["R7"]["a"].get<double>(), 1.0, kTol);
}

// ---------------------------------------------------------------------------------------------
// JSON output

// CPU time of finished children (popen's shell and pgm), in seconds.
double children_cpu_seconds() {
  rusage u{};
  ::getrusage(RUSAGE_CHILDREN, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         1e-6 * static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

// One variable with 10^5 states, weights 1..n: P(s_i) = (i + 1) / Z with Z = n (n + 1) / 2. The
// JSON writer looked every state up among those before it (quadratic, 18 s); now it appends.
TEST(CliJson, HundredThousandStatesPrintInLinearTime) {
  constexpr int n = 100'000;
  const fs::path path = temp_path("_wide.yaml");
  {
    std::ofstream m(path);
    m << "name: wide\ntype: markov-network\nvariables:\n  X: [";
    for (int i = 0; i < n; ++i) m << (i ? ", " : "") << "s" << i;
    m << "]\nfactors:\n  - scope: [X]\n    values: [";
    for (int i = 0; i < n; ++i) m << (i ? ", " : "") << i + 1;
    m << "]\n";
  }
  const double before = children_cpu_seconds();
  const CliRun r = run_pgm({"marginals", path.string(), "--json"});
  const double cpu = children_cpu_seconds() - before;
  std::error_code ec;
  fs::remove(path, ec);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Reading the file and writing 10^5 entries takes about 0.4 s of CPU; the quadratic writer took 15 s.
  EXPECT_LT(cpu, 5.0);
  // Parsed into a std::map (ordered_json's lookups would make the test itself quadratic).
  const nlohmann::json j = nlohmann::json::parse(r.out);
  const nlohmann::json& x = j["marginals"]["X"];
  ASSERT_EQ(x.size(), static_cast<std::size_t>(n));
  const double z = 0.5 * n * (n + 1.0);
  EXPECT_DOUBLE_EQ(j["probability_of_evidence"].get<double>(), z);
  for (int i : {0, 1, 41'999, 99'998, 99'999}) {
    EXPECT_NEAR(x["s" + std::to_string(i)].get<double>(), (i + 1) / z, 1e-15) << i;
  }
  double sum = 0;
  for (const auto& item : x.items()) sum += item.value().get<double>();
  EXPECT_NEAR(sum, 1.0, 1e-9);
  // Declared order kept: s0 before s1 before s99999 in the text.
  const auto p0 = r.out.find("\"s0\""), p1 = r.out.find("\"s1\""), plast = r.out.find("\"s99999\"");
  EXPECT_LT(p0, p1);
  EXPECT_LT(p1, plast);
  EXPECT_NE(plast, std::string::npos);
}

// A name that is not UTF-8 cannot be written as JSON: a pgm error (a bad model file, exit 3), never
// the JSON library's exception (exit 1). The io layer refuses such names on load too; either way
// the message says UTF-8.
TEST(CliJson, InvalidUtf8NameIsAClearError) {
  const fs::path path = temp_path("_latin1.yaml");
  {
    std::ofstream m(path, std::ios::binary);
    m << "name: latin1\ntype: markov-network\nvariables:\n  \"X\xff\": [a, b]\nfactors:\n  - scope: [\"X\xff\"]\n"
         "    values: [1, 2]\n";
  }
  const CliRun r = run_pgm({"marginals", path.string(), "--json"});
  const CliRun info = run_pgm({"info", path.string(), "--json"});
  std::error_code ec;
  fs::remove(path, ec);
  for (const CliRun* run : {&r, &info}) {
    EXPECT_EQ(run->exit_code, 3) << run->err;
    EXPECT_NE(run->err.find("UTF-8"), std::string::npos) << run->err;
    EXPECT_EQ(run->err.find("json.exception"), std::string::npos) << run->err;
    EXPECT_EQ(run->out, "");
  }
}

}  // namespace
