// Batch inference (issue 11): query::BatchRunner on alarm (../shared/networks/bif, or
// $PGM_NETWORKS), 5 observed variables per row (HRBP, CO, BP, SAO2, EXPCO2: measurements), every
// variable's posterior per row formatted as CSV, as `pgm batch` does.
//   pgm_benchmarks --benchmark_filter=Batch
// Rows are drawn by forward sampling alarm with seed 11 (Model::sample_states), so they repeat as
// real data from the model would. BM_Batch/threads/memo: rows per second (items_per_second, wall)
// and the process's CPU time; memo 0 answers every row afresh. BM_BatchBaseline: the same tree
// calibrated once with one row's evidence and every marginal read (the work of one row without
// the batch machinery), measured in the same run for the ratio.
#include <pgm/query/batch.hpp>
#include <pgm/query/model.hpp>

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace {

std::string networks_dir() {
  if (const char* d = std::getenv("PGM_NETWORKS")) return d;
  return PGM_BENCH_NETWORKS;
}

constexpr std::size_t kRows = 20000;
const char* const kObserved[] = {"HRBP", "CO", "BP", "SAO2", "EXPCO2"};

struct Data {
  pgm::Model model;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

const Data* alarm() {
  static std::unique_ptr<Data> data = []() -> std::unique_ptr<Data> {
    const std::string path = networks_dir() + "/alarm.bif";
    if (!std::filesystem::exists(path)) return nullptr;
    auto d = std::make_unique<Data>(Data{pgm::Model::load(path), {}, {}});
    const auto samples = d->model.sample_states(kRows, 11);
    std::vector<pgm::VariableId> ids;
    for (const char* name : kObserved) {
      d->header.emplace_back(name);
      ids.push_back(d->model.id(name));
    }
    for (std::size_t r = 0; r < samples.rows; ++r) {
      std::vector<std::string> row;
      for (pgm::VariableId v : ids) row.push_back(d->model.variables()[v].states[samples.states[r * samples.cols + v]]);
      d->rows.push_back(std::move(row));
    }
    return d;
  }();
  return data.get();
}

// The prepared rows, by view (no copies in the timed loop).
class Rows final : public pgm::query::BatchSource {
 public:
  explicit Rows(const Data& d) : d_(d) {}
  std::vector<std::string> header() override { return d_.header; }
  bool next(std::vector<std::string_view>& cells, std::size_t& line) override {
    if (next_ == d_.rows.size()) return false;
    cells.assign(d_.rows[next_].begin(), d_.rows[next_].end());
    line = ++next_;
    return true;
  }
  [[nodiscard]] std::string where(std::size_t row, std::size_t) const override { return "row " + std::to_string(row); }

 private:
  const Data& d_;
  std::size_t next_ = 0;
};

class NullSink final : public pgm::query::BatchSink {
 public:
  void row(const pgm::query::BatchRow& row) override { bytes += row.csv.size(); }
  std::size_t bytes = 0;
};

void BM_Batch(benchmark::State& state) {
  const Data* d = alarm();
  if (!d) {
    state.SkipWithError("alarm.bif not found");
    return;
  }
  pgm::query::BatchOptions options;
  options.threads = static_cast<std::size_t>(state.range(0));
  options.memo_entries = state.range(1) ? std::size_t{1} << 13 : 0;
  options.format_csv = true;
  const pgm::query::BatchRunner runner(d->model, options);
  for (auto _ : state) {
    Rows rows(*d);
    NullSink sink;
    benchmark::DoNotOptimize(runner.run(rows, sink));
    benchmark::DoNotOptimize(sink.bytes);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * d->rows.size()));
}
BENCHMARK(BM_Batch)
    ->ArgsProduct({{1, 2}, {0, 1}})
    ->ArgNames({"threads", "memo"})
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();

void BM_BatchBaseline(benchmark::State& state) {
  const Data* d = alarm();
  if (!d) {
    state.SkipWithError("alarm.bif not found");
    return;
  }
  pgm::query::Assignments pairs;
  for (std::size_t i = 0; i < d->header.size(); ++i) pairs.emplace_back(d->header[i], d->rows[0][i]);
  const auto e = pgm::query::Evidence::from_names(d->model, pairs);
  const auto tree = d->model.junction_tree_for(e);
  for (auto _ : state) {
    const auto c = tree->calibrate(e.hard());
    for (pgm::VariableId v = 0; v < d->model.size(); ++v) benchmark::DoNotOptimize(c.marginal(v));
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_BatchBaseline)->Unit(benchmark::kMicrosecond);

}  // namespace
