#pragma once
// Helpers shared by the BIF/XMLBIF/UAI/evidence tests: where the shared networks live, and exact
// (bitwise) comparison of models for round trips.
#include <pgm/model/bayesian_network.hpp>
#include <pgm/model/markov_network.hpp>

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

namespace pgm::test {

inline std::string shared_networks() { return PGM_SHARED_DIR "/networks"; }
inline std::string test_data() { return PGM_SOURCE_DIR "/tests/data"; }

// Skips the calling test when the shared network collection is not checked out beside the repo.
#define PGM_REQUIRE_SHARED(path)                                                       \
  do {                                                                                 \
    if (!std::filesystem::exists(path)) GTEST_SKIP() << "shared file absent: " << (path); \
  } while (false)

// Same bits, so -0.0 vs 0.0 or a last-digit rounding difference counts as a change.
inline bool bitwise_equal(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
}

// Same variables (names, states, order), same parents in the same order, bit-identical CPTs.
inline ::testing::AssertionResult same_network(const BayesianNetwork& a, const BayesianNetwork& b) {
  if (!(a.variables() == b.variables())) return ::testing::AssertionFailure() << "variables differ";
  for (VariableId v = 0; v < a.size(); ++v) {
    const auto pa = a.parents(v);
    const auto pb = b.parents(v);
    if (!std::equal(pa.begin(), pa.end(), pb.begin(), pb.end())) {
      return ::testing::AssertionFailure() << "parents of " << a.variable(v).name << " differ";
    }
    if (!bitwise_equal(a.cpt_table(v), b.cpt_table(v))) {
      return ::testing::AssertionFailure() << "CPT of " << a.variable(v).name << " differs";
    }
  }
  return ::testing::AssertionSuccess();
}

// Same variables, same factor scopes in the given order, bit-identical tables.
inline ::testing::AssertionResult same_network(const MarkovNetwork& a, const MarkovNetwork& b) {
  if (!(a.variables() == b.variables())) return ::testing::AssertionFailure() << "variables differ";
  if (a.factors().size() != b.factors().size()) return ::testing::AssertionFailure() << "factor counts differ";
  for (std::size_t f = 0; f < a.factors().size(); ++f) {
    const auto sa = a.scope(f);
    const auto sb = b.scope(f);
    if (!std::equal(sa.begin(), sa.end(), sb.begin(), sb.end())) {
      return ::testing::AssertionFailure() << "scope of factor " << f << " differs";
    }
    if (!bitwise_equal(a.factors()[f].values_in_order(sa), b.factors()[f].values_in_order(sb))) {
      return ::testing::AssertionFailure() << "table of factor " << f << " differs";
    }
  }
  return ::testing::AssertionSuccess();
}

}  // namespace pgm::test
