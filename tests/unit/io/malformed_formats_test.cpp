// Malformed BIF, XMLBIF and UAI files (tests/data/malformed/{bif,xmlbif,uai}/): every one is rejected
// with a pgm error whose message names the file, the line, and the problem. Lines were counted by
// hand in each fixture.
#include "unit/io/format_test_util.hpp"

#include <pgm/core/error.hpp>
#include <pgm/io/load.hpp>

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

namespace pgm {
namespace {

struct BadFile {
  std::string path;                // under tests/data/malformed/
  int line;                        // expected 1-based line; 0 when the problem has none
  std::vector<std::string> words;  // must all appear in the message
};

std::ostream& operator<<(std::ostream& os, const BadFile& c) { return os << c.path; }

class MalformedFormat : public ::testing::TestWithParam<BadFile> {};

TEST_P(MalformedFormat, IsRejectedWithFileLineAndProblem) {
  const BadFile& c = GetParam();
  const std::string path = test::test_data() + "/malformed/" + c.path;
  try {
    (void)io::load_model(path);
    ADD_FAILURE() << c.path << " was accepted";
  } catch (const ParseError& e) {
    const std::string what = e.what();
    EXPECT_EQ(e.where().file, path) << what;
    EXPECT_NE(what.find(path), std::string::npos) << what;
    EXPECT_EQ(e.where().line, c.line) << what;
    if (c.line > 0) {
      EXPECT_NE(what.find(path + ":" + std::to_string(c.line)), std::string::npos) << what;
    }
    for (const std::string& w : c.words) EXPECT_NE(what.find(w), std::string::npos) << "'" << w << "' in: " << what;
  } catch (const Error& e) {
    ADD_FAILURE() << c.path << ": expected a ParseError, got: " << e.what();
  }
}

std::string case_name(const ::testing::TestParamInfo<BadFile>& info) {
  std::string name = info.param.path;
  for (char& ch : name) {
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(
    Bif, MalformedFormat,
    ::testing::Values(
        BadFile{"bif/truncated.bif", 7, {"end of file", "'A'"}},
        BadFile{"bif/empty.bif", 0, {"no variables"}},
        BadFile{"bif/wrong_row_size.bif", 12, {"3 probabilities", "'B' has 2 states"}},
        BadFile{"bif/wrong_table_size.bif", 5, {"3 numbers, expected 2"}},
        BadFile{"bif/wrong_row_arity.bif", 17, {"1 parent state(s), expected 2", "A, B"}},
        BadFile{"bif/undeclared_variable.bif", 7, {"undeclared variable 'Ghost'"}},
        BadFile{"bif/undeclared_parent.bif", 4, {"undeclared variable 'Phantom'", "parent"}},
        BadFile{"bif/bad_number.bif", 5, {"bad number '0.5x'"}},
        BadFile{"bif/nan_probability.bif", 5, {"bad number 'nan'"}},
        BadFile{"bif/duplicate_variable.bif", 7, {"'A' declared twice", "line 1"}},
        BadFile{"bif/duplicate_state.bif", 3, {"'winter' listed twice", "line 2"}},
        BadFile{"bif/duplicate_probability.bif", 7, {"second probability block for 'A'", "line 4"}},
        BadFile{"bif/duplicate_row.bif", 13, {"second row for (A=yes)", "line 11"}},
        BadFile{"bif/probability_out_of_range.bif", 12, {"P(B=on | A=no) = 1.5", "not a probability"}},
        BadFile{"bif/column_sum.bif", 12, {"'B'", "A=yes", "sums to 1.1"}},
        BadFile{"bif/unknown_parent_state.bif", 12, {"'maybe' is not a state of 'A'", "yes, no"}},
        BadFile{"bif/missing_row.bif", 10, {"(A=no)", "no row"}},
        BadFile{"bif/missing_cpt.bif", 4, {"'Lonely' has no probability block"}},
        BadFile{"bif/state_count_mismatch.bif", 4, {"declares 3 states but lists 2"}},
        BadFile{"bif/cycle.bif", 11, {"cycle", "Alpha", "Beta"}},
        BadFile{"bif/unterminated_comment.bif", 4, {"unterminated comment"}},
        BadFile{"bif/unterminated_quote.bif", 2, {"unterminated quoted name"}},
        BadFile{"bif/unknown_block.bif", 3, {"'varible'"}},
        BadFile{"bif/missing_semicolon.bif", 6, {"'}'", "missing ';'"}}),
    case_name);

INSTANTIATE_TEST_SUITE_P(
    Xmlbif, MalformedFormat,
    ::testing::Values(
        BadFile{"xmlbif/truncated.xml", 21, {"malformed XML"}},
        BadFile{"xmlbif/empty.xml", 1, {"malformed XML"}},
        BadFile{"xmlbif/mismatched_tag.xml", 22, {"malformed XML"}},
        BadFile{"xmlbif/wrong_table_size.xml", 22, {"<TABLE> of 'B' has 3 numbers, expected 4"}},
        BadFile{"xmlbif/too_many_numbers.xml", 24, {"more than the 4 numbers"}},
        BadFile{"xmlbif/undeclared_for.xml", 20, {"undeclared variable 'Ghost'"}},
        BadFile{"xmlbif/undeclared_given.xml", 21, {"undeclared variable 'Phantom'"}},
        BadFile{"xmlbif/bad_number.xml", 23, {"bad number 'zero.8'"}},
        BadFile{"xmlbif/duplicate_variable.xml", 9, {"'A' declared twice", "line 4"}},
        BadFile{"xmlbif/duplicate_outcome.xml", 8, {"'winter' listed twice"}},
        BadFile{"xmlbif/out_of_range.xml", 22, {"P(B=on | A=no) = 1.5", "not a probability"}},
        BadFile{"xmlbif/column_sum.xml", 22, {"A=no", "sums to 0.9"}},
        BadFile{"xmlbif/no_outcome.xml", 4, {"'Empty' has no <OUTCOME>"}},
        BadFile{"xmlbif/decision_node.xml", 4, {"TYPE=\"decision\""}},
        BadFile{"xmlbif/missing_table.xml", 19, {"has no <TABLE>"}},
        BadFile{"xmlbif/missing_definition.xml", 10, {"'B' has no DEFINITION"}},
        BadFile{"xmlbif/duplicate_definition.xml", 23, {"second <DEFINITION> for 'A'", "line 15"}},
        BadFile{"xmlbif/wrong_root.xml", 2, {"<html>"}}),
    case_name);

INSTANTIATE_TEST_SUITE_P(
    Uai, MalformedFormat,
    ::testing::Values(
        BadFile{"uai/truncated.uai", 9, {"ends inside the table of function 0", "2 of 4"}},
        BadFile{"uai/empty.uai", 1, {"MARKOV", "end of file"}},
        BadFile{"uai/wrong_table_size.uai", 11, {"function 1 declares 4 entries, expected 6"}},
        BadFile{"uai/index_out_of_range.uai", 6, {"variable index 5", "out of range"}},
        BadFile{"uai/bad_number.uai", 8, {"bad number '0.5e'"}},
        BadFile{"uai/negative_value.uai", 9, {"negative value -0.5"}},
        BadFile{"uai/bad_preamble.uai", 1, {"'CAUSAL'"}},
        BadFile{"uai/zero_cardinality.uai", 3, {"cardinality 0"}},
        BadFile{"uai/fractional_cardinality.uai", 3, {"'2.5'"}},
        BadFile{"uai/repeated_scope_variable.uai", 5, {"variable 1 appears twice"}},
        BadFile{"uai/trailing_garbage.uai", 9, {"'0.7'", "after the last function table"}},
        BadFile{"uai/bayes_two_cpts.uai", 6, {"variable 0 is the child", "function 0 and function 1"}},
        BadFile{"uai/bayes_column_sum.uai", 13, {"0=1", "sums to 0.9"}},
        BadFile{"uai/bayes_out_of_range.uai", 13, {"P(1=0 | 0=1) = 1.25", "not a probability"}},
        BadFile{"uai/bayes_missing_cpt.uai", 3, {"'1' has no function"}},
        BadFile{"uai/bayes_cycle.uai", 6, {"cycle", "1 -> 0 -> 1"}},
        BadFile{"uai/bayes_empty_scope.uai", 5, {"empty scope"}}),
    case_name);

}  // namespace
}  // namespace pgm
