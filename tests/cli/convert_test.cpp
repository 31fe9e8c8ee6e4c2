// End-to-end `pgm convert`: formats by extension, exact round trips, identical answers on the converted
// model, and exit codes for impossible conversions and bad files.
#include "support/cli_runner.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using pgm::testing::CliRun;
using pgm::testing::run_pgm;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class Convert : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    dir_ = fs::temp_directory_path() /
           ("pgm_convert_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  [[nodiscard]] std::string tmp(const std::string& name) const { return (dir_ / name).string(); }

  fs::path dir_;
};

const std::string kData = PGM_SOURCE_DIR "/tests/data";

TEST_F(Convert, XmlbifToYamlToBifToXmlbifIsExact) {
  const std::string in = kData + "/xmlbif/dog_problem.xml";
  ASSERT_EQ(run_pgm({"convert", in, tmp("dog.yaml")}).exit_code, 0);
  ASSERT_EQ(run_pgm({"convert", tmp("dog.yaml"), tmp("dog.bif")}).exit_code, 0);
  ASSERT_EQ(run_pgm({"convert", tmp("dog.bif"), tmp("dog.xmlbif")}).exit_code, 0);
  // The same model written directly and after three conversions: identical text.
  const CliRun direct = run_pgm({"convert", in, "-", "--to", "xmlbif"});
  ASSERT_EQ(direct.exit_code, 0) << direct.err;
  EXPECT_EQ(slurp(tmp("dog.xmlbif")), direct.out);
  EXPECT_NE(direct.out.find("<TABLE>0.99 0.01 0.97 0.03 0.9 0.1 0.3 0.7</TABLE>"), std::string::npos);
}

TEST_F(Convert, AnswersOnTheConvertedModelAreIdentical) {
  const std::string in = kData + "/xmlbif/dog_problem.xml";
  ASSERT_EQ(run_pgm({"convert", in, tmp("dog.yml")}).exit_code, 0);
  ASSERT_EQ(run_pgm({"convert", tmp("dog.yml"), tmp("dog.bif")}).exit_code, 0);
  const CliRun a = run_pgm({"marginals", in, "--given", "light-on=true,hear-bark=false", "--json"});
  const CliRun b = run_pgm({"marginals", tmp("dog.bif"), "--given", "light-on=true,hear-bark=false", "--json"});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_EQ(a.out, b.out);
}

TEST_F(Convert, UaiThroughYamlKeepsTheFileAndIndexNames) {
  const std::string in = kData + "/uai/unsorted_scope.uai";
  ASSERT_EQ(run_pgm({"convert", in, tmp("m.yaml")}).exit_code, 0);
  ASSERT_EQ(run_pgm({"convert", tmp("m.yaml"), tmp("m.uai")}).exit_code, 0);
  const CliRun direct = run_pgm({"convert", in, "-", "--format", "uai"});
  EXPECT_EQ(slurp(tmp("m.uai")), direct.out);
  // Variables are named by index, so `--given 1=2` addresses variable 1, state 2.
  const CliRun q = run_pgm({"marginals", tmp("m.yaml"), "--given", "1=2", "--json"});
  EXPECT_EQ(q.exit_code, 0) << q.err;
}

TEST_F(Convert, DotOutputForBothModelKinds) {
  const CliRun bn = run_pgm({"convert", kData + "/xmlbif/dog_problem.xml", tmp("g.dot")});
  ASSERT_EQ(bn.exit_code, 0) << bn.err;
  const std::string dot = slurp(tmp("g.dot"));
  EXPECT_EQ(dot.rfind("digraph \"Dog-Problem\" {", 0), 0u) << dot;
  EXPECT_NE(dot.find("\"family-out\" -> \"light-on\";"), std::string::npos) << dot;
  const CliRun mn = run_pgm({"convert", kData + "/uai/unsorted_scope.uai", "-", "--to", "dot"});
  ASSERT_EQ(mn.exit_code, 0) << mn.err;
  EXPECT_NE(mn.out.find("\"0\" -- \"1\";"), std::string::npos) << mn.out;
  EXPECT_NE(mn.out.find("\"1\" -- \"2\";"), std::string::npos) << mn.out;
}

TEST_F(Convert, ImpossibleConversionsAndBadInputFail) {
  // A Markov network has no BIF form: the file is fine, the conversion unsupported (4).
  const CliRun mn = run_pgm({"convert", kData + "/uai/unsorted_scope.uai", tmp("x.bif")});
  EXPECT_EQ(mn.exit_code, 4);
  EXPECT_NE(mn.err.find("Markov network"), std::string::npos) << mn.err;
  EXPECT_FALSE(fs::exists(tmp("x.bif")));
  // Unknown output extension and '-' without --to are usage errors (2).
  EXPECT_EQ(run_pgm({"convert", kData + "/uai/unsorted_scope.uai", tmp("x.txt")}).exit_code, 2);
  EXPECT_EQ(run_pgm({"convert", kData + "/uai/unsorted_scope.uai", "-"}).exit_code, 2);
  // A malformed file: exit 3 and the message gives file:line.
  const std::string bad = kData + "/malformed/bif/column_sum.bif";
  const CliRun r = run_pgm({"convert", bad, tmp("x.yaml")});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find(bad + ":12"), std::string::npos) << r.err;
}

// What the target format cannot express is its own class (UnsupportedError, exit 4): neither the
// input file (3) nor the command line (2) is at fault. Nothing is written.
TEST_F(Convert, ConversionsTheTargetCannotExpressExitFour) {
  const std::string markov = PGM_SOURCE_DIR "/models/misconception.yaml";
  const std::string gaussian = PGM_SOURCE_DIR "/models/mahalanobis.yaml";
  struct Case {
    std::string in, out, mentions;
  };
  for (const Case& c : std::vector<Case>{
           {markov, "m.bif", "Markov network"},
           {markov, "m.xmlbif", "Markov network"},
           {gaussian, "g.bif", "Gaussian"},
           {gaussian, "g.uai", "Gaussian"},
           {gaussian, "g.yaml", "Gaussian"},
           {gaussian, "g.dot", "Gaussian"},
       }) {
    const CliRun r = run_pgm({"convert", c.in, tmp(c.out)});
    EXPECT_EQ(r.exit_code, 4) << c.out << ": " << r.err;
    EXPECT_EQ(r.err.rfind("pgm: error: ", 0), 0U) << r.err;
    EXPECT_NE(r.err.find(c.mentions), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(tmp(c.out))) << c.out;
  }
  // The same Markov network converts to the formats that hold it.
  EXPECT_EQ(run_pgm({"convert", markov, tmp("m.uai")}).exit_code, 0);
  // An unknown input extension names --from, convert's option for the input format.
  fs::copy_file(tmp("m.uai"), tmp("m.uaix"));
  const CliRun from = run_pgm({"convert", tmp("m.uaix"), tmp("m.yaml")});
  EXPECT_EQ(from.exit_code, 3) << from.err;
  EXPECT_NE(from.err.find("name the format with --from"), std::string::npos) << from.err;
  EXPECT_EQ(run_pgm({"convert", tmp("m.uaix"), tmp("m.yaml"), "--from", "uai"}).exit_code, 0);
}

}  // namespace
