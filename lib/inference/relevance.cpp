#include <pgm/core/error.hpp>
#include <pgm/graph/reachability.hpp>
#include <pgm/inference/relevance.hpp>

#include <numeric>
#include <string>

namespace pgm {
namespace {

void check_ids(std::size_t n, std::span<const VariableId> ids, const char* what) {
  for (VariableId v : ids)
    if (v >= n) throw QueryError(std::string(what) + " variable id " + std::to_string(v) + " is out of range");
}

Relevance from_mask(std::vector<bool> mask, const std::vector<Factor>& factors, std::size_t n) {
  Relevance r;
  r.variables.assign(n, false);
  for (std::size_t f = 0; f < factors.size(); ++f) {
    if (!mask[f]) continue;
    ++r.count;
    for (VariableId v : factors[f].variables()) r.variables[v] = true;
  }
  r.factors = std::move(mask);
  return r;
}

}  // namespace

std::vector<VariableId> observed_ids(const Evidence& evidence) {
  std::vector<VariableId> ids;
  ids.reserve(evidence.size());
  for (const auto& [v, s] : evidence) ids.push_back(v);
  return ids;
}

Relevance relevance(const BayesianNetwork& bn, std::span<const VariableId> targets, std::span<const VariableId> observed,
                    RelevanceRule rule) {
  const std::size_t n = bn.variables().size();
  check_ids(n, targets, "target");
  check_ids(n, observed, "observed");
  std::vector<bool> mask(n, true);
  if (rule == RelevanceRule::barren) {
    std::vector<VariableId> roots(targets.begin(), targets.end());
    roots.insert(roots.end(), observed.begin(), observed.end());
    mask = bn.graph().ancestral_mask(roots);
  } else if (rule == RelevanceRule::requisite) {
    std::vector<bool> is_observed(n, false);
    for (VariableId v : observed) is_observed[v] = true;
    std::vector<VariableId> free;
    for (VariableId t : targets)
      if (!is_observed[t]) free.push_back(t);
    if (free.empty()) mask.assign(n, false);  // point masses only
    else mask = requisite(bn.graph(), free, observed).cpts;
  }
  return from_mask(std::move(mask), bn.cpts(), n);
}

Relevance everything(const VariableSet& vars, const std::vector<Factor>& factors) {
  return from_mask(std::vector<bool>(factors.size(), true), factors, vars.size());
}

Relevance relevance(const MarkovNetwork& mn, std::span<const VariableId> targets, std::span<const VariableId> observed) {
  const std::size_t n = mn.variables().size();
  check_ids(n, targets, "target");
  check_ids(n, observed, "observed");
  const std::vector<Factor>& factors = mn.factors();
  std::vector<bool> is_observed(n, false);
  for (VariableId v : observed) is_observed[v] = true;
  // Union-find over the unobserved variables, joined by each factor's unobserved scope.
  std::vector<VariableId> root(n);
  std::iota(root.begin(), root.end(), VariableId{0});
  auto find = [&](VariableId x) {
    while (root[x] != x) x = root[x] = root[root[x]];
    return x;
  };
  std::vector<VariableId> first(factors.size(), static_cast<VariableId>(n));  // a free variable of each factor
  for (std::size_t f = 0; f < factors.size(); ++f)
    for (VariableId v : factors[f].variables()) {
      if (is_observed[v]) continue;
      if (first[f] == n) first[f] = v;
      else root[find(v)] = find(first[f]);
    }
  std::vector<bool> wanted(n, false);
  for (VariableId t : targets)
    if (!is_observed[t]) wanted[find(t)] = true;
  std::vector<bool> mask(factors.size(), false);
  for (std::size_t f = 0; f < factors.size(); ++f) mask[f] = first[f] < n && wanted[find(first[f])];
  return from_mask(std::move(mask), factors, n);
}

}  // namespace pgm
