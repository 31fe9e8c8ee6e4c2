#pragma once
// A discrete Markov network (Markov random field): variables, an undirected graph and non-negative
// factor tables, each factor's scope a clique of the graph. Immutable once built.
#include <pgm/core/factor.hpp>
#include <pgm/core/variable.hpp>
#include <pgm/graph/undirected_graph.hpp>
#include <pgm/model/validation.hpp>

#include <span>
#include <string>
#include <vector>

namespace pgm {

class MarkovNetwork {
 public:
  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  [[nodiscard]] std::size_t size() const noexcept { return variables_.size(); }
  [[nodiscard]] const VariableSet& variables() const noexcept { return variables_; }
  [[nodiscard]] const Variable& variable(VariableId v) const { return variables_[v]; }
  [[nodiscard]] VariableId id(std::string_view name) const { return variables_.id(name); }
  [[nodiscard]] const UndirectedGraph& graph() const noexcept { return graph_; }
  [[nodiscard]] const std::vector<Factor>& factors() const noexcept { return factors_; }
  // Each factor's scope in the order it was given (factors() hold the canonical sorted order).
  [[nodiscard]] std::span<const VariableId> scope(std::size_t factor) const { return scopes_[factor]; }
  [[nodiscard]] std::size_t parameter_count() const;
  [[nodiscard]] Evidence evidence(std::span<const std::pair<std::string, std::string>> assignments) const {
    return variables_.evidence(assignments);
  }

 private:
  friend class MarkovNetworkBuilder;
  std::string name_;
  VariableSet variables_;
  UndirectedGraph graph_;
  std::vector<std::vector<VariableId>> scopes_;
  std::vector<Factor> factors_;
};

class MarkovNetworkBuilder {
 public:
  explicit MarkovNetworkBuilder(std::string name = {});
  VariableId add_variable(std::string name, std::vector<std::string> states);
  VariableId add_variable(Variable v);  // keeps v.values
  [[nodiscard]] const VariableSet& variables() const noexcept { return variables_; }

  // values row-major over `scope` in the order given, last variable fastest. ModelValidationError
  // (with the factor's index and the offending position) on an unknown id, a repeated variable, a
  // wrong size, or a negative or non-finite value.
  void add_factor(std::vector<VariableId> scope, std::vector<double> values);
  // Extra edges beyond those the factor scopes imply (optional).
  void add_edge(VariableId u, VariableId v);

  // ModelError if a factor's scope is not a clique of the graph (can only happen with explicit
  // edges left out, since scopes add their cliques) or when there are no variables.
  [[nodiscard]] MarkovNetwork build() &&;

 private:
  std::string name_;
  VariableSet variables_;
  std::vector<std::vector<VariableId>> scopes_;
  std::vector<std::vector<double>> values_;
  std::vector<std::pair<VariableId, VariableId>> edges_;
};

}  // namespace pgm
