// Pictures (issue 13): pgm::render::render on munin (1,041 variables: over the 200-variable bar
// cut-off, so names only and no inference; the dot layout and SVG writing are what is timed) and on
// alarm (37 variables, with every posterior's bars: inference included), each against loading the
// same network from its BIF file in the same run, as a CPU-time ratio.
//   pgm_benchmarks --benchmark_filter=Render
#include <pgm/query/model.hpp>
#include <pgm/render/render.hpp>

#include <benchmark/benchmark.h>

#include <filesystem>
#include <string>

namespace {

std::string network(const char* name) { return std::string(PGM_BENCH_NETWORKS) + "/" + name + ".bif"; }

void BM_LoadNetwork(benchmark::State& state, const char* name) {
  const std::string path = network(name);
  if (!std::filesystem::exists(path)) {
    state.SkipWithError((path + " not found").c_str());
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(pgm::Model::load(path));
}

void BM_Render(benchmark::State& state, const char* name, pgm::render::Format format) {
  const std::string path = network(name);
  if (!std::filesystem::exists(path)) {
    state.SkipWithError((path + " not found").c_str());
    return;
  }
  const pgm::Model model = pgm::Model::load(path);
  pgm::render::Options options;
  options.format = format;
  std::size_t bytes = 0;
  for (auto _ : state) bytes = pgm::render::render(model, {}, options).size();
  state.counters["bytes"] = static_cast<double>(bytes);
}

BENCHMARK_CAPTURE(BM_LoadNetwork, munin, "munin")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Render, munin_svg, "munin", pgm::render::Format::svg)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Render, munin_png, "munin", pgm::render::Format::png)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_LoadNetwork, alarm, "alarm")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Render, alarm_svg, "alarm", pgm::render::Format::svg)->Unit(benchmark::kMillisecond);

}  // namespace
