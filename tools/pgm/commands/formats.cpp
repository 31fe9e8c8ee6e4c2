// `pgm convert IN OUT`: read any model format, write YAML, BIF, XMLBIF, UAI or Graphviz DOT
// (pgm::Model::load, then Model::dumps).
#include "pgm/commands.hpp"
#include "pgm/commands/bench.hpp"

#include <pgm/core/error.hpp>

#include <fstream>
#include <iostream>
#include <memory>
#include <string>

namespace pgm::cli {
namespace {

struct ConvertOptions {
  std::string input;
  std::string output;
  std::string from;  // input format; empty: by extension
  std::string to;    // output format; empty: by extension of OUT
  bool renormalize = false;
};

void write_output(const std::string& path, const std::string& text) {
  if (path == "-") {
    std::cout << text;
    return;
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw IoError("cannot open '" + path + "' for writing");
  out << text;
  out.flush();
  if (!out) throw IoError("error while writing '" + path + "'");
}

void run_convert(const ConvertOptions& opts) {
  // Resolve the output format before reading, so a bad OUT name fails fast.
  // A bad OUT name is a command-line mistake (exit 2), not a model error.
  io::Format to = io::Format::automatic;
  if (!opts.to.empty()) to = io::parse_format(opts.to);
  if (to == io::Format::automatic) {
    if (opts.output == "-") throw CLI::ValidationError("output", "writing to standard output ('-') needs --to FORMAT");
    try {
      to = io::format_of(opts.output);
    } catch (const ParseError& e) {
      throw CLI::ValidationError("output", e.message() + " with --to");
    }
  }

  ModelOptions in;
  in.path = opts.input;
  in.format = opts.from;
  in.renormalize = opts.renormalize;
  in.format_flag = "--from";
  write_output(opts.output, load_model(in).dumps(to));
}

void add_format_check(CLI::Option* option) {
  option->check(CLI::Validator(
      [](std::string& name) -> std::string {
        try {
          (void)io::parse_format(name);
          return {};
        } catch (const Error& e) {
          return e.what();
        }
      },
      "FORMAT", "format"));
}

}  // namespace

void register_format_commands(CLI::App& app) {
  auto opts = std::make_shared<ConvertOptions>();
  CLI::App* cmd = app.add_subcommand(
      "convert", "Convert a model between formats; the output format follows OUT's extension "
                 "(.yaml/.yml, .bif, .xmlbif/.xml, .uai, .dot). Numbers are written exactly, so a round trip "
                 "keeps every probability bit-for-bit. UAI output names variables and states by index.");
  cmd->add_option("input", opts->input, "Model file to read (.yaml/.yml, .bif, .xmlbif/.xml, .uai)")->required();
  cmd->add_option("output", opts->output, "File to write, or '-' for standard output (with --to)")->required();
  add_format_check(cmd->add_option("--to,--format", opts->to,
                                   "Output format, overriding OUT's extension (yaml, bif, xmlbif, uai, dot)"));
  add_format_check(
      cmd->add_option("--from", opts->from, "Input format, overriding IN's extension (yaml, bif, xmlbif, uai)"));
  cmd->add_flag("--renormalize", opts->renormalize,
                "Rescale CPT columns that sum to 1 only within rounding to sum to exactly 1");
  cmd->callback([opts] { run_convert(*opts); });

  register_bench_command(app);
}

}  // namespace pgm::cli
