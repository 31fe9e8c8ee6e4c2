#include "io/detail/yaml_gaussian.hpp"

#include <pgm/core/error.hpp>
#include <pgm/core/variable.hpp>
#include <pgm/graph/dag.hpp>

#include <filesystem>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace pgm::io::detail {

namespace {

std::string model_name(const YAML::Node& root, const YamlContext& ctx) {
  if (root["name"]) return ctx.scalar(root["name"], "'name'");
  return std::filesystem::path(ctx.file).stem().string();
}

void check_top_level(const YAML::Node& root, const YamlContext& ctx, std::initializer_list<const char*> allowed,
                     const std::string& type) {
  for (const auto& kv : root) {
    const std::string key = ctx.scalar(kv.first, "a top-level key");
    bool ok = false;
    std::string list;
    for (const char* a : allowed) {
      ok = ok || key == a;
      list += (list.empty() ? "" : ", ") + std::string(a);
    }
    if (!ok) ctx.fail(kv.first, "unknown key '" + key + "' in a " + type + " model; expected " + list);
  }
}

// `variables: [A, B, ...]`: non-empty, unique names.
std::vector<std::string> read_names(const YAML::Node& root, const YamlContext& ctx, const std::string& type) {
  const YAML::Node vars = ctx.require(root, "variables", "the model");
  if (!vars.IsSequence())
    ctx.fail(vars, "'variables' of a " + type + " model must be a list of names [X1, X2, ...]");
  if (vars.size() == 0) ctx.fail(vars, "'variables' is empty; a model needs at least one variable");
  std::vector<std::string> names = ctx.strings(vars, "'variables'");
  std::unordered_map<std::string_view, std::size_t> seen;  // hashed: 10^5 names must not cost 10^10 compares
  seen.reserve(names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i].empty()) ctx.fail(vars[i], "a variable has an empty name");
    const auto [first, inserted] = seen.emplace(names[i], i);
    if (!inserted) {
      ctx.fail(vars[i], "variable '" + names[i] + "' is declared twice (first at line " +
                            std::to_string(ctx.at(vars[first->second]).line) + ")");
    }
  }
  return names;
}

// The key node of root[key], whose position is the line a user looks for.
YAML::Node key_node(const YAML::Node& root, const std::string& key) {
  for (const auto& kv : root)
    if (kv.first.IsScalar() && kv.first.Scalar() == key) return kv.first;
  return root;
}

Eigen::MatrixXd read_matrix(const YAML::Node& key, const YAML::Node& n, const YamlContext& ctx, const std::string& what,
                            const std::vector<std::string>& names) {
  const auto d = names.size();
  const std::string expected = std::to_string(d) + " rows of " + std::to_string(d) + " numbers (one per variable: " +
                               join_names(names, 10) + ")";
  if (!n.IsSequence()) ctx.fail(n, "'" + what + "' must be a list of rows; expected " + expected);
  if (n.size() != d)
    ctx.fail(key, "'" + what + "' has " + std::to_string(n.size()) + " rows; expected " + expected);
  Eigen::MatrixXd m(d, d);
  for (std::size_t i = 0; i < d; ++i) {
    const std::string row_what = "row " + std::to_string(i + 1) + " of '" + what + "'";
    if (!n[i].IsSequence()) ctx.fail(n[i], row_what + " must be a list of " + std::to_string(d) + " numbers");
    const auto row = ctx.numbers(n[i], row_what);
    if (row.size() != d)
      ctx.fail(n[i], row_what + " (" + names[i] + ") has " + std::to_string(row.size()) + " entries; expected " +
                         std::to_string(d));
    for (std::size_t j = 0; j < d; ++j) m(i, j) = row[j];
  }
  return m;
}

}  // namespace

pgm::Gaussian read_gaussian_yaml(const YAML::Node& root, const YamlContext& ctx) {
  check_top_level(root, ctx, {"name", "type", "description", "variables", "mean", "covariance", "precision"},
                  "gaussian");
  const std::string name = model_name(root, ctx);
  auto names = read_names(root, ctx, "gaussian");
  const YAML::Node mean_node = ctx.require(root, "mean", "a gaussian model");
  const auto mean = ctx.numbers(mean_node, "'mean'");
  if (mean.size() != names.size())
    ctx.fail(key_node(root, "mean"), "'mean' has " + std::to_string(mean.size()) + " entries; expected " +
                            std::to_string(names.size()) + " (one per variable: " + join_names(names, 10) + ")");
  const YAML::Node cov = root["covariance"];
  const YAML::Node prec = root["precision"];
  if (cov && prec) ctx.fail(key_node(root, "precision"), "a gaussian model gives 'covariance' or 'precision', not both");
  if (!cov && !prec) ctx.fail(root, "a gaussian model needs 'covariance' (or 'precision')");
  const YAML::Node mat = cov ? cov : prec;
  const std::string what = cov ? "covariance" : "precision";
  const YAML::Node key = key_node(root, what);
  Eigen::MatrixXd m = read_matrix(key, mat, ctx, what, names);
  Eigen::VectorXd mu = Eigen::Map<const Eigen::VectorXd>(mean.data(), static_cast<Eigen::Index>(mean.size()));
  try {
    if (cov) return pgm::Gaussian(std::move(names), std::move(mu), std::move(m), name);
    return pgm::Gaussian::from_precision(std::move(names), std::move(mu), m, name);
  } catch (const ModelError& e) {
    ctx.fail(key, e.what());
  }
}

pgm::LinearGaussianNetwork read_linear_gaussian_yaml(const YAML::Node& root, const YamlContext& ctx) {
  check_top_level(root, ctx, {"name", "type", "description", "variables", "cpds", "latent"}, "linear-gaussian");
  const std::string name = model_name(root, ctx);
  auto names = read_names(root, ctx, "linear-gaussian");
  std::unordered_map<std::string, VariableId> id;
  for (std::size_t i = 0; i < names.size(); ++i) id.emplace(names[i], static_cast<VariableId>(i));

  const YAML::Node cpds = ctx.require(root, "cpds", "a linear-gaussian model");
  ctx.expect_map(cpds, "'cpds'");
  std::vector<std::optional<LinearGaussianCpd>> out(names.size());
  std::vector<YAML::Node> key_of(names.size());
  std::vector<std::size_t> parent_stamp(names.size(), 0);  // 1 + the child whose parent list last named it
  for (const auto& kv : cpds) {
    const std::string cname = ctx.scalar(kv.first, "a CPD name");
    const auto it = id.find(cname);
    if (it == id.end())
      ctx.fail(kv.first, "CPD for unknown variable '" + cname + "'; declared variables are: " + join_names(names));
    const VariableId v = it->second;
    if (out[v])
      ctx.fail(kv.first, "variable '" + cname + "' has a second CPD (the first is at line " +
                             std::to_string(ctx.at(key_of[v]).line) + ")");
    key_of[v] = kv.first;
    const YAML::Node c = kv.second;
    const std::string who = "the CPD of '" + cname + "'";
    ctx.expect_map(c, who);
    for (const auto& field : c) {
      const std::string f = ctx.scalar(field.first, "a CPD field");
      if (f != "parents" && f != "weights" && f != "intercept" && f != "variance")
        ctx.fail(field.first, "unknown field '" + f + "' in " + who + "; expected parents, weights, intercept, variance");
    }
    LinearGaussianCpd cpd;
    std::vector<std::string> pnames;
    if (c["parents"]) {
      const YAML::Node pn = c["parents"];
      pnames = ctx.strings(pn, "the parents of '" + cname + "'");
      for (std::size_t i = 0; i < pnames.size(); ++i) {
        const auto p = id.find(pnames[i]);
        if (p == id.end())
          ctx.fail(pn[i], "unknown parent '" + pnames[i] + "' of '" + cname + "'; declared variables are: " +
                              join_names(names));
        if (p->second == v) ctx.fail(pn[i], "variable '" + cname + "' lists itself as a parent");
        if (parent_stamp[p->second] == v + 1)
          ctx.fail(pn[i], "parent '" + pnames[i] + "' of '" + cname + "' is listed twice");
        parent_stamp[p->second] = v + 1;
        cpd.parents.push_back(p->second);
      }
    }
    if (c["weights"]) {
      const YAML::Node wn = c["weights"];
      cpd.weights = ctx.numbers(wn, "the weights of '" + cname + "'");
      if (cpd.weights.size() != cpd.parents.size())
        ctx.fail(wn, who + " has " + std::to_string(cpd.weights.size()) + " weights for " +
                         std::to_string(cpd.parents.size()) + " parents" +
                         (pnames.empty() ? std::string() : " (" + join_names(pnames) + ")") +
                         "; expected one weight per parent");
    } else if (!cpd.parents.empty()) {
      ctx.fail(c, who + " has parents (" + join_names(pnames) + ") but no 'weights'; expected one weight per parent");
    }
    if (c["intercept"]) cpd.intercept = ctx.number(c["intercept"], "the intercept of '" + cname + "'");
    const YAML::Node vn = ctx.require(c, "variance", who);
    cpd.variance = ctx.number(vn, "the variance of '" + cname + "'");
    if (!(cpd.variance > 0))
      ctx.fail(vn, "the variance of '" + cname + "' is " + ctx.scalar(vn, "") + "; expected a number > 0");
    out[v] = std::move(cpd);
  }
  std::vector<LinearGaussianCpd> list;
  for (std::size_t v = 0; v < names.size(); ++v) {
    if (!out[v]) ctx.fail(key_node(root, "cpds"), "variable '" + names[v] + "' has no CPD");
    list.push_back(std::move(*out[v]));
  }
  // Check acyclicity here so the error points at a CPD on the cycle.
  Dag dag(names.size());
  for (std::size_t v = 0; v < names.size(); ++v)
    for (const VariableId p : list[v].parents) dag.add_edge(p, static_cast<VariableId>(v));
  if (const auto cycle = dag.find_cycle()) {
    std::string spelled;
    for (std::size_t i = 0; i < cycle->size(); ++i) spelled += (i ? " -> " : "") + names[(*cycle)[i]];
    ctx.fail(key_of[(*cycle)[1]], "the parents form a directed cycle: " + spelled);
  }
  // [elbo] `latent: [Z1, Z2]`: variables of the model, each once.
  std::vector<std::string> latent;
  if (const YAML::Node ln = root["latent"]) {
    latent = ctx.strings(ln, "'latent'");
    std::vector<bool> listed(names.size(), false);
    for (std::size_t i = 0; i < latent.size(); ++i) {
      const auto it = id.find(latent[i]);
      if (it == id.end())
        ctx.fail(ln[i], "unknown latent variable '" + latent[i] + "'; declared variables are: " + join_names(names));
      if (listed[it->second]) ctx.fail(ln[i], "latent variable '" + latent[i] + "' is listed twice");
      listed[it->second] = true;
    }
  }
  try {
    pgm::LinearGaussianNetwork net(name, std::move(names), std::move(list));
    if (latent.empty()) return net;
    return net.with_latent(latent);
  } catch (const ModelError& e) {
    ctx.fail(key_node(root, "cpds"), e.what());
  }
}

}  // namespace pgm::io::detail
