#pragma once
// `pgm bench` (bench.cpp), registered by register_format_commands.
#include <CLI/CLI.hpp>

namespace pgm::cli {

void register_bench_command(CLI::App& app);

}  // namespace pgm::cli
