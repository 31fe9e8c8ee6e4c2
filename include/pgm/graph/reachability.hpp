#pragma once
// Structural algorithms on a DAG alone (no model): d-separation by the linear-time reachability
// algorithm (Bayes-ball; Koller & Friedman, Algorithm 3.1) with a witness active trail when the
// sets are not d-separated, Shachter's requisite sets for relevance pruning in inference, and the
// local Markov independencies. They live in the graph layer so inference can prune without
// depending on the independence layer (which sits above inference: its numeric check runs VE).
//
// Every function here but local_independencies() is O(nodes + edges) per call: it walks
// Dag::parents()/children() spans and allocates its work arrays once per call, never per visited
// node.
#include <pgm/core/variable.hpp>
#include <pgm/graph/dag.hpp>

#include <span>
#include <vector>

namespace pgm {

// The answer to "is X independent of Y given Z" from the graph alone.
struct StructuralIndependence {
  bool independent = false;
  // Empty when independent. Otherwise one path x, ..., y along edges of the graph (either
  // direction) from a node of X to a node of Y that is active given Z; no node repeats.
  std::vector<VariableId> trail;
};

// Checks the three sets of a conditional-independence query over `num_nodes` variables: ids in
// range, X and Y non-empty, the sets pairwise disjoint. Repeats within one set are allowed.
// QueryError naming the offending id otherwise. Every function below calls it.
void check_independence_query(std::size_t num_nodes, std::span<const VariableId> x, std::span<const VariableId> y,
                              std::span<const VariableId> z);

// X ⟂ Y | Z in the DAG, with a witness trail when not.
[[nodiscard]] StructuralIndependence d_separation(const Dag& dag, std::span<const VariableId> x,
                                                  std::span<const VariableId> y, std::span<const VariableId> z);
[[nodiscard]] bool d_separated(const Dag& dag, std::span<const VariableId> x, std::span<const VariableId> y,
                               std::span<const VariableId> z);

// Nodes reachable from X by an active trail given Z (X itself included, Z excluded), as a mask.
// X must be non-empty and disjoint from Z.
[[nodiscard]] std::vector<bool> reachable(const Dag& dag, std::span<const VariableId> x, std::span<const VariableId> z);
// The complement: nodes outside X and Z that are d-separated from X given Z, i.e. nodes whose
// distribution the evidence on X cannot change once Z is known.
[[nodiscard]] std::vector<bool> d_separated_from(const Dag& dag, std::span<const VariableId> x,
                                                 std::span<const VariableId> z);
[[nodiscard]] std::vector<VariableId> d_separated_from_list(const Dag& dag, std::span<const VariableId> x,
                                                            std::span<const VariableId> z);

// What P(targets | evidence) depends on (Shachter 1998, "Bayes-Ball"): the nodes whose CPTs must be
// multiplied and the observed nodes whose values matter. Every other CPT can be dropped without
// changing the normalised posterior (P(evidence) itself does change: it needs all ancestors of the
// evidence). Targets must be non-empty; targets and evidence may overlap (an observed target is a
// point mass).
struct Requisite {
  std::vector<bool> cpts;          // per node: its CPT is needed
  std::vector<bool> observations;  // per node: observed and its value matters
};
[[nodiscard]] Requisite requisite(const Dag& dag, std::span<const VariableId> targets,
                                  std::span<const VariableId> evidence);

// Each node is independent of its non-descendants given its parents (the local Markov
// property of a DAG; Koller & Friedman, Definition 3.1).
struct LocalIndependence {
  VariableId node;
  std::vector<VariableId> non_descendants;  // non-descendants other than the node and its parents
  std::vector<VariableId> parents;
};
// One entry per node in id order; entries with no non-descendants state nothing and are kept so the
// list is indexable by id. O(n (n + e)).
[[nodiscard]] std::vector<LocalIndependence> local_independencies(const Dag& dag);

}  // namespace pgm
