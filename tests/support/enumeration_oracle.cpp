#include "support/enumeration_oracle.hpp"

#include <functional>
#include <stdexcept>
#include <string>

namespace pgm::testing {
namespace {

struct Table {
  std::vector<VariableId> scope;  // in the order the values are laid out, last fastest
  std::vector<double> values;
};

std::size_t checked_size(const std::vector<std::size_t>& cards, std::size_t max_entries) {
  std::size_t total = 1;
  for (std::size_t c : cards) {
    if (c == 0 || total > max_entries / c)
      throw std::length_error("EnumerationOracle: joint larger than " + std::to_string(max_entries));
    total *= c;
  }
  return total;
}

// Multiplies the table entries for every assignment; an odometer over ids, highest id fastest.
std::vector<double> build_joint(const std::vector<std::size_t>& cards, const std::vector<Table>& tables,
                                std::size_t max_entries) {
  const std::size_t total = checked_size(cards, max_entries);
  std::vector<double> joint(total);
  std::vector<std::size_t> x(cards.size(), 0);
  for (std::size_t i = 0; i < total; ++i) {
    double w = 1.0;
    for (const Table& t : tables) {
      std::size_t idx = 0;
      for (VariableId v : t.scope) idx = idx * cards[v] + x[v];
      w *= t.values[idx];
    }
    joint[i] = w;
    for (std::size_t k = cards.size(); k-- > 0;) {
      if (++x[k] < cards[k]) break;
      x[k] = 0;
    }
  }
  return joint;
}

}  // namespace

EnumerationOracle::EnumerationOracle(const BayesianNetwork& bn, std::size_t max_entries)
    : cards_(bn.variables().cardinalities()) {
  std::vector<Table> tables;
  for (VariableId v = 0; v < bn.size(); ++v) {
    // cpt_table: parent configurations row-major (first parent slowest), child fastest.
    Table t{{bn.parents(v).begin(), bn.parents(v).end()}, bn.cpt_table(v)};
    t.scope.push_back(v);
    tables.push_back(std::move(t));
  }
  joint_ = build_joint(cards_, tables, max_entries);
}

EnumerationOracle::EnumerationOracle(const MarkovNetwork& mn, std::size_t max_entries)
    : cards_(mn.variables().cardinalities()) {
  std::vector<Table> tables;
  for (std::size_t i = 0; i < mn.factors().size(); ++i) {
    const auto scope = mn.scope(i);
    tables.push_back({{scope.begin(), scope.end()}, mn.factors()[i].values_in_order(scope)});
  }
  joint_ = build_joint(cards_, tables, max_entries);
}

double EnumerationOracle::weight(std::span<const std::size_t> assignment) const {
  if (assignment.size() != cards_.size()) throw std::invalid_argument("EnumerationOracle::weight: wrong size");
  std::size_t idx = 0;
  for (std::size_t k = 0; k < cards_.size(); ++k) idx = idx * cards_[k] + assignment[k];
  return joint_[idx];
}

template <class F>
void EnumerationOracle::for_each(const Evidence& evidence, F&& f) const {
  std::vector<std::size_t> x(cards_.size(), 0);
  for (std::size_t i = 0; i < joint_.size(); ++i) {
    bool consistent = true;
    for (const auto& [v, s] : evidence)
      if (x[v] != s) {
        consistent = false;
        break;
      }
    if (consistent) f(x, joint_[i]);
    for (std::size_t k = cards_.size(); k-- > 0;) {
      if (++x[k] < cards_[k]) break;
      x[k] = 0;
    }
  }
}

double EnumerationOracle::probability_of_evidence(const Evidence& evidence) const {
  long double total = 0.0L;  // extended precision so the oracle's own rounding stays far below 1e-12
  for_each(evidence, [&](const std::vector<std::size_t>&, double w) { total += w; });
  return static_cast<double>(total);
}

std::vector<double> EnumerationOracle::marginal(VariableId target, const Evidence& evidence) const {
  const VariableId t[] = {target};
  return joint(t, evidence);
}

std::vector<std::vector<double>> EnumerationOracle::marginals(const Evidence& evidence) const {
  std::vector<std::vector<long double>> m(cards_.size());
  for (std::size_t v = 0; v < cards_.size(); ++v) m[v].assign(cards_[v], 0.0L);
  long double total = 0.0L;
  for_each(evidence, [&](const std::vector<std::size_t>& x, double w) {
    total += w;
    for (std::size_t v = 0; v < x.size(); ++v) m[v][x[v]] += w;
  });
  if (total == 0.0L) return {};
  std::vector<std::vector<double>> out(m.size());
  for (std::size_t v = 0; v < m.size(); ++v)
    for (long double p : m[v]) out[v].push_back(static_cast<double>(p / total));
  return out;
}

std::vector<double> EnumerationOracle::joint(std::span<const VariableId> targets, const Evidence& evidence) const {
  std::size_t size = 1;
  for (VariableId t : targets) size *= cards_.at(t);
  std::vector<long double> acc(size, 0.0L);
  long double total = 0.0L;
  for_each(evidence, [&](const std::vector<std::size_t>& x, double w) {
    std::size_t idx = 0;
    for (VariableId t : targets) idx = idx * cards_[t] + x[t];
    acc[idx] += w;
    total += w;
  });
  if (total == 0.0L) return {};
  std::vector<double> out;
  for (long double p : acc) out.push_back(static_cast<double>(p / total));
  return out;
}

}  // namespace pgm::testing
