// `pgm bench MODEL`: load, triangulation, one VE query and all-marginals junction-tree calibration
// per evidence set, with a memcpy baseline measured in the same run so each time reads as a
// multiple of the memory-bandwidth bound.
#include "pgm/commands.hpp"
#include "pgm/commands/bench.hpp"

#include <pgm/core/error.hpp>
#include <pgm/inference/forward_sampling.hpp>
#include <pgm/inference/junction_tree.hpp>
#include <pgm/inference/variable_elimination.hpp>

#include <nlohmann/json.hpp>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <iomanip>
#include <iostream>
#include <numeric>
#include <random>
#include <variant>

namespace pgm::cli {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

struct BenchOptions {
  ModelOptions model;
  std::size_t evidence_sets = 10;
  std::uint64_t seed = 1;
  double observed_fraction = 0.1;
  double max_memory_gib = 8.0;
  std::size_t repeat = 5;
  bool json = false;
};

// Bytes per second of memcpy over a buffer of `bytes` (at least 8 MiB), best of several runs.
double memcpy_bandwidth(std::size_t bytes) {
  bytes = std::max<std::size_t>(bytes, std::size_t{8} << 20);
  std::vector<char> a(bytes, 1), b(bytes, 0);
  double best = 1e300;
  for (int r = 0; r < 5; ++r) {
    const auto t0 = Clock::now();
    std::memcpy(b.data(), a.data(), bytes);
    best = std::min(best, seconds_since(t0));
    a[static_cast<std::size_t>(r) % bytes] = b[bytes / 2];
  }
  // Read + write, the same accounting as the calibration bound below.
  return 2.0 * static_cast<double>(bytes) / best;
}

double median(std::vector<double> xs) {
  if (xs.empty()) return 0;
  std::sort(xs.begin(), xs.end());
  return xs[xs.size() / 2];
}

// bnlearn's BIF files all call themselves "unknown": name the network after its file then.
std::string display_name(const std::string& model_name, const std::string& path) {
  if (!model_name.empty() && model_name != "unknown") return model_name;
  std::string s = path.substr(path.find_last_of('/') + 1);
  return s.substr(0, s.find('.'));
}

template <class M>
void run_bench(const M& model, const BenchOptions& o, double load_seconds, std::ostream& out) {
  const std::string name = display_name(model.name(), o.model.path);
  const VariableSet& vars = model.variables();
  const std::size_t n = vars.size();
  JunctionTreeOptions jo;
  jo.max_memory_bytes = static_cast<std::size_t>(o.max_memory_gib * double(1u << 30));
  auto t0 = Clock::now();
  const JunctionTree jt(model, jo);
  const double triangulation = seconds_since(t0);
  const VariableElimination ve(model);

  // Evidence set 0 is empty; the rest observe a fraction of the variables of a forward sample
  // (Bayesian networks) so P(e) > 0.
  std::mt19937_64 rng(o.seed);
  std::vector<Evidence> sets{Evidence{}};
  if constexpr (std::is_same_v<M, BayesianNetwork>) {
    const ForwardSampler sampler(model);
    const std::size_t k = std::max<std::size_t>(1, static_cast<std::size_t>(o.observed_fraction * double(n)));
    for (std::size_t s = 1; s < o.evidence_sets; ++s) {
      const auto x = sampler.sample(rng);
      std::vector<VariableId> ids(n);
      std::iota(ids.begin(), ids.end(), 0);
      std::shuffle(ids.begin(), ids.end(), rng);
      Evidence e;
      for (std::size_t i = 0; i < k && i < n; ++i) e.emplace_back(ids[i], x[ids[i]]);
      std::sort(e.begin(), e.end());
      sets.push_back(std::move(e));
    }
  }

  std::vector<double> jt_times, ve_times;
  double checksum = 0;
  // Each evidence set is timed `repeat` times and its median kept, so one cold run does not decide.
  for (const auto& e : sets) {
    const VariableId target = static_cast<VariableId>(rng() % n);
    std::vector<double> jt_runs, ve_runs;
    for (std::size_t r = 0; r < std::max<std::size_t>(1, o.repeat); ++r) {
      t0 = Clock::now();
      const auto cal = jt.calibrate(e);
      const auto margs = cal.marginals();
      jt_runs.push_back(seconds_since(t0));
      for (const auto& m : margs) checksum += m.values()[0];
      t0 = Clock::now();
      const Factor m = ve.marginal(target, e);
      ve_runs.push_back(seconds_since(t0));
      checksum += m.values()[0];
    }
    jt_times.push_back(median(jt_runs));
    ve_times.push_back(median(ve_runs));
  }
  const double bandwidth = memcpy_bandwidth(jt.total_clique_size() * sizeof(double));
  // The least a calibration can do is read and write every clique table once.
  const double bound = 2.0 * 8.0 * static_cast<double>(jt.total_clique_size()) / bandwidth;
  // Bytes this calibration touches without evidence: copy each clique (read + write), per tree edge
  // one read of the child and a read-modify-write of the parent on the way up, one read of the parent
  // and a read-modify-write of the child on the way down, and one read of each variable's table.
  std::vector<double> size(jt.num_cliques(), 1.0);
  for (std::size_t c = 0; c < jt.num_cliques(); ++c)
    for (VariableId v : jt.clique(c)) size[c] *= static_cast<double>(vars[v].cardinality());
  double touched = 0;
  for (std::size_t c = 0; c < jt.num_cliques(); ++c) {
    touched += 2 * size[c];
    if (jt.parent(c) < jt.num_cliques()) touched += 3 * size[c] + 3 * size[jt.parent(c)];
  }
  for (VariableId v = 0; v < n; ++v) touched += size[jt.home(v)];
  const double touched_bound = 8.0 * touched / bandwidth;
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  const double peak = static_cast<double>(ru.ru_maxrss) * 1024.0;
  const double jt_med = median(jt_times);
  const double ve_med = median(ve_times);

  if (o.json) {
    nlohmann::json j;
    j["model"] = name;
    j["variables"] = n;
    j["evidence_sets"] = sets.size();
    j["load_seconds"] = load_seconds;
    j["triangulation_seconds"] = triangulation;
    j["treewidth"] = jt.treewidth();
    j["cliques"] = jt.num_cliques();
    j["total_clique_size"] = jt.total_clique_size();
    j["ve_single_query_seconds"] = ve_med;
    j["jt_all_marginals_seconds"] = jt_med;
    j["jt_all_marginals_seconds_per_set"] = jt_times;
    j["memcpy_bytes_per_second"] = bandwidth;
    j["bandwidth_bound_seconds"] = bound;
    j["jt_over_bound"] = bound > 0 ? jt_med / bound : 0.0;
    j["touched_bytes_per_calibration"] = 8.0 * touched;
    j["touched_bound_seconds"] = touched_bound;
    j["jt_no_evidence_over_touched_bound"] = touched_bound > 0 ? jt_times[0] / touched_bound : 0.0;
    j["peak_memory_bytes"] = peak;
    j["checksum"] = checksum;
    out << j.dump(2) << '\n';
    return;
  }
  auto ms = [](double s) {
    std::ostringstream os;
    os << std::fixed << std::setprecision(3) << s * 1e3 << " ms";
    return os.str();
  };
  out << "model               " << name << " (" << n << " variables, " << sets.size() << " evidence sets)\n"
      << "load                " << ms(load_seconds) << '\n'
      << "triangulation+tree  " << ms(triangulation) << "  (treewidth " << jt.treewidth() << ", " << jt.num_cliques()
      << " cliques, " << jt.total_clique_size() << " clique entries)\n"
      << "VE, one target      " << ms(ve_med) << "  (median per evidence set)\n"
      << "JT, all marginals   " << ms(jt_med) << "  (median per evidence set)\n"
      << "bandwidth bound     " << ms(bound) << "  (clique tables read+written once at " << std::setprecision(1)
      << std::fixed << bandwidth / 1e9 << " GB/s memcpy; JT = " << std::setprecision(1) << (bound > 0 ? jt_med / bound : 0)
      << "x bound)\n"
      << "touched bound       " << ms(touched_bound) << "  (bytes this calibration touches without evidence; JT = "
      << std::setprecision(1) << (touched_bound > 0 ? jt_times[0] / touched_bound : 0) << "x)\n"
      << "peak memory         " << std::setprecision(1) << peak / (1 << 20) << " MiB\n";
}

}  // namespace

void register_bench_command(CLI::App& app) {
  auto opts = std::make_shared<BenchOptions>();
  CLI::App* cmd = app.add_subcommand("bench", "Time loading, triangulation, VE and junction-tree inference on a model");
  add_model_options(*cmd, opts->model);
  cmd->add_option("--evidence-sets", opts->evidence_sets, "Number of evidence sets (the first is empty)")->capture_default_str();
  cmd->add_option("--seed", opts->seed, "Seed for the evidence sets")->capture_default_str();
  cmd->add_option("--observed-fraction", opts->observed_fraction, "Fraction of variables observed per evidence set")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  cmd->add_option("--repeat", opts->repeat, "Timed runs per evidence set (the median is reported)")->capture_default_str();
  cmd->add_option("--max-memory", opts->max_memory_gib, "Refuse junction trees over this many GiB")->capture_default_str();
  cmd->add_flag("--json", opts->json, "Print JSON");
  cmd->callback([opts] {
    if (opts->evidence_sets == 0) opts->evidence_sets = 1;
    const auto t0 = Clock::now();
    const Model model = load(opts->model);
    const double load_seconds = seconds_since(t0);
    if (const auto* bn = std::get_if<BayesianNetwork>(&model)) return run_bench(*bn, *opts, load_seconds, std::cout);
    if (const auto* mn = std::get_if<MarkovNetwork>(&model)) return run_bench(*mn, *opts, load_seconds, std::cout);
    throw QueryError("pgm bench needs a discrete model (Bayesian or Markov network)");
  });
}

}  // namespace pgm::cli
