// Helpers shared by the commands: model options, loading, --given parsing.
#include "pgm/commands.hpp"

#include <pgm/core/error.hpp>

#include <algorithm>
#include <string_view>

namespace pgm::cli {
namespace {

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t");
  return s.substr(first, last - first + 1);
}

}  // namespace

void add_model_options(CLI::App& cmd, ModelOptions& opts) {
  // No existence check here: a missing file is a model error (exit 3), not a usage error.
  cmd.add_option("model", opts.path, "Model file (.yaml/.yml, .bif, .xmlbif/.xml, .uai)")->required();
  cmd.add_option("--format", opts.format, "Model format, overriding the file extension (yaml, bif, xmlbif, uai)")
      ->check(CLI::Validator(
          [](std::string& name) -> std::string {
            try {
              (void)io::parse_format(name);
              return {};
            } catch (const ParseError& e) {
              return e.message();
            } catch (const Error& e) {
              return e.what();
            }
          },
          "FORMAT", "format"));
  // On by default for inference: BIF files print rounded CPTs (columns off by ~1e-8), and without
  // rescaling engines that prune barren nodes and engines that do not disagree at that level.
  cmd.add_flag("--renormalize,!--no-renormalize", opts.renormalize,
               "Rescale CPT columns that sum to 1 within 1e-6 to sum to exactly 1 (default: on)");
}

ModelVariant load(const ModelOptions& opts) {
  io::LoadOptions options;
  if (!opts.format.empty()) options.format = io::parse_format(opts.format);
  options.renormalize = opts.renormalize;
  try {
    return io::load_model(opts.path, options);
  } catch (const ParseError& e) {
    // The library says "name the format"; here that is an option. Only when the file name was the
    // trouble (format_of fails the same way), not for an error inside the file.
    if (!opts.format.empty()) throw;
    try {
      (void)io::format_of(opts.path);
    } catch (const ParseError& f) {
      if (f.message() == e.message()) throw ParseError(e.where(), e.message() + " with " + opts.format_flag);
    }
    throw;
  }
}

std::vector<std::pair<std::string, std::string>> parse_assignments(const std::vector<std::string>& given,
                                                                  const char* flag) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const std::string& value : given) {
    std::string_view rest = value;
    while (true) {
      const auto comma = rest.find(',');
      const std::string_view item = trim(rest.substr(0, comma));
      const auto eq = item.find('=');
      const std::string_view name = eq == std::string_view::npos ? item : trim(item.substr(0, eq));
      const std::string_view state = eq == std::string_view::npos ? std::string_view{} : trim(item.substr(eq + 1));
      if (eq == std::string_view::npos || name.empty() || state.empty() || state.find('=') != std::string_view::npos) {
        const bool point = std::string_view(flag) == "--point";
        throw UsageError(std::string(point ? "malformed coordinate '" : "malformed evidence '") + std::string(item) +
                         "' in " + flag + " '" + value + "': expected NAME=" + (point ? "VALUE" : "STATE") +
                         " items separated by commas");
      }
      const auto same = std::find_if(out.begin(), out.end(), [&](const auto& p) { return p.first == name; });
      if (same == out.end()) {
        out.emplace_back(std::string(name), std::string(state));
      } else if (same->second != state) {
        throw QueryError("variable '" + std::string(name) + "' is given twice with different states: '" +
                         same->second + "' and '" + std::string(state) + "'");
      }
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return out;
}

}  // namespace pgm::cli
