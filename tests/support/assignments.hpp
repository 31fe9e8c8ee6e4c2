#pragma once
// Brute force for the tests: every full assignment consistent with hard evidence.
#include <pgm/core/variable.hpp>

#include <cstddef>
#include <vector>

namespace pgm::testing {

// Calls f(x) for every full assignment consistent with e, in lexicographic order of the state
// indices in id order (the last id fastest).
template <class F>
void for_each_assignment(const std::vector<std::size_t>& cards, const Evidence& e, F&& f) {
  std::vector<std::size_t> x(cards.size(), 0);
  std::vector<bool> fixed(cards.size(), false);
  for (const auto& [v, s] : e) {
    x[v] = s;
    fixed[v] = true;
  }
  for (;;) {
    f(x);
    std::size_t d = cards.size();
    while (d-- > 0) {
      if (fixed[d]) continue;
      if (++x[d] < cards[d]) break;
      x[d] = 0;
    }
    if (d == static_cast<std::size_t>(-1)) return;
  }
}

}  // namespace pgm::testing
