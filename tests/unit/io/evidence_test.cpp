// Evidence files: UAI .evid (one-line and older sample-count forms) and NAME=STATE lines.
#include "unit/io/format_test_util.hpp"

#include <pgm/core/error.hpp>
#include <pgm/io/evidence.hpp>

#include <gtest/gtest.h>

#include <string>

namespace pgm {
namespace {

using io::Assignments;
using io::read_evidence_file;
using io::read_evidence_string;

TEST(Evidence, UaiOneLineForm) {
  EXPECT_EQ(read_evidence_string("2 3 1 0 4\n", "e.evid"), (Assignments{{"3", "1"}, {"0", "4"}}));
  EXPECT_EQ(read_evidence_string("0", "e.evid"), Assignments{});
  EXPECT_EQ(read_evidence_string("", "e.evid"), Assignments{});
  EXPECT_EQ(read_evidence_string("1\t7\n  2\n", "e.evid"), (Assignments{{"7", "2"}}));  // whitespace is free
}

TEST(Evidence, UaiOlderFormWithSampleCount) {
  EXPECT_EQ(read_evidence_string("1\n2 5 1 6 0\n", "e.evid"), (Assignments{{"5", "1"}, {"6", "0"}}));
  EXPECT_EQ(read_evidence_string("1\n0\n", "e.evid"), Assignments{});
}

TEST(Evidence, SharedEvidenceFiles) {
  const std::string pedigree = test::shared_networks() + "/uai/Pedigree_11.uai.evid";
  PGM_REQUIRE_SHARED(pedigree);
  // "37 10 0 13 0 ... 380 1": 37 pairs, first (10, 0), last (380, 1).
  const Assignments p = read_evidence_file(pedigree);
  ASSERT_EQ(p.size(), 37u);
  EXPECT_EQ(p.front(), (std::pair<std::string, std::string>{"10", "0"}));
  EXPECT_EQ(p.back(), (std::pair<std::string, std::string>{"380", "1"}));
  // Old form: "1" then "7 756 1 646 1 1 1 219 1 929 1 932 1 971 1".
  const Assignments r = read_evidence_file(test::shared_networks() + "/uai/unverified/relational_3.uai.evid");
  ASSERT_EQ(r.size(), 7u);
  EXPECT_EQ(r[0], (std::pair<std::string, std::string>{"756", "1"}));
  EXPECT_EQ(r[2], (std::pair<std::string, std::string>{"1", "1"}));
  EXPECT_EQ(r[6], (std::pair<std::string, std::string>{"971", "1"}));
  // Grids_11.uai.evid is the single byte "0" (no newline).
  EXPECT_TRUE(read_evidence_file(test::shared_networks() + "/uai/Grids_11.uai.evid").empty());
}

TEST(Evidence, AssignmentLinesWithCommentsAndCommas) {
  EXPECT_EQ(read_evidence_file(test::test_data() + "/uai/sprinkler.evidence"),
            (Assignments{{"Rain", "TRUE"}, {"Sprinkler", "FALSE"}, {"Cloudy", "TRUE"}}));
  // Numeric names as in UAI models, written the A=a way.
  EXPECT_EQ(read_evidence_string("3=1\n0 = 2\n", "e.txt"), (Assignments{{"3", "1"}, {"0", "2"}}));
  // States that are not identifiers.
  EXPECT_EQ(read_evidence_string("Age=>=7.5\n", "e.txt"), (Assignments{{"Age", ">=7.5"}}));
}

void expect_error(const std::string& text, int line, const std::string& needle) {
  try {
    (void)read_evidence_string(text, "bad.evid");
    ADD_FAILURE() << "no error for: " << text;
  } catch (const ParseError& e) {
    EXPECT_EQ(e.where().file, "bad.evid");
    EXPECT_EQ(e.where().line, line) << e.what();
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("bad.evid"), std::string::npos) << e.what();
  }
}

TEST(Evidence, MalformedFilesNameTheLine) {
  expect_error("2 3 1 0\n", 1, "the first number is 2");      // a pair is missing
  expect_error("3\n2 5 1 6 0\n", 1, "3 evidence samples");    // several samples
  expect_error("1 2\n0 x\n", 2, "'x'");                       // not an integer
  expect_error("1 2\n0 -1\n", 2, "'-1'");                     // negative state
  expect_error("A=a\nB\n", 2, "expected 'variable=state'");   // no '='
  expect_error("A=a\n  = b\n", 2, "both sides");              // empty name
  expect_error("# c\nA=a, ,B=b\n", 2, "empty item");          // empty item between commas
  EXPECT_THROW((void)read_evidence_file("/nonexistent/e.evid"), IoError);
}

}  // namespace
}  // namespace pgm
