#include <pgm/core/error.hpp>
#include <pgm/inference/junction_tree.hpp>
#include <pgm/inference/variable_elimination.hpp>

#include <algorithm>
#include <cmath>
#include <sstream>

namespace pgm {
namespace {
void scale_in_place(Factor& f, double s) {
  for (double& v : f.mutable_values()) v *= s;
}
}  // namespace

JunctionTree::JunctionTree(const BayesianNetwork& bn, JunctionTreeOptions options)
    : variables_(&bn.variables()), options_(options) {
  build(bn.cpts(), false);
}

JunctionTree::JunctionTree(const MarkovNetwork& mn, JunctionTreeOptions options)
    : variables_(&mn.variables()), options_(options) {
  build(mn.factors(), true);
}

void JunctionTree::build(const std::vector<Factor>& factors, bool /*markov*/) {
  const VariableSet& vars = *variables_;
  const std::size_t n = vars.size();
  std::vector<std::vector<VariableId>> scopes;
  scopes.reserve(factors.size());
  for (const auto& f : factors) scopes.push_back(f.variables());
  std::vector<VariableId> all(n);
  for (VariableId v = 0; v < n; ++v) all[v] = v;
  const auto cards = vars.cardinalities();
  order_ = EliminationOrder::find(scopes, cards, all, options_.heuristic);
  if (order_.total_cost() > double(1 << 20) && options_.triangulation_restarts.effort > 0)
    order_ = EliminationOrder::improve_with_restarts(std::move(order_), scopes, cards, all, options_.triangulation_restarts, options_.seed);

  // Elimination cliques form a tree: the clique of v hangs under the clique of the first variable
  // of C(v) \ {v} eliminated after v. Non-maximal cliques are then merged into a superset neighbour.
  const auto& elim = order_.order();
  std::vector<std::size_t> pos(n);
  for (std::size_t i = 0; i < elim.size(); ++i) pos[elim[i]] = i;
  const auto& ec = order_.cliques();
  const std::size_t m = ec.size();
  std::vector<std::size_t> par(m, m);
  for (std::size_t i = 0; i < m; ++i) {
    std::size_t best = m;
    for (VariableId u : ec[i])
      if (pos[u] > i && (best == m || pos[u] < best)) best = pos[u];
    par[i] = best;
  }
  // Merge: C(i) \ {v_i} ⊆ C(parent), so a parent is non-maximal exactly when it equals that set, i.e.
  // is contained in its child. Then the child takes the parent's place (and its other children),
  // and is compared again with its new parent. Cliques are visited in elimination order, so every
  // child of a clique is settled before the clique itself.
  std::vector<std::size_t> rep(m);
  for (std::size_t i = 0; i < m; ++i) rep[i] = i;
  std::vector<bool> keep(m, true);
  auto find = [&](std::size_t x) {
    while (x != m && !keep[x]) x = rep[x];
    return x;
  };
  for (std::size_t i = 0; i < m; ++i) {
    if (!keep[i]) continue;
    for (;;) {
      const std::size_t p = find(par[i]);
      par[i] = p;
      if (p == m) break;
      if (ec[p].size() <= ec[i].size() && std::includes(ec[i].begin(), ec[i].end(), ec[p].begin(), ec[p].end())) {
        keep[p] = false;
        rep[p] = i;
        par[i] = par[p];
        continue;
      }
      break;
    }
  }
  std::vector<std::size_t> index(m, m);
  for (std::size_t i = 0; i < m; ++i)
    if (keep[i]) {
      index[i] = cliques_.size();
      cliques_.push_back(ec[i]);
    }
  parent_.assign(cliques_.size(), cliques_.size());
  for (std::size_t i = 0; i < m; ++i) {
    if (!keep[i]) continue;
    const std::size_t p = find(par[i]);
    parent_[index[i]] = p == m ? cliques_.size() : index[p];
  }
  // Post-order (children before parents) by an explicit depth-first walk from the roots.
  const std::size_t k = cliques_.size();
  std::vector<std::vector<std::size_t>> children(k);
  std::vector<std::size_t> roots;
  for (std::size_t i = 0; i < k; ++i) {
    if (parent_[i] == k) roots.push_back(i);
    else children[parent_[i]].push_back(i);
  }
  postorder_.clear();
  std::vector<std::pair<std::size_t, bool>> stack;
  for (std::size_t r : roots) stack.emplace_back(r, false);
  while (!stack.empty()) {
    auto [c, expanded] = stack.back();
    stack.pop_back();
    if (expanded) {
      postorder_.push_back(c);
      continue;
    }
    stack.emplace_back(c, true);
    for (std::size_t ch : children[c]) stack.emplace_back(ch, false);
  }
  if (postorder_.size() != k) throw Error("internal error: junction tree is not a forest");

  separators_.assign(k, {});
  for (std::size_t i = 0; i < k; ++i) {
    if (parent_[i] == k) continue;
    const auto& a = cliques_[i];
    const auto& b = cliques_[parent_[i]];
    std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(separators_[i]));
  }

  // Sizes and the memory check, before any table is allocated.
  double entries = 0, bytes = 0;
  treewidth_ = 0;
  for (std::size_t i = 0; i < k; ++i) {
    double s = 1;
    for (VariableId v : cliques_[i]) s *= static_cast<double>(cards[v]);
    entries += s;
    double sep = 1;
    for (VariableId v : separators_[i]) sep *= static_cast<double>(cards[v]);
    // Initial + calibrated clique tables, plus two separator tables.
    bytes += 8.0 * (2 * s + 2 * sep);
    treewidth_ = std::max(treewidth_, cliques_[i].size() - 1);
  }
  if (bytes > static_cast<double>(options_.max_memory_bytes)) {
    std::ostringstream os;
    os.precision(3);
    os << "the junction tree needs " << bytes / (1 << 20) << " MiB of tables (treewidth " << treewidth_ << ", "
       << entries << " clique entries), over the limit of " << static_cast<double>(options_.max_memory_bytes) / (1 << 20)
       << " MiB; raise the memory limit, or use variable elimination for single queries";
    throw LimitError(os.str());
  }
  total_size_ = static_cast<std::size_t>(entries);
  table_bytes_ = static_cast<std::size_t>(bytes);

  // Each factor goes to the clique of its first-eliminated variable (which contains its scope),
  // mapped through absorption.
  initial_.clear();
  initial_.reserve(k);
  for (std::size_t i = 0; i < k; ++i) initial_.push_back(Factor::constant(vars, cliques_[i], 1.0));
  auto clique_of_var = [&](VariableId v) { return index[find(pos[v])]; };
  log_constant_ = 0.0;
  for (const auto& f : factors) {
    if (f.arity() == 0) {
      // A constant factor belongs to no clique but still scales P(e) (or Z); zero makes it zero.
      log_constant_ += std::log(f.values()[0]);
      continue;
    }
    VariableId first = f.variables()[0];
    for (VariableId v : f.variables())
      if (pos[v] < pos[first]) first = v;
    std::size_t c = clique_of_var(first);
    // After absorption the target clique is a superset of the original; verify.
    if (!std::includes(cliques_[c].begin(), cliques_[c].end(), f.variables().begin(), f.variables().end()))
      throw Error("internal error: factor scope not inside its junction-tree clique");
    initial_[c] *= f;
  }
  // Scale each initial table to a maximum of 1 (the scale kept in log space), so factor values near
  // the limits of a double (e.g. 1e308 in a Markov network) cannot overflow a calibration.
  for (auto& t : initial_) {
    const double m = t.max();
    if (m > 0.0 && m != 1.0 && std::isfinite(m)) {
      scale_in_place(t, 1.0 / m);
      log_constant_ += std::log(m);
    }
  }
  home_.assign(n, k);
  for (std::size_t i = 0; i < k; ++i)
    for (VariableId v : cliques_[i])
      if (home_[v] == k || initial_[i].size() < initial_[home_[v]].size()) home_[v] = i;
}

CalibratedJunctionTree JunctionTree::calibrate(const Evidence& evidence_in) const {
  const VariableSet& vars = *variables_;
  const Evidence evidence = checked_evidence(vars, evidence_in);
  const std::size_t k = cliques_.size();
  CalibratedJunctionTree out;
  out.home_ = home_;
  out.evidence_ = evidence;
  out.cardinalities_ = vars.cardinalities();
  // Evidence shrinks every clique that holds an observed variable (observed variables leave the
  // scopes), so each observation divides the work of the cliques it touches by its state count.
  auto& psi = out.beliefs_;
  psi.reserve(k);
  for (std::size_t c = 0; c < k; ++c) psi.push_back(reduce(initial_[c], evidence));
  auto describe = [&] {
    std::string s;
    for (std::size_t i = 0; i < evidence.size(); ++i)
      s += (i ? ", " : "") + vars[evidence[i].first].name + "=" + vars[evidence[i].first].states[evidence[i].second];
    return s;
  };
  if (std::isinf(log_constant_) && log_constant_ < 0)
    throw ZeroProbabilityEvidence("the model's constant (empty-scope) factors multiply to zero, so every evidence, " +
                                  std::string(evidence.empty() ? "even none," : "including " + describe() + ",") +
                                  " has probability zero");
  double log_z = log_constant_;
  std::vector<Factor> sep(k);
  std::vector<double> sep_total(k, 1.0);
  // Collect: children send normalised separator marginals upwards.
  for (std::size_t c : postorder_) {
    const std::size_t p = parent_[c];
    std::vector<VariableId> drop;
    if (p == k) {
      const double z = psi[c].sum();
      if (!(z > 0.0)) throw ZeroProbabilityEvidence("the evidence " + describe() + " has probability zero under the model; no posterior exists");
      if (!std::isfinite(z)) throw NumericalError("junction tree calibration overflowed");
      log_z += std::log(z);
      scale_in_place(psi[c], 1.0 / z);
      continue;
    }
    for (VariableId v : cliques_[c])
      if (!std::binary_search(separators_[c].begin(), separators_[c].end(), v)) drop.push_back(v);
    sum_out_into(psi[c], drop, sep[c]);
    const double z = sep[c].sum();
    if (!(z > 0.0)) throw ZeroProbabilityEvidence("the evidence " + describe() + " has probability zero under the model; no posterior exists");
    log_z += std::log(z);
    sep_total[c] = z;
    scale_in_place(sep[c], 1.0 / z);
    psi[p] *= sep[c];
  }
  // Distribute: parents (already calibrated) update children by new/old separator.
  Factor fresh;
  for (std::size_t i = k; i-- > 0;) {
    const std::size_t c = postorder_[i];
    const std::size_t p = parent_[c];
    if (p == k) continue;
    std::vector<VariableId> drop;
    for (VariableId v : cliques_[p])
      if (!std::binary_search(separators_[c].begin(), separators_[c].end(), v)) drop.push_back(v);
    sum_out_into(psi[p], drop, fresh);
    // fresh and sep[c] share the separator's scope and layout: divide entry by entry (0/0 = 0).
    // Dividing by the unnormalised separator (normalised one times its total) also leaves psi[c]
    // normalised, so no extra pass over the clique is needed.
    auto fv = fresh.mutable_values();
    const auto sv = sep[c].values();
    const double zt = sep_total[c];
    for (std::size_t j = 0; j < fv.size(); ++j) fv[j] = sv[j] == 0.0 ? 0.0 : fv[j] / (sv[j] * zt);
    psi[c] *= fresh;
  }
  out.log_probability_of_evidence_ = log_z;
  out.probability_of_evidence_ = std::exp(log_z);
  return out;
}

Factor CalibratedJunctionTree::marginal(VariableId v) const {
  if (v >= home_.size()) throw QueryError("variable id " + std::to_string(v) + " is out of range");
  auto it = std::lower_bound(evidence_.begin(), evidence_.end(), v, [](const auto& p, VariableId x) { return p.first < x; });
  if (it != evidence_.end() && it->first == v) {
    std::vector<double> t(cardinalities_[v], 0.0);
    t[it->second] = 1.0;
    return Factor({v}, {cardinalities_[v]}, std::move(t));
  }
  const Factor& b = beliefs_[home_[v]];
  const VariableId keep[1] = {v};
  return normalize(pgm::marginal(b, keep));
}

std::vector<Factor> CalibratedJunctionTree::marginals() const {
  std::vector<Factor> out;
  out.reserve(home_.size());
  for (VariableId v = 0; v < home_.size(); ++v) out.push_back(marginal(v));
  return out;
}

}  // namespace pgm
