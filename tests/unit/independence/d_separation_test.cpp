// d-separation (Bayes-ball) against the moralised-ancestral-graph criterion on random DAGs, witness
// trails checked against the definition of an active trail, and textbook statements.
#include <pgm/core/error.hpp>
#include <pgm/independence/d_separation.hpp>
#include <pgm/io/load.hpp>
#include <pgm/model/bayesian_network.hpp>

#include "unit/independence/graph_oracle.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <variant>
#include <vector>

namespace pgm {
namespace {

using testing::independence::check_active_trail;
using testing::independence::moral_ancestral_separated;
using testing::independence::random_dag;
using testing::independence::random_sets;

using Names = std::vector<std::string>;

bool contains(const std::vector<VariableId>& set, VariableId v) {
  return std::find(set.begin(), set.end(), v) != set.end();
}

TEST(DSeparation, AgreesWithMoralAncestralCriterionOnRandomDags) {
  std::mt19937_64 rng(20240611);
  std::size_t queries = 0, dependent = 0;
  for (int graph = 0; graph < 120; ++graph) {
    const std::size_t n = std::uniform_int_distribution<std::size_t>(5, 40)(rng);
    // Sparse to dense: about 1.5, 3 or 6 neighbours per node on average.
    const double degree[] = {1.5, 3.0, 6.0};
    const double p = std::min(1.0, degree[graph % 3] / static_cast<double>(n - 1));
    const Dag dag = random_dag(rng, n, p);
    for (int q = 0; q < 10; ++q, ++queries) {
      const auto s = random_sets(rng, n, 3, 3, 6);
      const bool expected = moral_ancestral_separated(dag, s.x, s.y, s.z);
      const StructuralIndependence got = d_separation(dag, s.x, s.y, s.z);
      ASSERT_EQ(got.independent, expected) << "graph " << graph << " query " << q;
      ASSERT_EQ(d_separated(dag, s.x, s.y, s.z), expected);
      if (got.independent) {
        EXPECT_TRUE(got.trail.empty());
        continue;
      }
      ++dependent;
      ASSERT_FALSE(got.trail.empty());
      EXPECT_TRUE(contains(s.x, got.trail.front()));
      EXPECT_TRUE(contains(s.y, got.trail.back()));
      EXPECT_EQ(check_active_trail(dag, got.trail, s.z), "") << "graph " << graph << " query " << q;
    }
  }
  EXPECT_GE(queries, 1000u);
  // Both verdicts must be well represented for the comparison to mean anything.
  EXPECT_GT(dependent, queries / 5);
  EXPECT_LT(dependent, queries * 4 / 5);
}

TEST(DSeparation, SeparatedFromMatchesPairwiseCriterion) {
  std::mt19937_64 rng(7);
  for (int graph = 0; graph < 60; ++graph) {
    const std::size_t n = std::uniform_int_distribution<std::size_t>(5, 25)(rng);
    const Dag dag = random_dag(rng, n, std::min(1.0, 3.0 / static_cast<double>(n - 1)));
    const auto s = random_sets(rng, n, 2, 1, 5);
    const std::vector<bool> separated = d_separated_from(dag, s.x, s.z);
    const std::vector<bool> reach = reachable(dag, s.x, s.z);
    const std::vector<VariableId> list = d_separated_from_list(dag, s.x, s.z);
    ASSERT_EQ(separated.size(), n);
    for (VariableId w = 0; w < n; ++w) {
      if (contains(s.x, w)) {
        EXPECT_FALSE(separated[w]);
        EXPECT_TRUE(reach[w]);
      } else if (contains(s.z, w)) {
        EXPECT_FALSE(separated[w]);
        EXPECT_FALSE(reach[w]);
      } else {
        EXPECT_EQ(separated[w], moral_ancestral_separated(dag, s.x, {w}, s.z)) << "node " << w;
        EXPECT_EQ(reach[w], !separated[w]);
      }
      EXPECT_EQ(contains(list, w), separated[w]);
    }
  }
}

TEST(DSeparation, LocalIndependenciesHoldAndAreTheNonDescendants) {
  std::mt19937_64 rng(11);
  for (int graph = 0; graph < 30; ++graph) {
    const std::size_t n = std::uniform_int_distribution<std::size_t>(3, 20)(rng);
    const Dag dag = random_dag(rng, n, 0.3);
    const auto local = local_independencies(dag);
    ASSERT_EQ(local.size(), n);
    for (VariableId v = 0; v < n; ++v) {
      const auto& li = local[v];
      EXPECT_EQ(li.node, v);
      const auto desc = testing::independence::descendants(dag, v);
      for (VariableId u = 0; u < n; ++u) {
        const bool parent = dag.has_edge(u, v);
        EXPECT_EQ(contains(li.parents, u), parent);
        EXPECT_EQ(contains(li.non_descendants, u), u != v && !parent && !desc[u]) << v << " " << u;
      }
      if (!li.non_descendants.empty()) {
        EXPECT_TRUE(moral_ancestral_separated(dag, {v}, li.non_descendants, li.parents));
      }
    }
  }
}

// Sprinkler: Season → Sprinkler, Season → Rain, Sprinkler → WetGrass ← Rain, WetGrass → Slippery.
class DSeparationSprinkler : public ::testing::Test {
 protected:
  void SetUp() override {
    ModelVariant m = io::load_model(std::string(PGM_SOURCE_DIR) + "/models/sprinkler.yaml");
    ASSERT_TRUE(std::holds_alternative<BayesianNetwork>(m));
    bn_ = std::get<BayesianNetwork>(std::move(m));
  }
  StructuralIndependence test(const Names& x, const Names& y, const Names& z) const {
    return d_separation(bn_, x, y, z);
  }
  std::vector<std::string> trail_names(const StructuralIndependence& r) const {
    std::vector<std::string> names;
    for (VariableId v : r.trail) names.push_back(bn_.variable(v).name);
    return names;
  }
  BayesianNetwork bn_;
};

TEST_F(DSeparationSprinkler, TextbookStatements) {
  // Both trails from WetGrass to Season pass a non-collider (Sprinkler or Rain): observing both blocks.
  EXPECT_TRUE(test({"WetGrass"}, {"Season"}, {"Sprinkler", "Rain"}).independent);
  EXPECT_TRUE(test({"Slippery"}, {"Season", "Sprinkler", "Rain"}, {"WetGrass"}).independent);
  EXPECT_TRUE(test({"Sprinkler"}, {"Rain"}, {"Season"}).independent);
  EXPECT_FALSE(test({"Sprinkler"}, {"Rain"}, {}).independent);  // common cause Season
  // Observing the common effect, or its descendant Slippery, couples the two causes.
  EXPECT_FALSE(test({"Sprinkler"}, {"Rain"}, {"Season", "WetGrass"}).independent);
  EXPECT_FALSE(test({"Sprinkler"}, {"Rain"}, {"Season", "Slippery"}).independent);
  EXPECT_FALSE(test({"WetGrass"}, {"Season"}, {"Sprinkler"}).independent);  // still open through Rain
}

TEST_F(DSeparationSprinkler, WitnessTrailForWetGrassAndSeason) {
  const auto r = test({"WetGrass"}, {"Season"}, {});
  ASSERT_FALSE(r.independent);
  // The two shortest active trails are WetGrass ← Sprinkler ← Season and WetGrass ← Rain ← Season.
  const auto names = trail_names(r);
  ASSERT_EQ(names.size(), 3u);
  EXPECT_EQ(names.front(), "WetGrass");
  EXPECT_TRUE(names[1] == "Sprinkler" || names[1] == "Rain") << names[1];
  EXPECT_EQ(names.back(), "Season");
  // Given Sprinkler, only the trail through Rain stays open.
  EXPECT_EQ(trail_names(test({"WetGrass"}, {"Season"}, {"Sprinkler"})),
            (std::vector<std::string>{"WetGrass", "Rain", "Season"}));
  // Explaining away: the trail goes through the observed collider.
  EXPECT_EQ(trail_names(test({"Sprinkler"}, {"Rain"}, {"Season", "WetGrass"})),
            (std::vector<std::string>{"Sprinkler", "WetGrass", "Rain"}));
}

TEST_F(DSeparationSprinkler, NameErrors) {
  auto message = [&](const Names& x, const Names& y, const Names& z) -> std::string {
    try {
      (void)test(x, y, z);
    } catch (const QueryError& e) {
      return e.what();
    }
    return "no error";
  };
  const std::string unknown = message({"Wet"}, {"Season"}, {});
  EXPECT_NE(unknown.find("'Wet'"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("WetGrass"), std::string::npos) << unknown;  // lists the valid names
  const std::string overlap = message({"Rain"}, {"Season"}, {"Rain"});
  EXPECT_NE(overlap.find("Rain"), std::string::npos) << overlap;
  EXPECT_NE(overlap.find("disjoint"), std::string::npos) << overlap;
  EXPECT_NE(message({"Rain", "Season"}, {"Season"}, {}).find("in both X and Y"), std::string::npos);
  EXPECT_NE(message({}, {"Season"}, {}).find("X is empty"), std::string::npos);
  EXPECT_NE(message({"Rain"}, {}, {}).find("Y is empty"), std::string::npos);
  // A name repeated within one set is the same set.
  EXPECT_TRUE(test({"WetGrass", "WetGrass"}, {"Season"}, {"Sprinkler", "Rain", "Rain"}).independent);
}

// Asia (Lauritzen & Spiegelhalter 1988): asia→tub, smoke→lung, smoke→bronc, tub→either←lung,
// either→xray, either→dysp←bronc. Structure only, built here so the statements do not depend on
// any file.
class DSeparationAsia : public ::testing::Test {
 protected:
  enum : VariableId { asia, tub, smoke, lung, bronc, either, xray, dysp };
  DSeparationAsia() : dag_(8) {
    dag_.add_edge(asia, tub);
    dag_.add_edge(smoke, lung);
    dag_.add_edge(smoke, bronc);
    dag_.add_edge(tub, either);
    dag_.add_edge(lung, either);
    dag_.add_edge(either, xray);
    dag_.add_edge(either, dysp);
    dag_.add_edge(bronc, dysp);
  }
  bool sep(std::vector<VariableId> x, std::vector<VariableId> y, std::vector<VariableId> z) const {
    return d_separated(dag_, x, y, z);
  }
  Dag dag_;
};

TEST_F(DSeparationAsia, ClassicStatements) {
  EXPECT_TRUE(sep({tub}, {smoke}, {}));        // only trails pass the unobserved collider either
  EXPECT_FALSE(sep({tub}, {smoke}, {dysp}));   // dysp is a descendant of the collider either
  EXPECT_FALSE(sep({tub}, {lung}, {xray}));    // explaining away through either's child
  EXPECT_TRUE(sep({tub}, {lung}, {}));
  EXPECT_TRUE(sep({xray}, {dysp}, {either}));  // either is xray's only neighbour
  EXPECT_FALSE(sep({xray}, {dysp}, {}));
  EXPECT_TRUE(sep({lung}, {bronc}, {smoke}));
  EXPECT_FALSE(sep({lung}, {bronc}, {smoke, dysp}));  // dysp ← bronc opened by observing dysp
  EXPECT_TRUE(sep({asia}, {dysp, xray}, {tub}));
  EXPECT_FALSE(sep({asia}, {smoke}, {xray}));  // asia → tub → either ← lung ← smoke, either's child seen
  EXPECT_TRUE(sep({asia}, {smoke}, {xray, tub}));
  EXPECT_TRUE(sep({smoke}, {xray}, {lung}));          // smoke's trails: via lung, or the collider dysp
  EXPECT_FALSE(sep({smoke}, {xray}, {lung, dysp}));   // smoke → bronc → dysp ← either → xray
}

TEST_F(DSeparationAsia, AgreesWithTheFile) {
  // The lead's models/asia.yaml must have the same structure.
  ModelVariant m = io::load_model(std::string(PGM_SOURCE_DIR) + "/models/asia.yaml");
  const auto& bn = std::get<BayesianNetwork>(m);
  const char* names[] = {"asia", "tub", "smoke", "lung", "bronc", "either", "xray", "dysp"};
  for (VariableId u = 0; u < 8; ++u) {
    for (VariableId v = 0; v < 8; ++v) {
      EXPECT_EQ(bn.graph().has_edge(bn.id(names[u]), bn.id(names[v])), dag_.has_edge(u, v)) << names[u] << names[v];
    }
  }
}

TEST(DSeparationIds, ErrorsNameTheProblem) {
  Dag dag(3);
  dag.add_edge(0, 1);
  dag.add_edge(1, 2);
  const std::vector<VariableId> none, a{0}, b{2}, bad{7}, ab{0, 2};
  EXPECT_THROW((void)d_separation(dag, none, b, none), QueryError);
  EXPECT_THROW((void)d_separation(dag, a, none, none), QueryError);
  EXPECT_THROW((void)d_separation(dag, a, bad, none), QueryError);
  EXPECT_THROW((void)d_separation(dag, a, b, ab), QueryError);
  EXPECT_THROW((void)d_separated_from(dag, a, a), QueryError);
  EXPECT_THROW((void)reachable(dag, none, b), QueryError);
  try {
    (void)d_separation(dag, a, bad, none);
  } catch (const QueryError& e) {
    EXPECT_NE(std::string(e.what()).find("7"), std::string::npos) << e.what();
  }
}

TEST(DSeparationIds, ChainForkColliderAndSingleEdge) {
  // 0 → 1 → 2 (chain), 1 → 3 (fork at 1 with 2), 4 → 5 ← 6 (collider), 5 → 7.
  Dag dag(8);
  dag.add_edge(0, 1);
  dag.add_edge(1, 2);
  dag.add_edge(1, 3);
  dag.add_edge(4, 5);
  dag.add_edge(6, 5);
  dag.add_edge(5, 7);
  using V = std::vector<VariableId>;
  EXPECT_EQ(d_separation(dag, V{0}, V{2}, V{}).trail, (V{0, 1, 2}));
  EXPECT_TRUE(d_separated(dag, V{0}, V{2}, V{1}));
  EXPECT_EQ(d_separation(dag, V{2}, V{3}, V{}).trail, (V{2, 1, 3}));
  EXPECT_TRUE(d_separated(dag, V{2}, V{3}, V{1}));
  EXPECT_TRUE(d_separated(dag, V{4}, V{6}, V{}));
  EXPECT_EQ(d_separation(dag, V{4}, V{6}, V{5}).trail, (V{4, 5, 6}));
  EXPECT_EQ(d_separation(dag, V{4}, V{6}, V{7}).trail, (V{4, 5, 6}));  // collider's descendant observed
  EXPECT_EQ(d_separation(dag, V{0}, V{1}, V{2}).trail, (V{0, 1}));     // adjacent: never separated
  EXPECT_TRUE(d_separated(dag, V{0, 2}, V{4, 7}, V{}));                // different components
}

}  // namespace
}  // namespace pgm
