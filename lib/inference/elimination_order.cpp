#include <pgm/core/error.hpp>
#include <pgm/inference/elimination_order.hpp>

#include <algorithm>
#include <chrono>
#include <random>
#include <cmath>
#include <limits>

namespace pgm {

std::string_view to_string(EliminationHeuristic h) {
  switch (h) {
    case EliminationHeuristic::min_degree: return "min-degree";
    case EliminationHeuristic::min_fill: return "min-fill";
    case EliminationHeuristic::weighted_min_fill: return "weighted-min-fill";
    case EliminationHeuristic::automatic: return "automatic";
  }
  return "unknown";
}

namespace {

constexpr double kHuge = std::numeric_limits<double>::max();

double saturating_mul(double a, double b) {
  const double r = a * b;
  return std::isfinite(r) ? r : kHuge;
}

// Scratch interaction graph for simulating elimination: sorted adjacency vectors, nodes removed by
// marking. Never touches the model's graphs.
struct Interaction {
  std::vector<std::vector<VariableId>> adj;
  std::vector<bool> gone;
  std::vector<double> card;

  Interaction(std::span<const std::vector<VariableId>> scopes, std::span<const std::size_t> cards)
      : adj(cards.size()), gone(cards.size(), false), card(cards.begin(), cards.end()) {
    for (const auto& s : scopes)
      for (std::size_t i = 0; i < s.size(); ++i)
        for (std::size_t j = i + 1; j < s.size(); ++j) connect(s[i], s[j]);
  }
  bool has(VariableId u, VariableId v) const { return std::binary_search(adj[u].begin(), adj[u].end(), v); }
  void connect(VariableId u, VariableId v) {
    if (u == v || has(u, v)) return;
    adj[u].insert(std::lower_bound(adj[u].begin(), adj[u].end(), v), v);
    adj[v].insert(std::lower_bound(adj[v].begin(), adj[v].end(), u), u);
  }
  // Neighbours still present.
  void live(VariableId v, std::vector<VariableId>& out) const {
    out.clear();
    for (VariableId u : adj[v])
      if (!gone[u]) out.push_back(u);
  }
  double score(VariableId v, EliminationHeuristic h, std::vector<VariableId>& nb) const {
    live(v, nb);
    if (h == EliminationHeuristic::min_degree) return static_cast<double>(nb.size());
    double fill = 0;
    for (std::size_t i = 0; i < nb.size(); ++i)
      for (std::size_t j = i + 1; j < nb.size(); ++j)
        if (!has(nb[i], nb[j])) fill += h == EliminationHeuristic::weighted_min_fill ? card[nb[i]] * card[nb[j]] : 1.0;
    return fill;
  }
  double clique_size(VariableId v, const std::vector<VariableId>& nb) const {
    double s = card[v];
    for (VariableId u : nb) s = saturating_mul(s, card[u]);
    return s;
  }
};

}  // namespace

EliminationOrder EliminationOrder::evaluate(std::span<const std::vector<VariableId>> scopes,
                                            std::span<const std::size_t> cardinalities, std::vector<VariableId> order,
                                            EliminationHeuristic heuristic) {
  Interaction g(scopes, cardinalities);
  EliminationOrder r;
  r.heuristic_ = heuristic;
  r.order_ = std::move(order);
  r.cliques_.reserve(r.order_.size());
  std::vector<VariableId> nb;
  for (VariableId v : r.order_) {
    if (v >= g.adj.size() || g.gone[v]) throw QueryError("elimination order names variable " + std::to_string(v) + " twice or out of range");
    g.live(v, nb);
    const double size = g.clique_size(v, nb);
    r.width_ = std::max(r.width_, nb.size());
    r.max_clique_ = std::max(r.max_clique_, size);
    r.total_cost_ = std::min(kHuge, r.total_cost_ + size);
    for (std::size_t i = 0; i < nb.size(); ++i)
      for (std::size_t j = i + 1; j < nb.size(); ++j) g.connect(nb[i], nb[j]);
    g.gone[v] = true;
    std::vector<VariableId> clique = nb;
    clique.insert(std::lower_bound(clique.begin(), clique.end(), v), v);
    r.cliques_.push_back(std::move(clique));
  }
  return r;
}

EliminationOrder EliminationOrder::find(std::span<const std::vector<VariableId>> scopes,
                                        std::span<const std::size_t> cardinalities,
                                        std::span<const VariableId> eliminate, EliminationHeuristic heuristic) {
  return find(scopes, cardinalities, eliminate, heuristic, 0);
}

EliminationOrder EliminationOrder::find_with_restarts(std::span<const std::vector<VariableId>> scopes,
                                                      std::span<const std::size_t> cardinalities,
                                                      std::span<const VariableId> eliminate, double budget_seconds,
                                                      std::uint64_t seed) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  EliminationOrder best = find(scopes, cardinalities, eliminate, EliminationHeuristic::automatic, 0);
  std::mt19937_64 rng(seed);
  // The first (deterministic) round ran three heuristics; a restart runs one. Stop before a restart
  // that would overrun the budget, so dense graphs where one run is slow do not run long.
  const double per_run = std::chrono::duration<double>(Clock::now() - start).count() / 3.0;
  for (unsigned run = 0;; ++run) {
    if (std::chrono::duration<double>(Clock::now() - start).count() + per_run > budget_seconds) break;
    const auto h = run % 2 == 0 ? EliminationHeuristic::min_fill : EliminationHeuristic::weighted_min_fill;
    EliminationOrder o = find(scopes, cardinalities, eliminate, h, rng() | 1);
    if (o.total_cost_ < best.total_cost_) best = std::move(o);
  }
  return best;
}

EliminationOrder EliminationOrder::find(std::span<const std::vector<VariableId>> scopes,
                                        std::span<const std::size_t> cardinalities,
                                        std::span<const VariableId> eliminate, EliminationHeuristic heuristic,
                                        std::uint64_t seed) {
  if (heuristic == EliminationHeuristic::automatic) {
    EliminationOrder best;
    bool first = true;
    for (auto h : {EliminationHeuristic::min_fill, EliminationHeuristic::weighted_min_fill,
                   EliminationHeuristic::min_degree}) {
      EliminationOrder o = find(scopes, cardinalities, eliminate, h, seed);
      if (first || o.total_cost_ < best.total_cost_) best = std::move(o);
      first = false;
    }
    return best;
  }
  Interaction g(scopes, cardinalities);
  const std::size_t n = cardinalities.size();
  std::vector<bool> candidate(n, false);
  for (VariableId v : eliminate) {
    if (v >= n) throw QueryError("variable id " + std::to_string(v) + " out of range in elimination");
    candidate[v] = true;
  }
  // Scores are cached and refreshed only near the eliminated node (its neighbours and theirs),
  // the only places where fill counts can change.
  std::vector<double> score(n, 0), size(n, 0);
  std::vector<VariableId> nb, nb2;
  auto refresh = [&](VariableId v) {
    score[v] = g.score(v, heuristic, nb2);
    size[v] = g.clique_size(v, nb2);
  };
  for (VariableId v = 0; v < n; ++v)
    if (candidate[v]) refresh(v);
  std::vector<VariableId> order;
  order.reserve(eliminate.size());
  std::vector<unsigned> stamp(n, 0);
  unsigned round = 0;
  std::mt19937_64 rng(seed);
  for (std::size_t step = 0; step < eliminate.size(); ++step) {
    VariableId best = 0;
    bool found = false;
    std::size_t ties = 0;
    for (VariableId v = 0; v < n; ++v) {
      if (!candidate[v] || g.gone[v]) continue;
      if (!found || score[v] < score[best] || (score[v] == score[best] && size[v] < size[best])) {
        best = v;
        found = true;
        ties = 1;
      } else if (seed != 0 && score[v] == score[best] && size[v] == size[best]) {
        // Reservoir choice among equally good candidates.
        if (rng() % ++ties == 0) best = v;
      }
    }
    if (!found) break;
    g.live(best, nb);
    for (std::size_t i = 0; i < nb.size(); ++i)
      for (std::size_t j = i + 1; j < nb.size(); ++j) g.connect(nb[i], nb[j]);
    g.gone[best] = true;
    order.push_back(best);
    ++round;
    for (VariableId u : nb) {
      if (stamp[u] != round && candidate[u]) {
        stamp[u] = round;
        refresh(u);
      }
      if (heuristic == EliminationHeuristic::min_degree) continue;
      for (VariableId w : g.adj[u])
        if (!g.gone[w] && candidate[w] && stamp[w] != round) {
          stamp[w] = round;
          refresh(w);
        }
    }
  }
  return evaluate(scopes, cardinalities, std::move(order), heuristic);
}

}  // namespace pgm
