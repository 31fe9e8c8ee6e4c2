// The C++ side of python/bench/overhead.py: the same query as the Python loop, through the same
// library API (build Evidence from names, answer all marginals), timed per query.
//   pgm_python_bench MODEL N METHOD NAME=STATE...  ->  {"wall_ns": ..., "cpu_ns": ...} per query
#include <pgm/query.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <exception>
#include <string>
#include <utility>
#include <vector>

namespace {
double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s MODEL N METHOD NAME=STATE...\n", argv[0]);
    return 2;
  }
  try {
    const auto model = pgm::query::Model::load(argv[1]);
    const long n = std::atol(argv[2]);
    const std::string method = argv[3];
    std::vector<std::pair<std::string, std::string>> pairs;
    for (int i = 4; i < argc; ++i) {
      const std::string a = argv[i];
      const auto eq = a.find('=');
      pairs.emplace_back(a.substr(0, eq), a.substr(eq + 1));
    }
    double sink = 0;
    (void)model.marginals(pgm::query::Evidence::from_names(model, pairs), method);  // warm: builds the tree
    const double c0 = cpu_seconds();
    const auto t0 = std::chrono::steady_clock::now();
    for (long i = 0; i < n; ++i) {
      const auto r = model.marginals(pgm::query::Evidence::from_names(model, pairs), method);
      sink += r.probability_of_evidence;
    }
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double cpu = cpu_seconds() - c0;
    std::printf("{\"wall_ns\": %.1f, \"cpu_ns\": %.1f, \"check\": %.17g}\n", 1e9 * wall / static_cast<double>(n),
                1e9 * cpu / static_cast<double>(n), sink / static_cast<double>(n));
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pgm_python_bench: %s\n", e.what());
    return 1;
  }
}
