// Numeric summaries from the exact posterior joint (see expectation.hpp).
#include <pgm/query/expectation.hpp>

#include <pgm/core/error.hpp>
#include <pgm/query/model.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numbers>
#include <span>
#include <string>

namespace pgm::query {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// -Σ p ln p with 0 ln 0 = 0.
double entropy_of(const std::vector<double>& p) {
  double h = 0.0;
  for (double x : p)
    if (x > 0.0) h -= x * std::log(x);
  return h;
}

// Mutual information is never negative; rounding can leave -1e-17 where it is exactly 0.
double clamp_information(double i) { return i < 0.0 ? 0.0 : i; }

void check_distinct(const Model& model, const std::vector<std::string>& variables, const ExpectOptions& options) {
  if (variables.empty() || variables.size() > 2)
    throw QueryError("expect takes one or two variables (X, or X and Y); got " + std::to_string(variables.size()));
  for (const auto& v : variables) (void)model.id(v);  // QueryError listing the known names
  if (variables.size() == 2 && variables[0] == variables[1])
    throw QueryError("X and Y are the same variable '" + variables[0] + "'; name two different variables");
  if (!options.given_set.empty() && variables.size() < 2)
    throw QueryError("a given set (I(X; Y | Z)) needs two variables X and Y");
  for (std::size_t i = 0; i < options.given_set.size(); ++i) {
    const std::string& z = options.given_set[i];
    (void)model.id(z);
    if (std::find(variables.begin(), variables.end(), z) != variables.end())
      throw QueryError("variable '" + z + "' is both a target and in the given set");
    if (std::find(options.given_set.begin(), options.given_set.begin() + static_cast<std::ptrdiff_t>(i), z) !=
        options.given_set.begin() + static_cast<std::ptrdiff_t>(i))
      throw QueryError("variable '" + z + "' appears twice in the given set");
  }
  for (const auto& [name, vals] : options.values) {
    (void)model.id(name);
    if (!model.discrete()) throw QueryError("values are for discrete variables; '" + name + "' is continuous");
  }
}

// The numeric values of a discrete variable's states, or nullopt.
std::optional<std::vector<double>> values_of(const Model& model, const std::string& name, const ExpectOptions& options) {
  const auto& states = model.variables()[model.id(name)].states;
  for (const auto& [n, vals] : options.values) {
    if (n != name) continue;
    if (vals.size() != states.size())
      throw QueryError("--values gives " + std::to_string(vals.size()) + " values for '" + name + "', which has " +
                       std::to_string(states.size()) + " states; give one value per state, in declared order");
    return vals;
  }
  const auto& declared = model.variable_set()[model.id(name)].values;  // a YAML variable's values:
  if (!declared.empty()) return declared;
  std::vector<double> out;
  for (const auto& s : states) {
    const std::optional<double> v = numeric_state(s);
    if (!v) return std::nullopt;
    out.push_back(*v);
  }
  return out;
}

Expectation expect_discrete(const Model& model, const std::vector<std::string>& variables, const Evidence& evidence,
                            const ExpectOptions& options) {
  Expectation out;
  out.variables = variables;
  std::vector<std::string> targets = variables;
  targets.insert(targets.end(), options.given_set.begin(), options.given_set.end());
  const Result r = model.joint(targets, evidence, options.method);
  const std::vector<double>& p = r.joint;
  const std::size_t nx = r.joint_shape[0];
  const std::size_t ny = variables.size() > 1 ? r.joint_shape[1] : 1;
  const std::size_t nz = p.size() / (nx * ny);  // 1 without a given set
  // Marginals of X and Y.
  std::vector<double> px(nx, 0.0), py(ny, 0.0), pxy(nx * ny, 0.0);
  for (std::size_t x = 0; x < nx; ++x)
    for (std::size_t y = 0; y < ny; ++y)
      for (std::size_t z = 0; z < nz; ++z) {
        const double q = p[(x * ny + y) * nz + z];
        px[x] += q;
        py[y] += q;
        pxy[x * ny + y] += q;
      }
  std::vector<std::optional<std::vector<double>>> vals;
  for (const auto& v : variables) vals.push_back(values_of(model, v, options));
  const std::vector<double>* marg[2] = {&px, &py};
  std::optional<double> means[2];
  for (std::size_t i = 0; i < variables.size(); ++i) {
    out.entropy.push_back(entropy_of(*marg[i]));
    if (!vals[i]) {
      out.expectation.emplace_back();
      out.variance.emplace_back();
      continue;
    }
    double m = 0.0;
    for (std::size_t s = 0; s < marg[i]->size(); ++s) m += (*marg[i])[s] * (*vals[i])[s];
    double v = 0.0;  // two passes: no cancellation
    for (std::size_t s = 0; s < marg[i]->size(); ++s) v += (*marg[i])[s] * ((*vals[i])[s] - m) * ((*vals[i])[s] - m);
    means[i] = m;
    out.expectation.emplace_back(m);
    out.variance.emplace_back(v);
  }
  if (variables.size() == 2) {
    if (vals[0] && vals[1]) {
      double c = 0.0;
      for (std::size_t x = 0; x < nx; ++x)
        for (std::size_t y = 0; y < ny; ++y)
          c += pxy[x * ny + y] * ((*vals[0])[x] - *means[0]) * ((*vals[1])[y] - *means[1]);
      out.covariance = c;
      out.has_correlation = true;
      const double vx = *out.variance[0], vy = *out.variance[1];
      if (vx > 0.0 && vy > 0.0) out.correlation = std::clamp(c / std::sqrt(vx * vy), -1.0, 1.0);
    }
    double i = 0.0;
    for (std::size_t x = 0; x < nx; ++x)
      for (std::size_t y = 0; y < ny; ++y) {
        const double q = pxy[x * ny + y];
        if (q > 0.0) i += q * std::log(q / (px[x] * py[y]));
      }
    out.mutual_information = clamp_information(i);
  }
  if (!options.given_set.empty()) {
    out.given_set = options.given_set;
    // Σ p(x,y,z) ln [p(x,y,z) p(z) / (p(x,z) p(y,z))] = Σ_z p(z) I(X; Y | Z = z).
    std::vector<double> pz(nz, 0.0), pxz(nx * nz, 0.0), pyz(ny * nz, 0.0);
    for (std::size_t x = 0; x < nx; ++x)
      for (std::size_t y = 0; y < ny; ++y)
        for (std::size_t z = 0; z < nz; ++z) {
          const double q = p[(x * ny + y) * nz + z];
          pz[z] += q;
          pxz[x * nz + z] += q;
          pyz[y * nz + z] += q;
        }
    double i = 0.0;
    for (std::size_t x = 0; x < nx; ++x)
      for (std::size_t y = 0; y < ny; ++y)
        for (std::size_t z = 0; z < nz; ++z) {
          const double q = p[(x * ny + y) * nz + z];
          if (q > 0.0) i += q * std::log(q * pz[z] / (pxz[x * nz + z] * pyz[y * nz + z]));
        }
    out.conditional_mutual_information = clamp_information(i);
  }
  return out;
}

Expectation expect_continuous(const Model& model, const std::vector<std::string>& variables, const Evidence& evidence,
                              const ExpectOptions& options) {
  Expectation out;
  out.variables = variables;
  out.continuous = true;
  std::vector<std::string> targets = variables;
  targets.insert(targets.end(), options.given_set.begin(), options.given_set.end());
  const Gaussian g = model.posterior(targets, evidence);  // QueryError on an observed target
  const auto logdet = [&](std::vector<std::string> names) { return g.marginal(names).log_det_covariance(); };
  for (std::size_t i = 0; i < variables.size(); ++i) {
    const double v = g.covariance()(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(i));
    out.expectation.emplace_back(g.mean()(static_cast<Eigen::Index>(i)));
    out.variance.emplace_back(v);
    out.entropy.push_back(0.5 * std::log(2.0 * std::numbers::pi * std::numbers::e * v));
  }
  if (variables.size() == 2) {
    const double c = g.covariance()(0, 1);
    out.covariance = c;
    out.has_correlation = true;
    out.correlation = std::clamp(c / std::sqrt(*out.variance[0] * *out.variance[1]), -1.0, 1.0);
    // −½ ln(1 − ρ²) = ½ (ln σx² + ln σy² − ln det Σ_XY), the determinant from the Cholesky factor.
    out.mutual_information =
        clamp_information(0.5 * (std::log(*out.variance[0]) + std::log(*out.variance[1]) - logdet(variables)));
  }
  if (!options.given_set.empty()) {
    out.given_set = options.given_set;
    std::vector<std::string> xz{variables[0]}, yz{variables[1]};
    xz.insert(xz.end(), options.given_set.begin(), options.given_set.end());
    yz.insert(yz.end(), options.given_set.begin(), options.given_set.end());
    out.conditional_mutual_information = clamp_information(
        0.5 * (logdet(xz) + logdet(yz) - logdet(options.given_set) - g.log_det_covariance()));
  }
  return out;
}

}  // namespace

std::optional<double> numeric_state(std::string_view state) {
  std::string_view s = state;
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return std::nullopt;
  double v = 0.0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

StateValues parse_state_values(std::span<const std::string> texts, std::string_view source) {
  StateValues out;
  for (const std::string& text : texts) {
    const auto fail = [&](const std::string& why) -> void {
      throw MalformedAssignment("malformed " + std::string(source) + " '" + text + "': " + why +
                                "; expected NAME=V1,V2,... (one finite number per state, in declared order)");
    };
    const std::string_view all = text;
    const auto eq = all.find('=');
    if (eq == std::string_view::npos) fail("no '='");
    const std::string name(trim(all.substr(0, eq)));
    if (name.empty()) fail("no variable name");
    for (const auto& [n, v] : out)
      if (n == name) fail("variable '" + name + "' is given values twice");
    std::vector<double> vals;
    std::string_view rest = all.substr(eq + 1);
    while (true) {
      const auto comma = rest.find(',');
      const std::string_view item = trim(rest.substr(0, comma));
      if (item.empty()) fail("an empty value");
      const std::optional<double> v = numeric_state(item);
      if (!v) fail("'" + std::string(item) + "' is not a finite number");
      vals.push_back(*v);
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
    out.emplace_back(name, std::move(vals));
  }
  return out;
}

Expectation expect(const Model& model, const std::vector<std::string>& variables, const Evidence& evidence,
                   const ExpectOptions& options) {
  check_distinct(model, variables, options);
  Expectation out = model.discrete() ? expect_discrete(model, variables, evidence, options)
                                     : expect_continuous(model, variables, evidence, options);
  out.evidence = evidence.as_given();
  return out;
}

}  // namespace pgm::query
