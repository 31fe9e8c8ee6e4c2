// `pgm render MODEL [--given ...] [--soft ...] -o out.svg|png|pdf|dot` (issue 13): the picture of a
// model with its posteriors, drawn by the library (pgm::render::render); this file parses options
// and writes the file. Also write_picture, which `pgm independent --render` shares.
#include "pgm/commands.hpp"

#include <pgm/core/error.hpp>
#include <pgm/core/size.hpp>
#include <pgm/render/render.hpp>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

namespace pgm::cli {

render::Format picture_format(const std::string& path, const char* flag) {
  try {
    return render::format_from_path(path);
  } catch (const QueryError& e) {
    throw UsageError(std::string(flag) + ": " + e.what());  // a name the command line cannot mean: exit 2
  }
}

void write_picture(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) {
    const int err = errno;
    throw IoError("cannot open '" + path + "' for writing" + (err ? std::string(": ") + std::strerror(err) : ""));
  }
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.flush();
  if (!out) throw IoError("error while writing '" + path + "'");
}

void render_independence(const Model& model, const std::vector<std::string>& x, const std::vector<std::string>& y,
                         const std::vector<std::string>& given, double tolerance, const std::string& path) {
  render::Options options;
  options.format = picture_format(path, "--render");
  options.max_memory_bytes = parse_memory("");
  options.independence = render::Independence{x, y, given, tolerance};
  write_picture(path, render::render(model, {}, options));
}

namespace {

struct RenderOptions {
  ModelOptions model;
  std::vector<std::string> given;
  std::string evidence_file;
  SoftOptions soft;
  std::string max_memory;
  std::string output;
  std::size_t max_bar_variables = render::kDefaultMaxBarVariables;
  bool no_bars = false;
};

void run_render(const RenderOptions& opts) {
  render::Options options;
  options.format = picture_format(opts.output, "-o");
  options.max_memory_bytes = parse_memory(opts.max_memory);
  options.max_bar_variables = opts.max_bar_variables;
  options.bars = !opts.no_bars;
  set_max_table_bytes(options.max_memory_bytes);
  Assignments given = parse_assignments(opts.given);
  const SoftGiven soft = parse_soft_options(opts.soft);
  const Model model = load_model(opts.model);
  given = with_evidence_file(opts.evidence_file, std::move(given));
  const query::Evidence evidence = apply_soft(model, query::Evidence::from_names(model, given), soft,
                                              options.max_memory_bytes);
  write_picture(opts.output, render::render(model, evidence, options));
}

}  // namespace

void register_render_commands(CLI::App& app) {
  auto opts = std::make_shared<RenderOptions>();
  CLI::App* cmd = app.add_subcommand(
      "render", "Draw the network with each variable's posterior (Graphviz): SVG, PNG, PDF or DOT by -o's extension");
  add_model_options(*cmd, opts->model);
  add_evidence_options(*cmd, opts->given, opts->evidence_file);
  add_soft_options(*cmd, opts->soft, false);
  add_max_memory_option(*cmd, opts->max_memory);
  cmd->add_option("--output,-o", opts->output, "The picture to write: .svg, .png, .pdf or .dot")
      ->required()
      ->type_name("FILE");
  cmd->add_option("--max-bar-variables", opts->max_bar_variables,
                  "Leave the state bars (and inference) out of models with more variables than this")
      ->capture_default_str();
  cmd->add_flag("--no-bars", opts->no_bars, "Draw the names only (no state bars, no inference)");
  cmd->callback([opts] { run_render(*opts); });
}

}  // namespace pgm::cli
