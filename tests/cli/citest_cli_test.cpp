// End-to-end tests of `pgm citest`: the JSON contract on a hand-worked table, the text line, every
// exit code, and tests on samples drawn by `pgm sample` from models whose independences are known
// (explaining-away: the causes are d-separated marginally and dependent given the effect;
// linear-gaussian: d-separation decides which partial correlations vanish).
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

using Json = nlohmann::ordered_json;
using pgm::testing::run_pgm;

std::string model(const std::string& name) { return std::string(PGM_SOURCE_DIR) + "/models/" + name; }

class CitestCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("pgm-citest-cli-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string file(const std::string& name, const std::string& text) {
    const auto path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  // `pgm sample MODEL -n N --seed S` written to a file.
  std::string sample(const std::string& model_file, int n, int seed) {
    const auto run = run_pgm({"sample", model(model_file), "-n", std::to_string(n), "--seed", std::to_string(seed)});
    EXPECT_EQ(run.exit_code, 0) << run.err;
    return file("samples.csv", run.out);
  }
  Json json(const std::vector<std::string>& args) {
    auto all = args;
    all.insert(all.begin(), "citest");
    all.push_back("--json");
    const auto run = run_pgm(all);
    EXPECT_EQ(run.exit_code, 0) << run.err;
    return Json::parse(run.out);
  }
  std::filesystem::path dir_;
};

// a: (x 3, y 1), b: (x 1, y 2): chi2 = 175/144 on 1 dof (see ci_test_test.cpp), and a row with
// a missing cell that is dropped.
const char* kTable = "A,B,C\na,x,p\na,x,p\na,x,q\na,y,q\nb,x,p\nb,y,q\nb,y,p\n,x,p\n";

TEST_F(CitestCli, JsonContract) {
  const auto data = file("t.csv", kTable);
  const Json j = json({"--data", data, "--x", "A", "--y", "B"});
  std::vector<std::string> keys;
  for (const auto& item : j.items()) keys.push_back(item.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"test", "statistic", "dof", "p_value", "alpha", "independent", "n"}));
  EXPECT_EQ(j["test"], "chi2");
  EXPECT_NEAR(j["statistic"].get<double>(), 175.0 / 144.0, 1e-14);
  EXPECT_EQ(j["dof"], 1);
  EXPECT_NEAR(j["p_value"].get<double>(), std::erfc(std::sqrt(175.0 / 288.0)), 1e-14);
  EXPECT_EQ(j["alpha"], 0.05);
  EXPECT_EQ(j["independent"], true);
  EXPECT_EQ(j["n"], 7);

  const Json g = json({"--data", data, "--x", "A", "--y", "B", "--test", "g2", "--alpha", "0.3"});
  EXPECT_EQ(g["test"], "g2");
  const double want = 2.0 * (3 * std::log(21.0 / 16.0) + 2 * std::log(7.0 / 12.0) + 2 * std::log(14.0 / 9.0));
  EXPECT_NEAR(g["statistic"].get<double>(), want, 1e-14);
  EXPECT_EQ(g["alpha"], 0.3);
  EXPECT_EQ(g["independent"], g["p_value"].get<double>() > 0.3);
}

TEST_F(CitestCli, GivenStrataAndTextOutput) {
  // C = p: a: (x 2), b: (x 1, y 1): 2 × 2 [[2, 0], [1, 1]], margins 2, 2 and 3, 1 of 4:
  //   chi2 = 4 (ad − bc)² / (2·2·3·1) = 4·4/12 = 4/3.
  // C = q: a: (x 1, y 1), b: (y 1): [[1, 1], [0, 1]], margins 2, 1 and 1, 2 of 3: 3·1/(2·1·1·2) = 3/4.
  // Total 25/12 on 2 dof: p = e^(−25/24).
  const auto data = file("t.csv", kTable);
  const Json j = json({"--data", data, "--x", "A", "--y", "B", "--given", "C"});
  EXPECT_NEAR(j["statistic"].get<double>(), 25.0 / 12.0, 1e-14);
  EXPECT_EQ(j["dof"], 2);
  EXPECT_NEAR(j["p_value"].get<double>(), std::exp(-25.0 / 24.0), 1e-14);
  const auto text = run_pgm({"citest", "--data", data, "--x", "A", "--y", "B", "--given", "C"});
  EXPECT_EQ(text.exit_code, 0) << text.err;
  EXPECT_EQ(text.out, "chi2 test of A _||_ B | C on 7 rows: statistic 2.08333, dof 2, p-value 0.3529 -> independent "
                      "(p > alpha 0.05)\n");
}

TEST_F(CitestCli, ExitCodes) {
  const auto data = file("t.csv", kTable);
  auto code = [&](std::vector<std::string> args) {
    args.insert(args.begin(), "citest");
    const auto run = run_pgm(args);
    EXPECT_NE(run.err.find("pgm: error: "), std::string::npos) << run.err;
    return std::make_pair(run.exit_code, run.err);
  };
  EXPECT_EQ(code({"--data", data, "--x", "A"}).first, 2);                                    // --y missing
  EXPECT_EQ(code({"--data", data, "--x", "A", "--y", "B", "--test", "t"}).first, 2);         // bad test
  EXPECT_EQ(code({"--data", data, "--x", "A", "--y", "B", "--alpha", "0"}).first, 2);        // alpha ∉ (0, 1)
  EXPECT_EQ(code({"--data", data, "--x", "A", "--y", "B", "--alpha", "1.5"}).first, 2);
  EXPECT_EQ(code({"--data", data, "--x", "A", "--y", "B", "--alpha", "x"}).first, 2);
  EXPECT_EQ(code({"--data", data, "--x", "A", "--y", "B", "--given", "C,"}).first, 2);       // empty name
  const auto unknown = code({"--data", data, "--x", "A", "--y", "Q"});
  EXPECT_EQ(unknown.first, 4);
  EXPECT_NE(unknown.second.find("t.csv"), std::string::npos);
  EXPECT_NE(unknown.second.find("'Q'"), std::string::npos);
  EXPECT_EQ(code({"--data", data, "--x", "A,C", "--y", "B"}).first, 4);                      // one column each
  EXPECT_EQ(code({"--data", data, "--x", "A", "--y", "A"}).first, 4);
  EXPECT_EQ(code({"--data", data, "--x", "A", "--y", "B", "--given", "B"}).first, 4);
  EXPECT_EQ(code({"--data", (dir_ / "none.csv").string(), "--x", "A", "--y", "B"}).first, 4);
  EXPECT_EQ(code({"--data", file("e.csv", ""), "--x", "A", "--y", "B"}).first, 4);          // empty file
  EXPECT_EQ(code({"--data", file("h.csv", "A,B\n"), "--x", "A", "--y", "B"}).first, 4);     // header only
  const auto ragged = code({"--data", file("r.csv", "A,B\na,b\na\n"), "--x", "A", "--y", "B"});
  EXPECT_EQ(ragged.first, 4);
  EXPECT_NE(ragged.second.find("r.csv:3"), std::string::npos) << ragged.second;
  const auto nan = code({"--data", data, "--x", "A", "--y", "B", "--test", "fisher-z"});      // not numbers
  EXPECT_EQ(nan.first, 4);
  EXPECT_NE(nan.second.find("t.csv:2"), std::string::npos) << nan.second;
  const auto few = file("few.csv", "X,Y\n1,2\n2,1\n3,3\n");                                    // n − 3 = 0
  EXPECT_EQ(code({"--data", few, "--x", "X", "--y", "Y", "--test", "fisher-z"}).first, 4);
  const auto flat = file("flat.csv", "X,Y\n1,2\n2,2\n3,2\n4,2\n5,2\n");                        // constant Y
  EXPECT_EQ(code({"--data", flat, "--x", "X", "--y", "Y", "--test", "fisher-z"}).first, 6);
}

TEST_F(CitestCli, ExplainingAwaySamples) {
  // Burglary ⟂ Earthquake (d-separated by the unobserved collider Alarm): accepted at 1%;
  // given Alarm they are strongly dependent: rejected with p < 1e-6, by both statistics.
  const auto data = sample("explaining-away.yaml", 20000, 7);
  for (const std::string test : {"chi2", "g2"}) {
    const Json marginal = json({"--data", data, "--x", "Burglary", "--y", "Earthquake", "--test", test, "--alpha", "0.01"});
    EXPECT_EQ(marginal["independent"], true) << marginal.dump();
    EXPECT_EQ(marginal["dof"], 1);
    EXPECT_EQ(marginal["n"], 20000);
    const Json given = json({"--data", data, "--x", "Burglary", "--y", "Earthquake", "--given", "Alarm", "--test", test});
    EXPECT_EQ(given["independent"], false) << given.dump();
    EXPECT_LT(given["p_value"].get<double>(), 1e-6);
    EXPECT_EQ(given["dof"], 2);
  }
}

TEST_F(CitestCli, LinearGaussianSamples) {
  const auto data = sample("linear-gaussian.yaml", 5000, 3);
  auto test = [&](const std::string& x, const std::string& y, const std::string& given) {
    std::vector<std::string> args{"--data", data, "--x", x, "--y", y, "--test", "fisher-z", "--alpha", "0.01"};
    if (!given.empty()) args.insert(args.end(), {"--given", given});
    return json(args);
  };
  // d-separated: the two roots; Exam and Project given Knowledge (and Study).
  EXPECT_EQ(test("Aptitude", "Study", "")["independent"], true);
  EXPECT_EQ(test("Exam", "Project", "Knowledge,Study")["independent"], true);
  EXPECT_EQ(test("Exam", "Study", "Knowledge")["dof"], 5000 - 1 - 3);
  EXPECT_EQ(test("Exam", "Study", "Knowledge")["independent"], true);
  // d-connected: through Knowledge, and the collider Grade opens Exam–Project.
  EXPECT_LT(test("Exam", "Project", "")["p_value"].get<double>(), 1e-6);
  EXPECT_LT(test("Exam", "Project", "Knowledge,Study,Grade")["p_value"].get<double>(), 1e-6);
  EXPECT_LT(test("Aptitude", "Study", "Knowledge")["p_value"].get<double>(), 1e-6);
}

}  // namespace
