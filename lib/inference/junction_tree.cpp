#include <pgm/core/error.hpp>
#include <pgm/inference/detail/elimination.hpp>
#include <pgm/inference/detail/junction_tree_stages.hpp>
#include <pgm/inference/junction_tree.hpp>
#include <pgm/inference/variable_elimination.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <mutex>
#include <sstream>

namespace pgm {
namespace {

void scale_in_place(Factor& f, double s) {
  for (double& v : f.mutable_values()) v *= s;
}

const std::pair<VariableId, std::size_t>* find_observed(const Evidence& e, VariableId v) {
  auto it = std::lower_bound(e.begin(), e.end(), v, [](const auto& p, VariableId x) { return p.first < x; });
  return it != e.end() && it->first == v ? &*it : nullptr;
}

std::string describe(const VariableSet& vars, const Evidence& evidence) {
  std::string s;
  for (std::size_t i = 0; i < evidence.size(); ++i)
    s += (i ? ", " : "") + vars[evidence[i].first].name + "=" + vars[evidence[i].first].states[evidence[i].second];
  return s;
}

[[noreturn]] void throw_zero(const VariableSet& vars, const Evidence& evidence) {
  throw ZeroProbabilityEvidence("the evidence " + describe(vars, evidence) +
                                " has probability zero under the model; no posterior exists");
}

[[noreturn]] void throw_zero_constant(const VariableSet& vars, const Evidence& evidence) {
  throw ZeroProbabilityEvidence("the model's constant (empty-scope) factors multiply to zero, so every evidence, " +
                                std::string(evidence.empty() ? "even none," : "including " + describe(vars, evidence) + ",") +
                                " has probability zero");
}

// Offset of the observed states of `f`'s variables in `in` (its table), the others at state 0.
std::size_t observed_base(const Factor& f, const std::vector<bool>& in, const Evidence& e) {
  std::size_t base = 0;
  for (std::size_t d = 0; d < f.arity(); ++d)
    if (in[f.variables()[d]]) base += find_observed(e, f.variables()[d])->second * f.strides()[d];
  return base;
}

// For a table over `scope` (sorted, row-major, last fastest): calls fn(block_start, state) for each
// run of `stride` consecutive entries in which variable at `pos` has one state.
template <class Fn>
void for_each_state_block(std::size_t size, std::size_t card, std::size_t stride, Fn&& fn) {
  const std::size_t period = card * stride;
  for (std::size_t o = 0; o < size; o += period)
    for (std::size_t s = 0; s < card; ++s) fn(o + s * stride, s);
}

// Flat kernels over a table t of `size` entries and an index map with one entry per run of `run`.
void sum_runs(const double* t, std::size_t size, double* s, const std::uint32_t* map, std::size_t run) {
  if (run == 1) {
    for (std::size_t i = 0; i < size; ++i) s[map[i]] += t[i];
    return;
  }
  for (std::size_t r = 0, i = 0; i < size; ++r, i += run) {
    double acc = 0;
    for (std::size_t q = 0; q < run; ++q) acc += t[i + q];
    s[map[r]] += acc;
  }
}

void multiply_runs(double* t, std::size_t size, const double* s, const std::uint32_t* map, std::size_t run) {
  if (run == 1) {
    for (std::size_t i = 0; i < size; ++i) t[i] *= s[map[i]];
    return;
  }
  for (std::size_t r = 0, i = 0; i < size; ++r, i += run) {
    const double x = s[map[r]];
    for (std::size_t q = 0; q < run; ++q) t[i + q] *= x;
  }
}

}  // namespace

namespace detail {

CliqueForest tree_from_order(const EliminationOrder& order, std::size_t num_variables) {
  const auto& elim = order.order();
  std::vector<std::size_t> pos(num_variables, num_variables);
  for (std::size_t i = 0; i < elim.size(); ++i) pos[elim[i]] = i;
  CliqueForest tree;
  tree.cliques = order.cliques();
  const std::size_t m = tree.cliques.size();
  tree.parent.assign(m, m);
  tree.of_step.resize(m);
  for (std::size_t i = 0; i < m; ++i) {
    std::size_t best = m;
    for (VariableId u : tree.cliques[i])
      if (pos[u] > i && (best == m || pos[u] < best)) best = pos[u];
    tree.parent[i] = best;
    tree.of_step[i] = i;
  }
  return tree;
}

CliqueForest merge_non_maximal(CliqueForest tree) {
  // A merged-away clique's representative is the child that took its place, and that child's
  // parent becomes its own. Cliques are visited in order (children first in an elimination tree),
  // so every child of a clique is settled before the clique itself.
  const auto& ec = tree.cliques;
  const std::size_t m = ec.size();
  std::vector<std::size_t> par = std::move(tree.parent);
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
  CliqueForest out;
  for (std::size_t i = 0; i < m; ++i)
    if (keep[i]) {
      index[i] = out.cliques.size();
      out.cliques.push_back(std::move(tree.cliques[i]));
    }
  const std::size_t k = out.cliques.size();
  out.parent.assign(k, k);
  for (std::size_t i = 0; i < m; ++i) {
    if (!keep[i]) continue;
    const std::size_t p = find(par[i]);
    out.parent[index[i]] = p == m ? k : index[p];
  }
  out.of_step.resize(tree.of_step.size());
  for (std::size_t s = 0; s < tree.of_step.size(); ++s) {
    const std::size_t c = tree.of_step[s];
    out.of_step[s] = c < m ? index[find(c)] : k;
  }
  return out;
}

RootedForest root_forest(const CliqueForest& tree) {
  const std::size_t k = tree.cliques.size();
  RootedForest out;
  // Post-order (children before parents) by an explicit depth-first walk from the roots.
  std::vector<std::vector<std::size_t>> children(k);
  std::vector<std::size_t> roots;
  for (std::size_t i = 0; i < k; ++i) {
    if (tree.parent[i] == k) roots.push_back(i);
    else children[tree.parent[i]].push_back(i);
  }
  out.postorder.reserve(k);
  std::vector<std::pair<std::size_t, bool>> stack;
  for (std::size_t r : roots) stack.emplace_back(r, false);
  while (!stack.empty()) {
    auto [c, expanded] = stack.back();
    stack.pop_back();
    if (expanded) {
      out.postorder.push_back(c);
      continue;
    }
    stack.emplace_back(c, true);
    for (std::size_t ch : children[c]) stack.emplace_back(ch, false);
  }
  if (out.postorder.size() != k) throw Error("internal error: junction tree is not a forest");
  out.separators.assign(k, {});
  out.drop_up.assign(k, {});
  out.drop_down.assign(k, {});
  for (std::size_t i = 0; i < k; ++i) {
    if (tree.parent[i] == k) continue;
    const auto& a = tree.cliques[i];
    const auto& b = tree.cliques[tree.parent[i]];
    auto& sep = out.separators[i];
    std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(sep));
    std::set_difference(a.begin(), a.end(), sep.begin(), sep.end(), std::back_inserter(out.drop_up[i]));
    std::set_difference(b.begin(), b.end(), sep.begin(), sep.end(), std::back_inserter(out.drop_down[i]));
  }
  return out;
}

TreeSize measure(const CliqueForest& tree, const RootedForest& rooted, std::span<const std::size_t> cards) {
  TreeSize size;
  for (std::size_t i = 0; i < tree.cliques.size(); ++i) {
    double s = 1;
    for (VariableId v : tree.cliques[i]) s *= static_cast<double>(cards[v]);
    size.entries += s;
    double sep = 1;
    for (VariableId v : rooted.separators[i]) sep *= static_cast<double>(cards[v]);
    size.bytes += 8.0 * (2 * s + 2 * sep);
    size.treewidth = std::max(size.treewidth, tree.cliques[i].size() - 1);
  }
  return size;
}

void check_memory(const TreeSize& size, std::size_t max_memory_bytes) {
  if (size.bytes <= static_cast<double>(max_memory_bytes)) return;
  std::ostringstream os;
  os.precision(3);
  os << "the junction tree needs " << size.bytes / (1 << 20) << " MiB of tables (treewidth " << size.treewidth << ", "
     << size.entries << " clique entries), over the limit of " << static_cast<double>(max_memory_bytes) / (1 << 20)
     << " MiB; raise the memory limit, or use variable elimination for single queries";
  throw LimitError(os.str());
}

std::vector<std::size_t> place_factors(std::span<const std::vector<VariableId>> scopes, const EliminationOrder& order,
                                       const CliqueForest& tree, std::size_t num_variables) {
  const auto& elim = order.order();
  std::vector<std::size_t> pos(num_variables, num_variables);
  for (std::size_t i = 0; i < elim.size(); ++i) pos[elim[i]] = i;
  const std::size_t k = tree.cliques.size();
  std::vector<std::size_t> at(scopes.size(), k);
  for (std::size_t fi = 0; fi < scopes.size(); ++fi) {
    if (scopes[fi].empty()) continue;
    VariableId first = scopes[fi][0];
    for (VariableId v : scopes[fi])
      if (pos[v] < pos[first]) first = v;
    const std::size_t c = tree.of_step[pos[first]];
    // After merging the clique is a superset of the elimination clique; verify.
    if (!std::includes(tree.cliques[c].begin(), tree.cliques[c].end(), scopes[fi].begin(), scopes[fi].end()))
      throw Error("internal error: factor scope not inside its junction-tree clique");
    at[fi] = c;
  }
  return at;
}

}  // namespace detail

// Flat calibration data for small trees: one buffer of all clique tables, and per tree edge the
// index maps from clique entries to separator entries, so a message is a scatter-add and an update
// a gather-multiply with no per-call set-up. Built once per tree; read-only afterwards.
struct JunctionTree::Flat {
  std::vector<std::size_t> off, size;          // per clique, in the table buffer
  std::vector<std::size_t> sep_off, sep_size;  // per clique (its separator with the parent)
  // Per non-root clique: its entries → separator entries (cmap), and its parent's (pmap), one map
  // entry per run of crun / prun consecutive table entries.
  std::vector<std::uint32_t> cmap, pmap;
  std::vector<std::size_t> cmap_off, pmap_off, crun, prun;
  std::vector<double> init;                    // the initial tables, concatenated
  std::size_t total = 0, sep_total = 0;
  // Per variable: stride in its home clique's table (cardinality from cardinalities_).
  std::vector<std::size_t> home_stride;
  // Factors touching the pattern: the entry of the factor's table (pattern variables at state 0)
  // for each entry of its clique, so the reduced factor multiplies in without being built.
  struct EvidenceFactor {
    std::size_t clique, factor, map_off, run;
  };
  std::vector<EvidenceFactor> evidence;
  std::vector<std::uint32_t> emap;
  std::shared_ptr<const std::vector<std::size_t>> marginal_offset;  // per variable, n + 1 entries
};

struct JunctionTree::FlatSlot {
  std::mutex mutex;
  std::shared_ptr<const Flat> flat;
  unsigned calls = 0;
};

// Patterns seen by an evidence-free tree: the specialised tree, or null for "calibrate the full
// tree", least recently used evicted.
struct JunctionTree::Cache {
  struct Entry {
    std::vector<VariableId> pattern;
    std::shared_ptr<const JunctionTree> tree;
    bool decided = false;  // false: seen once, judged not worth a tree for a single use
    std::size_t bytes = 0;
    std::uint64_t used = 0;
  };
  std::mutex mutex;
  std::vector<Entry> entries;
  std::size_t bytes = 0;
  std::uint64_t clock = 0;
};

JunctionTree::JunctionTree(const BayesianNetwork& bn, JunctionTreeOptions options)
    : variables_(&bn.variables()), factors_(&bn.cpts()), options_(options), bayesian_(true) {
  build_structure(nullptr, 0);
  build_tables();
}

JunctionTree::JunctionTree(const MarkovNetwork& mn, JunctionTreeOptions options)
    : variables_(&mn.variables()), factors_(&mn.factors()), options_(options) {
  build_structure(nullptr, 0);
  build_tables();
}

JunctionTree::JunctionTree(const BayesianNetwork& bn, std::span<const VariableId> observed, JunctionTreeOptions options)
    : variables_(&bn.variables()), factors_(&bn.cpts()), options_(options), bayesian_(true) {
  check_pattern(observed);
  build_structure(nullptr, 0);
  build_tables();
}

JunctionTree::JunctionTree(const MarkovNetwork& mn, std::span<const VariableId> observed, JunctionTreeOptions options)
    : variables_(&mn.variables()), factors_(&mn.factors()), options_(options) {
  check_pattern(observed);
  build_structure(nullptr, 0);
  build_tables();
}

JunctionTree::JunctionTree(const BayesianNetwork& bn, std::span<const VariableId> targets,
                           std::span<const VariableId> observed, JunctionTreeOptions options)
    : variables_(&bn.variables()), factors_(&bn.cpts()), options_(options), bayesian_(true) {
  check_pattern(observed);
  restrict_to(relevance(bn, targets, pattern_, RelevanceRule::barren), targets);
  build_structure(nullptr, 0);
  build_tables();
}

JunctionTree::JunctionTree(const MarkovNetwork& mn, std::span<const VariableId> targets,
                           std::span<const VariableId> observed, JunctionTreeOptions options)
    : variables_(&mn.variables()), factors_(&mn.factors()), options_(options) {
  check_pattern(observed);
  restrict_to(relevance(mn, targets, pattern_), targets);
  build_structure(nullptr, 0);
  build_tables();
}

void JunctionTree::restrict_to(const Relevance& relevant, std::span<const VariableId> targets) {
  if (targets.empty()) throw QueryError("a junction tree for targets needs at least one target variable");
  active_count_ = relevant.count;
  if (relevant.everything()) return;  // nothing to drop: the plain pattern tree
  active_ = relevant.factors;
  for (VariableId t : targets)
    if (!in_pattern_[t] && !relevant.variables[t]) extra_variables_.push_back(t);
  std::sort(extra_variables_.begin(), extra_variables_.end());
  extra_variables_.erase(std::unique(extra_variables_.begin(), extra_variables_.end()), extra_variables_.end());
}

double JunctionTree::rest_log_partition(const Evidence& evidence) const {
  const VariableSet& vars = *variables_;
  Relevance rest;
  rest.factors.resize(active_.size());
  for (std::size_t f = 0; f < active_.size(); ++f) rest.factors[f] = !active_[f];
  rest.count = active_.size() - active_count_;
  detail::Pool pool = detail::reduced_pool(*factors_, rest, evidence);
  // Free variables the tree does not hold and no left-out factor mentions multiply Z by their
  // number of states, as in variable elimination.
  std::vector<bool> mentioned(vars.size(), false);
  for (const auto& [v, s] : evidence) mentioned[v] = true;
  for (VariableId v = 0; v < vars.size(); ++v) mentioned[v] = mentioned[v] || (*home_)[v] < cliques_.size();
  for (const auto& f : pool.factors)
    for (VariableId v : f.variables()) mentioned[v] = true;
  for (VariableId v = 0; v < vars.size(); ++v)
    if (!mentioned[v]) pool.log_scale += std::log(static_cast<double>(vars[v].cardinality()));
  const auto order = detail::pool_order(pool, vars.cardinalities(), {}, options_.heuristic);
  const Factor z = detail::eliminate<detail::SumProduct>(pool, order, vars.size());
  const double total = z.sum();
  if (!(total > 0.0)) return -std::numeric_limits<double>::infinity();
  return std::log(total) + pool.log_scale;
}

JunctionTree::JunctionTree(const VariableSet& vars, const std::vector<Factor>& factors, std::vector<VariableId> pattern,
                           JunctionTreeOptions options, const EliminationOrder* full_order, double max_entries,
                           bool thorough, bool bayesian)
    : variables_(&vars), factors_(&factors), options_(options), bayesian_(bayesian), pattern_(std::move(pattern)) {
  in_pattern_.assign(vars.size(), false);
  for (VariableId v : pattern_) in_pattern_[v] = true;
  if (build_structure(full_order, max_entries, thorough)) build_tables();
}

void JunctionTree::check_pattern(std::span<const VariableId> observed) {
  const VariableSet& vars = *variables_;
  in_pattern_.assign(vars.size(), false);
  for (VariableId v : observed) {
    if (v >= vars.size()) throw QueryError("observed variable id " + std::to_string(v) + " is out of range");
    if (in_pattern_[v]) throw QueryError("variable '" + vars[v].name + "' is listed twice as observed");
    in_pattern_[v] = true;
  }
  pattern_.assign(observed.begin(), observed.end());
  std::sort(pattern_.begin(), pattern_.end());
}

// Stage "order": a greedy order (with restarts when its tables are large), or for a pattern met in
// calibration the evidence-free tree's order restricted to the unobserved variables.
EliminationOrder JunctionTree::choose_order(std::span<const std::vector<VariableId>> scopes,
                                            std::span<const VariableId> all, const EliminationOrder* full_order,
                                            bool thorough) const {
  const auto cards = variables_->cardinalities();
  EliminationOrder order;
  if (full_order == nullptr) {
    order = EliminationOrder::find(scopes, cards, all, options_.heuristic);
    if (order.total_cost() > double(1 << 20) && options_.triangulation_restarts.effort > 0)
      order = EliminationOrder::improve_with_restarts(std::move(order), scopes, cards, all,
                                                       options_.triangulation_restarts, options_.seed);
  } else {
    // For a pattern met during calibration: the evidence-free tree's order without the observed
    // variables (never worse than that tree reduced by the evidence: the same cliques minus the
    // observed variables, less the fill-in through them) or a fresh greedy order if cheaper.
    // No restarts: this runs inside a calibration.
    std::vector<VariableId> restricted;
    restricted.reserve(all.size());
    for (VariableId v : full_order->order())
      if (!in_pattern_[v]) restricted.push_back(v);
    order = EliminationOrder::evaluate(scopes, cards, std::move(restricted), options_.heuristic);
    // A fresh greedy search costs several passes like evaluate()'s over the elimination cliques'
    // variable pairs: for a single use it pays only on small models with large tables (barley,
    // mildew, water; not munin or pigs, measured); for a repeated pattern the build is shared.
    double work = 0;
    for (const auto& c : order.cliques()) work += static_cast<double>(c.size() * c.size());
    if (thorough || order.total_cost() > 2000.0 * work) {
      EliminationOrder fresh = EliminationOrder::find(scopes, cards, all, options_.heuristic);
      if (fresh.total_cost() < order.total_cost()) order = std::move(fresh);
    }
  }
  return order;
}

bool JunctionTree::build_structure(const EliminationOrder* full_order, double max_entries, bool thorough) {
  const VariableSet& vars = *variables_;
  const std::vector<Factor>& factors = *factors_;
  const std::size_t n = vars.size();
  if (in_pattern_.size() != n) in_pattern_.assign(n, false);
  // Observed variables leave every scope: they are neither eliminated nor in any clique.
  std::vector<std::vector<VariableId>> scopes;
  scopes.reserve(factors.size());
  std::vector<bool> held(active_.empty() ? 0 : n, false);  // trees for targets: the variables kept
  for (std::size_t fi = 0; fi < factors.size(); ++fi) {
    auto& s = scopes.emplace_back();
    if (!active(fi)) continue;
    for (VariableId v : factors[fi].variables())
      if (!in_pattern_[v]) s.push_back(v);
    if (!held.empty())
      for (VariableId v : s) held[v] = true;
  }
  for (VariableId v : extra_variables_) held[v] = true;
  std::vector<VariableId> all;
  all.reserve(n);
  for (VariableId v = 0; v < n; ++v)
    if (!in_pattern_[v] && (held.empty() || held[v])) all.push_back(v);
  const auto cards = vars.cardinalities();
  order_ = choose_order(scopes, all, full_order, thorough);

  // The tree from the order, non-maximal cliques merged, rooted; sized and checked before any
  // table is allocated; then each factor placed in a clique holding its scope.
  detail::CliqueForest tree = detail::merge_non_maximal(detail::tree_from_order(order_, n));
  detail::RootedForest rooted = detail::root_forest(tree);
  const detail::TreeSize size = detail::measure(tree, rooted, cards);
  treewidth_ = size.treewidth;
  total_size_ = size.entries < 1.8e19 ? static_cast<std::size_t>(size.entries) : static_cast<std::size_t>(-1);
  const bool fits = !(max_entries > 0 && size.entries > max_entries);
  if (fits) {
    detail::check_memory(size, options_.max_memory_bytes);
    table_bytes_ = static_cast<std::size_t>(size.bytes);
    factor_clique_ = detail::place_factors(scopes, order_, tree, n);
  }
  cliques_ = std::move(tree.cliques);
  parent_ = std::move(tree.parent);
  postorder_ = std::move(rooted.postorder);
  separators_ = std::move(rooted.separators);
  drop_up_ = std::move(rooted.drop_up);
  drop_down_ = std::move(rooted.drop_down);
  return fits;
}

void JunctionTree::build_tables() {
  const VariableSet& vars = *variables_;
  const std::vector<Factor>& factors = *factors_;
  const std::size_t n = vars.size();
  const std::size_t k = cliques_.size();
  initial_.clear();
  initial_.reserve(k);
  for (std::size_t i = 0; i < k; ++i) initial_.push_back(Factor::constant(vars, cliques_[i], 1.0));
  evidence_factors_.assign(k, {});
  constant_evidence_factors_.clear();
  log_constant_ = 0.0;
  for (std::size_t fi = 0; fi < factors.size(); ++fi) {
    if (!active(fi)) continue;
    const Factor& f = factors[fi];
    if (f.arity() == 0) {
      // A constant factor belongs to no clique but still scales P(e) (or Z); zero makes it zero.
      log_constant_ += std::log(f.values()[0]);
      continue;
    }
    bool touches = false;
    for (VariableId v : f.variables()) touches = touches || in_pattern_[v];
    if (!touches) initial_[factor_clique_[fi]] *= f;
    else if (factor_clique_[fi] < k) evidence_factors_[factor_clique_[fi]].push_back(fi);
    else constant_evidence_factors_.push_back(fi);
  }
  // Scale each initial table to a maximum of 1 (the scale kept in log space), so factor values near
  // the limits of a double (e.g. 1e308 in a Markov network) cannot overflow a calibration.
  init_log_.assign(k, 0.0);
  for (std::size_t c = 0; c < k; ++c) {
    const double mx = initial_[c].max();
    if (mx > 0.0 && mx != 1.0 && std::isfinite(mx)) {
      scale_in_place(initial_[c], 1.0 / mx);
      log_constant_ += std::log(mx);
      init_log_[c] = std::log(mx);
    }
  }
  // Trivial collect messages. In a Bayesian network the CPTs below a tree edge, summed over the
  // variables below it, give exactly 1 unless one of them has its child variable in the separator
  // (or observed): the separator then carries no information upwards, and the message need not be
  // computed. An edge is marked non-trivial for every CPT whose child stays in the cliques on the
  // way to the root, and for observed or unnormalised CPTs (BIF files kept as written) all the way.
  trivial_.assign(k, 0);
  if (bayesian_) {
    std::fill(trivial_.begin(), trivial_.end(), 1);
    for (std::size_t fi = 0; fi < factors.size(); ++fi) {
      const std::size_t a = factor_clique_[fi];
      if (a == k) continue;
      const auto head = static_cast<VariableId>(fi);  // cpts()[v] is the CPT of v
      bool normalised = !in_pattern_[head];
      if (normalised) {
        const Factor sums = sum_out(factors[fi], head);
        for (double x : sums.values()) normalised = normalised && std::abs(x - 1.0) <= 1e-13;
      }
      for (std::size_t c = a; parent_[c] < k; c = parent_[c]) {
        const auto& up = cliques_[parent_[c]];
        if (normalised && !std::binary_search(up.begin(), up.end(), head)) break;
        trivial_[c] = 0;
      }
    }
    for (std::size_t c = 0; c < k; ++c)
      if (parent_[c] == k) trivial_[c] = 0;
  }
  auto home = std::make_shared<std::vector<std::size_t>>(n, k);
  for (std::size_t i = 0; i < k; ++i)
    for (VariableId v : cliques_[i])
      if ((*home)[v] == k || initial_[i].size() < initial_[(*home)[v]].size()) (*home)[v] = i;
  home_ = home;
  cardinalities_ = std::make_shared<const std::vector<std::size_t>>(vars.cardinalities());
  if (pattern_.empty() && options_.specialise_evidence && active_.empty()) cache_ = std::make_shared<Cache>();

  // Small trees calibrate on flat arrays with index maps (Flat): on tables of a few hundred entries
  // the strided walks' set-up, the reduced factors' allocations and per-message scratch vectors
  // cost more than the arithmetic. The maps cost about one pass per tree edge over both cliques:
  // built now when that is less than one calibration by the walks, else on the second calibration,
  // so a build-and-calibrate-once use does not pay for them.
  flat_slot_.reset();
  if (total_size_ > options_.flat_max_entries) return;
  flat_slot_ = std::make_shared<FlatSlot>();
  double map_work = 0;
  for (std::size_t c = 0; c < k; ++c)
    if (parent_[c] < k) map_work += static_cast<double>(initial_[c].size() + initial_[parent_[c]].size());
  if (map_work < 300.0 * static_cast<double>(k) + 2.0 * static_cast<double>(total_size_)) flat_slot_->flat = make_flat();
}

std::shared_ptr<const JunctionTree::Flat> JunctionTree::flat() const {
  if (!flat_slot_) return nullptr;
  std::lock_guard lock(flat_slot_->mutex);
  if (!flat_slot_->flat && options_.flat_on_reuse && ++flat_slot_->calls >= 2) flat_slot_->flat = make_flat();
  return flat_slot_->flat;
}

std::shared_ptr<const JunctionTree::Flat> JunctionTree::make_flat() const {
  const VariableSet& vars = *variables_;
  const std::vector<Factor>& factors = *factors_;
  const std::size_t n = vars.size();
  const std::size_t k = cliques_.size();
  auto fl = std::make_shared<Flat>();
  fl->off.resize(k);
  fl->size.resize(k);
  fl->sep_off.assign(k, 0);
  fl->sep_size.assign(k, 0);
  fl->cmap_off.assign(k, 0);
  fl->pmap_off.assign(k, 0);
  fl->crun.assign(k, 1);
  fl->prun.assign(k, 1);
  for (std::size_t c = 0; c < k; ++c) {
    fl->off[c] = fl->total;
    fl->size[c] = initial_[c].size();
    fl->total += initial_[c].size();
  }
  fl->init.reserve(fl->total);
  for (const auto& t : initial_) fl->init.insert(fl->init.end(), t.values().begin(), t.values().end());
  // Entry → entry of a sub-table over `sub` (sorted, a subset of `scope`, with strides sub_strides),
  // one map entry per run of `run` consecutive entries: the trailing variables of `scope` that are
  // not in `sub` leave the sub-table entry unchanged, so a run is summed in a register (a scatter-add
  // per entry would chain every addition through memory) or multiplied by one loaded value.
  auto index_map = [&](const std::vector<VariableId>& scope, const std::vector<VariableId>& sub,
                       const std::vector<std::size_t>& sub_strides, std::vector<std::uint32_t>& out) {
    std::size_t dims = scope.size(), run = 1;
    while (dims > 0 && !std::binary_search(sub.begin(), sub.end(), scope[dims - 1])) run *= vars[scope[--dims]].cardinality();
    std::vector<std::size_t> card(dims), stride(dims, 0);
    for (std::size_t d = 0; d < dims; ++d) {
      card[d] = vars[scope[d]].cardinality();
      const auto it = std::lower_bound(sub.begin(), sub.end(), scope[d]);
      if (it != sub.end() && *it == scope[d]) stride[d] = sub_strides[static_cast<std::size_t>(it - sub.begin())];
    }
    std::vector<std::size_t> state(dims, 0);
    std::size_t size = 1;
    for (std::size_t c : card) size *= c;
    std::size_t j = 0;
    for (std::size_t i = 0; i < size; ++i) {
      out.push_back(static_cast<std::uint32_t>(j));
      for (std::size_t d = dims; d-- > 0;) {
        j += stride[d];
        if (++state[d] < card[d]) break;
        j -= stride[d] * card[d];
        state[d] = 0;
      }
    }
    return run;
  };
  auto row_major = [&](const std::vector<VariableId>& scope) {
    std::vector<std::size_t> st(scope.size());
    std::size_t s = 1;
    for (std::size_t d = scope.size(); d-- > 0;) {
      st[d] = s;
      s *= vars[scope[d]].cardinality();
    }
    return std::pair{st, s};
  };
  for (std::size_t c = 0; c < k; ++c) {
    if (parent_[c] == k) continue;
    auto [st, s] = row_major(separators_[c]);
    fl->sep_off[c] = fl->sep_total;
    fl->sep_size[c] = s;
    fl->sep_total += s;
    fl->cmap_off[c] = fl->cmap.size();
    fl->crun[c] = index_map(cliques_[c], separators_[c], st, fl->cmap);
    fl->pmap_off[c] = fl->pmap.size();
    fl->prun[c] = index_map(cliques_[parent_[c]], separators_[c], st, fl->pmap);
  }
  for (std::size_t c = 0; c < k; ++c)
    for (std::size_t fi : evidence_factors_[c]) {
      const Factor& f = factors[fi];
      // The factor's own strides for its non-pattern variables; pattern variables add observed_base.
      std::vector<VariableId> sub;
      std::vector<std::size_t> st;
      for (std::size_t d = 0; d < f.arity(); ++d)
        if (!in_pattern_[f.variables()[d]]) {
          sub.push_back(f.variables()[d]);
          st.push_back(f.strides()[d]);
        }
      const std::size_t off = fl->emap.size();
      fl->evidence.push_back({c, fi, off, index_map(cliques_[c], sub, st, fl->emap)});
    }
  fl->home_stride.assign(n, 0);
  auto moff = std::make_shared<std::vector<std::size_t>>(n + 1, 0);
  for (VariableId v = 0; v < n; ++v) {
    (*moff)[v + 1] = (*moff)[v] + ((*home_)[v] < k ? vars[v].cardinality() : 0);
    if ((*home_)[v] == k) continue;
    const Factor& h = initial_[(*home_)[v]];
    fl->home_stride[v] = h.strides()[h.position(v)];
  }
  fl->marginal_offset = moff;
  return fl;
}

std::shared_ptr<const JunctionTree> JunctionTree::specialised_for(const Evidence& evidence_in) const {
  return lookup(checked_evidence(*variables_, evidence_in));
}

std::size_t JunctionTree::cached_patterns() const {
  if (!cache_) return 0;
  std::lock_guard lock(cache_->mutex);
  return cache_->entries.size();
}

std::shared_ptr<const JunctionTree> JunctionTree::lookup(const Evidence& evidence) const {
  if (!cache_ || evidence.empty() || total_size_ < options_.specialise_min_entries) return nullptr;
  // What calibrating this tree would touch: each clique without its observed variables (a small
  // tree's flat calibration does not reduce, so all of it when that path is taken).
  const double reduced = reduced_entries(evidence);
  const double full = flat_slot_ && use_flat(reduced) ? static_cast<double>(total_size_) : reduced;
  if (full < static_cast<double>(options_.specialise_min_entries)) return nullptr;
  std::vector<VariableId> pattern;
  pattern.reserve(evidence.size());
  for (const auto& [v, s] : evidence) pattern.push_back(v);
  Cache& cache = *cache_;
  // specialise_min_entries = 0 (tests): every pattern is treated as a repeated one.
  bool seen = options_.specialise_min_entries == 0;
  {
    std::lock_guard lock(cache.mutex);
    for (auto& e : cache.entries)
      if (e.pattern == pattern) {
        e.used = ++cache.clock;
        if (e.decided) return e.tree;
        seen = true;
      }
  }
  // The first time a pattern is met, a tree for it must repay its own build in one calibration:
  // skip it unless this tree's work clearly exceeds the build's (about one pass over the model's
  // factors and over the cliques' variable pairs). A pattern met again is worth a tree whenever it
  // calibrates cheaper, the build being shared by the later calls.
  bool decided = true;
  if (!seen) {
    double build = 0;
    for (const auto& f : *factors_) build += static_cast<double>(f.size());
    for (const auto& c : cliques_) build += 16.0 * static_cast<double>(c.size() * c.size());
    if (full < 8.0 * build) decided = false;
  }
  // Built outside the lock so other patterns are not held up; two threads meeting the same new
  // pattern may both build it, and the first to finish is kept.
  std::shared_ptr<const JunctionTree> tree;
  if (decided) {
    try {
      // Worth it when its cliques hold clearly fewer entries (it also multiplies in the reduced
      // factors of the observed variables each time), and for a single use when they hold fewer
      // than 3/4 of them less the build's own pass over its tables.
      auto t = std::shared_ptr<JunctionTree>(
          new JunctionTree(*variables_, *factors_, pattern, options_, &order_, (seen ? 0.8 : 0.6) * full, seen, bayesian_));
      if (!t->initial_.empty() || t->cliques_.empty()) tree = std::move(t);
    } catch (const LimitError&) {
      // Over the memory limit: keep calibrating this tree.
    }
  }
  // A tree not worth it for a single use may still be for repeated ones: decide again next time.
  if (!seen && !tree) decided = false;
  const std::size_t bytes = tree ? tree->table_bytes_ : 0;
  if (options_.evidence_cache_entries == 0 || bytes > 2 * table_bytes_) return tree;
  std::lock_guard lock(cache.mutex);
  for (auto it = cache.entries.begin(); it != cache.entries.end(); ++it)
    if (it->pattern == pattern) {
      if (it->decided || !decided) return it->tree;
      cache.entries.erase(it);  // seen once, now decided: re-inserted below
      break;
    }
  while (!cache.entries.empty() &&
         (cache.entries.size() >= options_.evidence_cache_entries || cache.bytes + bytes > 2 * table_bytes_)) {
    auto lru = std::min_element(cache.entries.begin(), cache.entries.end(),
                                [](const auto& a, const auto& b) { return a.used < b.used; });
    cache.bytes -= lru->bytes;
    cache.entries.erase(lru);
  }
  cache.entries.push_back({std::move(pattern), tree, decided, bytes, ++cache.clock});
  cache.bytes += bytes;
  return tree;
}

CalibratedJunctionTree JunctionTree::calibrate(const Evidence& evidence_in) const { return calibrate(evidence_in, {}); }

CalibratedJunctionTree JunctionTree::calibrate(const Evidence& evidence_in, std::span<const Factor> soft) const {
  const VariableSet& vars = *variables_;
  const Evidence evidence = checked_evidence(vars, evidence_in);
  for (const Factor& f : soft) {
    if (f.arity() != 1 || f.variables()[0] >= vars.size() || f.cardinalities()[0] != vars[f.variables()[0]].cardinality())
      throw QueryError("soft evidence must be a table over one variable of the model, with one entry per state");
    for (double x : f.values())
      if (!(x >= 0) || !std::isfinite(x))
        throw QueryError("soft evidence on '" + vars[f.variables()[0]].name + "' must be finite and non-negative");
  }
  for (VariableId v : pattern_)
    if (!find_observed(evidence, v))
      throw QueryError("this junction tree was built for evidence on '" + vars[v].name +
                       "', and the evidence given does not observe it");
  if (!active_.empty()) {
    const std::size_t k = cliques_.size();
    if (bayesian_)
      for (const auto& [v, s] : evidence)
        if (!in_pattern_[v] && (*home_)[v] == k)
          throw QueryError("this junction tree was built for other targets: evidence on '" + vars[v].name +
                           "' needs a tree that includes it");
    CalibratedJunctionTree c = calibrate_checked(evidence, soft);
    if (!bayesian_) {
      const double rest = rest_log_partition(evidence);
      if (std::isinf(rest) && rest < 0) throw_zero(vars, evidence);
      c.log_probability_of_evidence_ += rest;
      c.probability_of_evidence_ = std::exp(c.log_probability_of_evidence_);
    }
    return c;
  }
  if (const auto t = lookup(evidence)) return t->calibrate_checked(evidence, soft);
  return calibrate_checked(evidence, soft);
}

double JunctionTree::soft_constant(const Evidence& evidence, std::span<const Factor> soft, std::vector<char>& live) const {
  const std::size_t k = cliques_.size();
  double log_c = 0;
  for (const Factor& f : soft) {
    const VariableId v = f.variables()[0];
    if (const auto* o = find_observed(evidence, v)) {
      const double x = f.values()[o->second];
      log_c += x > 0.0 ? std::log(x) : -std::numeric_limits<double>::infinity();
      continue;
    }
    if ((*home_)[v] == k)
      throw QueryError("this junction tree was built for other targets: soft evidence on '" + (*variables_)[v].name +
                       "' needs a tree that includes it");
    for (std::size_t c = (*home_)[v]; c < k; c = parent_[c]) live[c] = 0;
  }
  return log_c;
}

// trivial_ less the edges above evidence outside the pattern: from the clique of the observed
// variable's CPT (the walks reduce it there) or from its home clique (the flat path zeroes it there).
std::vector<char> JunctionTree::live_trivial(const Evidence& evidence, bool flat) const {
  std::vector<char> live(trivial_);
  if (!bayesian_ || evidence.size() == pattern_.size()) return live;
  const std::size_t k = cliques_.size();
  std::vector<char> done(k, 0);
  for (const auto& [v, s] : evidence) {
    if (in_pattern_[v]) continue;
    for (std::size_t c = flat ? (*home_)[v] : factor_clique_[v]; c < k && !done[c]; c = parent_[c]) {
      done[c] = 1;
      live[c] = 0;
    }
  }
  return live;
}

double JunctionTree::reduced_entries(const Evidence& evidence) const {
  const auto& cards = *cardinalities_;
  double total = 0;
  for (const auto& c : cliques_) {
    double s = 1;
    for (VariableId v : c)
      if (!find_observed(evidence, v)) s *= static_cast<double>(cards[v]);
    total += s;
  }
  return total;
}

// The flat path does about half the work per entry of the Factor walks but cannot shrink tables by
// evidence, and the walks pay a fixed set-up per clique (about 300 entries' worth, measured).
bool JunctionTree::use_flat(double reduced) const {
  return 2.0 * reduced + 300.0 * static_cast<double>(cliques_.size()) >= static_cast<double>(total_size_);
}

CalibratedJunctionTree JunctionTree::calibrate_checked(const Evidence& evidence, std::span<const Factor> soft) const {
  if (flat_slot_ && (evidence.size() == pattern_.size() || use_flat(reduced_entries(evidence))))
    if (const auto fl = flat()) return calibrate_flat(evidence, *fl, soft);
  const VariableSet& vars = *variables_;
  const std::vector<Factor>& factors = *factors_;
  const std::size_t k = cliques_.size();
  if (std::isinf(log_constant_) && log_constant_ < 0) throw_zero_constant(vars, evidence);
  CalibratedJunctionTree out;
  out.home_ = home_;
  out.no_clique_ = k;
  out.evidence_ = evidence;
  out.cardinalities_ = cardinalities_;
  double log_z = log_constant_;
  // Evidence shrinks every clique that holds an observed variable (observed variables leave the
  // scopes), so each observation divides the work of the cliques it touches by its state count.
  auto& psi = out.beliefs_;
  psi.reserve(k);
  // acc[c]: log of the scale taken out of the tables below and at c (what a trivial message from c
  // then equals, as exp(-acc[c])).
  std::vector<double> acc(init_log_);
  for (std::size_t c = 0; c < k; ++c) {
    psi.push_back(reduce(initial_[c], evidence));
    for (std::size_t fi : evidence_factors_[c]) {
      Factor r = reduce(factors[fi], evidence);
      const double mx = r.max();
      if (mx > 0.0 && mx != 1.0 && std::isfinite(mx)) {
        scale_in_place(r, 1.0 / mx);
        log_z += std::log(mx);
        acc[c] += std::log(mx);
      }
      psi[c] *= r;
    }
  }
  // Evidence outside the pattern: CPTs of observed variables no longer sum to 1 over them.
  std::vector<char> live = live_trivial(evidence, false);
  // Soft evidence: λ into the home clique of each unobserved variable (scaled to a maximum of 1).
  log_z += soft_constant(evidence, soft, live);
  if (std::isinf(log_z) && log_z < 0) throw_zero(vars, evidence);
  for (const Factor& f : soft) {
    const VariableId v = f.variables()[0];
    if (find_observed(evidence, v)) continue;
    const std::size_t h = (*home_)[v];
    Factor r = f;
    const double mx = r.max();
    scale_in_place(r, 1.0 / mx);
    log_z += std::log(mx);
    acc[h] += std::log(mx);
    psi[h] *= r;
  }
  for (std::size_t fi : constant_evidence_factors_) {
    const double x = factors[fi].values()[observed_base(factors[fi], in_pattern_, evidence)];
    if (!(x > 0.0)) throw_zero(vars, evidence);
    log_z += std::log(x);
  }
  std::vector<Factor> sep(k);
  std::vector<double> sep_total(k, 1.0);
  // Collect: children send normalised separator marginals upwards.
  for (std::size_t c : postorder_) {
    const std::size_t p = parent_[c];
    if (p == k) {
      const double z = psi[c].sum();
      if (!(z > 0.0)) throw_zero(vars, evidence);
      if (!std::isfinite(z)) throw NumericalError("junction tree calibration overflowed");
      log_z += std::log(z);
      scale_in_place(psi[c], 1.0 / z);
      continue;
    }
    if (live[c]) {
      log_z -= acc[c];
      sep_total[c] = std::exp(-acc[c]);
      continue;
    }
    sum_out_into(psi[c], drop_up_[c], sep[c]);
    const double z = sep[c].sum();
    if (!(z > 0.0)) throw_zero(vars, evidence);
    log_z += std::log(z);
    acc[p] += acc[c] + std::log(z);
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
    sum_out_into(psi[p], drop_down_[c], fresh);
    if (live[c]) {
      // The parent absorbed no message: divide by what the child's table sums to per separator entry.
      scale_in_place(fresh, 1.0 / sep_total[c]);
      psi[c] *= fresh;
      continue;
    }
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

// The same propagation as calibrate_checked on the flat buffers; evidence outside the pattern
// zeroes the inconsistent entries of each observed variable's home clique instead of reducing.
CalibratedJunctionTree JunctionTree::calibrate_flat(const Evidence& evidence, const Flat& fl,
                                                   std::span<const Factor> soft) const {
  const VariableSet& vars = *variables_;
  const std::vector<Factor>& factors = *factors_;
  const std::size_t k = cliques_.size();
  const auto& cards = *cardinalities_;
  const auto& home = *home_;
  if (std::isinf(log_constant_) && log_constant_ < 0) throw_zero_constant(vars, evidence);
  thread_local std::vector<double> scratch;
  const std::size_t need = fl.total + 2 * fl.sep_total + k;
  if (scratch.size() < need) scratch.resize(need);
  double* const psi = scratch.data();
  double* const sep = psi + fl.total;
  double* const fresh = sep + fl.sep_total;
  double* const sep_z = fresh + fl.sep_total;
  std::copy(fl.init.begin(), fl.init.end(), psi);
  double log_z = log_constant_;
  std::vector<double> acc(init_log_);
  std::vector<char> live = live_trivial(evidence, true);
  log_z += soft_constant(evidence, soft, live);
  if (std::isinf(log_z) && log_z < 0) throw_zero(vars, evidence);
  for (const auto& ef : fl.evidence) {
    const Factor& f = factors[ef.factor];
    const double* fv = f.values().data() + observed_base(f, in_pattern_, evidence);
    multiply_runs(psi + fl.off[ef.clique], fl.size[ef.clique], fv, fl.emap.data() + ef.map_off, ef.run);
  }
  for (std::size_t fi : constant_evidence_factors_) {
    const double x = factors[fi].values()[observed_base(factors[fi], in_pattern_, evidence)];
    if (!(x > 0.0)) throw_zero(vars, evidence);
    log_z += std::log(x);
  }
  // Cliques that took evidence factors are rescaled to a maximum of 1, as the initial tables are.
  for (std::size_t c = 0; c < k; ++c) {
    if (evidence_factors_[c].empty()) continue;
    double* t = psi + fl.off[c];
    const double mx = *std::max_element(t, t + fl.size[c]);
    if (mx > 0.0 && mx != 1.0 && std::isfinite(mx)) {
      const double inv = 1.0 / mx;
      for (std::size_t i = 0; i < fl.size[c]; ++i) t[i] *= inv;
      log_z += std::log(mx);
      acc[c] += std::log(mx);
    }
  }
  // Soft evidence: λ (scaled to a maximum of 1) into the home clique of each unobserved variable.
  for (const Factor& f : soft) {
    const VariableId v = f.variables()[0];
    if (find_observed(evidence, v)) continue;
    const std::size_t h = home[v];
    const double mx = f.max();
    const auto lambda = f.values();
    double* t = psi + fl.off[h];
    for_each_state_block(fl.size[h], cards[v], fl.home_stride[v], [&](std::size_t b, std::size_t st) {
      const double x = lambda[st] / mx;
      for (std::size_t j = 0; j < fl.home_stride[v]; ++j) t[b + j] *= x;
    });
    log_z += std::log(mx);
    acc[h] += std::log(mx);
  }
  for (const auto& [v, s] : evidence) {
    if (in_pattern_[v] || home[v] == k) continue;  // not held: a tree for targets left it out
    const std::size_t h = home[v];
    double* t = psi + fl.off[h];
    const std::size_t stride = fl.home_stride[v];
    for_each_state_block(fl.size[h], cards[v], stride, [&, s = s](std::size_t b, std::size_t st) {
      if (st != s) std::fill(t + b, t + b + stride, 0.0);
    });
  }
  for (std::size_t c : postorder_) {
    const std::size_t p = parent_[c];
    double* t = psi + fl.off[c];
    const std::size_t sz = fl.size[c];
    if (p == k) {
      double z = 0;
      for (std::size_t i = 0; i < sz; ++i) z += t[i];
      if (!(z > 0.0)) throw_zero(vars, evidence);
      if (!std::isfinite(z)) throw NumericalError("junction tree calibration overflowed");
      log_z += std::log(z);
      const double inv = 1.0 / z;
      for (std::size_t i = 0; i < sz; ++i) t[i] *= inv;
      continue;
    }
    if (live[c]) {
      log_z -= acc[c];
      sep_z[c] = std::exp(-acc[c]);
      continue;
    }
    double* s = sep + fl.sep_off[c];
    const std::size_t ss = fl.sep_size[c];
    std::fill(s, s + ss, 0.0);
    sum_runs(t, sz, s, fl.cmap.data() + fl.cmap_off[c], fl.crun[c]);
    double z = 0;
    for (std::size_t j = 0; j < ss; ++j) z += s[j];
    if (!(z > 0.0)) throw_zero(vars, evidence);
    log_z += std::log(z);
    acc[p] += acc[c] + std::log(z);
    sep_z[c] = z;
    const double inv = 1.0 / z;
    for (std::size_t j = 0; j < ss; ++j) s[j] *= inv;
    multiply_runs(psi + fl.off[p], fl.size[p], s, fl.pmap.data() + fl.pmap_off[c], fl.prun[c]);
  }
  for (std::size_t i = k; i-- > 0;) {
    const std::size_t c = postorder_[i];
    const std::size_t p = parent_[c];
    if (p == k) continue;
    const double* s = sep + fl.sep_off[c];
    double* f = fresh + fl.sep_off[c];
    const std::size_t ss = fl.sep_size[c];
    std::fill(f, f + ss, 0.0);
    sum_runs(psi + fl.off[p], fl.size[p], f, fl.pmap.data() + fl.pmap_off[c], fl.prun[c]);
    const double zt = sep_z[c];
    if (live[c]) {
      const double inv = 1.0 / zt;
      for (std::size_t j = 0; j < ss; ++j) f[j] *= inv;
    } else {
      for (std::size_t j = 0; j < ss; ++j) f[j] = s[j] == 0.0 ? 0.0 : f[j] / (s[j] * zt);
    }
    multiply_runs(psi + fl.off[c], fl.size[c], f, fl.cmap.data() + fl.cmap_off[c], fl.crun[c]);
  }
  CalibratedJunctionTree out;
  out.home_ = home_;
  out.no_clique_ = k;
  out.evidence_ = evidence;
  out.cardinalities_ = cardinalities_;
  out.marginal_offset_ = fl.marginal_offset;
  const auto& moff = *fl.marginal_offset;
  out.marginal_values_.assign(moff.back(), 0.0);
  for (VariableId v = 0; v < vars.size(); ++v) {
    const std::size_t h = home[v];
    if (h == k) continue;
    double* m = out.marginal_values_.data() + moff[v];
    const double* t = psi + fl.off[h];
    const std::size_t stride = fl.home_stride[v];
    for_each_state_block(fl.size[h], cards[v], stride, [&](std::size_t b, std::size_t st) {
      double acc = 0;
      for (std::size_t j = 0; j < stride; ++j) acc += t[b + j];
      m[st] += acc;
    });
    double z = 0;
    for (std::size_t st = 0; st < cards[v]; ++st) z += m[st];
    if (!(z > 0.0) || !std::isfinite(z)) throw NumericalError("junction tree marginal is not finite");
    for (std::size_t st = 0; st < cards[v]; ++st) m[st] /= z;
  }
  out.log_probability_of_evidence_ = log_z;
  out.probability_of_evidence_ = std::exp(log_z);
  return out;
}

Factor CalibratedJunctionTree::marginal(VariableId v) const {
  const auto& cards = *cardinalities_;
  if (v >= cards.size()) throw QueryError("variable id " + std::to_string(v) + " is out of range");
  if (const auto* o = find_observed(evidence_, v)) {
    std::vector<double> t(cards[v], 0.0);
    t[o->second] = 1.0;
    return Factor({v}, {cards[v]}, std::move(t));
  }
  if ((*home_)[v] == no_clique_)
    throw QueryError("variable id " + std::to_string(v) + " is not in this junction tree (it was built for other targets)");
  if (marginal_offset_) {
    const double* m = marginal_values_.data() + (*marginal_offset_)[v];
    return Factor({v}, {cards[v]}, std::vector<double>(m, m + cards[v]));
  }
  const Factor& b = beliefs_[(*home_)[v]];
  const VariableId keep[1] = {v};
  return normalize(pgm::marginal(b, keep));
}

std::span<const double> CalibratedJunctionTree::computed_marginal(VariableId v) const noexcept {
  if (!marginal_offset_ || v >= cardinalities_->size() || (*home_)[v] == no_clique_ || find_observed(evidence_, v))
    return {};
  return {marginal_values_.data() + (*marginal_offset_)[v], (*cardinalities_)[v]};
}

std::optional<Factor> CalibratedJunctionTree::joint_in_clique(std::span<const VariableId> vars) const {
  std::vector<VariableId> keep;
  for (VariableId v : vars)
    if (!find_observed(evidence_, v)) keep.push_back(v);
  if (keep.empty()) return Factor::scalar(1.0);
  for (const Factor& b : beliefs_) {
    bool all = true;
    for (VariableId v : keep) all = all && b.contains(v);
    if (!all) continue;
    if (b.arity() == keep.size()) return b;  // already normalised
    return normalize(pgm::marginal(b, keep));
  }
  return std::nullopt;
}

std::vector<Factor> CalibratedJunctionTree::marginals() const {
  std::vector<Factor> out;
  const std::size_t n = cardinalities_->size();
  out.reserve(n);
  for (VariableId v = 0; v < n; ++v) out.push_back(marginal(v));
  return out;
}

}  // namespace pgm
