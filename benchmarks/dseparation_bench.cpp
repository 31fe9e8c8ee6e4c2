// d-separation (Bayes-ball) on random DAGs of 10^3, 10^4 and 10^5 nodes with about two parents per
// node: the time per (nodes + edges) should stay flat as the graph grows (linear-time algorithm).
//   pgm_benchmarks --benchmark_filter=DSep
// "per_node_edge" is seconds per (nodes + edges); "reached" the fraction of nodes on an active trail
// from X (how much of the graph the walk really covered).
#include <pgm/graph/dag.hpp>
#include <pgm/independence/d_separation.hpp>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <map>
#include <memory>
#include <random>
#include <vector>

namespace {

using pgm::Dag;
using pgm::VariableId;

constexpr std::size_t kQueries = 32;

struct Instance {
  Dag dag;
  std::vector<std::vector<VariableId>> xs, ys, zs;  // kQueries random queries
};

// Node i draws min(i, 2) distinct parents uniformly among nodes 0..i-1; ids are then shuffled so
// the id order is not a topological order.
const Instance& instance(std::size_t n) {
  static std::map<std::size_t, std::unique_ptr<Instance>> cache;
  auto& slot = cache[n];
  if (slot) return *slot;
  std::mt19937_64 rng(n);
  std::vector<VariableId> relabel(n);
  for (std::size_t i = 0; i < n; ++i) relabel[i] = static_cast<VariableId>(i);
  std::shuffle(relabel.begin(), relabel.end(), rng);
  slot = std::make_unique<Instance>(Instance{Dag(n), {}, {}, {}});
  for (std::size_t i = 1; i < n; ++i) {
    std::uniform_int_distribution<std::size_t> pick(0, i - 1);
    const std::size_t a = pick(rng);
    slot->dag.add_edge(relabel[a], relabel[i]);
    if (i >= 2) {
      std::size_t b = pick(rng);
      while (b == a) b = pick(rng);
      slot->dag.add_edge(relabel[b], relabel[i]);
    }
  }
  // X and Y single nodes, Z 1% of the nodes (observed colliders open trails), all disjoint.
  std::uniform_int_distribution<VariableId> node(0, static_cast<VariableId>(n - 1));
  for (std::size_t q = 0; q < kQueries; ++q) {
    std::vector<bool> used(n, false);
    auto draw = [&] {
      VariableId v = node(rng);
      while (used[v]) v = node(rng);
      used[v] = true;
      return v;
    };
    slot->xs.push_back({draw()});
    slot->ys.push_back({draw()});
    std::vector<VariableId> z;
    for (std::size_t k = 0; k < n / 100; ++k) z.push_back(draw());
    slot->zs.push_back(std::move(z));
  }
  return *slot;
}

void set_counters(benchmark::State& state, const Instance& inst, double reached) {
  const auto size = static_cast<double>(inst.dag.num_nodes() + inst.dag.num_edges());
  state.SetComplexityN(static_cast<benchmark::IterationCount>(size));
  state.counters["nodes"] = static_cast<double>(inst.dag.num_nodes());
  state.counters["edges"] = static_cast<double>(inst.dag.num_edges());
  state.counters["per_node_edge"] =
      benchmark::Counter(size, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
  state.counters["reached"] = reached;
}

// The full reachable set: the walk never stops early, so this is the algorithm's whole cost.
void BM_DSeparatedFrom(benchmark::State& state) {
  const Instance& inst = instance(static_cast<std::size_t>(state.range(0)));
  std::size_t q = 0, reached = 0, runs = 0;
  for (auto _ : state) {
    const std::vector<bool> mask = pgm::reachable(inst.dag, inst.xs[q], inst.zs[q]);
    benchmark::DoNotOptimize(mask);
    if (runs < kQueries) {
      for (bool b : mask) reached += b;
      ++runs;
    }
    q = (q + 1) % kQueries;
  }
  set_counters(state, inst, static_cast<double>(reached) / static_cast<double>(runs * inst.dag.num_nodes()));
}
BENCHMARK(BM_DSeparatedFrom)->RangeMultiplier(10)->Range(1000, 100000)->Complexity(benchmark::oN)->Unit(benchmark::kMicrosecond);

// X ⟂ Y | Z with the witness trail: stops at the first node of Y, so it can be cheaper.
void BM_DSeparation(benchmark::State& state) {
  const Instance& inst = instance(static_cast<std::size_t>(state.range(0)));
  std::size_t q = 0, independent = 0, runs = 0;
  for (auto _ : state) {
    const pgm::StructuralIndependence r = pgm::d_separation(inst.dag, inst.xs[q], inst.ys[q], inst.zs[q]);
    benchmark::DoNotOptimize(r.trail.data());
    if (runs < kQueries) {
      independent += r.independent;
      ++runs;
    }
    q = (q + 1) % kQueries;
  }
  set_counters(state, inst, 0.0);
  state.counters.erase("reached");
  state.counters["independent"] = static_cast<double>(independent) / static_cast<double>(runs);
}
BENCHMARK(BM_DSeparation)->RangeMultiplier(10)->Range(1000, 100000)->Complexity(benchmark::oN)->Unit(benchmark::kMicrosecond);

}  // namespace
