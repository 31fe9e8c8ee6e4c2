// `pgm convert IN OUT`: read any model format, write YAML, BIF, XMLBIF, UAI or Graphviz DOT.
#include "pgm/commands.hpp"
#include "pgm/commands/bench.hpp"

#include <pgm/core/error.hpp>
#include <pgm/io/bif.hpp>
#include <pgm/io/dot.hpp>
#include <pgm/io/uai.hpp>
#include <pgm/io/xmlbif.hpp>
#include <pgm/io/yaml.hpp>

#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <type_traits>
#include <variant>

namespace pgm::cli {
namespace {

struct ConvertOptions {
  std::string input;
  std::string output;
  std::string from;  // input format; empty: by extension
  std::string to;    // output format; empty: by extension of OUT
  bool renormalize = false;
};

[[nodiscard]] const char* format_name(io::Format f) {
  switch (f) {
    case io::Format::yaml: return "YAML";
    case io::Format::bif: return "BIF";
    case io::Format::xmlbif: return "XMLBIF";
    case io::Format::uai: return "UAI";
    case io::Format::dot: return "Graphviz DOT";
    case io::Format::automatic: break;
  }
  return "automatic";
}

[[nodiscard]] std::string render(const ModelVariant& model, io::Format to) {
  return std::visit(
      [to](const auto& m) -> std::string {
        using M = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<M, BayesianNetwork>) {
          switch (to) {
            case io::Format::yaml: return io::write_yaml(m);
            case io::Format::bif: return io::write_bif(m);
            case io::Format::xmlbif: return io::write_xmlbif(m);
            case io::Format::uai: return io::write_uai(m);
            case io::Format::dot: return io::write_dot(m);
            case io::Format::automatic: break;
          }
        } else if constexpr (std::is_same_v<M, MarkovNetwork>) {
          switch (to) {
            case io::Format::yaml: return io::write_yaml(m);
            case io::Format::uai: return io::write_uai(m);
            case io::Format::dot: return io::write_dot(m);
            case io::Format::bif:
            case io::Format::xmlbif:
              throw UnsupportedError(std::string(format_name(to)) +
                                     " holds Bayesian networks only and this model is a Markov network; write .uai, "
                                     ".yaml or .dot instead");
            case io::Format::automatic: break;
          }
        } else {
          if (to == io::Format::yaml)
            throw UnsupportedError("converting Gaussian models is not supported: pgm reads them from YAML but "
                                   "writes only discrete models");
          throw UnsupportedError(std::string("converting Gaussian models is not supported (") + format_name(to) +
                                 " holds discrete models only)");
        }
        throw ModelError("no output format chosen");
      },
      model);
}

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
  const ModelVariant model = load(in);
  write_output(opts.output, render(model, to));
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
