// ---- issue 12: parameter learning on alarm (../shared/networks/bif, or $PGM_NETWORKS).
//   pgm_benchmarks --benchmark_filter=Fit
// 10,000 rows forward-sampled from alarm with seed 12 (Model::sample_states); for EM, each cell
// blanked with probability 0.2 (std::mt19937_64 seed 13).
// - BM_FitEm/threads: query::fit with max_iter = 3, tol = 0 from alarm's own CPTs: 4 E steps (l0 and
//   three iterations) and 3 M steps, plus building the evidence once. Per iteration: time / 4.
// - BM_FitEmBaseline: the 10,000 junction-tree calibrations of those rows on one thread (the same
//   tree options as the E step: clique beliefs kept), nothing else: the unit of the ratio.
// - BM_FitComplete: query::fit on the complete rows read from CSV text (CsvSource), rows/s.
// - BM_FitCsvOnly: reading the same CSV text alone, rows/s (what "reading dominates" compares to).
#include <pgm/inference/junction_tree.hpp>
#include <pgm/query/batch.hpp>
#include <pgm/query/fit.hpp>
#include <pgm/query/model.hpp>

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::string networks_dir() {
  if (const char* d = std::getenv("PGM_NETWORKS")) return d;
  return PGM_BENCH_NETWORKS;
}

constexpr std::size_t kRows = 10000;

struct Data {
  pgm::Model model;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> missing;   // 20% of cells blank
  std::vector<pgm::Evidence> evidence;             // the same rows as evidence
  std::string complete_csv;
};

const Data* alarm() {
  static std::unique_ptr<Data> data = []() -> std::unique_ptr<Data> {
    const std::string path = networks_dir() + "/alarm.bif";
    if (!std::filesystem::exists(path)) return nullptr;
    auto d = std::make_unique<Data>(Data{pgm::Model::load(path), {}, {}, {}, {}});
    const auto s = d->model.sample_states(kRows, 12);
    const auto& vars = d->model.variables();
    for (const auto& v : vars) d->header.push_back(v.name);
    std::mt19937_64 rng(13);
    std::bernoulli_distribution hide(0.2);
    std::ostringstream csv;
    for (std::size_t k = 0; k < vars.size(); ++k) csv << (k ? "," : "") << vars[k].name;
    csv << '\n';
    for (std::size_t r = 0; r < s.rows; ++r) {
      std::vector<std::string> row;
      std::vector<pgm::Evidence::value_type> pairs;
      for (std::size_t v = 0; v < s.cols; ++v) {
        const auto st = s.states[r * s.cols + v];
        csv << (v ? "," : "") << vars[v].states[st];
        if (hide(rng)) {
          row.emplace_back();
        } else {
          row.push_back(vars[v].states[st]);
          pairs.emplace_back(v, st);
        }
      }
      csv << '\n';
      d->missing.push_back(std::move(row));
      d->evidence.emplace_back(pairs);
    }
    d->complete_csv = csv.str();
    return d;
  }();
  return data.get();
}

void BM_FitEm(benchmark::State& state) {
  const Data* d = alarm();
  if (!d) return state.SkipWithError("alarm.bif not found (set PGM_NETWORKS)");
  pgm::query::FitOptions o;
  o.max_iter = 3;
  o.tol = 0;
  o.threads = static_cast<std::size_t>(state.range(0));
  for (auto _ : state) {
    pgm::query::TableSource source(d->header, d->missing);
    auto r = pgm::query::fit(d->model, source, o);
    benchmark::DoNotOptimize(r.log_likelihood);
  }
  state.counters["e_steps"] = 4;
}
BENCHMARK(BM_FitEm)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_FitEmBaseline(benchmark::State& state) {
  const Data* d = alarm();
  if (!d) return state.SkipWithError("alarm.bif not found (set PGM_NETWORKS)");
  pgm::JunctionTreeOptions jt;
  jt.flat_max_entries = 0;
  jt.flat_on_reuse = false;
  const pgm::JunctionTree tree(*d->model.bayesian_network(), jt);
  for (auto _ : state) {
    double s = 0;
    for (const auto& e : d->evidence) s += tree.calibrate(e).log_probability_of_evidence();
    benchmark::DoNotOptimize(s);
  }
}
BENCHMARK(BM_FitEmBaseline)->Unit(benchmark::kMillisecond);

void BM_FitComplete(benchmark::State& state) {
  const Data* d = alarm();
  if (!d) return state.SkipWithError("alarm.bif not found (set PGM_NETWORKS)");
  for (auto _ : state) {
    std::istringstream in(d->complete_csv);
    pgm::query::CsvSource source(in, "rows.csv");
    auto r = pgm::query::fit(d->model, source);
    benchmark::DoNotOptimize(r.log_likelihood);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kRows));
}
BENCHMARK(BM_FitComplete)->Unit(benchmark::kMillisecond);

void BM_FitCsvOnly(benchmark::State& state) {
  const Data* d = alarm();
  if (!d) return state.SkipWithError("alarm.bif not found (set PGM_NETWORKS)");
  std::vector<std::string_view> cells;
  for (auto _ : state) {
    std::istringstream in(d->complete_csv);
    pgm::query::CsvSource source(in, "rows.csv");
    (void)source.header();
    std::size_t line = 0, n = 0;
    while (source.next(cells, line)) n += cells.size();
    benchmark::DoNotOptimize(n);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kRows));
}
BENCHMARK(BM_FitCsvOnly)->Unit(benchmark::kMillisecond);

}  // namespace
