// Malformed YAML models (tests/data/malformed/yaml/*.yaml) and bad evidence: every failure is a
// pgm error whose message names the file, the line where one applies, and the problem.
#include <pgm/core/error.hpp>
#include <pgm/io/evidence.hpp>
#include <pgm/io/yaml.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <regex>
#include <string>
#include <vector>

namespace pgm {
namespace {

struct BadModel {
  std::string file;                  // under tests/data/malformed/yaml/
  int line;                          // expected 1-based line, 0 when none applies
  std::vector<std::string> names;    // must all appear in the message, case-sensitive
  std::vector<std::string> any_of;   // at least one must appear, case-insensitive (empty: no check)
  std::vector<std::string> words;    // must all appear as whole words (state names such as "on")
};

std::ostream& operator<<(std::ostream& os, const BadModel& c) { return os << c.file; }

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

const std::vector<BadModel>& bad_models() {
  static const std::vector<BadModel> cases = {
      // structure
      {"cycle.yaml", 0, {"Alpha", "Beta", "Gamma"}, {"cycle", "cyclic"}, {}},
      {"self_loop.yaml", 0, {"Selfish"}, {"cycle", "cyclic", "own parent", "itself"}, {}},
      {"unknown_parent.yaml", 10, {"Ghost"}, {"unknown", "not declared", "undeclared", "no variable"}, {}},
      {"unknown_cpd_variable.yaml", 8, {"Phantom"}, {"unknown", "not declared", "undeclared", "no variable"}, {}},
      {"missing_cpt.yaml", 5, {"Lonely"}, {"missing", "no cpd", "no cpt", "without", "has no"}, {}},
      {"duplicate_cpt.yaml", 8, {"Twice"}, {"duplicate", "twice", "more than once", "again"}, {}},
      {"duplicate_state.yaml", 4, {"winter"}, {"duplicate", "twice", "more than once", "repeated"}, {}},
      {"empty_states.yaml", 4, {}, {"no states", "empty", "at least"}, {}},
      // table shapes
      {"wrong_table_size.yaml", 11, {"5", "6"}, {}, {}},
      {"wrong_row_length.yaml", 13, {"2", "3"}, {}, {}},
      {"unknown_parent_state.yaml", 13, {"spring"}, {"unknown", "not a state", "no state", "not one of"}, {}},
      {"missing_parent_state.yaml", 0, {"summer"}, {"missing", "no ", "without"}, {}},
      // numbers
      {"negative_probability.yaml", 7, {}, {"negative", "[0, 1]", "between 0 and 1", "range"}, {}},
      {"nan_probability.yaml", 12, {}, {"nan", "not a number", "finite"}, {}},
      {"text_probability.yaml", 7, {"half"}, {"number", "numeric"}, {}},
      {"column_sum.yaml", 16, {"WetGrass"}, {"sum"}, {"on", "yes"}},
      {"root_sum.yaml", 7, {"Alone"}, {"sum"}, {}},
      // Markov networks
      {"negative_factor.yaml", 8, {}, {"negative", "non-negative", ">= 0"}, {}},
      {"factor_unknown_variable.yaml", 6, {"Ghost"}, {"unknown", "not declared", "undeclared", "no variable"}, {}},
      {"factor_wrong_size.yaml", 8, {"4", "6"}, {}, {}},
      // the document
      {"unknown_type.yaml", 2, {"bayes-net"}, {"type"}, {}},
      {"missing_type.yaml", 0, {}, {"type"}, {}},
      {"empty.yaml", 0, {}, {"empty"}, {}},
      {"comments_only.yaml", 0, {}, {"empty"}, {}},
      {"syntax_error.yaml", 5, {}, {"syntax", "end of map", "yaml"}, {}},
      {"unclosed_bracket.yaml", 0, {}, {"syntax", "flow", "sequence", "yaml"}, {}},
      {"variables_not_a_map.yaml", 3, {"variables"}, {"map", "mapping"}, {}},
      // a variable's values: (one finite number per state)
      {"values_count.yaml", 5, {"'A'", "1 number", "2 states"}, {}, {}},
      {"values_unknown_key.yaml", 5, {"'value'"}, {"unknown key"}, {}},
      {"values_unknown_state.yaml", 5, {"'c'"}, {"not a state"}, {}},
      {"values_missing_state.yaml", 5, {"'b'"}, {"no value"}, {}},
      {"values_infinite.yaml", 5, {}, {"infinite", "finite"}, {}},
      {"values_without_states.yaml", 5, {"'states'"}, {"has no"}, {}},
      {"values_text.yaml", 5, {"'two'"}, {"not a number"}, {}},
  };
  return cases;
}

class MalformedYaml : public ::testing::TestWithParam<BadModel> {};

TEST_P(MalformedYaml, ErrorNamesFileLineAndProblem) {
  const BadModel& c = GetParam();
  const std::string path = std::string(PGM_SOURCE_DIR) + "/tests/data/malformed/yaml/" + c.file;
  try {
    (void)io::read_yaml_file(path);
    FAIL() << c.file << " was accepted";
  } catch (const ParseError& e) {
    const std::string what = e.what();
    const std::string message = e.message();
    EXPECT_NE(what.find(c.file), std::string::npos) << what;
    EXPECT_EQ(e.where().file.find(c.file) == std::string::npos, false) << e.where().file;
    if (c.line > 0) {
      EXPECT_EQ(e.where().line, c.line) << what;
      EXPECT_NE(what.find(c.file + ":" + std::to_string(c.line) + ":"), std::string::npos) << what;
      EXPECT_GT(e.where().column, 0) << what;
    }
    for (const auto& n : c.names) EXPECT_NE(message.find(n), std::string::npos) << "'" << n << "' not in: " << what;
    if (!c.any_of.empty()) {
      const std::string lm = lower(message);
      const bool found = std::any_of(c.any_of.begin(), c.any_of.end(),
                                     [&](const std::string& p) { return lm.find(lower(p)) != std::string::npos; });
      EXPECT_TRUE(found) << "no key phrase (" << c.any_of.front() << ", ...) in: " << what;
    }
    for (const auto& w : c.words)
      EXPECT_TRUE(std::regex_search(message, std::regex("\\b" + w + "\\b"))) << "'" << w << "' not in: " << what;
    // No raw yaml-cpp conversion failure and no NaN leaks through.
    EXPECT_EQ(what.find("bad conversion"), std::string::npos) << what;
  } catch (const std::exception& e) {
    FAIL() << c.file << ": expected ParseError, got " << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(Corpus, MalformedYaml, ::testing::ValuesIn(bad_models()),
                         [](const ::testing::TestParamInfo<BadModel>& info) {
                           std::string n = info.param.file.substr(0, info.param.file.find('.'));
                           return n;
                         });

TEST(MalformedYaml, CorpusHasAtLeastFifteenModels) { EXPECT_GE(bad_models().size(), 15u); }

TEST(MalformedYaml, StringSourceUsesTheGivenFilename) {
  const std::string text = "name: x\ntype: bayesian-network\nvariables:\n  A: [a0, a1]\ncpds:\n  A:\n"
                           "    probabilities: [0.5, 0.6]\n";
  try {
    (void)io::read_yaml_string(text, "inline-model.yaml");
    FAIL() << "accepted";
  } catch (const ParseError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("inline-model.yaml:7:", 0), 0u) << e.what();
    EXPECT_EQ(e.where().file, "inline-model.yaml");
  }
}

TEST(MalformedYaml, WithinToleranceIsAcceptedBeyondIsNot) {
  // Column sums 1 + 5e-7 (inside 1e-6) and 1 + 5e-6 (outside).
  const std::string head = "name: x\ntype: bayesian-network\nvariables:\n  A: [a0, a1]\ncpds:\n  A:\n";
  EXPECT_NO_THROW((void)io::read_yaml_string(head + "    probabilities: [0.5, 0.5000005]\n", "tol.yaml"));
  EXPECT_THROW((void)io::read_yaml_string(head + "    probabilities: [0.5, 0.500005]\n", "tol.yaml"), ParseError);
}

TEST(MalformedYaml, ProbabilityAboveOneIsRejected) {
  // A column that sums to 1 but has an entry above 1 and a negative one.
  const std::string text = "name: x\ntype: bayesian-network\nvariables:\n  A: [a0, a1, a2]\ncpds:\n  A:\n"
                           "    probabilities: [1.5, -0.5, 0.0]\n";
  EXPECT_THROW((void)io::read_yaml_string(text, "above.yaml"), ParseError);
}

TEST(MalformedYaml, InfinityIsRejected) {
  const std::string text = "name: x\ntype: markov-network\nvariables:\n  A: [a0, a1]\nfactors:\n"
                           "  - scope: [A]\n    values: [.inf, 1]\n";
  try {
    (void)io::read_yaml_string(text, "inf.yaml");
    FAIL() << "accepted";
  } catch (const ParseError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("inf.yaml:7:", 0), 0u) << e.what();
  }
}

// yaml-cpp 0.7's LoadAll never returns on a ',' where a document's root value or the end of the stream
// should be (it starts the same empty document again and again); each is refused at the comma. Columns
// counted by hand.
TEST(MalformedYaml, ACommaOutsideBracketsIsASyntaxErrorAtTheComma) {
  struct Case {
    std::string text;
    int line, column;
  };
  const std::vector<Case> cases = {
      {",", 1, 1},
      {"  ,\n", 1, 3},
      {"[a], b\n", 1, 4},
      {"{a: 1},\n", 1, 7},
      {"- a\n,\n", 2, 1},
      {"'a',\n", 1, 4},
      {"# a comment\n,\n", 2, 1},
      {"type: bayesian-network\n---\n[x]\n,\n", 4, 1},
  };
  for (const Case& c : cases) {
    try {
      (void)io::read_yaml_string(c.text, "comma.yaml");
      ADD_FAILURE() << "accepted: " << c.text;
    } catch (const ParseError& e) {
      EXPECT_EQ(e.where().line, c.line) << c.text << ": " << e.what();
      EXPECT_EQ(e.where().column, c.column) << c.text << ": " << e.what();
      EXPECT_NE(std::string(e.what()).find("YAML syntax error: a ',' outside any [list] or {mapping}"), std::string::npos)
          << e.what();
    }
  }
}

TEST(MalformedYaml, ASecondDocumentIsRefusedAtItsRootAndEmptyOnesAreIgnored) {
  const std::string model = "name: x\ntype: bayesian-network\nvariables:\n  A: [a0, a1]\ncpds:\n  A:\n"
                            "    probabilities: [0.5, 0.5]\n";
  EXPECT_NO_THROW((void)io::read_yaml_string(model + "---\n", "docs.yaml"));
  EXPECT_NO_THROW((void)io::read_yaml_string(model + "...\n", "docs.yaml"));
  EXPECT_NO_THROW((void)io::read_yaml_string(model + "---\n~\n---\n", "docs.yaml"));
  try {
    (void)io::read_yaml_string(model + "---\n~\n---\n  b: 1\n", "docs.yaml");  // lines 8-11: the third document
    ADD_FAILURE() << "accepted";
  } catch (const ParseError& e) {
    EXPECT_EQ(e.where().line, 11) << e.what();
    EXPECT_EQ(e.where().column, 3) << e.what();
    EXPECT_NE(std::string(e.what()).find("a second YAML document"), std::string::npos) << e.what();
  }
  // A syntax error in a later document is reported before the extra document itself.
  EXPECT_THROW(
      {
        try {
          (void)io::read_yaml_string(model + "---\nb: 1\n---\n[\n", "docs.yaml");
        } catch (const ParseError& e) {
          EXPECT_NE(std::string(e.what()).find("YAML syntax error"), std::string::npos) << e.what();
          throw;
        }
      },
      ParseError);
}

// ---- bad evidence against a loaded model ----------------------------------------------------------

struct BadEvidence {
  std::vector<std::pair<std::string, std::string>> given;
  std::vector<std::string> must_mention;  // case-sensitive
};

TEST(MalformedEvidence, EachErrorSaysWhatExists) {
  const BayesianNetwork bn =
      std::get<BayesianNetwork>(io::read_yaml_file(std::string(PGM_SOURCE_DIR) + "/models/sprinkler.yaml"));
  const std::vector<BadEvidence> cases = {
      // unknown variable: lists every variable
      {{{"Snow", "yes"}}, {"Snow", "Season", "Sprinkler", "Rain", "WetGrass", "Slippery"}},
      // names are case-sensitive
      {{{"rain", "yes"}}, {"rain", "Rain"}},
      // unknown state: lists the variable's states
      {{{"Rain", "maybe"}}, {"maybe", "Rain", "no", "yes"}},
      {{{"WetGrass", "damp"}}, {"damp", "dry", "wet"}},
      // a state of another variable
      {{{"Season", "wet"}}, {"Season", "winter", "summer"}},
      // empty state
      {{{"Rain", ""}}, {"Rain", "no", "yes"}},
      // empty name
      {{{"", "yes"}}, {"Season", "Rain"}},
      // conflicting assignments
      {{{"Rain", "yes"}, {"Season", "winter"}, {"Rain", "no"}}, {"Rain"}},
  };
  for (const auto& c : cases) {
    try {
      (void)bn.evidence(c.given);
      ADD_FAILURE() << "accepted evidence " << c.given.front().first << "=" << c.given.front().second;
    } catch (const QueryError& e) {
      const std::string m = e.what();
      for (const auto& s : c.must_mention) EXPECT_NE(m.find(s), std::string::npos) << "'" << s << "' not in: " << m;
    }
  }
}

TEST(MalformedEvidence, BadEvidenceTextNamesFileAndLine) {
  // name=state per line; each bad line is reported with the file and its line number.
  struct Case {
    std::string text;
    int line;
  };
  const std::vector<Case> cases = {
      {"Rain=yes\nSeason\n", 2},          // no '='
      {"# comment\n\n=yes\n", 3},        // empty name
      {"Rain=\n", 1},                      // empty state
      {"Season=winter\nRain yes\n", 2},   // a space instead of '='
  };
  for (const auto& c : cases) {
    try {
      (void)io::read_evidence_string(c.text, "given.txt");
      ADD_FAILURE() << "accepted: " << c.text;
    } catch (const ParseError& e) {
      EXPECT_EQ(e.where().file, "given.txt");
      EXPECT_EQ(e.where().line, c.line) << e.what();
      EXPECT_EQ(std::string(e.what()).rfind("given.txt:" + std::to_string(c.line) + ":", 0), 0u) << e.what();
    }
  }
}

}  // namespace
}  // namespace pgm
