#include <pgm/inference/sampling.hpp>

#include <algorithm>
#include <string>

namespace pgm {

void check_options(const SamplingOptions& options) {
  if (options.samples < 1) throw QueryError("sampling needs samples >= 1, got 0");
  if (options.samples > kMaxSamples)
    throw QueryError("sampling takes at most " + std::to_string(kMaxSamples) + " samples, got " +
                     std::to_string(options.samples));
  if (options.burn_in && *options.burn_in > kMaxSamples)
    throw QueryError("sampling takes a burn-in of at most " + std::to_string(kMaxSamples) + " sweeps, got " +
                     std::to_string(*options.burn_in));
}

std::size_t burn_in_of(const SamplingOptions& options) {
  return options.burn_in ? *options.burn_in : std::max<std::size_t>(1000, options.samples / 10);
}

}  // namespace pgm
