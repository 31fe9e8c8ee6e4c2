// Helpers shared by the commands: model options, loading, --given parsing. The reading itself is
// the library's (pgm::Model::load, query::parse_assignments); this file only words it for flags.
#include "pgm/commands.hpp"

#include <pgm/core/error.hpp>

#include <string_view>

namespace pgm::cli {
namespace {

// Runs `read`; a ParseError about the file name (the library says "name the format") gains the
// option that names it. Only when the file name was the trouble (format_of fails the same way),
// not for an error inside the file.
template <class Read>
auto with_format_hint(const ModelOptions& opts, Read read) {
  try {
    return read();
  } catch (const ParseError& e) {
    if (!opts.format.empty()) throw;
    try {
      (void)io::format_of(opts.path);
    } catch (const ParseError& f) {
      if (f.message() == e.message()) throw ParseError(e.where(), e.message() + " with " + opts.format_flag);
    }
    throw;
  }
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

Model load_model(const ModelOptions& opts) {
  query::LoadOptions options;
  if (!opts.format.empty()) options.format = io::parse_format(opts.format);
  options.renormalize = opts.renormalize;
  return with_format_hint(opts, [&] { return Model::load(opts.path, options); });
}

Assignments parse_assignments(const std::vector<std::string>& given, const char* flag) {
  const bool point = std::string_view(flag) == "--point";
  try {
    return query::parse_assignments(given, flag,
                                    point ? query::AssignmentItems::coordinates : query::AssignmentItems::states);
  } catch (const query::MalformedAssignment& e) {
    throw UsageError(e.what());  // a value the command line cannot mean anything by: exit 2
  }
}

}  // namespace pgm::cli
