// Factor product and sum-out on tables of 2^24 (~1.7e7) entries, beside a memcpy of the same table
// measured in the same run: read each bytes_per_second as a fraction of the memory bandwidth.
//   ./pgm_benchmarks --benchmark_filter='Memcpy|Factor'
#include <pgm/core/factor.hpp>

#include <benchmark/benchmark.h>

#include <cstring>
#include <fstream>
#include <string>
#include <numeric>
#include <random>
#include <vector>

namespace {

constexpr std::size_t kVars = 24;  // binary variables: 2^24 = 16,777,216 entries (128 MiB)

pgm::Factor random_factor(std::vector<pgm::VariableId> vars, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<std::size_t> cards(vars.size(), 2);
  std::size_t n = std::size_t{1} << vars.size();
  std::vector<double> values(n);
  for (auto& x : values) x = u(rng);
  return pgm::Factor(std::move(vars), std::move(cards), std::move(values));
}

std::vector<pgm::VariableId> range(pgm::VariableId from, pgm::VariableId to) {
  std::vector<pgm::VariableId> v(to - from);
  std::iota(v.begin(), v.end(), from);
  return v;
}

const pgm::Factor& big() {
  static const pgm::Factor f = random_factor(range(0, kVars), 1);
  return f;
}

std::string first_line(const char* path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line.empty() ? "unavailable" : line;
}

// The page policy decides whether fresh tables fault per 4 KiB or per 2 MiB page: print it with
// the results ("[madvise]" is what the table allocator's MADV_HUGEPAGE needs; "[never]" means
// every large table falls back to 4 KiB pages). thp_fault_fallback in /proc/vmstat counts
// huge-page faults that silently got small pages (fragmented memory).
const bool kContext = [] {
  benchmark::AddCustomContext("thp_enabled", first_line("/sys/kernel/mm/transparent_hugepage/enabled"));
  benchmark::AddCustomContext("thp_defrag", first_line("/sys/kernel/mm/transparent_hugepage/defrag"));
  return true;
}();

void BM_Memcpy(benchmark::State& state) {
  const auto src = big().values();
  std::vector<double> dst(src.size());
  for (auto _ : state) {
    std::memcpy(dst.data(), src.data(), src.size_bytes());
    benchmark::DoNotOptimize(dst.data());
    benchmark::ClobberMemory();
  }
  // memcpy reads and writes each byte once; count both, like the factor operations below.
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * 2 * static_cast<int64_t>(src.size_bytes()));
}
BENCHMARK(BM_Memcpy)->Unit(benchmark::kMillisecond);

// Bytes counted: every input read once and the output written once.
void product(benchmark::State& state, const pgm::Factor& a, const pgm::Factor& b) {
  std::size_t out = 0;
  for (auto _ : state) {
    pgm::Factor r = pgm::multiply(a, b);
    out = r.size();
    benchmark::DoNotOptimize(r.values().data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * 8 *
                          static_cast<int64_t>(a.size() + b.size() + out));
}

// Big table times a small factor over scattered variables (the common CPT-into-clique case).
void BM_FactorProductBigSmall(benchmark::State& state) {
  static const pgm::Factor small = random_factor({0, 7, 15, 23}, 2);
  product(state, big(), small);
}
BENCHMARK(BM_FactorProductBigSmall)->Unit(benchmark::kMillisecond);

// The same, in place: the clique table is multiplied by a CPT without allocating (junction tree use).
void BM_FactorProductInPlace(benchmark::State& state) {
  static const pgm::Factor small = random_factor({0, 7, 15, 23}, 2);
  pgm::Factor table = big();
  for (auto _ : state) {
    table *= small;
    benchmark::DoNotOptimize(table.values().data());
  }
  // Reads and writes the table once each.
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * 8 * static_cast<int64_t>(2 * table.size() + small.size()));
}
BENCHMARK(BM_FactorProductInPlace)->Unit(benchmark::kMillisecond);

// Into a reused output table.
void BM_FactorProductInto(benchmark::State& state) {
  static const pgm::Factor small = random_factor({0, 7, 15, 23}, 2);
  pgm::Factor out;
  for (auto _ : state) {
    pgm::multiply_into(big(), small, out);
    benchmark::DoNotOptimize(out.values().data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * 8 * static_cast<int64_t>(big().size() + small.size() + out.size()));
}
BENCHMARK(BM_FactorProductInto)->Unit(benchmark::kMillisecond);

// Two half-overlapping tables whose product has 2^24 entries.
void BM_FactorProductOverlap(benchmark::State& state) {
  static const pgm::Factor a = random_factor(range(0, 16), 3);
  static const pgm::Factor b = random_factor(range(8, kVars), 4);
  product(state, a, b);
}
BENCHMARK(BM_FactorProductOverlap)->Unit(benchmark::kMillisecond);

// Sum out the variable at position `state.range(0)` (0 = slowest, kVars-1 = fastest).
void BM_FactorSumOut(benchmark::State& state) {
  const auto v = static_cast<pgm::VariableId>(state.range(0));
  std::size_t out = 0;
  for (auto _ : state) {
    pgm::Factor r = pgm::sum_out(big(), v);
    out = r.size();
    benchmark::DoNotOptimize(r.values().data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * 8 * static_cast<int64_t>(big().size() + out));
}
BENCHMARK(BM_FactorSumOut)->Arg(0)->Arg(12)->Arg(kVars - 1)->Unit(benchmark::kMillisecond);

// Sum-out into a reused output table (junction tree messages are recomputed into the same buffer).
void BM_FactorSumOutInto(benchmark::State& state) {
  const pgm::VariableId v[1] = {static_cast<pgm::VariableId>(state.range(0))};
  pgm::Factor out;
  for (auto _ : state) {
    pgm::sum_out_into(big(), v, out);
    benchmark::DoNotOptimize(out.values().data());
  }
  // Input read once; output read and written per input pass.
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * 8 * static_cast<int64_t>(big().size() + out.size()));
}
BENCHMARK(BM_FactorSumOutInto)->Arg(0)->Arg(12)->Arg(kVars - 1)->Unit(benchmark::kMillisecond);

// Sum out half the variables (every other one) at once.
void BM_FactorMarginalHalf(benchmark::State& state) {
  std::vector<pgm::VariableId> keep;
  for (pgm::VariableId v = 0; v < kVars; v += 2) keep.push_back(v);
  std::size_t out = 0;
  for (auto _ : state) {
    pgm::Factor r = pgm::marginal(big(), keep);
    out = r.size();
    benchmark::DoNotOptimize(r.values().data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * 8 * static_cast<int64_t>(big().size() + out));
}
BENCHMARK(BM_FactorMarginalHalf)->Unit(benchmark::kMillisecond);

void BM_FactorReduce(benchmark::State& state) {
  const pgm::Evidence e{{3, 1}, {20, 0}};
  std::size_t out = 0;
  for (auto _ : state) {
    pgm::Factor r = pgm::reduce(big(), e);
    out = r.size();
    benchmark::DoNotOptimize(r.values().data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * 8 * static_cast<int64_t>(2 * out));
}
BENCHMARK(BM_FactorReduce)->Unit(benchmark::kMillisecond);

}  // namespace
