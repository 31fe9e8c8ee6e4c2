#include <pgm/core/error.hpp>
#include <pgm/core/size.hpp>
#include <pgm/model/bayesian_network.hpp>
#include <pgm/model/validation.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

namespace pgm {

std::vector<double> BayesianNetwork::cpt_table(VariableId v) const {
  std::vector<VariableId> order(parents_[v].begin(), parents_[v].end());
  order.push_back(v);
  return cpts_[v].values_in_order(order);
}

std::size_t BayesianNetwork::parameter_count() const {
  std::size_t n = 0;
  for (VariableId v = 0; v < size(); ++v) n += cpts_[v].size() / variables_[v].cardinality() * (variables_[v].cardinality() - 1);
  return n;
}

BayesianNetworkBuilder::BayesianNetworkBuilder(std::string name) : name_(std::move(name)) {}

VariableId BayesianNetworkBuilder::add_variable(std::string name, std::vector<std::string> states) {
  return add_variable(Variable{std::move(name), std::move(states)});
}

VariableId BayesianNetworkBuilder::add_variable(Variable v) {
  const VariableId id = variables_.add(std::move(v));
  parents_.emplace_back();
  tables_.emplace_back();
  has_cpt_.push_back(false);
  return id;
}

namespace {

[[noreturn]] void fail(ModelValidationError e) { throw e; }

ModelValidationError problem(ModelProblem kind, const std::string& message, std::size_t variable) {
  ModelValidationError e(kind, message);
  e.variable = variable;
  return e;
}

}  // namespace

std::string describe_configuration(std::span<const Variable> variables, std::span<const VariableId> parents,
                                   std::size_t configuration) {
  std::vector<std::size_t> states(parents.size());
  for (std::size_t i = parents.size(); i-- > 0;) {
    const std::size_t c = variables[parents[i]].cardinality();
    states[i] = configuration % c;
    configuration /= c;
  }
  std::string s;
  for (std::size_t i = 0; i < parents.size(); ++i)
    s += (i ? ", " : "") + variables[parents[i]].name + "=" + variables[parents[i]].states[states[i]];
  return s;
}

void check_parents(std::span<const Variable> variables, VariableId child, std::span<const VariableId> parents) {
  const std::string& cname = variables[child].name;
  // The first position at fault, in list order: an unknown id, the child itself, or a second mention.
  // Repeats are found by sorting (id, position) pairs: a state's parents may be many.
  std::size_t first = ModelValidationError::none;
  for (std::size_t i = 0; i < parents.size() && first == ModelValidationError::none; ++i)
    if (parents[i] >= variables.size() || parents[i] == child) first = i;
  std::vector<std::pair<VariableId, std::size_t>> sorted;
  sorted.reserve(parents.size());
  for (std::size_t i = 0; i < parents.size(); ++i) sorted.emplace_back(parents[i], i);
  std::sort(sorted.begin(), sorted.end());
  std::size_t repeat = ModelValidationError::none;
  for (std::size_t i = 1; i < sorted.size(); ++i)
    if (sorted[i].first == sorted[i - 1].first && (i < 2 || sorted[i - 2].first != sorted[i].first))
      repeat = std::min(repeat, sorted[i].second);  // the second mention of each repeated id
  if (first == ModelValidationError::none && repeat == ModelValidationError::none) return;
  ModelValidationError e(ModelProblem::unknown_id, "");
  if (repeat < first) {
    const VariableId p = parents[repeat];
    e = ModelValidationError(ModelProblem::repeated_parent,
                             "CPT of '" + cname + "' lists parent '" + variables[p].name + "' twice");
    e.parent = p;
    e.position = repeat;
  } else if (parents[first] == child) {
    e = ModelValidationError(ModelProblem::self_parent, "variable '" + cname + "' is listed as its own parent");
    e.parent = child;
    e.position = first;
  } else {
    e = ModelValidationError(ModelProblem::unknown_id,
                             "CPT of '" + cname + "' names an unknown parent id " + std::to_string(parents[first]));
    e.position = first;
  }
  e.variable = child;
  throw e;
}

void BayesianNetworkBuilder::set_cpt(VariableId child, std::vector<VariableId> parents, std::vector<double> table) {
  if (child >= variables_.size())
    fail(problem(ModelProblem::unknown_id, "CPT for unknown variable id " + std::to_string(child), child));
  const std::string& cname = variables_[child].name;
  if (has_cpt_[child]) fail(problem(ModelProblem::duplicate_cpt, "variable '" + cname + "' has two CPTs", child));
  check_parents(variables_.all(), child, parents);
  std::vector<std::size_t> cards;  // parents, then the child: the table's shape
  cards.reserve(parents.size() + 1);
  for (VariableId p : parents) cards.push_back(variables_[p].cardinality());
  const std::size_t rows = checked_table_size(cards, "the parent configurations of '" + cname + "'");
  const std::size_t k = variables_[child].cardinality();
  cards.push_back(k);
  const std::size_t expected = checked_table_size(cards, "the CPT of '" + cname + "'");
  if (table.size() != expected) {
    auto e = problem(ModelProblem::table_size,
                     "CPT of '" + cname + "' has " + std::to_string(table.size()) + " entries; expected " +
                         std::to_string(expected) + " (" + std::to_string(rows) + " parent configurations x " +
                         std::to_string(k) + " states)",
                     child);
    e.entries = table.size();
    e.expected = expected;
    fail(std::move(e));
  }
  // Each column P(child | a parent configuration): entries finite and in [0, 1], summing to 1 within
  // the tolerance. Rescaled to sum to exactly 1 in build() when renormalising.
  for (std::size_t row = 0; row < rows; ++row) {
    double s = 0;
    for (std::size_t j = 0; j < k; ++j) {
      const double p = table[row * k + j];
      if (!std::isfinite(p) || p < 0.0 || p > 1.0) {
        std::ostringstream os;
        os.precision(12);
        os << "CPT of '" << cname << "' has probability " << p << " for state '" << variables_[child].states[j]
           << "' given "
           << (parents.empty() ? std::string("(no parents)") : describe_configuration(variables_.all(), parents, row))
           << "; probabilities must be finite and in [0, 1]";
        auto e = problem(ModelProblem::not_a_probability, os.str(), child);
        e.configuration = row;
        e.state = j;
        e.value = p;
        fail(std::move(e));
      }
      s += p;
    }
    if (std::abs(s - 1.0) > tolerance_) {
      std::ostringstream os;
      os.precision(12);
      os << "CPT of '" << cname << "' given "
         << (parents.empty() ? std::string("(no parents)") : describe_configuration(variables_.all(), parents, row))
         << " sums to " << s << "; expected 1 within " << tolerance_;
      auto e = problem(ModelProblem::column_sum, os.str(), child);
      e.configuration = row;
      e.value = s;
      fail(std::move(e));
    }
  }
  parents_[child] = std::move(parents);
  tables_[child] = std::move(table);
  has_cpt_[child] = true;
}

BayesianNetwork BayesianNetworkBuilder::build() && {
  const std::size_t n = variables_.size();
  if (n == 0) fail(ModelValidationError(ModelProblem::no_variables, "the network has no variables"));
  for (VariableId v = 0; v < n; ++v)
    if (!has_cpt_[v]) fail(problem(ModelProblem::missing_cpt, "variable '" + variables_[v].name + "' has no CPT", v));

  BayesianNetwork bn;
  bn.name_ = std::move(name_);
  bn.dag_ = Dag(n);
  for (VariableId v = 0; v < n; ++v)
    for (VariableId p : parents_[v]) bn.dag_.add_edge(p, v);
  if (auto c = bn.dag_.find_cycle()) {
    // The search's cycle c0 -> c1 -> ... -> c0, begun at c1 (where the file readers have always
    // pointed): the CPT of the front names the variable before it.
    std::vector<VariableId> cycle(c->begin() + 1, c->end());
    cycle.push_back(cycle.front());
    std::string s;
    for (std::size_t i = 0; i < cycle.size(); ++i) s += (i ? " -> " : "") + variables_[cycle[i]].name;
    ModelValidationError e(ModelProblem::cycle, "the network has a directed cycle: " + s);
    e.variable = cycle.front();
    e.cycle = std::move(cycle);
    throw e;
  }
  {
    std::vector<std::size_t> family_sizes;  // the moral graph joins each family
    family_sizes.reserve(n);
    for (VariableId v = 0; v < n; ++v) family_sizes.push_back(parents_[v].size() + 1);
    check_scope_pairs(family_sizes);
  }
  if (renormalize_) {
    for (VariableId v = 0; v < n; ++v) {
      const std::size_t k = variables_[v].cardinality();
      // A column whose sum is off by no more than summing k doubles can be (k ulps) is normalised
      // already: dividing it would change its bits, and dividing a divided column again would change
      // them once more, so a renormalised model written and read back would not be the same model.
      const double rounding = static_cast<double>(k) * std::numeric_limits<double>::epsilon();
      auto& t = tables_[v];
      for (std::size_t row = 0; row * k < t.size(); ++row) {
        double s = 0;
        for (std::size_t j = 0; j < k; ++j) s += t[row * k + j];
        if (std::abs(s - 1.0) > rounding)
          for (std::size_t j = 0; j < k; ++j) t[row * k + j] /= s;
      }
    }
  }
  bn.cpts_.reserve(n);
  for (VariableId v = 0; v < n; ++v) {
    std::vector<VariableId> scope = parents_[v];
    scope.push_back(v);
    std::vector<std::size_t> cards;
    for (VariableId u : scope) cards.push_back(variables_[u].cardinality());
    bn.cpts_.emplace_back(std::move(scope), std::move(cards), std::move(tables_[v]));
  }
  bn.parents_ = std::move(parents_);
  bn.variables_ = std::move(variables_);
  return bn;
}

}  // namespace pgm
