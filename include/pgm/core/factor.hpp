#pragma once
// Factor: a dense non-negative table over a set of discrete variables.
//
// The one layout convention of the library: a factor's variables are kept sorted by ascending id and
// its values are stored row-major over that order (the LAST, i.e. highest-id, variable varies fastest).
// Constructors that take another variable order permute once. Operations never look up names and
// walk tables with strides, so their inner loops are contiguous where the layouts allow it.
#include <pgm/core/detail/table_allocator.hpp>
#include <pgm/core/variable.hpp>

#include <cstddef>
#include <iosfwd>
#include <span>
#include <vector>

namespace pgm {

class Factor {
 public:
  // The empty-scope factor with value 1 (the identity of the product).
  Factor();
  // Values given row-major over `variables` in the order given (last fastest); the order is any
  // permutation without repeats. ModelError on a size mismatch or repeated variable.
  Factor(std::vector<VariableId> variables, std::vector<std::size_t> cardinalities, std::vector<double> values);

  [[nodiscard]] static Factor scalar(double value);
  [[nodiscard]] static Factor constant(std::vector<VariableId> variables, std::vector<std::size_t> cardinalities,
                                       double value);
  // The factor over a set of variables of `vars`, all cardinalities read from it.
  [[nodiscard]] static Factor constant(const VariableSet& vars, std::vector<VariableId> variables, double value);

  [[nodiscard]] const std::vector<VariableId>& variables() const noexcept { return variables_; }
  [[nodiscard]] const std::vector<std::size_t>& cardinalities() const noexcept { return cards_; }
  [[nodiscard]] const std::vector<std::size_t>& strides() const noexcept { return strides_; }
  [[nodiscard]] std::size_t arity() const noexcept { return variables_.size(); }
  [[nodiscard]] std::size_t size() const noexcept { return values_.size(); }
  [[nodiscard]] bool contains(VariableId v) const noexcept;
  // Position of v in variables(), or arity() when absent.
  [[nodiscard]] std::size_t position(VariableId v) const noexcept;
  [[nodiscard]] std::size_t cardinality(VariableId v) const;

  [[nodiscard]] std::span<const double> values() const noexcept { return values_; }
  [[nodiscard]] std::span<double> mutable_values() noexcept { return values_; }
  // Value at states given in variables() order.
  [[nodiscard]] double at(std::span<const std::size_t> states) const;
  [[nodiscard]] double sum() const noexcept;
  [[nodiscard]] double max() const noexcept;

  // The table in another variable order (a permutation of variables()), row-major, last fastest.
  [[nodiscard]] std::vector<double> values_in_order(std::span<const VariableId> order) const;

  // In-place product with a factor whose scope is a subset of this one's (no allocation: the usual
  // case of multiplying a CPT or message into a clique table); falls back to multiply() otherwise.
  Factor& operator*=(const Factor& b);

  friend bool operator==(const Factor&, const Factor&) = default;

 private:
  friend class FactorAccess;
  void compute_strides();
  std::vector<VariableId> variables_;
  std::vector<std::size_t> cards_;
  std::vector<std::size_t> strides_;
  std::vector<double, detail::TableAllocator<double>> values_;
};

// Product over the union of scopes.
[[nodiscard]] Factor multiply(const Factor& a, const Factor& b);
[[nodiscard]] Factor operator*(const Factor& a, const Factor& b);
// multiply() writing into `out`, reusing its storage when its scope already matches.
void multiply_into(const Factor& a, const Factor& b, Factor& out);
// Product of many factors (the identity for none), in an order that keeps intermediates small.
[[nodiscard]] Factor multiply_all(std::span<const Factor> factors);
// Division with the convention 0/0 = 0 (used by junction-tree message updates).
[[nodiscard]] Factor divide(const Factor& a, const Factor& b);

// Sums out the given variables (those not in the scope are ignored).
[[nodiscard]] Factor sum_out(const Factor& f, VariableId v);
[[nodiscard]] Factor sum_out(const Factor& f, std::span<const VariableId> vs);
// sum_out writing into `out`, reusing its storage (for repeated calibrations without allocation).
void sum_out_into(const Factor& f, std::span<const VariableId> vs, Factor& out);
// Keeps only `keep` (intersected with the scope), summing out the rest.
[[nodiscard]] Factor marginal(const Factor& f, std::span<const VariableId> keep);
// Maximises out one variable (max-product).
[[nodiscard]] Factor max_out(const Factor& f, VariableId v);
// Restricts to the observed states; observed variables leave the scope. Evidence on variables not
// in the scope is ignored; QueryError when an observed state is out of range for its variable.
[[nodiscard]] Factor reduce(const Factor& f, const Evidence& evidence);
// Divides by the total; ZeroProbabilityEvidence when the total is zero, NumericalError when not finite.
[[nodiscard]] Factor normalize(const Factor& f);
// Multiplies every entry by s.
[[nodiscard]] Factor scale(const Factor& f, double s);

std::ostream& operator<<(std::ostream& os, const Factor& f);

}  // namespace pgm
