#pragma once
// PRIVATE: checked access to yaml-cpp nodes. Every failure is a ParseError at the node's position
// (yaml-cpp marks are 0-based; ours are 1-based), so no bare "bad conversion" reaches a user.
#include <pgm/core/error.hpp>

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

namespace pgm::io::detail {

struct YamlContext {
  std::string file;

  [[nodiscard]] SourceLocation at(const YAML::Node& n) const {
    const YAML::Mark m = n.Mark();
    if (m.line < 0) return {file, 0, 0};
    return {file, m.line + 1, m.column + 1};
  }
  [[noreturn]] void fail(const YAML::Node& n, const std::string& message) const { throw ParseError(at(n), message); }

  // map[key] that must exist. `what` describes the enclosing object for the message.
  [[nodiscard]] YAML::Node require(const YAML::Node& map, const std::string& key, const std::string& what) const;
  [[nodiscard]] std::string scalar(const YAML::Node& n, const std::string& what) const;
  // A finite number (NaN, inf and text are errors).
  [[nodiscard]] double number(const YAML::Node& n, const std::string& what) const;
  [[nodiscard]] std::vector<double> numbers(const YAML::Node& n, const std::string& what) const;
  [[nodiscard]] std::vector<std::string> strings(const YAML::Node& n, const std::string& what) const;
  void expect_map(const YAML::Node& n, const std::string& what) const;
  void expect_sequence(const YAML::Node& n, const std::string& what) const;
};

}  // namespace pgm::io::detail
