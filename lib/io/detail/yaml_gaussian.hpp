#pragma once
// PRIVATE: readers for `type: gaussian` and `type: linear-gaussian` YAML models, called by the
// dispatch in yaml.cpp. All errors are ParseError at the offending node (file:line:column).
#include <pgm/gaussian/gaussian.hpp>
#include <pgm/gaussian/linear_gaussian_network.hpp>

#include "io/detail/yaml_access.hpp"

#include <yaml-cpp/yaml.h>

namespace pgm::io::detail {

// name (optional, else the file stem), variables: [..], mean: [..], and exactly one of
// covariance: / precision: as a list of rows.
[[nodiscard]] pgm::Gaussian read_gaussian_yaml(const YAML::Node& root, const YamlContext& ctx);
// name, variables: [..], cpds: {X: {parents: [..], weights: [..], intercept: b, variance: s2}}.
[[nodiscard]] pgm::LinearGaussianNetwork read_linear_gaussian_yaml(const YAML::Node& root, const YamlContext& ctx);

}  // namespace pgm::io::detail
