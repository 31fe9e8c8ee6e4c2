#include <pgm/core/error.hpp>
#include <pgm/core/size.hpp>
#include <pgm/model/bayesian_network.hpp>

#include <algorithm>
#include <cmath>
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
  const VariableId id = variables_.add(Variable{std::move(name), std::move(states)});
  parents_.emplace_back();
  tables_.emplace_back();
  has_cpt_.push_back(false);
  return id;
}

void BayesianNetworkBuilder::set_cpt(VariableId child, std::vector<VariableId> parents, std::vector<double> table) {
  if (child >= variables_.size()) throw ModelError("CPT for unknown variable id " + std::to_string(child));
  const std::string& cname = variables_[child].name;
  if (has_cpt_[child]) throw ModelError("variable '" + cname + "' has two CPTs");
  std::vector<std::size_t> cards;  // parents, then the child: the table's shape
  cards.reserve(parents.size() + 1);
  for (VariableId p : parents) {
    if (p >= variables_.size()) throw ModelError("CPT of '" + cname + "' names an unknown parent id " + std::to_string(p));
    if (p == child) throw ModelError("variable '" + cname + "' is listed as its own parent");
    cards.push_back(variables_[p].cardinality());
  }
  // Repeats found by sorting a copy (parents of one state may be many).
  std::vector<VariableId> sorted = parents;
  std::sort(sorted.begin(), sorted.end());
  if (const auto dup = std::adjacent_find(sorted.begin(), sorted.end()); dup != sorted.end())
    throw ModelError("CPT of '" + cname + "' lists parent '" + variables_[*dup].name + "' twice");
  const std::size_t rows = checked_table_size(cards, "the parent configurations of '" + cname + "'");
  cards.push_back(variables_[child].cardinality());
  const std::size_t expected = checked_table_size(cards, "the CPT of '" + cname + "'");
  if (table.size() != expected)
    throw ModelError("CPT of '" + cname + "' has " + std::to_string(table.size()) + " entries; expected " +
                     std::to_string(expected) + " (" + std::to_string(rows) + " parent configurations x " +
                     std::to_string(variables_[child].cardinality()) + " states)");
  parents_[child] = std::move(parents);
  tables_[child] = std::move(table);
  has_cpt_[child] = true;
}

namespace {
std::string parent_configuration(const VariableSet& vars, const std::vector<VariableId>& parents, std::size_t row) {
  if (parents.empty()) return "(no parents)";
  std::vector<std::size_t> states(parents.size());
  for (std::size_t i = parents.size(); i-- > 0;) {
    const std::size_t c = vars[parents[i]].cardinality();
    states[i] = row % c;
    row /= c;
  }
  std::string s;
  for (std::size_t i = 0; i < parents.size(); ++i)
    s += (i ? ", " : "") + vars[parents[i]].name + "=" + vars[parents[i]].states[states[i]];
  return s;
}
}  // namespace

BayesianNetwork BayesianNetworkBuilder::build() && {
  const std::size_t n = variables_.size();
  if (n == 0) throw ModelError("the network has no variables");
  for (VariableId v = 0; v < n; ++v)
    if (!has_cpt_[v]) throw ModelError("variable '" + variables_[v].name + "' has no CPT");
  {
    std::vector<std::size_t> family_sizes;  // the moral graph joins each family
    family_sizes.reserve(n);
    for (VariableId v = 0; v < n; ++v) family_sizes.push_back(parents_[v].size() + 1);
    check_scope_pairs(family_sizes);
  }

  for (VariableId v = 0; v < n; ++v) {
    const std::size_t k = variables_[v].cardinality();
    auto& t = tables_[v];
    for (std::size_t row = 0; row * k < t.size(); ++row) {
      double s = 0;
      for (std::size_t j = 0; j < k; ++j) {
        const double p = t[row * k + j];
        if (!std::isfinite(p) || p < 0.0 || p > 1.0) {
          std::ostringstream os;
          os.precision(12);
          os << "CPT of '" << variables_[v].name << "' has probability " << p << " for state '"
             << variables_[v].states[j] << "' given " << parent_configuration(variables_, parents_[v], row)
             << "; probabilities must be finite and in [0, 1]";
          throw ModelError(os.str());
        }
        s += p;
      }
      if (std::abs(s - 1.0) > tolerance_) {
        std::ostringstream os;
        os.precision(12);
        os << "CPT of '" << variables_[v].name << "' given " << parent_configuration(variables_, parents_[v], row)
           << " sums to " << s << "; expected 1 within " << tolerance_;
        throw ModelError(os.str());
      }
      if (renormalize_ && s != 1.0)
        for (std::size_t j = 0; j < k; ++j) t[row * k + j] /= s;
    }
  }

  BayesianNetwork bn;
  bn.name_ = std::move(name_);
  bn.dag_ = Dag(n);
  for (VariableId v = 0; v < n; ++v)
    for (VariableId p : parents_[v]) bn.dag_.add_edge(p, v);
  if (auto c = bn.dag_.find_cycle()) {
    std::string s;
    for (std::size_t i = 0; i < c->size(); ++i) s += (i ? " -> " : "") + variables_[(*c)[i]].name;
    throw ModelError("the network has a directed cycle: " + s);
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
