#include <pgm/core/error.hpp>
#include <pgm/io/load.hpp>
#include <pgm/io/bif.hpp>
#include <pgm/io/uai.hpp>
#include <pgm/io/xmlbif.hpp>
#include <pgm/io/yaml.hpp>

#include "io/detail/input.hpp"

#include <algorithm>
#include <cctype>

namespace pgm::io {

Format parse_format(std::string_view name) {
  std::string n(name);
  std::transform(n.begin(), n.end(), n.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (n == "yaml" || n == "yml") return Format::yaml;
  if (n == "bif") return Format::bif;
  if (n == "xmlbif" || n == "xml") return Format::xmlbif;
  if (n == "uai") return Format::uai;
  if (n == "dot" || n == "gv") return Format::dot;
  if (n == "auto" || n.empty()) return Format::automatic;
  throw ParseError({std::string(name), 0, 0}, "unknown format '" + std::string(name) + "'; expected yaml, bif, xmlbif, uai or dot");
}

Format format_of(const std::string& path) {
  auto slash = path.find_last_of('/');
  auto dot = path.find_last_of('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash))
    throw ParseError({path, 0, 0}, "cannot tell the format from the file name (no extension); expected .yaml, .bif, .xmlbif, .xml or .uai, or name the format");
  std::string ext = path.substr(dot + 1);
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (ext == "yaml" || ext == "yml") return Format::yaml;
  if (ext == "bif") return Format::bif;
  if (ext == "xmlbif" || ext == "xml") return Format::xmlbif;
  if (ext == "uai") return Format::uai;
  if (ext == "dot" || ext == "gv") return Format::dot;
  throw ParseError({path, 0, 0}, "unknown model file extension '." + ext + "'; expected .yaml, .bif, .xmlbif, .xml or .uai, or name the format");
}

ModelVariant load_model(const std::string& path, LoadOptions options) {
  // "does not exist" / "is a directory" say more than a complaint about the extension would.
  detail::require_readable_file(path);
  const Format f = options.format == Format::automatic ? format_of(path) : options.format;
  switch (f) {
    case Format::yaml:
      return read_yaml_file(path, options);
    case Format::bif:
      return read_bif_file(path, options);
    case Format::xmlbif:
      return read_xmlbif_file(path, options);
    case Format::uai:
      return read_uai_file(path, options);
    case Format::dot:
    case Format::automatic:
      break;
  }
  throw ParseError({path, 0, 0}, "Graphviz DOT is an output format only; it cannot be read as a model");
}

}  // namespace pgm::io
