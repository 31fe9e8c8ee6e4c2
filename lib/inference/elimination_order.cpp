#include <pgm/core/error.hpp>
#include <pgm/inference/elimination_order.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

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

// Scratch interaction graph for simulating elimination; never touches the model's graphs.
// Adjacency lists stay sorted by id. An eliminated node is only marked gone: it leaves its
// neighbours' lists when a list is compacted (once it holds more gone entries than live ones), so
// eliminating a neighbour of a high-degree node costs O(1) there instead of a shift of its list.
struct Graph {
  std::vector<std::vector<VariableId>> adj;
  std::vector<std::uint32_t> deg;    // live neighbours
  std::vector<std::uint32_t> stale;  // gone entries still in adj[v]
  std::vector<char> gone;
  std::vector<double> card, log2card;

  Graph(std::span<const std::vector<VariableId>> scopes, std::span<const std::size_t> cards)
      : adj(cards.size()), deg(cards.size(), 0), stale(cards.size(), 0), gone(cards.size(), 0),
        card(cards.begin(), cards.end()), log2card(cards.size()) {
    for (std::size_t v = 0; v < cards.size(); ++v) log2card[v] = std::log2(card[v]);
    const std::size_t n = cards.size();
    // Two passes (count, then fill) so each list is allocated once.
    for (const auto& s : scopes)
      for (VariableId v : s) {
        if (v >= n)
          throw QueryError("factor scope names variable id " + std::to_string(v) + ", but there are " +
                           std::to_string(n) + " variables");
        deg[v] += static_cast<std::uint32_t>(s.size() - 1);
      }
    for (VariableId v = 0; v < n; ++v) adj[v].reserve(deg[v]);
    for (const auto& s : scopes)
      for (std::size_t i = 0; i < s.size(); ++i)
        for (std::size_t j = i + 1; j < s.size(); ++j)
          if (s[i] != s[j]) {
            adj[s[i]].push_back(s[j]);
            adj[s[j]].push_back(s[i]);
          }
    for (VariableId v = 0; v < n; ++v) {
      auto& a = adj[v];
      std::sort(a.begin(), a.end());
      a.erase(std::unique(a.begin(), a.end()), a.end());
      deg[v] = static_cast<std::uint32_t>(a.size());
    }
  }
  [[nodiscard]] std::size_t size() const noexcept { return adj.size(); }
  [[nodiscard]] bool has(VariableId u, VariableId v) const {
    return std::binary_search(adj[u].begin(), adj[u].end(), v);
  }
  // Neighbours still present, ascending.
  void live(VariableId v, std::vector<VariableId>& out) const {
    out.clear();
    for (VariableId u : adj[v])
      if (!gone[u]) out.push_back(u);
  }
  void insert_edge(VariableId u, VariableId v) {
    adj[u].insert(std::lower_bound(adj[u].begin(), adj[u].end(), v), v);
    adj[v].insert(std::lower_bound(adj[v].begin(), adj[v].end(), u), u);
    ++deg[u];
    ++deg[v];
  }
  // Marks v gone; `nb` are its live neighbours.
  void remove(VariableId v, const std::vector<VariableId>& nb) {
    gone[v] = 1;
    for (VariableId u : nb) {
      --deg[u];
      if (++stale[u] > 8 && stale[u] > deg[u]) {
        auto& a = adj[u];
        a.erase(std::remove_if(a.begin(), a.end(), [&](VariableId w) { return gone[w] != 0; }), a.end());
        stale[u] = 0;
      }
    }
    adj[v].clear();
    adj[v].shrink_to_fit();
  }
};

// The clique of v and its live neighbours `nb`, as a product of cardinalities (saturating).
double clique_size(const Graph& g, VariableId v, const std::vector<VariableId>& nb) {
  double s = g.card[v];
  for (VariableId u : nb) s = saturating_mul(s, g.card[u]);
  return s;
}

// Accumulates the figures of an order as it is eliminated.
struct Tally {
  std::vector<VariableId> order;
  std::vector<std::vector<VariableId>> cliques;
  std::vector<double> sizes;
  std::size_t width = 0;
  double max_clique = 1;
  double total = 0;

  void add(VariableId v, const std::vector<VariableId>& nb, double size) {
    order.push_back(v);
    sizes.push_back(size);
    width = std::max(width, nb.size());
    max_clique = std::max(max_clique, size);
    total = std::min(kHuge, total + size);
    std::vector<VariableId>& clique = cliques.emplace_back();
    clique.reserve(nb.size() + 1);
    const auto at = std::lower_bound(nb.begin(), nb.end(), v);
    clique.insert(clique.end(), nb.begin(), at);
    clique.push_back(v);
    clique.insert(clique.end(), at, nb.end());
  }

  // Sum over the maximal cliques only: what a junction tree built from this order allocates and
  // calibrates. Clique i hangs under p, the first of its other variables eliminated; C(i) minus
  // its variable lies inside C(p), so C(p) is not maximal exactly when it is that set.
  [[nodiscard]] double tree_cost(std::size_t n) const {
    const std::size_t m = order.size();
    std::vector<std::size_t> pos(n, m);
    for (std::size_t i = 0; i < m; ++i) pos[order[i]] = i;
    std::vector<char> maximal(m, 1);
    for (std::size_t i = 0; i < m; ++i) {
      std::size_t p = m;
      for (VariableId u : cliques[i])
        if (u != order[i]) p = std::min(p, pos[u]);
      if (p < m && cliques[p].size() + 1 == cliques[i].size()) maximal[p] = 0;
    }
    double t = 0;
    for (std::size_t i = 0; i < m; ++i)
      if (maximal[i]) t = std::min(kHuge, t + sizes[i]);
    return t;
  }
};

// Greedy elimination with scores kept up to date incrementally and a binary heap (lazy deletion)
// choosing the next variable, so a step costs time in the size of the eliminated variable's
// neighbourhood, not in the number of variables. Fill scores follow two elementary changes:
//  * adding an edge x-y removes the missing pair {x, y} from every common neighbour, and gives x
//    the new missing pairs {y, z} for its neighbours z not adjacent to y (and symmetrically);
//  * removing v (whose neighbourhood is a clique by then) removes from each neighbour u the pairs
//    {v, z} for u's neighbours z outside v's closed neighbourhood.
// Orders are exactly those of rescanning all candidates with ties broken by lowest id (seed 0) or
// at random (seed != 0).
class Greedy {
 public:
  Greedy(std::span<const std::vector<VariableId>> scopes, std::span<const std::size_t> cards,
         EliminationHeuristic h, std::uint64_t seed)
      : g_(scopes, cards), h_(h), seed_(seed), rng_(seed), ver_(g_.size(), 0), stamp_(g_.size(), 0),
        candidate_(g_.size(), 0) {
    const std::size_t n = g_.size();
    logsize_.assign(n, 0.0);
    for (VariableId v = 0; v < n; ++v) {
      double ls = g_.log2card[v];
      for (VariableId u : g_.adj[v]) ls += g_.log2card[u];
      logsize_[v] = ls;
    }
    if (h_ == EliminationHeuristic::min_degree) return;
    fill_.assign(n, 0.0);
    wsum_.assign(n, 0.0);
    const bool weighted = h_ == EliminationHeuristic::weighted_min_fill;
    // Missing pairs = all pairs of neighbours minus the edges among them (triangles through the
    // node), found by the degree-ordered forward algorithm in O(m^1.5).
    std::vector<double> pairs(n, 0.0), sq(n, 0.0);
    for (VariableId v = 0; v < n; ++v) {
      double s = 0, q = 0;
      for (VariableId u : g_.adj[v]) {
        s += g_.card[u];
        q += g_.card[u] * g_.card[u];
      }
      wsum_[v] = s;
      const double d = g_.deg[v];
      pairs[v] = weighted ? (s * s - q) / 2 : d * (d - 1) / 2;
    }
    auto before = [&](VariableId a, VariableId b) { return g_.deg[a] < g_.deg[b] || (g_.deg[a] == g_.deg[b] && a < b); };
    std::vector<std::vector<VariableId>> fwd(n);
    for (VariableId v = 0; v < n; ++v)
      for (VariableId u : g_.adj[v])
        if (before(v, u)) fwd[v].push_back(u);
    std::vector<VariableId> mark(n, static_cast<VariableId>(n));
    for (VariableId a = 0; a < n; ++a) {
      for (VariableId b : fwd[a]) mark[b] = a;
      for (VariableId b : fwd[a])
        for (VariableId c : fwd[b])
          if (mark[c] == a) {
            fill_[a] += weight(b, c);
            fill_[b] += weight(a, c);
            fill_[c] += weight(a, b);
          }
    }
    for (VariableId v = 0; v < n; ++v) fill_[v] = pairs[v] - fill_[v];
  }

  Tally run(std::span<const VariableId> eliminate) {
    Tally t;
    run(eliminate, t);
    return t;
  }

  // Eliminates `eliminate` (greedily among themselves) from the graph as the earlier runs left it,
  // appending to t: a later run sees their fill-in, so runs in sequence give a constrained order.
  void run(std::span<const VariableId> eliminate, Tally& t) {
    const std::size_t n = g_.size();
    for (VariableId v : eliminate) {
      if (v >= n) throw QueryError("variable id " + std::to_string(v) + " out of range in elimination");
      if (g_.gone[v]) throw QueryError("variable id " + std::to_string(v) + " is eliminated twice");
      candidate_[v] = 1;
    }
    heap_.clear();
    heap_.reserve(2 * eliminate.size());
    for (VariableId v = 0; v < n; ++v)
      if (candidate_[v] && !g_.gone[v]) push(v, false);
    std::make_heap(heap_.begin(), heap_.end(), Later{});
    t.sizes.reserve(t.sizes.size() + eliminate.size());
    t.order.reserve(t.order.size() + eliminate.size());
    t.cliques.reserve(t.cliques.size() + eliminate.size());
    while (!heap_.empty()) {
      std::pop_heap(heap_.begin(), heap_.end(), Later{});
      const Entry e = heap_.back();
      heap_.pop_back();
      if (g_.gone[e.v] || e.ver != ver_[e.v]) continue;
      step(e.v, t);
    }
  }

 private:
  struct Entry {
    double score, size;
    std::uint64_t tie;
    VariableId v;
    std::uint32_t ver;
  };
  // Heap order: the smallest (score, size, tie) on top.
  struct Later {
    bool operator()(const Entry& a, const Entry& b) const {
      if (a.score != b.score) return a.score > b.score;
      if (a.size != b.size) return a.size > b.size;
      return a.tie > b.tie;
    }
  };

  double weight(VariableId a, VariableId b) const {
    return h_ == EliminationHeuristic::weighted_min_fill ? g_.card[a] * g_.card[b] : 1.0;
  }

  double size_of(VariableId v) {
    // Small neighbourhoods: the exact saturating product in id order (as evaluate() computes it);
    // large ones from the running sum of log cardinalities, so a hub costs O(1) per change.
    if (g_.deg[v] <= 64) {
      g_.live(v, scratch_);
      return clique_size(g_, v, scratch_);
    }
    return logsize_[v] >= 1023 ? kHuge : std::exp2(logsize_[v]);
  }

  void push(VariableId v, bool keep_heap = true) {
    const double score = h_ == EliminationHeuristic::min_degree ? static_cast<double>(g_.deg[v]) : fill_[v];
    const std::uint64_t tie = seed_ == 0 ? v : rng_();
    heap_.push_back({score, size_of(v), tie, v, ++ver_[v]});
    if (keep_heap) std::push_heap(heap_.begin(), heap_.end(), Later{});
  }

  void touch(VariableId v) {
    if (stamp_[v] != round_) {
      stamp_[v] = round_;
      touched_.push_back(v);
    }
  }

  void add_edge(VariableId x, VariableId y) {
    if (h_ != EliminationHeuristic::min_degree) {
      const auto& ax = g_.adj[x];
      const auto& ay = g_.adj[y];
      const auto& small = ax.size() <= ay.size() ? ax : ay;
      const auto& large = ax.size() <= ay.size() ? ay : ax;
      double count = 0, csum = 0;
      const double w = weight(x, y);
      for (VariableId z : small) {
        if (g_.gone[z] || !std::binary_search(large.begin(), large.end(), z)) continue;
        count += 1;
        csum += g_.card[z];
        fill_[z] -= w;
        touch(z);
      }
      if (h_ == EliminationHeuristic::weighted_min_fill) {
        fill_[x] += g_.card[y] * (wsum_[x] - csum);
        fill_[y] += g_.card[x] * (wsum_[y] - csum);
      } else {
        fill_[x] += g_.deg[x] - count;
        fill_[y] += g_.deg[y] - count;
      }
      wsum_[x] += g_.card[y];
      wsum_[y] += g_.card[x];
    }
    logsize_[x] += g_.log2card[y];
    logsize_[y] += g_.log2card[x];
    g_.insert_edge(x, y);
    touch(x);
    touch(y);
  }

  void step(VariableId v, Tally& t) {
    ++round_;
    touched_.clear();
    g_.live(v, nb_);
    t.add(v, nb_, clique_size(g_, v, nb_));
    for (std::size_t i = 0; i < nb_.size(); ++i)
      for (std::size_t j = i + 1; j < nb_.size(); ++j)
        if (!g_.has(nb_[i], nb_[j])) add_edge(nb_[i], nb_[j]);
    const double cv = g_.card[v];
    const double lv = g_.log2card[v];
    for (VariableId u : nb_) logsize_[u] -= lv;
    if (h_ != EliminationHeuristic::min_degree) {
      double nbsum = 0;
      for (VariableId u : nb_) nbsum += g_.card[u];
      for (VariableId u : nb_) {
        if (h_ == EliminationHeuristic::weighted_min_fill)
          fill_[u] -= cv * (wsum_[u] - cv - (nbsum - g_.card[u]));
        else
          fill_[u] -= static_cast<double>(g_.deg[u]) - static_cast<double>(nb_.size());
        wsum_[u] -= cv;
      }
    }
    g_.remove(v, nb_);
    for (VariableId u : nb_) touch(u);
    for (VariableId u : touched_)
      if (candidate_[u] && !g_.gone[u]) push(u);
  }

  Graph g_;
  EliminationHeuristic h_;
  std::uint64_t seed_;
  std::mt19937_64 rng_;
  std::vector<double> fill_, wsum_, logsize_;
  std::vector<std::uint32_t> ver_, stamp_;
  std::vector<char> candidate_;
  std::vector<Entry> heap_;
  std::vector<VariableId> nb_, scratch_, touched_;
  std::uint32_t round_ = 0;
};

// Deterministic measure of the work of one greedy run that produced these cliques: the adjacency
// tests of forming each clique (its size squared) plus one unit per variable.
double run_work(const std::vector<std::vector<VariableId>>& cliques) {
  double w = 0;
  for (const auto& c : cliques) w += 1.0 + static_cast<double>(c.size()) * static_cast<double>(c.size());
  return w;
}

}  // namespace

EliminationOrder EliminationOrder::evaluate(std::span<const std::vector<VariableId>> scopes,
                                            std::span<const std::size_t> cardinalities, std::vector<VariableId> order,
                                            EliminationHeuristic heuristic) {
  Graph g(scopes, cardinalities);
  Tally t;
  t.order.reserve(order.size());
  t.cliques.reserve(order.size());
  std::vector<VariableId> nb;
  for (VariableId v : order) {
    if (v >= g.size() || g.gone[v])
      throw QueryError("elimination order names variable " + std::to_string(v) + " twice or out of range");
    g.live(v, nb);
    t.add(v, nb, clique_size(g, v, nb));
    for (std::size_t i = 0; i < nb.size(); ++i)
      for (std::size_t j = i + 1; j < nb.size(); ++j)
        if (!g.has(nb[i], nb[j])) g.insert_edge(nb[i], nb[j]);
    g.remove(v, nb);
  }
  EliminationOrder r;
  r.heuristic_ = heuristic;
  r.tree_cost_ = t.tree_cost(cardinalities.size());
  r.order_ = std::move(t.order);
  r.cliques_ = std::move(t.cliques);
  r.width_ = t.width;
  r.max_clique_ = t.max_clique;
  r.total_cost_ = t.total;
  return r;
}

EliminationOrder EliminationOrder::find(std::span<const std::vector<VariableId>> scopes,
                                        std::span<const std::size_t> cardinalities,
                                        std::span<const VariableId> eliminate, EliminationHeuristic heuristic) {
  return find(scopes, cardinalities, eliminate, heuristic, 0);
}

EliminationOrder EliminationOrder::find_with_restarts(std::span<const std::vector<VariableId>> scopes,
                                                      std::span<const std::size_t> cardinalities,
                                                      std::span<const VariableId> eliminate,
                                                      const RestartBudget& budget, std::uint64_t seed) {
  return improve_with_restarts(find(scopes, cardinalities, eliminate, EliminationHeuristic::automatic, 0), scopes,
                               cardinalities, eliminate, budget, seed);
}

EliminationOrder EliminationOrder::improve_with_restarts(EliminationOrder start,
                                                         std::span<const std::vector<VariableId>> scopes,
                                                         std::span<const std::size_t> cardinalities,
                                                         std::span<const VariableId> eliminate,
                                                         const RestartBudget& budget, std::uint64_t seed) {
  EliminationOrder best = std::move(start);
  if (budget.effort <= 0 || budget.max_restarts == 0) return best;
  std::mt19937_64 rng(seed);
  // Orders are compared by the junction tree they give (maximal cliques only): most orders that
  // lower total_cost() only shrink cliques the tree absorbs anyway. A better order can save at most
  // that tree's size per calibration, so restarts may spend `effort` times it in work; a run
  // costs about what the first one did.
  const double allowance = budget.effort * best.tree_cost_;
  double spent = 0;
  const double per_run = run_work(best.cliques_);
  unsigned since_better = 0;
  for (unsigned run = 0; run < budget.max_restarts; ++run) {
    if (spent + per_run > allowance || since_better >= budget.patience) break;
    const auto h = run % 2 == 0 ? EliminationHeuristic::min_fill : EliminationHeuristic::weighted_min_fill;
    EliminationOrder o = find(scopes, cardinalities, eliminate, h, rng() | 1);
    spent += run_work(o.cliques_);
    if (o.tree_cost_ < best.tree_cost_ || (o.tree_cost_ == best.tree_cost_ && o.total_cost_ < best.total_cost_)) {
      best = std::move(o);
      since_better = 0;
    } else {
      ++since_better;
    }
  }
  return best;
}

EliminationOrder EliminationOrder::find_staged(std::span<const std::vector<VariableId>> scopes,
                                               std::span<const std::size_t> cardinalities,
                                               std::span<const std::vector<VariableId>> stages,
                                               EliminationHeuristic heuristic) {
  if (heuristic == EliminationHeuristic::automatic) {
    EliminationOrder best;
    bool first = true;
    for (auto h : {EliminationHeuristic::min_fill, EliminationHeuristic::weighted_min_fill,
                   EliminationHeuristic::min_degree}) {
      EliminationOrder o = find_staged(scopes, cardinalities, stages, h);
      if (first || o.total_cost_ < best.total_cost_) best = std::move(o);
      first = false;
    }
    return best;
  }
  Greedy greedy(scopes, cardinalities, heuristic, 0);
  Tally t;
  for (const auto& stage : stages) greedy.run(stage, t);
  EliminationOrder r;
  r.heuristic_ = heuristic;
  r.tree_cost_ = t.tree_cost(cardinalities.size());
  r.order_ = std::move(t.order);
  r.cliques_ = std::move(t.cliques);
  r.width_ = t.width;
  r.max_clique_ = t.max_clique;
  r.total_cost_ = t.total;
  return r;
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
  Greedy greedy(scopes, cardinalities, heuristic, seed);
  Tally t = greedy.run(eliminate);
  EliminationOrder r;
  r.heuristic_ = heuristic;
  r.tree_cost_ = t.tree_cost(cardinalities.size());
  r.order_ = std::move(t.order);
  r.cliques_ = std::move(t.cliques);
  r.width_ = t.width;
  r.max_clique_ = t.max_clique;
  r.total_cost_ = t.total;
  return r;
}

}  // namespace pgm
