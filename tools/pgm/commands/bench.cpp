// `pgm bench MODEL`: load, triangulation, one VE query and all-marginals junction-tree calibration
// per evidence set, with a memcpy baseline measured in the same run so each time reads as a
// multiple of the memory-bandwidth bound. Times are wall clock and this thread's CPU time (the
// figure to compare on a shared machine). `--cells` prints the per-cell figures of the peer
// comparison (benchmarks/README.md): no evidence, 5 observed, 10 % observed; tree reused and one-shot.
#include "pgm/commands.hpp"
#include "pgm/commands/bench.hpp"

#include <pgm/core/error.hpp>
#include <pgm/inference/forward_sampling.hpp>
#include <pgm/inference/junction_tree.hpp>
#include <pgm/inference/variable_elimination.hpp>
#include <pgm/query/model.hpp>

#include <nlohmann/json.hpp>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <iomanip>
#include <iostream>
#include <numeric>
#include <optional>
#include <random>

namespace pgm::cli {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// CPU time of the calling thread: inference is single-threaded, and unlike wall time it does not
// count the time the thread waits for a core on a busy machine.
double thread_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

// Wall and CPU time of one call.
struct Timing {
  double wall = 0, cpu = 0;
};
template <class F>
Timing timed(F&& f) {
  const auto w0 = Clock::now();
  const double c0 = thread_cpu_seconds();
  f();
  return {seconds_since(w0), thread_cpu_seconds() - c0};
}

struct BenchOptions {
  ModelOptions model;
  // Signed so that a negative count is refused instead of wrapping (checked >= 1 by CLI11).
  std::int64_t evidence_sets = 10;
  std::uint64_t seed = 1;
  double observed_fraction = 0.1;
  std::int64_t observed = 0;  // > 0: observe this many variables instead of a fraction
  double max_memory_gib = 8.0;
  std::int64_t repeat = 5;
  bool cells = false;
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
  std::optional<JunctionTree> tree;
  const Timing triangulation = timed([&] { tree.emplace(model, jo); });
  const JunctionTree& jt = *tree;
  const VariableElimination ve(model);

  // Evidence set 0 is empty; the rest observe a fraction of the variables of a forward sample
  // (Bayesian networks) so P(e) > 0.
  std::mt19937_64 rng(o.seed);
  std::vector<Evidence> sets{Evidence{}};
  if constexpr (std::is_same_v<M, BayesianNetwork>) {
    const ForwardSampler sampler(model);
    const std::size_t k = o.observed > 0 ? static_cast<std::size_t>(o.observed)
                                          : std::max<std::size_t>(1, static_cast<std::size_t>(o.observed_fraction * double(n)));
    for (std::size_t s = 1; s < static_cast<std::size_t>(o.evidence_sets); ++s) {
      const auto x = sampler.sample(rng);
      std::vector<VariableId> ids(n);
      std::iota(ids.begin(), ids.end(), 0);
      std::shuffle(ids.begin(), ids.end(), rng);
      Evidence e;
      for (std::size_t i = 0; i < k && i < n; ++i) e.emplace_back(ids[i], x[ids[i]]);
      sets.push_back(std::move(e));
    }
  }

  std::vector<double> jt_times, ve_times, jt_cpu, ve_cpu;
  double checksum = 0;
  // Each evidence set is timed `repeat` times and its median kept, so one cold run does not decide.
  for (const auto& e : sets) {
    const VariableId target = static_cast<VariableId>(rng() % n);
    std::vector<double> jt_runs, ve_runs, jt_cpu_runs, ve_cpu_runs;
    for (std::int64_t r = 0; r < o.repeat; ++r) {
      const Timing tj = timed([&] {
        const auto cal = jt.calibrate(e);
        for (const auto& m : cal.marginals()) checksum += m.values()[0];
      });
      jt_runs.push_back(tj.wall);
      jt_cpu_runs.push_back(tj.cpu);
      const Timing tv = timed([&] { checksum += ve.marginal(target, e).values()[0]; });
      ve_runs.push_back(tv.wall);
      ve_cpu_runs.push_back(tv.cpu);
    }
    jt_times.push_back(median(jt_runs));
    ve_times.push_back(median(ve_runs));
    jt_cpu.push_back(median(jt_cpu_runs));
    ve_cpu.push_back(median(ve_cpu_runs));
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
  const double jt_cpu_med = median(jt_cpu);
  const double ve_cpu_med = median(ve_cpu);

  if (o.json) {
    nlohmann::json j;
    j["model"] = name;
    j["variables"] = n;
    j["evidence_sets"] = sets.size();
    j["load_seconds"] = load_seconds;
    j["triangulation_seconds"] = triangulation.wall;
    j["triangulation_cpu_seconds"] = triangulation.cpu;
    j["treewidth"] = jt.treewidth();
    j["cliques"] = jt.num_cliques();
    j["total_clique_size"] = jt.total_clique_size();
    j["ve_single_query_seconds"] = ve_med;
    j["ve_single_query_cpu_seconds"] = ve_cpu_med;
    j["jt_all_marginals_seconds"] = jt_med;
    j["jt_all_marginals_cpu_seconds"] = jt_cpu_med;
    j["jt_all_marginals_seconds_per_set"] = jt_times;
    j["jt_all_marginals_cpu_seconds_per_set"] = jt_cpu;
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
      << "                    wall, then this thread's CPU time\n"
      << "triangulation+tree  " << ms(triangulation.wall) << "  " << ms(triangulation.cpu) << "  (treewidth " << jt.treewidth() << ", " << jt.num_cliques()
      << " cliques, " << jt.total_clique_size() << " clique entries)\n"
      << "VE, one target      " << ms(ve_med) << "  " << ms(ve_cpu_med) << "  (median per evidence set)\n"
      << "JT, all marginals   " << ms(jt_med) << "  " << ms(jt_cpu_med) << "  (median per evidence set)\n"
      << "bandwidth bound     " << ms(bound) << "  (clique tables read+written once at " << std::setprecision(1)
      << std::fixed << bandwidth / 1e9 << " GB/s memcpy; JT = " << std::setprecision(1) << (bound > 0 ? jt_med / bound : 0)
      << "x bound)\n"
      << "touched bound       " << ms(touched_bound) << "  (bytes this calibration touches without evidence; JT = "
      << std::setprecision(1) << (touched_bound > 0 ? jt_times[0] / touched_bound : 0) << "x)\n"
      << "peak memory         " << std::setprecision(1) << peak / (1 << 20) << " MiB\n";
}

// The cells of the peer comparison (benchmarks/README.md, ../shared/perf/peers.md): per evidence
// kind (none, 5 observed, 10 % observed, each the values of a forward sample at randomly chosen
// variables) the CPU time of all posterior marginals, min over `repeat` runs, median over the sets:
// - reused: one tree built before, then calibrate(e) + marginal(v) for every v. "cold" builds the
//   evidence-specialised tree on every call (cache off), "warm" finds it cached (repeated patterns);
// - one-shot: build the tree and calibrate once, with the evidence-free tree and with the tree built
//   for the evidence's pattern (what a single `pgm marginals --given` builds: Model::junction_tree_for).
template <class M>
void run_cells(const M& model, const BenchOptions& o, std::ostream& out) {
  const std::string name = display_name(model.name(), o.model.path);
  const std::size_t n = model.variables().size();
  JunctionTreeOptions jo;
  jo.max_memory_bytes = static_cast<std::size_t>(o.max_memory_gib * double(1u << 30));
  JunctionTreeOptions cold = jo;
  cold.evidence_cache_entries = 0;
  const JunctionTree warm_tree(model, jo);
  const JunctionTree cold_tree(model, cold);
  double checksum = 0;
  auto all_marginals = [&](const JunctionTree& t, const Evidence& e) {
    const auto cal = t.calibrate(e);
    for (VariableId v = 0; v < n; ++v) checksum += cal.marginal(v).values()[0];
  };
  auto best_of = [&](std::int64_t runs, auto&& f) {
    double best = 1e300;
    for (std::int64_t r = 0; r < runs; ++r) best = std::min(best, timed(f).cpu);
    return best;
  };
  struct Kind {
    std::string label;
    std::size_t observed;
  };
  std::vector<Kind> kinds{{"none", 0}};
  if constexpr (std::is_same_v<M, BayesianNetwork>) {
    kinds.push_back({"5 observed", std::min<std::size_t>(5, n)});
    kinds.push_back({"10% observed", std::max<std::size_t>(1, n / 10)});
  }
  const std::int64_t one_shot_runs = std::min<std::int64_t>(o.repeat, 3);
  nlohmann::json cells = nlohmann::json::array();
  std::ostringstream table;
  for (std::size_t kind = 0; kind < kinds.size(); ++kind) {
    const std::size_t sets = kinds[kind].observed == 0 ? 1 : static_cast<std::size_t>(o.evidence_sets);
    std::vector<double> warm, cold_t, shot, shot_pattern;
    std::size_t specialised = 0;
    for (std::size_t set = 0; set < sets; ++set) {
      Evidence e;
      if constexpr (std::is_same_v<M, BayesianNetwork>) {
        if (kinds[kind].observed > 0) {
          std::mt19937_64 rng(o.seed * 1000003 + kind * 1009 + set);
          const auto x = ForwardSampler(model).sample(rng);
          std::vector<VariableId> ids(n);
          std::iota(ids.begin(), ids.end(), 0);
          std::shuffle(ids.begin(), ids.end(), rng);
          for (std::size_t i = 0; i < kinds[kind].observed; ++i) e.emplace_back(ids[i], x[ids[i]]);
        }
      }
      std::vector<VariableId> pattern;
      for (const auto& [v, st] : e) pattern.push_back(v);
      if (warm_tree.specialised_for(e)) ++specialised;
      warm.push_back(best_of(o.repeat, [&] { all_marginals(warm_tree, e); }));
      cold_t.push_back(best_of(o.repeat, [&] { all_marginals(cold_tree, e); }));
      shot.push_back(best_of(one_shot_runs, [&] { all_marginals(JunctionTree(model, jo), e); }));
      shot_pattern.push_back(best_of(one_shot_runs, [&] { all_marginals(JunctionTree(model, pattern, jo), e); }));
    }
    nlohmann::json c;
    c["evidence"] = kinds[kind].label;
    c["observed"] = kinds[kind].observed;
    c["sets"] = sets;
    c["specialised_sets"] = specialised;
    c["reused_warm_cpu_seconds"] = median(warm);
    c["reused_cold_cpu_seconds"] = median(cold_t);
    c["one_shot_cpu_seconds"] = median(shot);
    c["one_shot_pattern_cpu_seconds"] = median(shot_pattern);
    c["reused_warm_cpu_seconds_per_set"] = warm;
    c["reused_cold_cpu_seconds_per_set"] = cold_t;
    cells.push_back(c);
  }
  if (o.json) {
    nlohmann::json j;
    j["model"] = name;
    j["variables"] = n;
    j["total_clique_size"] = warm_tree.total_clique_size();
    j["cells"] = cells;
    j["checksum"] = checksum;
    out << j.dump(2) << '\n';
    return;
  }
  auto fmt = [](double s) {
    std::ostringstream os;
    os << std::setprecision(3);
    if (s < 1e-3) os << s * 1e6 << " us";
    else if (s < 1) os << s * 1e3 << " ms";
    else os << s << " s";
    return os.str();
  };
  out << "model " << name << " (" << n << " variables), CPU time of all marginals, min of " << o.repeat
      << " runs (one-shot " << one_shot_runs << "), median over sets\n";
  out << std::left << std::setw(14) << "evidence" << std::setw(6) << "sets" << std::setw(13) << "reused cold"
      << std::setw(13) << "reused warm" << std::setw(13) << "one-shot" << std::setw(18) << "one-shot pattern"
      << "specialised\n";
  for (const auto& c : cells)
    out << std::left << std::setw(14) << c["evidence"].get<std::string>() << std::setw(6) << c["sets"].get<std::size_t>()
        << std::setw(13) << fmt(c["reused_cold_cpu_seconds"]) << std::setw(13) << fmt(c["reused_warm_cpu_seconds"])
        << std::setw(13) << fmt(c["one_shot_cpu_seconds"]) << std::setw(18) << fmt(c["one_shot_pattern_cpu_seconds"])
        << c["specialised_sets"].get<std::size_t>() << '\n';
}

}  // namespace

void register_bench_command(CLI::App& app) {
  auto opts = std::make_shared<BenchOptions>();
  CLI::App* cmd = app.add_subcommand("bench", "Time loading, triangulation, VE and junction-tree inference on a model");
  add_model_options(*cmd, opts->model);
  constexpr std::int64_t kMaxCount = 1000000;
  CLI::Option* sets_option = cmd->add_option("--evidence-sets", opts->evidence_sets,
                  "Number of evidence sets (the first is empty; with --cells, sets per evidence kind)")
      ->check(CLI::Range(std::int64_t{1}, kMaxCount))
      ->capture_default_str();
  cmd->add_option("--seed", opts->seed, "Seed for the evidence sets")->capture_default_str();
  cmd->add_option("--observed-fraction", opts->observed_fraction, "Fraction of variables observed per evidence set")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  cmd->add_option("--observed", opts->observed, "Observe this many variables per evidence set instead of a fraction")
      ->check(CLI::Range(std::int64_t{1}, kMaxCount));
  cmd->add_option("--repeat", opts->repeat, "Timed runs per evidence set (the median is reported; with --cells, the min)")
      ->check(CLI::Range(std::int64_t{1}, kMaxCount))
      ->capture_default_str();
  cmd->add_flag("--cells", opts->cells,
                "Per evidence kind (none, 5 observed, 10% observed): CPU time of all marginals, tree reused and one-shot");
  cmd->add_option("--max-memory", opts->max_memory_gib, "Refuse junction trees over this many GiB")->capture_default_str();
  cmd->add_flag("--json", opts->json, "Print JSON");
  cmd->callback([opts, sets_option] {
    // --cells measures one evidence set per kind unless asked for more (the peers' protocol).
    if (opts->cells && sets_option->count() == 0) opts->evidence_sets = 1;
    const auto t0 = Clock::now();
    const Model model = load_model(opts->model);
    const double load_seconds = seconds_since(t0);
    const std::size_t size = model.discrete() ? model.size() : 0;
    if (opts->observed > 0 && static_cast<std::size_t>(opts->observed) > size)
      throw QueryError("--observed " + std::to_string(opts->observed) + " is more than the model's " +
                       std::to_string(size) + " variables");
    if (const auto* bn = model.bayesian_network())
      return opts->cells ? run_cells(*bn, *opts, std::cout) : run_bench(*bn, *opts, load_seconds, std::cout);
    if (const auto* mn = model.markov_network())
      return opts->cells ? run_cells(*mn, *opts, std::cout) : run_bench(*mn, *opts, load_seconds, std::cout);
    throw QueryError("pgm bench needs a discrete model (Bayesian or Markov network)");
  });
}

}  // namespace pgm::cli
