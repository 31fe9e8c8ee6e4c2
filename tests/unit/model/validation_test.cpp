// The builders are the one place models are checked: each finding is a ModelValidationError whose
// fields say which variable, parent, position, parent configuration and state is at fault, and the
// readers place it in the file. Expected fields are read off the hand-written tables below.
#include <pgm/core/error.hpp>
#include <pgm/io/bif.hpp>
#include <pgm/io/yaml.hpp>
#include <pgm/model/bayesian_network.hpp>
#include <pgm/model/markov_network.hpp>
#include <pgm/model/validation.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <vector>

namespace pgm {
namespace {

ModelValidationError caught(const std::function<void()>& f) {
  try {
    f();
  } catch (const ModelValidationError& e) {
    return e;
  }
  ADD_FAILURE() << "no ModelValidationError";
  return ModelValidationError(ModelProblem::no_variables, "");
}

// A (a0, a1), B (b0, b1, b2), C (c0, c1).
BayesianNetworkBuilder three() {
  BayesianNetworkBuilder b("t");
  (void)b.add_variable("A", {"a0", "a1"});
  (void)b.add_variable("B", {"b0", "b1", "b2"});
  (void)b.add_variable("C", {"c0", "c1"});
  return b;
}

TEST(ModelValidation, AColumnSumNamesTheParentConfiguration) {
  auto b = three();
  // P(B | A, C): configurations (a0,c0) (a0,c1) (a1,c0) (a1,c1); the third sums to 0.2 + 0.3 + 0.4 = 0.9.
  const std::vector<double> t = {0.2, 0.3, 0.5, 1, 0, 0, 0.2, 0.3, 0.4, 0, 0, 1};
  const auto e = caught([&] { b.set_cpt(1, {0, 2}, t); });
  EXPECT_EQ(e.problem, ModelProblem::column_sum);
  EXPECT_EQ(e.variable, 1u);
  EXPECT_EQ(e.configuration, 2u);
  EXPECT_NEAR(e.value, 0.9, 1e-12);
  EXPECT_NE(std::string(e.what()).find("given A=a1, C=c0 sums to 0.9"), std::string::npos) << e.what();
}

TEST(ModelValidation, AnEntryOutsideZeroOneNamesStateAndConfiguration) {
  for (const double bad : {-0.25, 1.25, std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity()}) {
    auto b = three();
    const std::vector<double> t = {0.5, 0.5, 0.0, 0.25, bad, 0.5};  // P(B | A): a1 column, state b1
    const auto e = caught([&] { b.set_cpt(1, {0}, t); });
    EXPECT_EQ(e.problem, ModelProblem::not_a_probability) << bad;
    EXPECT_EQ(e.variable, 1u);
    EXPECT_EQ(e.configuration, 1u);
    EXPECT_EQ(e.state, 1u);
    if (std::isnan(bad)) EXPECT_TRUE(std::isnan(e.value));
    else EXPECT_EQ(e.value, bad);
  }
}

TEST(ModelValidation, AWrongTableSizeGivesBothCounts) {
  auto b = three();
  const auto e = caught([&] { b.set_cpt(1, {0, 2}, std::vector<double>(11, 0.0)); });  // 2 x 2 x 3 = 12
  EXPECT_EQ(e.problem, ModelProblem::table_size);
  EXPECT_EQ(e.entries, 11u);
  EXPECT_EQ(e.expected, 12u);
}

TEST(ModelValidation, ParentListsReportTheFirstPositionAtFault) {
  struct Case {
    VariableId child;
    std::vector<VariableId> parents;
    ModelProblem problem;
    std::size_t position;
  };
  const std::vector<Case> cases = {
      {1, {0, 2, 0}, ModelProblem::repeated_parent, 2},  // A again at 2
      {1, {2, 0, 0, 2}, ModelProblem::repeated_parent, 2},  // A's second mention (2) before C's (3)
      {1, {0, 1}, ModelProblem::self_parent, 1},
      {1, {1, 0, 0}, ModelProblem::self_parent, 0},
      {1, {0, 7}, ModelProblem::unknown_id, 1},
  };
  for (const Case& c : cases) {
    auto b = three();
    const auto e = caught([&] { check_parents(b.variables().all(), c.child, c.parents); });
    EXPECT_EQ(e.problem, c.problem) << c.position;
    EXPECT_EQ(e.position, c.position);
    EXPECT_EQ(e.variable, c.child);
    // set_cpt applies the same check.
    const auto f = caught([&] { b.set_cpt(c.child, c.parents, {}); });
    EXPECT_EQ(f.problem, c.problem);
    EXPECT_EQ(f.position, c.position);
  }
  auto b = three();
  EXPECT_EQ(caught([&] { check_parents(b.variables().all(), 1, std::vector<VariableId>{0, 2, 0}); }).parent, 0u);
}

TEST(ModelValidation, ASecondCptAndAMissingOneAreNamed) {
  auto b = three();
  b.set_cpt(0, {}, {0.5, 0.5});
  EXPECT_EQ(caught([&] { b.set_cpt(0, {}, {0.5, 0.5}); }).problem, ModelProblem::duplicate_cpt);
  b.set_cpt(2, {}, {0.5, 0.5});
  const auto e = caught([&] { (void)std::move(b).build(); });
  EXPECT_EQ(e.problem, ModelProblem::missing_cpt);
  EXPECT_EQ(e.variable, 1u);
}

TEST(ModelValidation, ACycleIsAClosedWalkAlongTheArrows) {
  // A <- C, B <- A, C <- B: the one cycle A -> B -> C -> A, in some rotation.
  auto b = three();
  const std::vector<std::vector<VariableId>> parents = {{2}, {0}, {1}};
  b.set_cpt(0, parents[0], {0.5, 0.5, 0.5, 0.5});
  b.set_cpt(1, parents[1], {0.2, 0.3, 0.5, 0.2, 0.3, 0.5});
  b.set_cpt(2, parents[2], {0.5, 0.5, 0.5, 0.5, 0.5, 0.5});
  const auto e = caught([&] { (void)std::move(b).build(); });
  ASSERT_EQ(e.problem, ModelProblem::cycle);
  ASSERT_EQ(e.cycle.size(), 4u);
  EXPECT_EQ(e.cycle.front(), e.cycle.back());
  EXPECT_EQ(e.variable, e.cycle.front());
  for (std::size_t i = 0; i + 1 < e.cycle.size(); ++i) {
    const auto& p = parents[e.cycle[i + 1]];
    EXPECT_NE(std::find(p.begin(), p.end(), e.cycle[i]), p.end()) << "no arrow " << e.cycle[i] << " -> " << e.cycle[i + 1];
  }
}

TEST(ModelValidation, RenormalisationRescalesColumnsWithinTheTolerance) {
  for (const bool on : {false, true}) {
    BayesianNetworkBuilder b("r");
    (void)b.add_variable("A", {"a0", "a1"});
    b.renormalize(on);
    b.set_cpt(0, {}, {0.5, 0.5000005});
    const BayesianNetwork bn = std::move(b).build();
    const auto t = bn.cpt_table(0);
    if (on) {
      EXPECT_DOUBLE_EQ(t[0], 0.5 / 1.0000005);
      EXPECT_DOUBLE_EQ(t[1], 0.5000005 / 1.0000005);
    } else {
      EXPECT_EQ(t[0], 0.5);
      EXPECT_EQ(t[1], 0.5000005);
    }
  }
  // Renormalising is idempotent: a column within the rounding of its own sum (0.48 + 0.42 + 0.1 is
  // 1 - 2^-53 in doubles) is kept as written, so a renormalised model read back is the same model.
  {
    BayesianNetworkBuilder b("r");
    (void)b.add_variable("A", {"a0", "a1", "a2"});
    b.renormalize(true);
    ASSERT_NE(0.48 + 0.42 + 0.1, 1.0);
    b.set_cpt(0, {}, {0.48, 0.42, 0.1});
    EXPECT_EQ(std::move(b).build().cpt_table(0), (std::vector<double>{0.48, 0.42, 0.1}));
  }
  {
    BayesianNetworkBuilder once("r");
    (void)once.add_variable("A", {"a0", "a1", "a2"});
    once.renormalize(true);
    once.set_cpt(0, {}, {0.3, 0.3, 0.4000009});
    const auto t = std::move(once).build().cpt_table(0);
    EXPECT_DOUBLE_EQ(t[2], 0.4000009 / 1.0000009);
    BayesianNetworkBuilder twice("r");
    (void)twice.add_variable("A", {"a0", "a1", "a2"});
    twice.renormalize(true);
    twice.set_cpt(0, {}, t);
    EXPECT_EQ(std::move(twice).build().cpt_table(0), t);
  }
  // The tolerance applies to the CPTs set after it.
  BayesianNetworkBuilder b("r");
  (void)b.add_variable("A", {"a0", "a1"});
  b.tolerance(1e-9);
  EXPECT_EQ(caught([&] { b.set_cpt(0, {}, {0.5, 0.5000005}); }).problem, ModelProblem::column_sum);
}

TEST(ModelValidation, MarkovFactorsNameTheFactorAndPosition) {
  MarkovNetworkBuilder b("m");
  (void)b.add_variable("A", {"a0", "a1"});
  (void)b.add_variable("B", {"b0", "b1"});
  b.add_factor({0, 1}, {1, 2, 3, 4});
  auto e = caught([&] { b.add_factor({1, 0, 1}, std::vector<double>(8, 1.0)); });
  EXPECT_EQ(e.problem, ModelProblem::repeated_scope_variable);
  EXPECT_EQ(e.factor, 1u);
  EXPECT_EQ(e.position, 2u);
  EXPECT_EQ(e.variable, 1u);
  e = caught([&] { b.add_factor({1}, {1, 2, 3}); });
  EXPECT_EQ(e.problem, ModelProblem::table_size);
  EXPECT_EQ(e.entries, 3u);
  EXPECT_EQ(e.expected, 2u);
  e = caught([&] { b.add_factor({1, 0}, {1, 2, -0.5, 4}); });
  EXPECT_EQ(e.problem, ModelProblem::negative_factor_value);
  EXPECT_EQ(e.position, 2u);
  EXPECT_EQ(e.value, -0.5);
}

// The readers place the builder's finding: a flat YAML 'table:' entry at that entry (the a1 column's
// b1 is the fifth number, on line 10 at column 13), a BIF column at its row's line.
TEST(ModelValidation, ReadersPutTheFindingAtTheEntryOrRowItIsAbout) {
  const std::string yaml = "type: bayesian-network\nvariables:\n  A: [a0, a1]\n  B: [b0, b1, b2]\ncpds:\n"
                           "  A: {probabilities: [0.5, 0.5]}\n  B:\n    parents: [A]\n    table: [0.2, 0.3, 0.5,\n"
                           "       0.2, 1.3, 0.5]\n";
  try {
    (void)io::read_yaml_string(yaml, "t.yaml");
    ADD_FAILURE() << "accepted";
  } catch (const ParseError& e) {
    EXPECT_EQ(e.where().line, 10) << e.what();
    EXPECT_EQ(e.where().column, 13) << e.what();
    EXPECT_EQ(e.message(), "CPT of 'B' given A=a1 has probability 1.3 for state 'b1'; probabilities must lie in [0, 1]");
  }
  const std::string bif = "network t {}\nvariable A { type discrete [ 2 ] { a0, a1 }; }\n"
                          "variable B { type discrete [ 2 ] { b0, b1 }; }\nprobability ( A ) { table 0.5, 0.5; }\n"
                          "probability ( B | A ) {\n  (a0) 0.5, 0.5;\n  (a1) 0.5, 0.6;\n}\n";
  try {
    (void)io::read_bif_string(bif, "t.bif");
    ADD_FAILURE() << "accepted";
  } catch (const ParseError& e) {
    EXPECT_EQ(e.where().line, 7) << e.what();
    EXPECT_EQ(e.message(), "in the probability block of 'B': the column for A=a1 sums to 1.1, expected 1 (tolerance 1e-06)");
  }
}

}  // namespace
}  // namespace pgm
