#pragma once
// Loading any supported model file. The format is chosen by extension unless given.
#include <pgm/gaussian/gaussian.hpp>
#include <pgm/gaussian/linear_gaussian_network.hpp>
#include <pgm/model/bayesian_network.hpp>
#include <pgm/model/markov_network.hpp>

#include <string>
#include <string_view>
#include <variant>

namespace pgm {

using ModelVariant = std::variant<BayesianNetwork, MarkovNetwork, Gaussian, LinearGaussianNetwork>;

namespace io {

enum class Format { automatic, yaml, bif, xmlbif, uai, dot };

struct LoadOptions {
  Format format = Format::automatic;
  // Rescale CPT columns that sum to 1 only within kCptSumTolerance (e.g. BIF files that print
  // 0.3333) to sum to exactly 1, as the command line and pgm::Model do. Columns further off are
  // always rejected; false keeps the numbers exactly as written.
  bool renormalize = true;
};

// "yaml", "bif", ... ; QueryError-free: throws ParseError naming the text for unknown names.
[[nodiscard]] Format parse_format(std::string_view name);
// By extension (.yaml/.yml, .bif, .xmlbif/.xml, .uai, .dot); ParseError naming the file otherwise.
[[nodiscard]] Format format_of(const std::string& path);

// Reads a model; ParseError (file, line, column, what is wrong) or IoError.
[[nodiscard]] ModelVariant load_model(const std::string& path, LoadOptions options = {});

}  // namespace io
}  // namespace pgm
