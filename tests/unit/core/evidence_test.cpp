// pgm::Evidence is sorted by id with each variable once, whatever order and repeats it was built
// from, so every consumer (reduce, variable elimination, the junction tree) answers unsorted and
// repeated evidence as it answers the sorted form; a variable given two different states is refused.
#include <pgm/core/error.hpp>
#include <pgm/core/factor.hpp>
#include <pgm/core/variable.hpp>
#include <pgm/inference/junction_tree.hpp>
#include <pgm/inference/variable_elimination.hpp>
#include <pgm/model/bayesian_network.hpp>

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace pgm {
namespace {

using Pairs = std::vector<std::pair<VariableId, std::size_t>>;

std::vector<double> values_of(const Factor& f) { return {f.values().begin(), f.values().end()}; }

std::string message_of_query_error(const std::function<void()>& f) {
  try {
    f();
  } catch (const QueryError& e) {
    return e.what();
  }
  return "(no QueryError)";
}

TEST(Evidence, ConstructionSortsAndMergesEqualRepeats) {
  const Evidence e{{3, 1}, {0, 2}, {3, 1}, {1, 0}};
  EXPECT_EQ(e.pairs(), (Pairs{{0, 2}, {1, 0}, {3, 1}}));
  EXPECT_EQ(e, (Evidence{{0, 2}, {1, 0}, {3, 1}}));
  EXPECT_EQ(Evidence(Pairs{{5, 0}, {2, 1}}).pairs(), (Pairs{{2, 1}, {5, 0}}));
  const Pairs v{{4, 1}, {4, 1}, {1, 3}};
  EXPECT_EQ(Evidence(v.begin(), v.end()).pairs(), (Pairs{{1, 3}, {4, 1}}));
  ASSERT_NE(e.find(3), nullptr);
  EXPECT_EQ(e.find(3)->second, 1u);
  EXPECT_EQ(e.find(2), nullptr);
  EXPECT_FALSE(e.contains(4));
}

TEST(Evidence, ConflictingRepeatIsAQueryErrorNamingTheVariable) {
  const std::string msg = message_of_query_error([] { (void)Evidence{{2, 0}, {7, 1}, {2, 1}}; });
  EXPECT_NE(msg.find("variable id 2"), std::string::npos) << msg;
  EXPECT_NE(msg.find("index 0"), std::string::npos) << msg;
  EXPECT_NE(msg.find("index 1"), std::string::npos) << msg;
  EXPECT_THROW((void)Evidence(Pairs{{1, 1}, {1, 0}}), QueryError);
}

TEST(Evidence, InsertKeepsIdOrder) {
  Evidence e;
  e.emplace_back(4, 0);
  e.emplace_back(1, 2);
  e.push_back({9, 1});
  e.insert(1, 2);  // the same observation again: no change
  EXPECT_EQ(e.pairs(), (Pairs{{1, 2}, {4, 0}, {9, 1}}));
  EXPECT_THROW(e.insert(4, 1), QueryError);
  EXPECT_EQ(e.pairs(), (Pairs{{1, 2}, {4, 0}, {9, 1}})) << "a refused insert changes nothing";
}

TEST(Evidence, VariableSetResolvesNamesInAnyOrder) {
  VariableSet vars;
  vars.add({"A", {"a0", "a1"}});
  vars.add({"B", {"b0", "b1", "b2"}});
  vars.add({"C", {"c0", "c1"}});
  const std::vector<std::pair<std::string, std::string>> given{{"C", "c1"}, {"A", "a1"}, {"C", "c1"}, {"B", "b2"}};
  EXPECT_EQ(vars.evidence(given).pairs(), (Pairs{{0, 1}, {1, 2}, {2, 1}}));
  const std::vector<std::pair<std::string, std::string>> conflict{{"C", "c1"}, {"A", "a0"}, {"C", "c0"}};
  const std::string msg = message_of_query_error([&] { (void)vars.evidence(conflict); });
  EXPECT_EQ(msg, "evidence gives variable 'C' two different states: 'c1' and 'c0'");
}

TEST(Evidence, ReduceAnswersUnsortedAndRepeatedEvidenceAsSorted) {
  // f over (0, 1, 2) with cardinalities (2, 3, 2), value at (i, j, k) = 100 i + 10 j + k (row-major,
  // variable 2 fastest). Observing 0 = 1 and 2 = 1 leaves variable 1: values 101, 111, 121.
  std::vector<double> values;
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 2; ++k) values.push_back(100 * i + 10 * j + k);
  const Factor f({0, 1, 2}, {2, 3, 2}, values);
  for (const Pairs& given : {Pairs{{0, 1}, {2, 1}}, Pairs{{2, 1}, {0, 1}}, Pairs{{2, 1}, {0, 1}, {2, 1}, {0, 1}}}) {
    const Factor r = reduce(f, given);
    ASSERT_EQ(r.variables(), (std::vector<VariableId>{1}));
    EXPECT_EQ(values_of(r), (std::vector<double>{101, 111, 121}));
  }
  // Evidence outside the scope is ignored; an out-of-range state for the factor is refused.
  EXPECT_EQ(values_of(reduce(f, Pairs{{7, 0}, {1, 2}, {5, 1}})), (std::vector<double>{20, 21, 120, 121}));
  EXPECT_THROW((void)reduce(f, Pairs{{1, 3}}), QueryError);
}

// A -> B -> C with P(A) = (0.3, 0.7), P(B | A) rows (0.9, 0.1), (0.2, 0.8) and P(C | B) rows
// (0.6, 0.4), (0.25, 0.75). Given A = 1, C = 1: P(B | e) is proportional to P(B | A = 1) P(C = 1 | B)
// = (0.2 * 0.4, 0.8 * 0.75) = (0.08, 0.6), so P(B = 1 | e) = 0.6 / 0.68, and P(e) = 0.7 * 0.68.
BayesianNetwork chain() {
  BayesianNetworkBuilder b("chain");
  const VariableId a = b.add_variable("A", {"a0", "a1"});
  const VariableId bb = b.add_variable("B", {"b0", "b1"});
  const VariableId c = b.add_variable("C", {"c0", "c1"});
  b.set_cpt(a, {}, {0.3, 0.7});
  b.set_cpt(bb, {a}, {0.9, 0.1, 0.2, 0.8});
  b.set_cpt(c, {bb}, {0.6, 0.4, 0.25, 0.75});
  return std::move(b).build();
}

TEST(Evidence, EnginesAnswerUnsortedAndRepeatedEvidenceAsSorted) {
  const BayesianNetwork bn = chain();
  const double pb1 = 0.6 / 0.68, pe = 0.7 * 0.68;
  const VariableElimination ve(bn);
  const JunctionTree jt(bn);
  for (const Pairs& given : {Pairs{{0, 1}, {2, 1}}, Pairs{{2, 1}, {0, 1}}, Pairs{{2, 1}, {0, 1}, {2, 1}}}) {
    const Factor m = ve.marginal(1, given);
    EXPECT_NEAR(m.values()[1], pb1, 1e-12);
    EXPECT_NEAR(ve.probability_of_evidence(given), pe, 1e-12);
    const CalibratedJunctionTree cal = jt.calibrate(given);
    EXPECT_NEAR(cal.marginal(1).values()[1], pb1, 1e-12);
    EXPECT_NEAR(cal.probability_of_evidence(), pe, 1e-12);
  }
  EXPECT_THROW((void)ve.marginal(1, Pairs{{2, 1}, {0, 1}, {2, 0}}), QueryError);
  EXPECT_THROW((void)jt.calibrate(Pairs{{2, 1}, {0, 1}, {2, 0}}), QueryError);
}

}  // namespace
}  // namespace pgm
