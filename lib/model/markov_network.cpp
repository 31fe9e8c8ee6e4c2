#include <pgm/core/error.hpp>
#include <pgm/core/size.hpp>
#include <pgm/model/markov_network.hpp>

#include <algorithm>
#include <cmath>
#include <sstream>

namespace pgm {

std::size_t MarkovNetwork::parameter_count() const {
  std::size_t n = 0;
  for (const auto& f : factors_) n += f.size();
  return n;
}

MarkovNetworkBuilder::MarkovNetworkBuilder(std::string name) : name_(std::move(name)) {}

VariableId MarkovNetworkBuilder::add_variable(std::string name, std::vector<std::string> states) {
  return add_variable(Variable{std::move(name), std::move(states)});
}

VariableId MarkovNetworkBuilder::add_variable(Variable v) { return variables_.add(std::move(v)); }

void MarkovNetworkBuilder::add_factor(std::vector<VariableId> scope, std::vector<double> values) {
  const std::size_t factor = scopes_.size();
  const std::string which = "factor " + std::to_string(factor + 1);
  const auto problem = [&](ModelProblem kind, const std::string& message) {
    ModelValidationError e(kind, message);
    e.factor = factor;
    return e;
  };
  std::vector<std::size_t> cards;
  cards.reserve(scope.size());
  for (std::size_t i = 0; i < scope.size(); ++i) {
    if (scope[i] >= variables_.size()) {
      auto e = problem(ModelProblem::unknown_id, which + " names an unknown variable id " + std::to_string(scope[i]));
      e.position = i;
      throw e;
    }
    cards.push_back(variables_[scope[i]].cardinality());
  }
  // The first repeat in scope order, found by sorting (id, position): a scope may be long when its
  // variables have one state.
  std::vector<std::pair<VariableId, std::size_t>> sorted;
  sorted.reserve(scope.size());
  for (std::size_t i = 0; i < scope.size(); ++i) sorted.emplace_back(scope[i], i);
  std::sort(sorted.begin(), sorted.end());
  std::size_t repeat = ModelValidationError::none;
  for (std::size_t i = 1; i < sorted.size(); ++i)
    if (sorted[i].first == sorted[i - 1].first && (i < 2 || sorted[i - 2].first != sorted[i].first))
      repeat = std::min(repeat, sorted[i].second);
  if (repeat != ModelValidationError::none) {
    auto e = problem(ModelProblem::repeated_scope_variable,
                     which + " lists variable '" + variables_[scope[repeat]].name + "' twice in its scope");
    e.variable = scope[repeat];
    e.position = repeat;
    throw e;
  }
  const std::size_t expected = checked_table_size(cards, which);
  if (values.size() != expected) {
    auto e = problem(ModelProblem::table_size, which + " has " + std::to_string(values.size()) +
                                                   " values; its scope needs " + std::to_string(expected));
    e.entries = values.size();
    e.expected = expected;
    throw e;
  }
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i]) || values[i] < 0.0) {
      std::ostringstream os;
      os.precision(12);
      os << which << " has value " << values[i] << " at position " << i << "; factor values must be finite and non-negative";
      auto e = problem(ModelProblem::negative_factor_value, os.str());
      e.position = i;
      e.value = values[i];
      throw e;
    }
  }
  scopes_.push_back(std::move(scope));
  values_.push_back(std::move(values));
}

void MarkovNetworkBuilder::add_edge(VariableId u, VariableId v) {
  if (u >= variables_.size() || v >= variables_.size()) throw ModelError("edge names an unknown variable id");
  edges_.emplace_back(u, v);
}

MarkovNetwork MarkovNetworkBuilder::build() && {
  if (variables_.empty()) throw ModelValidationError(ModelProblem::no_variables, "the network has no variables");
  std::vector<std::size_t> scope_sizes;
  scope_sizes.reserve(scopes_.size());
  for (const auto& s : scopes_) scope_sizes.push_back(s.size());
  check_scope_pairs(scope_sizes);
  MarkovNetwork mn;
  mn.name_ = std::move(name_);
  mn.graph_ = UndirectedGraph(variables_.size());
  for (const auto& s : scopes_) mn.graph_.add_clique(s);
  for (auto [u, v] : edges_) mn.graph_.add_edge(u, v);
  mn.factors_.reserve(scopes_.size());
  for (std::size_t i = 0; i < scopes_.size(); ++i) {
    std::vector<std::size_t> cards;
    for (VariableId u : scopes_[i]) cards.push_back(variables_[u].cardinality());
    mn.factors_.emplace_back(scopes_[i], std::move(cards), std::move(values_[i]));
  }
  mn.scopes_ = std::move(scopes_);
  mn.variables_ = std::move(variables_);
  return mn;
}

}  // namespace pgm
