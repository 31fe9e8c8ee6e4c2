// Most probable explanations (Model::mpe, Model::map) against one sum-product junction-tree
// calibration of the same network in the same run (issue 11: "MPE on munin and link: time as a
// multiple of one sum-product calibration"); read the ratio of CPU times.
//   pgm_benchmarks --benchmark_filter='Explain'
// Cases: no evidence ("none"), and 5 observed variables drawn with a fixed seed (their states
// redrawn until P(e) > 0), the same evidence for the calibration. The tree is built once outside
// the timing (specialise_evidence off: the full tree calibrated each time), as the MPE pass builds
// nothing ahead either; so the ratio is conservative for MPE. Networks not present are skipped.
#include <pgm/inference/junction_tree.hpp>
#include <pgm/io/load.hpp>
#include <pgm/query.hpp>

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

struct Net {
  pgm::BayesianNetwork bn;
  pgm::Evidence evidence;  // 5 observed variables, P(e) > 0
};

std::string networks_dir() {
  if (const char* d = std::getenv("PGM_NETWORKS")) return d;
  return PGM_BENCH_NETWORKS;
}

const Net* network(const std::string& name) {
  static std::map<std::string, std::unique_ptr<Net>> cache;
  if (auto it = cache.find(name); it != cache.end()) return it->second.get();
  auto& slot = cache[name];
  const std::string path = networks_dir() + "/" + name + ".bif";
  if (!std::filesystem::exists(path)) return nullptr;
  slot = std::make_unique<Net>(Net{std::get<pgm::BayesianNetwork>(pgm::io::load_model(path)), {}});
  const auto& vars = slot->bn.variables();
  std::mt19937_64 rng(11);
  std::vector<pgm::VariableId> ids(vars.size());
  for (pgm::VariableId v = 0; v < ids.size(); ++v) ids[v] = v;
  std::shuffle(ids.begin(), ids.end(), rng);
  std::vector<std::pair<pgm::VariableId, std::size_t>> pairs;
  for (std::size_t i = 0; i < 5; ++i)
    pairs.emplace_back(ids[i], std::uniform_int_distribution<std::size_t>(0, vars[ids[i]].cardinality() - 1)(rng));
  const pgm::Model m(slot->bn);
  for (std::size_t tries = 0; tries < 100; ++tries) {
    if (m.probability_of_evidence(pgm::query::Evidence::from_ids(m, pairs), "ve") > 0.0) break;
    auto& [v, s] = pairs[tries % pairs.size()];
    s = (s + 1) % vars[v].cardinality();
  }
  slot->evidence = pgm::Evidence(pairs);
  return slot.get();
}

template <class Fn>
void run(benchmark::State& state, const char* name, Fn&& fn) {
  const Net* n = network(name);
  if (!n) {
    state.SkipWithError("network not found");
    return;
  }
  fn(state, *n, state.range(0) != 0 ? n->evidence : pgm::Evidence{});
}

// The baseline: one sum-product calibration of the evidence-free tree under the evidence.
void BM_Explain_JTCalibrate(benchmark::State& state, const char* name) {
  run(state, name, [](benchmark::State& st, const Net& n, const pgm::Evidence& e) {
    pgm::JunctionTreeOptions o;
    o.specialise_evidence = false;
    const pgm::JunctionTree jt(n.bn, o);
    for (auto _ : st) benchmark::DoNotOptimize(jt.calibrate(e));
  });
}

void BM_Explain_MPE(benchmark::State& state, const char* name) {
  run(state, name, [](benchmark::State& st, const Net& n, const pgm::Evidence& e) {
    const pgm::Model m(n.bn);
    const auto ev = pgm::query::Evidence::from_ids(m, e.pairs());
    for (auto _ : st) benchmark::DoNotOptimize(m.mpe(ev));
  });
}

// MAP of 3 targets (the first unobserved variables in declared order), the rest summed out.
void BM_Explain_MAP3(benchmark::State& state, const char* name) {
  run(state, name, [](benchmark::State& st, const Net& n, const pgm::Evidence& e) {
    const pgm::Model m(n.bn);
    const auto ev = pgm::query::Evidence::from_ids(m, e.pairs());
    std::vector<std::string> targets;
    for (pgm::VariableId v = 0; v < n.bn.size() && targets.size() < 3; ++v)
      if (std::none_of(e.begin(), e.end(), [&](const auto& p) { return p.first == v; }))
        targets.push_back(n.bn.variables()[v].name);
    for (auto _ : st) benchmark::DoNotOptimize(m.map(targets, ev));
  });
}

#define PGM_EXPLAIN_NETS(bm)                                                                         \
  BENCHMARK_CAPTURE(bm, munin, "munin")->ArgName("evidence")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond); \
  BENCHMARK_CAPTURE(bm, link, "link")->ArgName("evidence")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)

PGM_EXPLAIN_NETS(BM_Explain_JTCalibrate);
PGM_EXPLAIN_NETS(BM_Explain_MPE);
PGM_EXPLAIN_NETS(BM_Explain_MAP3);

}  // namespace
