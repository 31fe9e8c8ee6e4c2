#include <pgm/inference/forward_sampling.hpp>

namespace pgm {

ForwardSampler::ForwardSampler(const BayesianNetwork& bn) : bn_(&bn), order_(bn.graph().topological_order()) {
  tables_.reserve(bn.size());
  for (VariableId v = 0; v < bn.size(); ++v) tables_.push_back(bn.cpt_table(v));
}

std::vector<std::size_t> ForwardSampler::sample(std::mt19937_64& rng) const {
  std::vector<std::size_t> x(bn_->size(), 0);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (VariableId v : order_) {
    std::size_t row = 0;
    for (VariableId p : bn_->parents(v)) row = row * bn_->variable(p).cardinality() + x[p];
    const std::size_t k = bn_->variable(v).cardinality();
    const double* col = tables_[v].data() + row * k;
    double r = u(rng);
    std::size_t s = 0;
    // The last state with non-zero probability absorbs rounding so a zero entry is never drawn.
    std::size_t last = 0;
    for (std::size_t j = 0; j < k; ++j)
      if (col[j] > 0.0) last = j;
    for (; s < last; ++s) {
      if (col[s] > 0.0 && r < col[s]) break;
      r -= col[s];
    }
    x[v] = s;
  }
  return x;
}

}  // namespace pgm
