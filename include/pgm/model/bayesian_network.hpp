#pragma once
// A discrete Bayesian network: variables, a DAG, and one conditional probability table per node.
// Immutable once built; BayesianNetworkBuilder is the one place a network is validated (set_cpt and
// build() throw ModelValidationError, <pgm/model/validation.hpp>, which the file readers map back to
// the line of the offending block).
#include <pgm/core/factor.hpp>
#include <pgm/core/variable.hpp>
#include <pgm/graph/dag.hpp>
#include <pgm/model/validation.hpp>

#include <span>
#include <string>
#include <vector>

namespace pgm {

// Column sums of a CPT must be within this of 1 (validation on load and build).
inline constexpr double kCptSumTolerance = 1e-6;

class BayesianNetwork {
 public:
  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  [[nodiscard]] std::size_t size() const noexcept { return variables_.size(); }
  [[nodiscard]] const VariableSet& variables() const noexcept { return variables_; }
  [[nodiscard]] const Variable& variable(VariableId v) const { return variables_[v]; }
  [[nodiscard]] VariableId id(std::string_view name) const { return variables_.id(name); }
  [[nodiscard]] const Dag& graph() const noexcept { return dag_; }
  // Parents in the order the CPT was given (the order of `parents:` in YAML).
  [[nodiscard]] std::span<const VariableId> parents(VariableId v) const { return parents_[v]; }
  [[nodiscard]] std::span<const VariableId> children(VariableId v) const { return dag_.children(v); }
  // P(v | parents(v)) as a factor over {v} ∪ parents(v).
  [[nodiscard]] const Factor& cpt(VariableId v) const { return cpts_[v]; }
  [[nodiscard]] const std::vector<Factor>& cpts() const noexcept { return cpts_; }
  // The CPT as a flat table: parent configurations row-major (first parent slowest), child fastest.
  [[nodiscard]] std::vector<double> cpt_table(VariableId v) const;
  // Number of free parameters: sum over nodes of (states - 1) * parent configurations.
  [[nodiscard]] std::size_t parameter_count() const;
  [[nodiscard]] Evidence evidence(std::span<const std::pair<std::string, std::string>> assignments) const {
    return variables_.evidence(assignments);
  }

 private:
  friend class BayesianNetworkBuilder;
  std::string name_;
  VariableSet variables_;
  Dag dag_;
  std::vector<std::vector<VariableId>> parents_;
  std::vector<Factor> cpts_;
};

class BayesianNetworkBuilder {
 public:
  explicit BayesianNetworkBuilder(std::string name = {});

  // ModelError on duplicate names or states.
  VariableId add_variable(std::string name, std::vector<std::string> states);
  VariableId add_variable(Variable v);  // keeps v.values
  [[nodiscard]] const VariableSet& variables() const noexcept { return variables_; }

  // table: parent configurations row-major (first parent slowest), child states fastest.
  // Checks everything about the one CPT: the id is known and has no CPT yet, the parents are distinct
  // known ids other than the child (check_parents), the table has the right size, and every column is
  // finite entries in [0, 1] summing to 1 within tolerance(). ModelValidationError saying which
  // variable, parent, parent configuration and state is at fault (LimitError for an oversized table).
  void set_cpt(VariableId child, std::vector<VariableId> parents, std::vector<double> table);

  // Rescale each CPT column to sum to exactly 1 in build() (columns are within the tolerance by then;
  // off, they are kept as given). The tolerance applies to the CPTs set after it.
  BayesianNetworkBuilder& renormalize(bool on) { renormalize_ = on; return *this; }
  BayesianNetworkBuilder& tolerance(double t) { tolerance_ = t; return *this; }

  // Checks what no single CPT shows: there are variables, every one has a CPT (the first without one
  // is named), the graph is acyclic (the cycle is given), and the moral graph is not too large
  // (LimitError). Throws ModelValidationError.
  [[nodiscard]] BayesianNetwork build() &&;

 private:
  std::string name_;
  VariableSet variables_;
  std::vector<std::vector<VariableId>> parents_;
  std::vector<std::vector<double>> tables_;
  std::vector<bool> has_cpt_;
  bool renormalize_ = false;
  double tolerance_ = kCptSumTolerance;
};

}  // namespace pgm
