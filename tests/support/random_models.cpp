#include "support/random_models.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <string>

namespace pgm::testing {
namespace {

std::size_t uniform_index(std::mt19937_64& rng, std::size_t lo, std::size_t hi) {  // inclusive
  return std::uniform_int_distribution<std::size_t>(lo, hi)(rng);
}

double uniform_real(std::mt19937_64& rng, double lo, double hi) {
  return std::uniform_real_distribution<double>(lo, hi)(rng);
}

std::vector<std::string> state_names(std::size_t n) {
  std::vector<std::string> s;
  for (std::size_t i = 0; i < n; ++i) s.push_back("s" + std::to_string(i));
  return s;
}

// n values: positive in (lo, hi], each exactly zero with probability p_zero, at least one positive.
std::vector<double> random_block(std::mt19937_64& rng, std::size_t n, double p_zero, double lo, double hi) {
  std::vector<double> v(n);
  bool any_positive = false;
  for (auto& x : v) {
    if (uniform_real(rng, 0.0, 1.0) < p_zero) {
      x = 0.0;
    } else {
      x = lo + (hi - lo) * (1.0 - uniform_real(rng, 0.0, 1.0));  // in (lo, hi]
      any_positive = true;
    }
  }
  if (!any_positive) v[uniform_index(rng, 0, n - 1)] = hi;
  return v;
}

// Kahn's algorithm on the CPT parent lists (independent of Dag::topological_order).
std::vector<VariableId> topological(const BayesianNetwork& bn) {
  const std::size_t n = bn.size();
  std::vector<std::size_t> missing(n);
  std::vector<std::vector<VariableId>> kids(n);
  for (VariableId v = 0; v < n; ++v) {
    missing[v] = bn.parents(v).size();
    for (VariableId p : bn.parents(v)) kids[p].push_back(v);
  }
  std::vector<VariableId> order;
  for (VariableId v = 0; v < n; ++v)
    if (missing[v] == 0) order.push_back(v);
  for (std::size_t i = 0; i < order.size(); ++i)
    for (VariableId k : kids[order[i]])
      if (--missing[k] == 0) order.push_back(k);
  if (order.size() != n) throw std::logic_error("forward_sample: network has a cycle");
  return order;
}

}  // namespace

BayesianNetwork random_bayesian_network(std::mt19937_64& rng, const RandomNetworkSpec& spec) {
  BayesianNetworkBuilder b("random");
  std::vector<std::size_t> cards(spec.nodes);
  for (std::size_t i = 0; i < spec.nodes; ++i) {
    cards[i] = uniform_index(rng, spec.min_states, spec.max_states);
    b.add_variable("V" + std::to_string(i), state_names(cards[i]));
  }
  // topo[k] is the k-th node in a random causal order; parents of topo[k] come from topo[0..k-1].
  std::vector<VariableId> topo(spec.nodes);
  std::iota(topo.begin(), topo.end(), VariableId{0});
  std::shuffle(topo.begin(), topo.end(), rng);
  for (std::size_t k = 0; k < spec.nodes; ++k) {
    const VariableId child = topo[k];
    std::vector<VariableId> earlier(topo.begin(), topo.begin() + static_cast<std::ptrdiff_t>(k));
    std::shuffle(earlier.begin(), earlier.end(), rng);
    const std::size_t np = uniform_index(rng, 0, std::min(spec.max_parents, earlier.size()));
    std::vector<VariableId> parents(earlier.begin(), earlier.begin() + static_cast<std::ptrdiff_t>(np));
    std::size_t configs = 1;
    for (VariableId p : parents) configs *= cards[p];
    std::vector<double> table;
    table.reserve(configs * cards[child]);
    for (std::size_t c = 0; c < configs; ++c) {
      auto col = random_block(rng, cards[child], spec.zero_probability, 0.0, 1.0);
      const double s = std::accumulate(col.begin(), col.end(), 0.0);
      for (double x : col) table.push_back(x / s);
    }
    b.set_cpt(child, std::move(parents), std::move(table));
  }
  return std::move(b).build();
}

MarkovNetwork random_markov_network(std::mt19937_64& rng, const RandomMarkovSpec& spec) {
  MarkovNetworkBuilder b("random");
  std::vector<std::size_t> cards(spec.nodes);
  for (std::size_t i = 0; i < spec.nodes; ++i) {
    cards[i] = uniform_index(rng, spec.min_states, spec.max_states);
    b.add_variable("V" + std::to_string(i), state_names(cards[i]));
  }
  std::vector<bool> covered(spec.nodes, false);
  auto add = [&](std::vector<VariableId> scope) {
    std::size_t size = 1;
    for (VariableId v : scope) {
      size *= cards[v];
      covered[v] = true;
    }
    b.add_factor(std::move(scope), random_block(rng, size, spec.zero_probability, 0.0, 10.0));
  };
  std::vector<VariableId> all(spec.nodes);
  std::iota(all.begin(), all.end(), VariableId{0});
  for (std::size_t f = 0; f < spec.factors; ++f) {
    std::shuffle(all.begin(), all.end(), rng);
    const std::size_t k = uniform_index(rng, 1, std::min(spec.max_scope, spec.nodes));
    add(std::vector<VariableId>(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(k)));
  }
  for (VariableId v = 0; v < spec.nodes; ++v)
    if (!covered[v]) add({v});
  return std::move(b).build();
}

std::vector<std::size_t> forward_sample(const BayesianNetwork& bn, std::mt19937_64& rng) {
  const auto cards = bn.variables().cardinalities();
  std::vector<std::size_t> x(bn.size(), 0);
  for (VariableId v : topological(bn)) {
    std::size_t config = 0;  // row-major over parents as given, first parent slowest
    for (VariableId p : bn.parents(v)) config = config * cards[p] + x[p];
    const auto table = bn.cpt_table(v);
    const double u = uniform_real(rng, 0.0, 1.0);
    double acc = 0.0;
    std::size_t chosen = cards[v];
    std::size_t last_positive = 0;
    for (std::size_t s = 0; s < cards[v]; ++s) {
      const double p = table[config * cards[v] + s];
      if (p > 0.0) last_positive = s;
      acc += p;
      if (chosen == cards[v] && u < acc && p > 0.0) chosen = s;
    }
    // Rounding can leave acc just below u: take the last state with positive probability.
    x[v] = chosen == cards[v] ? last_positive : chosen;
  }
  return x;
}

Evidence forward_sample_evidence(const BayesianNetwork& bn, std::mt19937_64& rng, std::size_t count) {
  const auto x = forward_sample(bn, rng);
  std::vector<VariableId> ids(bn.size());
  std::iota(ids.begin(), ids.end(), VariableId{0});
  std::shuffle(ids.begin(), ids.end(), rng);
  ids.resize(std::min(count, ids.size()));
  std::sort(ids.begin(), ids.end());
  Evidence e;
  for (VariableId v : ids) e.emplace_back(v, x[v]);
  return e;
}

Evidence random_evidence(const VariableSet& vars, std::mt19937_64& rng, std::size_t count) {
  std::vector<VariableId> ids(vars.size());
  std::iota(ids.begin(), ids.end(), VariableId{0});
  std::shuffle(ids.begin(), ids.end(), rng);
  ids.resize(std::min(count, ids.size()));
  std::sort(ids.begin(), ids.end());
  Evidence e;
  for (VariableId v : ids) e.emplace_back(v, uniform_index(rng, 0, vars[v].cardinality() - 1));
  return e;
}

}  // namespace pgm::testing
