// End-to-end tests of `pgm batch`: output equal to `pgm marginals --given ROW --json` row by row,
// the CSV formats (quoted cells, CRLF, BOM, blank lines, multi-line cells and their line numbers),
// --loglik / --predict / --targets / --given / -o, and every error class with its exit code.
// asia by hand: P(asia=yes) = 0.01, P(smoke=yes) = 0.5, P(tub=yes) = 0.01·0.05 + 0.99·0.01 = 0.0104.
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

// A file in a fresh temporary directory, removed with the fixture.
class BatchCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("pgm-batch-cli-" + std::to_string(::getpid()) + "-" +
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

std::vector<std::string> split(const std::string& line, char sep = ',') {
  std::vector<std::string> out;
  std::string cell;
  std::istringstream in(line);
  while (std::getline(in, cell, sep)) out.push_back(cell);
  if (!line.empty() && line.back() == sep) out.emplace_back();
  return out;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string l;
  while (std::getline(in, l)) out.push_back(l);
  return out;
}

const char* const kAsia[] = {"asia", "tub", "smoke", "lung", "bronc", "either", "xray", "dysp"};

TEST_F(BatchCli, EqualsMarginalsRowByRow) {
  // 60 rows of asia from `pgm sample`, about half the cells blanked (seeded), 4 columns in another order.
  const CliRun sample = run_pgm({"sample", model("asia.yaml"), "-n", "60", "-s", "4"});
  ASSERT_EQ(sample.exit_code, 0) << sample.err;
  const auto rows = lines(sample.out);
  const std::vector<std::size_t> pick = {6, 0, 4, 2};  // xray, asia, bronc, smoke
  std::mt19937 rng(17);
  std::string csv = "xray,asia,bronc,smoke\n";
  std::vector<std::string> given;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const auto cells = split(rows[r]);
    std::string line, g;
    for (std::size_t k = 0; k < pick.size(); ++k) {
      const bool keep = rng() % 2 == 0;
      line += (k ? "," : "") + (keep ? cells[pick[k]] : std::string());
      if (keep) g += (g.empty() ? "" : ",") + std::string(kAsia[pick[k]]) + "=" + cells[pick[k]];
    }
    csv += line + "\n";
    given.push_back(g);
  }
  const std::string data = file("rows.csv", csv);
  for (const char* threads : {"1", "2"}) {
    const CliRun b = run_pgm({"batch", model("asia.yaml"), "--data", data, "--threads", threads});
    ASSERT_EQ(b.exit_code, 0) << b.err;
    EXPECT_EQ(b.err, "");
    const auto out = lines(b.out);
    ASSERT_EQ(out.size(), rows.size());
    const auto header = split(out[0]);
    ASSERT_EQ(header.size(), 1 + 16 + 1);
    EXPECT_EQ(header[0], "row");
    EXPECT_EQ(header[1], "asia=yes");
    EXPECT_EQ(header[16], "dysp=no");
    EXPECT_EQ(header[17], "log_probability_of_evidence");
    for (std::size_t r = 1; r < out.size(); r += (threads[0] == '1' ? 1 : 7)) {
      std::vector<std::string> args = {"marginals", model("asia.yaml"), "--json"};
      if (!given[r - 1].empty()) {
        args.push_back("--given");
        args.push_back(given[r - 1]);
      }
      const CliRun one = run_pgm(args);
      ASSERT_EQ(one.exit_code, 0) << one.err;
      const Json j = Json::parse(one.out);
      const auto cells = split(out[r]);
      ASSERT_EQ(cells.size(), header.size());
      EXPECT_EQ(cells[0], std::to_string(r));
      std::size_t i = 1;
      for (const char* v : kAsia)
        for (const char* s : {"yes", "no"}) {
          EXPECT_NEAR(std::stod(cells[i]), j["marginals"][v][s].get<double>(), 1e-12) << "row " << r << " " << v;
          EXPECT_EQ(std::stod(cells[i]), j["marginals"][v][s].get<double>()) << "row " << r << " " << v;
          ++i;
        }
      EXPECT_EQ(std::stod(cells[i]), j["log_probability_of_evidence"].get<double>());
    }
  }
}

TEST_F(BatchCli, LoglikAndGivenByHand) {
  const std::string data = file("rows.csv", "asia,tub\nyes,\n,yes\n");
  const CliRun b = run_pgm({"batch", model("asia.yaml"), "--data", data, "--loglik"});
  ASSERT_EQ(b.exit_code, 0) << b.err;
  const auto out = lines(b.out);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0], "row,log_likelihood");
  EXPECT_NEAR(std::stod(split(out[1])[1]), std::log(0.01), 1e-12);
  EXPECT_NEAR(std::stod(split(out[2])[1]), std::log(0.0104), 1e-12);
  const CliRun g = run_pgm({"batch", model("asia.yaml"), "--data", data, "--loglik", "--given", "smoke=yes"});
  ASSERT_EQ(g.exit_code, 0) << g.err;
  EXPECT_NEAR(std::stod(split(lines(g.out)[1])[1]), std::log(0.005), 1e-12);  // asia, smoke independent
}

TEST_F(BatchCli, TargetsPredictAndOutputFile) {
  const std::string data = file("rows.csv", "xray,dysp\nyes,yes\nno,no\n");
  const CliRun t = run_pgm({"batch", model("asia.yaml"), "--data", data, "--targets", "lung, asia"});
  ASSERT_EQ(t.exit_code, 0) << t.err;
  EXPECT_EQ(lines(t.out)[0], "row,lung=yes,lung=no,asia=yes,asia=no,log_probability_of_evidence");
  const std::string out = path("out.csv");
  const CliRun p = run_pgm({"batch", model("asia.yaml"), "--data", data, "--predict", "--targets", "bronc,lung", "-o", out});
  ASSERT_EQ(p.exit_code, 0) << p.err;
  EXPECT_EQ(p.out, "");
  std::ifstream in(out);
  std::stringstream text;
  text << in.rdbuf();
  const auto o = lines(text.str());
  ASSERT_EQ(o.size(), 3u);
  EXPECT_EQ(o[0], "row,bronc,lung,log_probability");
  // Compared with pgm map on the same rows.
  for (std::size_t r = 1; r <= 2; ++r) {
    const CliRun map = run_pgm({"map", model("asia.yaml"), "bronc", "lung", "--given",
                                r == 1 ? "xray=yes,dysp=yes" : "xray=no,dysp=no", "--json"});
    ASSERT_EQ(map.exit_code, 0) << map.err;
    const Json j = Json::parse(map.out);
    const auto cells = split(o[r]);
    EXPECT_EQ(cells[1], j["assignment"]["bronc"].get<std::string>());
    EXPECT_EQ(cells[2], j["assignment"]["lung"].get<std::string>());
    EXPECT_NEAR(std::stod(cells[3]), j["log_probability"].get<double>(), 1e-12);
  }
}

TEST_F(BatchCli, CsvDialects) {
  // BOM, CRLF, a blank line (not a row), quoted cells, spaces around unquoted cells.
  const std::string data = file("rows.csv", "\xEF\xBB\xBF\"asia\", smoke \r\n\r\n \"yes\" , yes\r\n,\"no\"\r\n");
  const CliRun b = run_pgm({"batch", model("asia.yaml"), "--data", data, "--loglik"});
  ASSERT_EQ(b.exit_code, 0) << b.err;
  const auto out = lines(b.out);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(split(out[1])[0], "1");
  EXPECT_NEAR(std::stod(split(out[1])[1]), std::log(0.005), 1e-12);
  EXPECT_EQ(split(out[2])[0], "2");
  EXPECT_NEAR(std::stod(split(out[2])[1]), std::log(0.5), 1e-12);
}

TEST_F(BatchCli, HeaderOnlyAndEmptyInput) {
  const CliRun h = run_pgm({"batch", model("asia.yaml"), "--data", file("h.csv", "asia\n"), "--loglik"});
  EXPECT_EQ(h.exit_code, 0) << h.err;
  EXPECT_EQ(h.out, "row,log_likelihood\n");
  const std::string empty = file("e.csv", "");
  const CliRun e = run_pgm({"batch", model("asia.yaml"), "--data", empty});
  EXPECT_EQ(e.exit_code, 4);
  EXPECT_EQ(e.out, "");
  EXPECT_NE(e.err.find(empty + ": the data is empty"), std::string::npos) << e.err;
}

TEST_F(BatchCli, BadRowStopsWithFileAndPhysicalLine) {
  // Row 2 starts on line 3 and holds a two-line quoted cell; the bad row 3 is on line 5.
  const std::string data = file("rows.csv", "asia,tub\nyes,\n\"no\",\"y\nes\"\nmaybe,\nyes,yes\n");
  const CliRun b = run_pgm({"batch", model("asia.yaml"), "--data", data, "--loglik"});
  EXPECT_EQ(b.exit_code, 4);
  EXPECT_NE(b.err.find(data + ":3: unknown state 'y\nes' of variable 'tub'"), std::string::npos) << b.err;
  const auto out = lines(b.out);
  ASSERT_EQ(out.size(), 2u);  // the header and row 1, nothing after the bad row
  EXPECT_EQ(split(out[1])[0], "1");
}

TEST_F(BatchCli, EachKindOfBadRowAndSkipping) {
  const std::string data = file("rows.csv",
                                "asia,tub,either\n"
                                "yes,,\n"           // row 1, line 2: fine
                                "perhaps,,\n"       // row 2, line 3: unknown state
                                "yes,\n"            // row 3, line 4: too few cells
                                ",yes,no\n"         // row 4, line 5: P(e) = 0
                                "no,,\n"            // row 5, line 6: conflicts with --given asia=yes
                                "ye\"s,,\n"         // row 6, line 7: a quote inside an unquoted cell
                                "\n"                // line 8: blank, not a row
                                ",,yes\n");         // row 7, line 9: fine
  const CliRun stop = run_pgm({"batch", model("asia.yaml"), "--data", data, "--given", "asia=yes", "--loglik"});
  EXPECT_EQ(stop.exit_code, 4);
  EXPECT_NE(stop.err.find(data + ":3: unknown state 'perhaps' of variable 'asia'"), std::string::npos) << stop.err;
  const CliRun skip =
      run_pgm({"batch", model("asia.yaml"), "--data", data, "--given", "asia=yes", "--loglik", "--skip-bad-rows"});
  EXPECT_EQ(skip.exit_code, 0) << skip.err;
  const auto out = lines(skip.out);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(split(out[1])[0], "1");
  EXPECT_EQ(split(out[2])[0], "7");  // skipped rows keep their numbers
  // Row 7 with --given: P(asia=yes, either=yes) = 0.01 - P(asia=yes, either=no) = 0.01 - 0.0089775.
  EXPECT_NEAR(std::stod(split(out[2])[1]), std::log(0.01 - 0.0089775), 1e-12);
  for (const std::string& want :
       {data + ":3: unknown state 'perhaps'", data + ":4: 2 cells, but the header has 3 columns",
        data + ":5: the row's evidence", data + ":6: variable 'asia' is 'no' in this row but given as 'yes'",
        data + ":7: a quote inside an unquoted cell", std::string("pgm: skipped 5 of 7 rows\n")})
    EXPECT_NE(skip.err.find(want), std::string::npos) << want << "\n" << skip.err;
}

TEST_F(BatchCli, HeaderProblems) {
  const std::string unknown = file("u.csv", "asia,Smoke\nyes,yes\n");
  const CliRun u = run_pgm({"batch", model("asia.yaml"), "--data", unknown});
  EXPECT_EQ(u.exit_code, 4);
  EXPECT_NE(u.err.find(unknown + ":1: unknown column 'Smoke'"), std::string::npos) << u.err;
  EXPECT_EQ(u.out, "");  // not even the output's header
  const std::string twice = file("t.csv", "asia,tub,asia\n");
  const CliRun t = run_pgm({"batch", model("asia.yaml"), "--data", twice});
  EXPECT_EQ(t.exit_code, 4);
  EXPECT_NE(t.err.find(twice + ":1: column 'asia' appears twice"), std::string::npos) << t.err;
}

TEST_F(BatchCli, UsageAndQueryErrors) {
  const std::string data = file("rows.csv", "asia\nyes\n");
  const auto code = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {"batch", model("asia.yaml"), "--data", data};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_pgm(args).exit_code;
  };
  EXPECT_EQ(code({"--loglik", "--predict"}), 2);
  EXPECT_EQ(code({"--threads", "0"}), 2);
  EXPECT_EQ(code({"--threads", "two"}), 2);
  EXPECT_EQ(code({"--threads", "-1"}), 2);
  EXPECT_EQ(code({"--targets", "lungs"}), 4);
  EXPECT_EQ(code({"--given", "asia"}), 2);
  EXPECT_EQ(code({"--given", "asia=perhaps"}), 4);
  const CliRun missing = run_pgm({"batch", model("asia.yaml"), "--data", path("nope.csv")});
  EXPECT_EQ(missing.exit_code, 4);
  EXPECT_NE(missing.err.find("cannot open data file"), std::string::npos) << missing.err;
  EXPECT_EQ(run_pgm({"batch", model("asia.yaml")}).exit_code, 2);  // --data is required
  const CliRun gaussian = run_pgm({"batch", model("bivariate.yaml"), "--data", data});
  EXPECT_EQ(gaussian.exit_code, 4);
  EXPECT_NE(gaussian.err.find("discrete model"), std::string::npos) << gaussian.err;
}

TEST_F(BatchCli, QuotedStateNamesInTheHeader) {
  // A state with a comma and a quote: its "X=s" column is quoted in the header, and the cell too.
  const std::string yaml = file("q.yaml",
                                "type: bayesian-network\n"
                                "variables:\n"
                                "  A: ['a,1', 'b\"2']\n"
                                "cpds:\n"
                                "  A:\n"
                                "    probabilities: [0.25, 0.75]\n");
  const std::string data = file("rows.csv", "A\n\"a,1\"\n\n");
  const CliRun b = run_pgm({"batch", yaml, "--data", data});
  ASSERT_EQ(b.exit_code, 0) << b.err;
  EXPECT_EQ(b.out, "row,\"A=a,1\",\"A=b\"\"2\",log_probability_of_evidence\n1,1,0,-1.3862943611198906\n");
  const CliRun p = run_pgm({"batch", yaml, "--data", file("empty_row.csv", "A\n\"\"\n"), "--predict"});
  ASSERT_EQ(p.exit_code, 0) << p.err;
  EXPECT_EQ(p.out, "row,A,log_probability\n1,\"b\"\"2\",-0.2876820724517809\n");
}

}  // namespace
