#include <pgm/independence/ci_check.hpp>

#include <pgm/core/error.hpp>
#include <pgm/independence/d_separation.hpp>
#include <pgm/inference/variable_elimination.hpp>
#include <pgm/model/bayesian_network.hpp>
#include <pgm/model/markov_network.hpp>

#include "independence/detail/sets.hpp"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <sstream>

namespace pgm {
namespace {

std::vector<VariableId> sorted_unique(std::span<const VariableId> ids) {
  std::vector<VariableId> v(ids.begin(), ids.end());
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

// LimitError with the figure when the joint over `vars` has more than kMaxIndependenceJointEntries
// entries. Counted in double so that huge products cannot overflow.
void check_joint_size(const VariableSet& all, std::span<const VariableId> vars) {
  double entries = 1.0;
  for (VariableId v : vars) entries *= static_cast<double>(all[v].cardinality());
  if (entries > static_cast<double>(kMaxIndependenceJointEntries)) {
    std::ostringstream msg;
    msg << "the numeric independence check needs the joint distribution over " << vars.size()
        << " variables (X, Y and Z), which has " << std::fixed << std::setprecision(0) << entries
        << " entries; the limit is " << kMaxIndependenceJointEntries
        << " — use fewer or smaller variables, or rely on the structural answer";
    throw LimitError(msg.str());
  }
}

template <class M>
NumericIndependence check(const M& model, std::span<const VariableId> x_in, std::span<const VariableId> y_in,
                          std::span<const VariableId> z_in, double tolerance) {
  check_independence_query(model.size(), x_in, y_in, z_in);
  if (!std::isfinite(tolerance) || tolerance < 0) {
    std::ostringstream msg;
    msg << "the tolerance of the numeric independence check must be a finite number >= 0, got " << tolerance;
    throw QueryError(msg.str());
  }
  const std::vector<VariableId> x = sorted_unique(x_in), y = sorted_unique(y_in), z = sorted_unique(z_in);
  std::vector<VariableId> order;  // Z slowest, then X, then Y fastest: one contiguous block per z
  order.insert(order.end(), z.begin(), z.end());
  order.insert(order.end(), x.begin(), x.end());
  order.insert(order.end(), y.begin(), y.end());
  const VariableSet& vars = model.variables();
  check_joint_size(vars, order);
  std::size_t nx = 1, ny = 1, nz = 1;
  for (VariableId v : x) nx *= vars[v].cardinality();
  for (VariableId v : y) ny *= vars[v].cardinality();
  for (VariableId v : z) nz *= vars[v].cardinality();

  const VariableElimination engine(model);
  std::vector<VariableId> targets = order;
  std::sort(targets.begin(), targets.end());
  const Posterior joint = engine.joint(targets, Evidence{});
  const std::vector<double> p = joint.distribution.values_in_order(order);

  NumericIndependence result;
  result.tolerance = tolerance;
  std::vector<double> px(nx), py(ny);
  std::size_t worst_index = 0;
  for (std::size_t zi = 0; zi < nz; ++zi) {
    const double* block = p.data() + zi * nx * ny;
    std::fill(px.begin(), px.end(), 0.0);
    std::fill(py.begin(), py.end(), 0.0);
    for (std::size_t xi = 0; xi < nx; ++xi) {
      for (std::size_t yi = 0; yi < ny; ++yi) {
        px[xi] += block[xi * ny + yi];
        py[yi] += block[xi * ny + yi];
      }
    }
    double pz = 0.0;
    for (double v : px) pz += v;
    if (!(pz > 0.0)) continue;  // P(z) = 0: no conditional distribution to compare
    for (std::size_t xi = 0; xi < nx; ++xi) {
      for (std::size_t yi = 0; yi < ny; ++yi) {
        const double d = std::abs(block[xi * ny + yi] / pz - (px[xi] / pz) * (py[yi] / pz));
        if (d > result.max_difference) {
          result.max_difference = d;
          worst_index = (zi * nx + xi) * ny + yi;
        }
      }
    }
  }
  if (!std::isfinite(result.max_difference)) {
    throw NumericalError("the numeric independence check produced a non-finite difference");
  }
  result.independent = result.max_difference <= tolerance;
  if (result.max_difference > 0.0) {
    // Decode the row-major index over `order` (last fastest) into states.
    std::vector<Evidence::value_type> worst(order.size());
    for (std::size_t k = order.size(); k-- > 0;) {
      const std::size_t card = vars[order[k]].cardinality();
      worst[k] = {order[k], worst_index % card};
      worst_index /= card;
    }
    result.worst = Evidence(std::move(worst));  // sorted by id
  }
  return result;
}

}  // namespace

NumericIndependence numeric_independence(const BayesianNetwork& bn, std::span<const VariableId> x,
                                         std::span<const VariableId> y, std::span<const VariableId> z,
                                         double tolerance) {
  return check(bn, x, y, z, tolerance);
}

NumericIndependence numeric_independence(const MarkovNetwork& mn, std::span<const VariableId> x,
                                         std::span<const VariableId> y, std::span<const VariableId> z,
                                         double tolerance) {
  return check(mn, x, y, z, tolerance);
}

NumericIndependence numeric_independence(const BayesianNetwork& bn, std::span<const std::string> x,
                                         std::span<const std::string> y, std::span<const std::string> z,
                                         double tolerance) {
  const IndependenceQuery q = resolve_independence_query(bn.variables(), x, y, z);
  return check(bn, q.x, q.y, q.z, tolerance);
}

NumericIndependence numeric_independence(const MarkovNetwork& mn, std::span<const std::string> x,
                                         std::span<const std::string> y, std::span<const std::string> z,
                                         double tolerance) {
  const IndependenceQuery q = resolve_independence_query(mn.variables(), x, y, z);
  return check(mn, q.x, q.y, q.z, tolerance);
}

}  // namespace pgm
