// The samplers (issue 11) on alarm and hepar2 (../shared/networks/bif, or $PGM_NETWORKS): samples
// per CPU second, and how many samples cost as much as one exact junction-tree calibration of the
// same network with the same evidence, measured in the same run (counter samples_per_calibration).
//   pgm_benchmarks --benchmark_filter='LW|Gibbs|JTBaseline'
// Evidence: 5 observed variables drawn with a fixed seed (redrawn while P(e) = 0). One iteration is
// a run of 10000 samples (Gibbs: 10000 sweeps, no burn-in).
#include <pgm/inference/gibbs_sampling.hpp>
#include <pgm/inference/junction_tree.hpp>
#include <pgm/inference/likelihood_weighting.hpp>
#include <pgm/inference/variable_elimination.hpp>
#include <pgm/io/load.hpp>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace {

constexpr std::size_t kSamples = 10000;

struct Net {
  pgm::BayesianNetwork bn;
  pgm::Evidence evidence;
  double calibration_seconds = 0;  // CPU time of one junction-tree calibration with the evidence
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
  slot = std::make_unique<Net>(Net{std::get<pgm::BayesianNetwork>(pgm::io::load_model(path)), {}, 0});
  const auto& vars = slot->bn.variables();
  std::mt19937_64 rng(7);
  std::vector<pgm::VariableId> ids(vars.size());
  for (pgm::VariableId v = 0; v < ids.size(); ++v) ids[v] = v;
  std::shuffle(ids.begin(), ids.end(), rng);
  std::vector<std::pair<pgm::VariableId, std::size_t>> pairs;
  for (std::size_t i = 0; i < 5; ++i) pairs.emplace_back(ids[i], rng() % vars[ids[i]].cardinality());
  const pgm::VariableElimination ve(slot->bn);
  for (std::size_t tries = 0; tries < 50 && !(ve.probability_of_evidence(pgm::Evidence(pairs)) > 0.0); ++tries) {
    auto& [v, s] = pairs[tries % pairs.size()];
    s = (s + 1) % vars[v].cardinality();
  }
  slot->evidence = pgm::Evidence(pairs);
  // The baseline: one calibration of the model's tree (the pattern cache off, as BM_JT_Calibrate),
  // every marginal read, after 100 to warm up, averaged over a tenth of a CPU second of calibrations.
  pgm::JunctionTreeOptions o;
  o.specialise_evidence = false;
  const pgm::JunctionTree jt(slot->bn, o);
  for (int i = 0; i < 100; ++i) benchmark::DoNotOptimize(jt.calibrate(slot->evidence).marginals());  // warm
  std::size_t count = 0;
  const std::clock_t start = std::clock();
  std::clock_t now = start;
  do {
    benchmark::DoNotOptimize(jt.calibrate(slot->evidence).marginals());
    ++count;
    now = std::clock();
  } while (now - start < CLOCKS_PER_SEC / 10);
  slot->calibration_seconds = static_cast<double>(now - start) / CLOCKS_PER_SEC / static_cast<double>(count);
  return slot.get();
}

template <class Sampler>
void sample(benchmark::State& state, const char* name) {
  const Net* n = network(name);
  if (!n) {
    state.SkipWithError("network not found");
    return;
  }
  pgm::SamplingOptions o;
  o.samples = kSamples;
  o.burn_in = 0;
  const Sampler sampler(n->bn, o);
  for (auto _ : state) benchmark::DoNotOptimize(sampler.run(n->evidence));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kSamples));
  // Samples per CPU second × seconds per calibration: how many samples one calibration buys.
  state.counters["samples_per_calibration"] = benchmark::Counter(
      static_cast<double>(kSamples) * n->calibration_seconds, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["calibration_us"] = n->calibration_seconds * 1e6;
}

void BM_LW(benchmark::State& state, const char* name) { sample<pgm::LikelihoodWeighting>(state, name); }
void BM_Gibbs(benchmark::State& state, const char* name) { sample<pgm::GibbsSampler>(state, name); }

// The calibration itself, as a benchmark of its own for the record.
void BM_JTBaseline(benchmark::State& state, const char* name) {
  const Net* n = network(name);
  if (!n) {
    state.SkipWithError("network not found");
    return;
  }
  pgm::JunctionTreeOptions o;
  o.specialise_evidence = false;
  const pgm::JunctionTree jt(n->bn, o);
  for (auto _ : state) benchmark::DoNotOptimize(jt.calibrate(n->evidence).marginals());
}

BENCHMARK_CAPTURE(BM_LW, alarm, "alarm")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_LW, hepar2, "hepar2")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Gibbs, alarm, "alarm")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Gibbs, hepar2, "hepar2")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_JTBaseline, alarm, "alarm")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_JTBaseline, hepar2, "hepar2")->Unit(benchmark::kMicrosecond);

}  // namespace
