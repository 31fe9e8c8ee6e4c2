// Variable elimination and junction tree on shared bnlearn networks (../shared/networks/bif, or
// $PGM_NETWORKS): the engines' CPU time per query, to compare builds of the inference layer.
//   pgm_benchmarks --benchmark_filter='VE|JT'
// Evidence: 5 observed variables drawn with a fixed seed (their states too); targets: 3 unobserved
// variables. Networks that are not present are skipped with a message.
#include <pgm/inference/junction_tree.hpp>
#include <pgm/inference/variable_elimination.hpp>
#include <pgm/io/load.hpp>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace {

using pgm::BayesianNetwork;
using pgm::Evidence;
using pgm::VariableId;

struct Net {
  BayesianNetwork bn;
  Evidence evidence;
  std::vector<VariableId> targets;
  std::vector<VariableId> observed;
};

std::string networks_dir() {
  if (const char* d = std::getenv("PGM_NETWORKS")) return d;
  return PGM_BENCH_NETWORKS;
}

const Net* network(const std::string& name) {
  static std::map<std::string, std::unique_ptr<Net>> cache;
  auto it = cache.find(name);
  if (it != cache.end()) return it->second.get();
  auto& slot = cache[name];
  const std::string path = networks_dir() + "/" + name + ".bif";
  if (!std::filesystem::exists(path)) return nullptr;
  auto model = pgm::io::load_model(path);
  slot = std::make_unique<Net>(Net{std::get<BayesianNetwork>(std::move(model)), {}, {}, {}});
  const auto& vars = slot->bn.variables();
  std::mt19937_64 rng(7);
  std::vector<VariableId> ids(vars.size());
  for (VariableId v = 0; v < ids.size(); ++v) ids[v] = v;
  std::shuffle(ids.begin(), ids.end(), rng);
  for (std::size_t i = 0; i < 5; ++i) {
    std::uniform_int_distribution<std::size_t> state(0, vars[ids[i]].cardinality() - 1);
    slot->evidence.emplace_back(ids[i], state(rng));
    slot->observed.push_back(ids[i]);
  }
  for (std::size_t i = 5; i < 8; ++i) slot->targets.push_back(ids[i]);
  return slot.get();
}

// Evidence of probability zero (possible with deterministic CPTs) is redrawn by shifting states.
Evidence usable_evidence(const Net& n) {
  std::vector<std::pair<pgm::VariableId, std::size_t>> pairs(n.evidence.begin(), n.evidence.end());
  const pgm::VariableElimination ve(n.bn);
  for (std::size_t tries = 0; tries < 50 && !(ve.probability_of_evidence(Evidence(pairs)) > 0.0); ++tries) {
    auto& [v, s] = pairs[tries % pairs.size()];
    s = (s + 1) % n.bn.variables()[v].cardinality();
  }
  return Evidence(pairs);
}

template <class Fn>
void run(benchmark::State& state, const char* name, Fn&& fn) {
  const Net* n = network(name);
  if (!n) {
    state.SkipWithError("network not found");
    return;
  }
  const Evidence e = usable_evidence(*n);
  fn(state, *n, e);
}

void BM_VE_Joint(benchmark::State& state, const char* name) {
  run(state, name, [](benchmark::State& st, const Net& n, const Evidence& e) {
    const pgm::VariableElimination ve(n.bn);
    for (auto _ : st) benchmark::DoNotOptimize(ve.joint(n.targets, e));
  });
}

void BM_VE_Marginals(benchmark::State& state, const char* name) {
  run(state, name, [](benchmark::State& st, const Net& n, const Evidence& e) {
    const pgm::VariableElimination ve(n.bn);
    for (auto _ : st) benchmark::DoNotOptimize(ve.marginals(n.targets, e));
  });
}

void BM_VE_ProbabilityOfEvidence(benchmark::State& state, const char* name) {
  run(state, name, [](benchmark::State& st, const Net& n, const Evidence& e) {
    const pgm::VariableElimination ve(n.bn);
    for (auto _ : st) benchmark::DoNotOptimize(ve.log_probability_of_evidence(e));
  });
}

void BM_JT_Build(benchmark::State& state, const char* name) {
  run(state, name, [](benchmark::State& st, const Net& n, const Evidence&) {
    for (auto _ : st) {
      const pgm::JunctionTree jt(n.bn);
      benchmark::DoNotOptimize(jt.total_clique_size());
    }
  });
}

// The evidence-free tree reused, pattern cache off (calibrated on the full tree each time).
void BM_JT_Calibrate(benchmark::State& state, const char* name) {
  run(state, name, [](benchmark::State& st, const Net& n, const Evidence& e) {
    pgm::JunctionTreeOptions o;
    o.specialise_evidence = false;
    const pgm::JunctionTree jt(n.bn, o);
    for (auto _ : st) benchmark::DoNotOptimize(jt.calibrate(e).marginals());
  });
}

// One shot: a tree for the evidence pattern built and calibrated once.
void BM_JT_PatternOneShot(benchmark::State& state, const char* name) {
  run(state, name, [](benchmark::State& st, const Net& n, const Evidence& e) {
    for (auto _ : st) {
      const pgm::JunctionTree jt(n.bn, n.observed);
      benchmark::DoNotOptimize(jt.calibrate(e).marginals());
    }
  });
}

// One shot for named targets: the pattern tree over the targets' relevant part only (barren nodes
// dropped), and the targets' marginals. Compare with BM_JT_PatternOneShot of the same run.
void BM_JT_TargetsOneShot(benchmark::State& state, const char* name) {
  run(state, name, [](benchmark::State& st, const Net& n, const Evidence& e) {
    for (auto _ : st) {
      const pgm::JunctionTree jt(n.bn, n.targets, n.observed);
      const auto c = jt.calibrate(e);
      for (VariableId t : n.targets) benchmark::DoNotOptimize(c.marginal(t));
    }
  });
}

#define PGM_NETS(bm)                                                          \
  BENCHMARK_CAPTURE(bm, alarm, "alarm")->Unit(benchmark::kMicrosecond);       \
  BENCHMARK_CAPTURE(bm, insurance, "insurance")->Unit(benchmark::kMicrosecond); \
  BENCHMARK_CAPTURE(bm, hailfinder, "hailfinder")->Unit(benchmark::kMicrosecond); \
  BENCHMARK_CAPTURE(bm, win95pts, "win95pts")->Unit(benchmark::kMicrosecond); \
  BENCHMARK_CAPTURE(bm, pigs, "pigs")->Unit(benchmark::kMicrosecond);         \
  BENCHMARK_CAPTURE(bm, water, "water")->Unit(benchmark::kMicrosecond)

PGM_NETS(BM_VE_Joint);
PGM_NETS(BM_VE_Marginals);
PGM_NETS(BM_VE_ProbabilityOfEvidence);
PGM_NETS(BM_JT_Build);
PGM_NETS(BM_JT_Calibrate);
PGM_NETS(BM_JT_PatternOneShot);
PGM_NETS(BM_JT_TargetsOneShot);

}  // namespace
