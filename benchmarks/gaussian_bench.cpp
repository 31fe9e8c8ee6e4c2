// Conditioning a 2,000-dimensional Gaussian on 1,000 observed variables, timed against one Eigen
// LLT factorisation of the observed 1,000 × 1,000 block in the same iteration. The counter
// `ratio` = condition time / LLT time is the figure the Gaussian issue asks for (aim ≤ 3).
// Counters *_cpu_ms are this thread's CPU time (the dense kernels run on one OpenBLAS thread);
// benchmarks/gaussian_scipy.py runs SciPy on the same problem beside this benchmark.
//   random:  observed variables are a random subset (the general Schur-complement path);
//   leading: observed variables are the first 1,000 in declaration order (reuses the stored factor).
#include <pgm/gaussian/gaussian.hpp>

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <numeric>
#include <random>
#include <string>
#include <vector>

namespace {

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

constexpr std::size_t kDim = 2000;
constexpr std::size_t kObserved = 1000;

// One well-conditioned random Gaussian shared by the benchmarks (built once; not timed).
const pgm::Gaussian& big_gaussian() {
  static const pgm::Gaussian g = [] {
    std::mt19937_64 rng(2024);
    std::normal_distribution<double> z;
    Eigen::MatrixXd a(kDim, kDim);
    for (Eigen::Index i = 0; i < a.size(); ++i) a.data()[i] = z(rng);
    Eigen::MatrixXd cov = Eigen::MatrixXd::Identity(kDim, kDim);
    cov.selfadjointView<Eigen::Lower>().rankUpdate(a, 1.0 / static_cast<double>(kDim));
    cov.triangularView<Eigen::StrictlyUpper>() = cov.transpose();
    Eigen::VectorXd mean(kDim);
    for (auto& m : mean) m = z(rng);
    std::vector<std::string> names;
    for (std::size_t i = 0; i < kDim; ++i) names.push_back("X" + std::to_string(i));
    return pgm::Gaussian(std::move(names), std::move(mean), std::move(cov));
  }();
  return g;
}

void condition_vs_llt(benchmark::State& state, bool leading) {
  const pgm::Gaussian& g = big_gaussian();
  std::vector<std::size_t> idx(kDim);
  std::iota(idx.begin(), idx.end(), 0);
  if (!leading) {
    std::mt19937_64 rng(7);
    std::shuffle(idx.begin(), idx.end(), rng);
    std::sort(idx.begin(), idx.begin() + kObserved);
  }
  idx.resize(kObserved);
  pgm::ContinuousEvidence ev;
  Eigen::MatrixXd block(kObserved, kObserved);
  for (std::size_t i = 0; i < kObserved; ++i) {
    ev.emplace_back(g.names()[idx[i]], g.mean()[idx[i]] + 0.5);
    for (std::size_t j = 0; j < kObserved; ++j) block(i, j) = g.covariance()(idx[i], idx[j]);
  }
  using Clock = std::chrono::steady_clock;
  double llt_s = 0, cond_s = 0, llt_cpu = 0, cond_cpu = 0;
  for (auto _ : state) {
    const auto t0 = Clock::now();
    const double c0 = thread_cpu_seconds();
    Eigen::LLT<Eigen::MatrixXd> llt(block);
    benchmark::DoNotOptimize(llt.matrixLLT().data());
    const auto t1 = Clock::now();
    const double c1 = thread_cpu_seconds();
    const pgm::Gaussian post = g.condition(ev);
    benchmark::DoNotOptimize(post.covariance().data());
    const auto t2 = Clock::now();
    const double c2 = thread_cpu_seconds();
    const double c = std::chrono::duration<double>(t2 - t1).count();
    llt_s += std::chrono::duration<double>(t1 - t0).count();
    cond_s += c;
    llt_cpu += c1 - c0;
    cond_cpu += c2 - c1;
    state.SetIterationTime(c);
  }
  const auto n = static_cast<double>(state.iterations());
  state.counters["llt_ms"] = 1e3 * llt_s / n;
  state.counters["condition_ms"] = 1e3 * cond_s / n;
  state.counters["llt_cpu_ms"] = 1e3 * llt_cpu / n;
  state.counters["condition_cpu_ms"] = 1e3 * cond_cpu / n;
  state.counters["ratio"] = cond_cpu / llt_cpu;
}

void BM_GaussianCondition2000on1000_Random(benchmark::State& state) { condition_vs_llt(state, false); }
void BM_GaussianCondition2000on1000_Leading(benchmark::State& state) { condition_vs_llt(state, true); }

BENCHMARK(BM_GaussianCondition2000on1000_Random)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(5);
BENCHMARK(BM_GaussianCondition2000on1000_Leading)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(5);

}  // namespace
