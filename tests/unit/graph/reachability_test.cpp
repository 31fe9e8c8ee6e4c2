// The structural algorithms on a bare DAG are in the graph layer: this file includes nothing above
// it. Cases are hand-derived on the collider 0 -> 2 <- 1 with 2 -> 3.
#include <pgm/core/error.hpp>
#include <pgm/graph/dag.hpp>
#include <pgm/graph/reachability.hpp>

#include <gtest/gtest.h>

#include <vector>

namespace pgm {
namespace {

using V = std::vector<VariableId>;

Dag collider() {
  Dag dag(4);
  dag.add_edge(0, 2);
  dag.add_edge(1, 2);
  dag.add_edge(2, 3);
  return dag;
}

TEST(Reachability, ColliderBlocksUntilItOrADescendantIsObserved) {
  const Dag dag = collider();
  EXPECT_TRUE(d_separated(dag, V{0}, V{1}, V{}));
  const StructuralIndependence given_child = d_separation(dag, V{0}, V{1}, V{3});
  EXPECT_FALSE(given_child.independent);
  EXPECT_EQ(given_child.trail, (V{0, 2, 1}));
  EXPECT_FALSE(d_separated(dag, V{0}, V{1}, V{2}));
  // From 0 with nothing observed: 0, 2, 3 are reached; 1 only through the blocked collider.
  EXPECT_EQ(reachable(dag, V{0}, V{}), (std::vector<bool>{true, false, true, true}));
  EXPECT_EQ(d_separated_from_list(dag, V{0}, V{}), (V{1}));
  EXPECT_THROW((void)d_separation(dag, V{0}, V{0}, V{}), QueryError);
}

TEST(Reachability, RequisiteAndLocalIndependencies) {
  const Dag dag = collider();
  // P(3 | 2): only 3's CPT matters once 2 is observed; 2's value is the requisite observation.
  const Requisite r = requisite(dag, V{3}, V{2});
  EXPECT_EQ(r.cpts, (std::vector<bool>{false, false, false, true}));
  EXPECT_EQ(r.observations, (std::vector<bool>{false, false, true, false}));
  // 0 is independent of its non-descendant 1 given no parents; 3 of 0 and 1 given 2.
  const std::vector<LocalIndependence> local = local_independencies(dag);
  ASSERT_EQ(local.size(), 4u);
  EXPECT_EQ(local[0].non_descendants, (V{1}));
  EXPECT_EQ(local[3].non_descendants, (V{0, 1}));
  EXPECT_EQ(local[3].parents, (V{2}));
  EXPECT_TRUE(local[2].non_descendants.empty());
}

}  // namespace
}  // namespace pgm
