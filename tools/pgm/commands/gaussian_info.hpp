#pragma once
// `pgm info` for Gaussian and linear-Gaussian models (implemented in gaussian.cpp).
#include <pgm/query/model.hpp>

#include <iosfwd>

namespace pgm::cli {

// Variables, mean, variances, the covariance condition number and (for linear-Gaussian networks)
// the edges with their weights. Precondition: the model holds a Gaussian or LinearGaussianNetwork
// (QueryError otherwise).
void print_gaussian_info(const Model& model, bool json, std::ostream& out);

}  // namespace pgm::cli
