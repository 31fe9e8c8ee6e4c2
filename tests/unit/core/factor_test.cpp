// Factor algebra against hand-computed tables, plus algebraic laws on random factors.
#include <pgm/core/error.hpp>
#include <pgm/core/factor.hpp>
#include <pgm/core/size.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <cmath>
#include <functional>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace pgm {
namespace {

using Values = std::vector<double>;

Values values_of(const Factor& f) { return {f.values().begin(), f.values().end()}; }

void expect_near_factor(const Factor& a, const Factor& b, double tol) {
  ASSERT_EQ(a.variables(), b.variables());
  ASSERT_EQ(a.cardinalities(), b.cardinalities());
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a.values()[i], b.values()[i], tol) << "entry " << i;
}

// Variables A = 0 (2 states), B = 1 (3 states), C = 2 (2 states).
constexpr VariableId A = 0, B = 1, C = 2;

// f1(A, B): a0: 1 2 3 / a1: 4 5 6.   f2(B, C): b0: 1 10 / b1: 100 1000 / b2: 2 20.
Factor f1() { return Factor({A, B}, {2, 3}, {1, 2, 3, 4, 5, 6}); }
Factor f2() { return Factor({B, C}, {3, 2}, {1, 10, 100, 1000, 2, 20}); }

TEST(Factor, DefaultIsTheScalarOne) {
  const Factor f;
  EXPECT_EQ(f.arity(), 0u);
  EXPECT_EQ(f.size(), 1u);
  EXPECT_EQ(f.values()[0], 1.0);
  EXPECT_EQ(Factor::scalar(2.5).values()[0], 2.5);
  EXPECT_EQ(Factor::scalar(2.5).arity(), 0u);
}

TEST(Factor, LayoutIsRowMajorOverSortedIdsLastFastest) {
  const Factor f = f1();
  EXPECT_EQ(f.variables(), (std::vector<VariableId>{A, B}));
  EXPECT_EQ(f.cardinalities(), (std::vector<std::size_t>{2, 3}));
  EXPECT_EQ(f.strides(), (std::vector<std::size_t>{3, 1}));
  EXPECT_EQ(f.size(), 6u);
  const std::size_t a1b2[] = {1, 2};
  EXPECT_EQ(f.at(a1b2), 6.0);
  const std::size_t a0b1[] = {0, 1};
  EXPECT_EQ(f.at(a0b1), 2.0);
  EXPECT_TRUE(f.contains(B));
  EXPECT_FALSE(f.contains(C));
  EXPECT_EQ(f.position(B), 1u);
  EXPECT_EQ(f.position(C), f.arity());
  EXPECT_EQ(f.cardinality(B), 3u);
  EXPECT_EQ(f.sum(), 21.0);
  EXPECT_EQ(f.max(), 6.0);
}

TEST(Factor, ThreeVariableStrides) {
  const Factor f = Factor::constant({C, A, B}, {2, 2, 3}, 0.5);
  EXPECT_EQ(f.variables(), (std::vector<VariableId>{A, B, C}));
  EXPECT_EQ(f.cardinalities(), (std::vector<std::size_t>{2, 3, 2}));
  EXPECT_EQ(f.strides(), (std::vector<std::size_t>{6, 2, 1}));
  EXPECT_EQ(f.sum(), 6.0);
}

TEST(Factor, ConstructorPermutesAGivenOrderIntoCanonicalOrder) {
  // Given over (B, A) with A fastest: b0: a0=1 a1=4 / b1: 2 5 / b2: 3 6 — the same table as f1().
  const Factor g({B, A}, {3, 2}, {1, 4, 2, 5, 3, 6});
  EXPECT_EQ(g, f1());
  // And back: values_in_order(B, A) reproduces the given layout.
  const VariableId ba[] = {B, A};
  EXPECT_EQ(f1().values_in_order(ba), (Values{1, 4, 2, 5, 3, 6}));
  const VariableId ab[] = {A, B};
  EXPECT_EQ(f1().values_in_order(ab), (Values{1, 2, 3, 4, 5, 6}));
}

TEST(Factor, ConstructorRejectsBadShapes) {
  EXPECT_THROW(Factor({A, B}, {2, 3}, {1, 2, 3}), ModelError);          // 3 values for 6 cells
  EXPECT_THROW(Factor({A, A}, {2, 2}, {1, 2, 3, 4}), ModelError);       // repeated variable
  EXPECT_THROW(Factor({A, B}, {2}, {1, 2}), ModelError);                // cardinalities missing
}

TEST(Factor, ProductAgainstHandComputedTable) {
  // (f1 * f2)(a, b, c) = f1(a, b) * f2(b, c), order (A, B, C), C fastest:
  //   a0b0: 1*1, 1*10     a0b1: 2*100, 2*1000   a0b2: 3*2, 3*20
  //   a1b0: 4*1, 4*10     a1b1: 5*100, 5*1000   a1b2: 6*2, 6*20
  const Factor p = multiply(f1(), f2());
  EXPECT_EQ(p.variables(), (std::vector<VariableId>{A, B, C}));
  EXPECT_EQ(values_of(p), (Values{1, 10, 200, 2000, 6, 60, 4, 40, 500, 5000, 12, 120}));
  EXPECT_EQ(f1() * f2(), p);
}

TEST(Factor, ProductWithDisjointScopesIsOuterProduct) {
  const Factor a({A}, {2}, {2, 3});
  const Factor c({C}, {2}, {5, 7});
  // (a0c0, a0c1, a1c0, a1c1) = (2*5, 2*7, 3*5, 3*7)
  EXPECT_EQ(values_of(a * c), (Values{10, 14, 15, 21}));
  EXPECT_EQ(values_of(c * a), (Values{10, 14, 15, 21}));
}

TEST(Factor, ProductWithScalarAndIdentity) {
  EXPECT_EQ(f1() * Factor(), f1());
  EXPECT_EQ(Factor() * f1(), f1());
  EXPECT_EQ(values_of(f1() * Factor::scalar(2)), (Values{2, 4, 6, 8, 10, 12}));
  EXPECT_EQ(values_of(scale(f1(), 0.5)), (Values{0.5, 1, 1.5, 2, 2.5, 3}));
}

TEST(Factor, ProductRejectsDisagreeingCardinalities) {
  const Factor b2({B}, {2}, {1, 1});  // B has 3 states in f1
  EXPECT_THROW((void)multiply(f1(), b2), ModelError);
}

TEST(Factor, SumOutAgainstHandComputedTable) {
  const Factor p = f1() * f2();
  // Summing B out of the product: (a, c) = sum over b
  //   a0c0: 1 + 200 + 6 = 207     a0c1: 10 + 2000 + 60 = 2070
  //   a1c0: 4 + 500 + 12 = 516    a1c1: 40 + 5000 + 120 = 5160
  const Factor s = sum_out(p, B);
  EXPECT_EQ(s.variables(), (std::vector<VariableId>{A, C}));
  EXPECT_EQ(values_of(s), (Values{207, 2070, 516, 5160}));
  // Summing A out of f1: b0: 1+4, b1: 2+5, b2: 3+6.
  EXPECT_EQ(values_of(sum_out(f1(), A)), (Values{5, 7, 9}));
  // Summing C out of f2: 11, 1100, 22.
  EXPECT_EQ(values_of(sum_out(f2(), C)), (Values{11, 1100, 22}));
  // A variable outside the scope is ignored.
  EXPECT_EQ(sum_out(f1(), C), f1());
  // Everything out: the total.
  const VariableId ab[] = {A, B};
  const Factor total = sum_out(f1(), ab);
  EXPECT_EQ(total.arity(), 0u);
  EXPECT_EQ(total.values()[0], 21.0);
}

TEST(Factor, MarginalKeepsOnlyTheGivenVariables) {
  const Factor p = f1() * f2();
  const VariableId keep_c[] = {C};
  // c0: 207 + 516 = 723, c1: 2070 + 5160 = 7230
  EXPECT_EQ(values_of(marginal(p, keep_c)), (Values{723, 7230}));
  const VariableId keep_ca[] = {C, A, 7};  // order and absent ids do not matter
  EXPECT_EQ(marginal(p, keep_ca), sum_out(p, B));
}

TEST(Factor, MaxOutAgainstHandComputedTable) {
  // max over A of f1: b0: max(1,4), b1: max(2,5), b2: max(3,6)
  EXPECT_EQ(values_of(max_out(f1(), A)), (Values{4, 5, 6}));
  // max over B of f2: c0: max(1,100,2) = 100, c1: max(10,1000,20) = 1000
  EXPECT_EQ(values_of(max_out(f2(), B)), (Values{100, 1000}));
}

TEST(Factor, ReduceAgainstHandComputedTable) {
  const Factor p = f1() * f2();
  // B = b1: (a, c) rows a0: 200 2000 / a1: 500 5000
  const Factor r = reduce(p, Evidence{{B, 1}});
  EXPECT_EQ(r.variables(), (std::vector<VariableId>{A, C}));
  EXPECT_EQ(values_of(r), (Values{200, 2000, 500, 5000}));
  // A = a1, C = c0: b0: 4, b1: 500, b2: 12
  EXPECT_EQ(values_of(reduce(p, Evidence{{A, 1}, {C, 0}})), (Values{4, 500, 12}));
  // Evidence on every variable leaves the single entry a1 b2 c1 = 120.
  const Factor all = reduce(p, Evidence{{A, 1}, {B, 2}, {C, 1}});
  EXPECT_EQ(all.arity(), 0u);
  EXPECT_EQ(all.values()[0], 120.0);
  // Evidence on variables outside the scope is ignored.
  EXPECT_EQ(reduce(f1(), Evidence{{C, 1}, {9, 0}}), f1());
}

TEST(Factor, NormalizeAndItsFailures) {
  const Factor n = normalize(f1());
  for (std::size_t i = 0; i < 6; ++i) EXPECT_DOUBLE_EQ(n.values()[i], static_cast<double>(i + 1) / 21.0);
  EXPECT_THROW((void)normalize(Factor::constant({A}, {2}, 0.0)), ZeroProbabilityEvidence);
  Factor inf = f1();
  inf.mutable_values()[0] = std::numeric_limits<double>::infinity();
  EXPECT_THROW((void)normalize(inf), NumericalError);
  Factor nan = f1();
  nan.mutable_values()[2] = std::numeric_limits<double>::quiet_NaN();
  EXPECT_THROW((void)normalize(nan), NumericalError);
}

TEST(Factor, DivideUsesZeroOverZeroIsZero) {
  const Factor num({A, B}, {2, 3}, {0, 2, 6, 0, 8, 12});
  const Factor den({B}, {3}, {0, 2, 3});
  // (a, b) / den(b): a0: 0/0 = 0, 2/2 = 1, 6/3 = 2;  a1: 0/0 = 0, 8/2 = 4, 12/3 = 4
  EXPECT_EQ(values_of(divide(num, den)), (Values{0, 1, 2, 0, 4, 4}));
}

TEST(Factor, MultiplyAllOfNothingIsTheIdentity) {
  const std::vector<Factor> none;
  const Factor id = multiply_all(none);
  EXPECT_EQ(id.arity(), 0u);
  EXPECT_EQ(id.values()[0], 1.0);
  const std::vector<Factor> two = {f1(), f2()};
  EXPECT_EQ(values_of(multiply_all(two)), (Values{1, 10, 200, 2000, 6, 60, 4, 40, 500, 5000, 12, 120}));
}

TEST(Factor, ConstantFromVariableSet) {
  VariableSet vars;
  vars.add({"X", {"x0", "x1"}});
  vars.add({"Y", {"y0", "y1", "y2"}});
  const Factor f = Factor::constant(vars, {1, 0}, 2.0);
  EXPECT_EQ(f.variables(), (std::vector<VariableId>{0, 1}));
  EXPECT_EQ(f.cardinalities(), (std::vector<std::size_t>{2, 3}));
  EXPECT_EQ(f.sum(), 12.0);
}

TEST(Factor, PrintsScopeAndValues) {
  // Scope as id:cardinality in storage order, then the values row-major.
  std::ostringstream os;
  os << f1();
  EXPECT_EQ(os.str(), "Factor(0:2,1:3) [1 2 3 4 5 6]");
  std::ostringstream scalar;
  scalar << Factor::scalar(0.25);
  EXPECT_EQ(scalar.str(), "Factor() [0.25]");
  // More than 64 entries: the first 64, then an ellipsis.
  std::vector<double> v(70);
  std::string expected = "Factor(3:70) [";
  for (int i = 0; i < 70; ++i) v[static_cast<std::size_t>(i)] = i;
  for (int i = 0; i < 64; ++i) expected += (i ? " " : "") + std::to_string(i);
  expected += " ...]";
  std::ostringstream big;
  big << Factor({3}, {70}, v);
  EXPECT_EQ(big.str(), expected);
}

// ---- sizes: no wrap-around, refusal before allocation ------------------------------------------

std::string limit_message(const std::function<void()>& f) {
  try {
    f();
  } catch (const LimitError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no LimitError";
  return {};
}

TEST(FactorSize, TableSizeDetectsOverflow) {
  const std::vector<std::size_t> c63(63, 2), c64(64, 2), c41(41, 3), mixed{2, 3, 5};
  EXPECT_EQ(table_size(c63), std::size_t{1} << 63);
  EXPECT_EQ(table_size(c64), std::nullopt);
  EXPECT_EQ(table_size(mixed), 30u);
  EXPECT_EQ(table_size(std::vector<std::size_t>{}), 1u);
  EXPECT_EQ(table_size(std::vector<std::size_t>{4, 0, 7}), 0u);
  // 3^40 ≈ 1.2e19 fits below 2^64 ≈ 1.8e19; 3^41 does not.
  EXPECT_EQ(table_size(std::vector<std::size_t>(40, 3)).has_value(), true);
  EXPECT_EQ(table_size(c41), std::nullopt);
  EXPECT_EQ(describe_table_size(c64), "2^64");
  EXPECT_EQ(describe_table_size(c41), "3^41");
  EXPECT_EQ(describe_table_size(mixed), "30");
  std::vector<std::size_t> c63_3(63, 2);
  c63_3.push_back(3);
  c63_3.push_back(3);
  EXPECT_EQ(describe_table_size(c63_3), "2^63 × 3^2");
  // Four distinct cardinalities: 2^61 · 3 · 5 · 7 = 2.4212e20.
  std::vector<std::size_t> four(61, 2);
  four.insert(four.end(), {3, 5, 7});
  EXPECT_EQ(describe_table_size(four), "about 2.4e+20");
}

TEST(FactorSize, SixtyFourBinaryVariablesAreRefusedWithTheTrueSize) {
  std::vector<VariableId> vars(64);
  for (std::size_t i = 0; i < 64; ++i) vars[i] = static_cast<VariableId>(i);
  const std::vector<std::size_t> cards(64, 2);
  const std::string m1 = limit_message([&] { (void)Factor::constant(vars, cards, 1.0); });
  EXPECT_NE(m1.find("2^64 entries"), std::string::npos) << m1;
  // An empty table for that scope is not "0 values needed": the size is refused first.
  const std::string m2 = limit_message([&] { (void)Factor(vars, cards, {}); });
  EXPECT_NE(m2.find("2^64 entries"), std::string::npos) << m2;
  const std::string m3 = limit_message([&] { (void)checked_table_size(cards, "the CPT of 'X'"); });
  EXPECT_EQ(m3, "the CPT of 'X' over 64 variables would have 2^64 entries, more than can be addressed");
}

TEST(FactorSize, TablesOverTheByteLimitAreRefusedBeforeAllocating) {
  const std::size_t saved = max_table_bytes();
  set_max_table_bytes(std::size_t{1} << 20);  // 1 MiB = 131072 doubles
  std::vector<VariableId> vars(18);
  for (std::size_t i = 0; i < 18; ++i) vars[i] = static_cast<VariableId>(i);
  // 2^17 doubles = exactly 1 MiB: allowed. 2^18 = 2 MiB: refused, naming both figures.
  EXPECT_NO_THROW((void)Factor::constant(std::vector<VariableId>(vars.begin(), vars.begin() + 17),
                                         std::vector<std::size_t>(17, 2), 0.5));
  const std::string m = limit_message([&] { (void)Factor::constant(vars, std::vector<std::size_t>(18, 2), 0.5); });
  EXPECT_NE(m.find("262144 entries"), std::string::npos) << m;
  EXPECT_NE(m.find("2.0 MiB"), std::string::npos) << m;
  EXPECT_NE(m.find("limit of 1.0 MiB"), std::string::npos) << m;
  // A product of two allowed tables whose result is not allowed.
  const Factor a = Factor::constant(std::vector<VariableId>(vars.begin(), vars.begin() + 9), std::vector<std::size_t>(9, 2), 1.0);
  const Factor b = Factor::constant(std::vector<VariableId>(vars.begin() + 9, vars.end()), std::vector<std::size_t>(9, 2), 1.0);
  EXPECT_THROW((void)multiply(a, b), LimitError);
  set_max_table_bytes(0);  // the default again
  EXPECT_GE(max_table_bytes(), std::size_t{1} << 20);
  set_max_table_bytes(saved);
  EXPECT_EQ(max_table_bytes(), saved);
}

// ---- algebraic laws on random factors over 5 variables with 2..4 states ------------------------

class RandomFactors : public ::testing::Test {
 protected:
  std::mt19937_64 rng{20240601};
  std::vector<std::size_t> cards{2, 3, 4, 2, 3};

  Factor random_factor() {
    std::vector<VariableId> all{0, 1, 2, 3, 4};
    std::shuffle(all.begin(), all.end(), rng);
    const std::size_t k = std::uniform_int_distribution<std::size_t>(1, 3)(rng);
    std::vector<VariableId> scope(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(k));
    std::vector<std::size_t> c;
    std::size_t n = 1;
    for (VariableId v : scope) {
      c.push_back(cards[v]);
      n *= cards[v];
    }
    std::vector<double> vals(n);
    std::uniform_real_distribution<double> u(0.0, 2.0);
    for (double& x : vals) x = u(rng);
    return Factor(std::move(scope), std::move(c), std::move(vals));
  }

  // The product entry at a full assignment, evaluated entry by entry (no Factor operation).
  static double entry(const Factor& f, const std::vector<std::size_t>& full) {
    std::vector<std::size_t> s;
    for (VariableId v : f.variables()) s.push_back(full[v]);
    return f.at(s);
  }
};

TEST_F(RandomFactors, ProductIsCommutativeAndAssociative) {
  for (int trial = 0; trial < 50; ++trial) {
    const Factor a = random_factor(), b = random_factor(), c = random_factor();
    EXPECT_EQ(a * b, b * a);
    expect_near_factor((a * b) * c, a * (b * c), 1e-12);
    expect_near_factor((a * b) * c, (c * a) * b, 1e-12);
    // Every entry equals the product of the three entries it combines.
    const Factor p = (a * b) * c;
    std::vector<std::size_t> full(5, 0);
    for (std::size_t i = 0; i < p.size(); ++i) {
      std::size_t rest = i;
      for (std::size_t d = p.arity(); d-- > 0;) {
        full[p.variables()[d]] = rest % p.cardinalities()[d];
        rest /= p.cardinalities()[d];
      }
      EXPECT_NEAR(p.values()[i], entry(a, full) * entry(b, full) * entry(c, full), 1e-12);
    }
  }
}

TEST_F(RandomFactors, SumOutOrderDoesNotMatter) {
  for (int trial = 0; trial < 50; ++trial) {
    const Factor f = random_factor() * random_factor() * random_factor();
    if (f.arity() < 2) continue;
    const VariableId x = f.variables()[0], y = f.variables()[f.arity() - 1];
    const VariableId both[] = {x, y};
    const VariableId both_rev[] = {y, x};
    expect_near_factor(sum_out(sum_out(f, x), y), sum_out(sum_out(f, y), x), 1e-12);
    expect_near_factor(sum_out(f, both), sum_out(sum_out(f, y), x), 1e-12);
    expect_near_factor(sum_out(f, both), sum_out(f, both_rev), 1e-12);
    EXPECT_NEAR(sum_out(f, both).sum(), f.sum(), 1e-9);
  }
}

TEST_F(RandomFactors, ReduceCommutesWithProductAndSumOut) {
  for (int trial = 0; trial < 50; ++trial) {
    const Factor a = random_factor(), b = random_factor();
    const VariableId v = static_cast<VariableId>(std::uniform_int_distribution<int>(0, 4)(rng));
    const std::size_t s = std::uniform_int_distribution<std::size_t>(0, cards[v] - 1)(rng);
    const Evidence e{{v, s}};
    expect_near_factor(reduce(a * b, e), reduce(a, e) * reduce(b, e), 1e-12);
    const VariableId w = static_cast<VariableId>((v + 1) % 5);
    expect_near_factor(reduce(sum_out(a * b, w), e), sum_out(reduce(a * b, e), w), 1e-12);
  }
}


// ---- large tables: the tiled kernels against entry-by-entry evaluation -------------------------
// Tables of 2^16..2^20 entries over mixed cardinalities, so the inner runs are short and the
// kernels group them into tiles, expand small operands and prefetch; every result is compared
// with a plain loop over full assignments that uses no Factor operation.

namespace bulk {

struct Table {
  std::vector<VariableId> vars;  // sorted
  std::vector<std::size_t> cards;
  std::vector<double> values;    // row-major, last fastest
};

Table random_table(const std::vector<VariableId>& vars, const std::vector<std::size_t>& all_cards, std::uint64_t seed) {
  Table t{vars, {}, {}};
  std::size_t n = 1;
  for (VariableId v : vars) {
    t.cards.push_back(all_cards[v]);
    n *= all_cards[v];
  }
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.25, 2.0);
  t.values.resize(n);
  for (double& x : t.values) x = u(rng);
  return t;
}

Factor to_factor(const Table& t) { return Factor(t.vars, t.cards, t.values); }

// Index of a full assignment `full` (indexed by variable id) in table t.
std::size_t index_of(const Table& t, const std::vector<std::size_t>& full) {
  std::size_t idx = 0;
  for (std::size_t d = 0; d < t.vars.size(); ++d) idx = idx * t.cards[d] + full[t.vars[d]];
  return idx;
}

// Calls f(full) for each assignment of `vars` in row-major order (last fastest).
template <class F>
void for_each_assignment(const std::vector<VariableId>& vars, const std::vector<std::size_t>& all_cards,
                         std::vector<std::size_t>& full, F f) {
  for (VariableId v : vars) full[v] = 0;
  for (;;) {
    f(full);
    std::size_t d = vars.size();
    while (d > 0) {
      --d;
      if (++full[vars[d]] < all_cards[vars[d]]) break;
      full[vars[d]] = 0;
      if (d == 0) return;
    }
    if (vars.empty()) return;
  }
}

std::vector<VariableId> ids(std::initializer_list<int> l) {
  std::vector<VariableId> v;
  for (int x : l) v.push_back(static_cast<VariableId>(x));
  return v;
}

std::vector<VariableId> range_ids(int from, int to, int step = 1) {
  std::vector<VariableId> v;
  for (int x = from; x < to; x += step) v.push_back(static_cast<VariableId>(x));
  return v;
}

}  // namespace bulk

class LargeFactors : public ::testing::Test {
 protected:
  // 17 variables: mostly binary, a few ternary; 2^14 · 3^3 = 442,368 entries in all.
  std::vector<std::size_t> cards{2, 3, 2, 2, 2, 2, 3, 2, 2, 2, 2, 2, 2, 3, 2, 2, 2};
  std::vector<VariableId> all = bulk::range_ids(0, 17);

  void check_product(const bulk::Table& a, const bulk::Table& b) {
    const Factor fa = bulk::to_factor(a), fb = bulk::to_factor(b);
    std::vector<VariableId> u;
    std::set_union(a.vars.begin(), a.vars.end(), b.vars.begin(), b.vars.end(), std::back_inserter(u));
    const Factor p = multiply(fa, fb);
    Factor into;
    multiply_into(fa, fb, into);
    ASSERT_EQ(p.variables(), u);
    ASSERT_EQ(into, p);
    std::vector<std::size_t> full(cards.size(), 0);
    std::size_t i = 0, bad = 0;
    bulk::for_each_assignment(u, cards, full, [&](const std::vector<std::size_t>& s) {
      const double want = a.values[bulk::index_of(a, s)] * b.values[bulk::index_of(b, s)];
      if (p.values()[i++] != want) ++bad;  // one rounding: exact
    });
    EXPECT_EQ(bad, 0u);
    // In place when b's scope is a subset of a's.
    if (std::includes(a.vars.begin(), a.vars.end(), b.vars.begin(), b.vars.end())) {
      Factor q = fa;
      q *= fb;
      EXPECT_EQ(q, p);
    }
  }

  // Sums (or maxes) out `drop` by a loop over the input in storage order: the order the kernels promise.
  void check_fold(const bulk::Table& t, const std::vector<VariableId>& drop) {
    std::vector<VariableId> keep;
    for (VariableId v : t.vars)
      if (std::find(drop.begin(), drop.end(), v) == drop.end()) keep.push_back(v);
    bulk::Table out{keep, {}, {}};
    std::size_t n = 1;
    for (VariableId v : keep) {
      out.cards.push_back(cards[v]);
      n *= cards[v];
    }
    std::vector<double> sum(n, 0.0), mx(n, -std::numeric_limits<double>::infinity());
    std::vector<std::size_t> full(cards.size(), 0);
    std::size_t i = 0;
    bulk::for_each_assignment(t.vars, cards, full, [&](const std::vector<std::size_t>& s) {
      const std::size_t j = bulk::index_of(out, s);
      sum[j] += t.values[i];
      mx[j] = std::max(mx[j], t.values[i]);
      ++i;
    });
    const Factor f = bulk::to_factor(t);
    const Factor s = sum_out(f, drop);
    ASSERT_EQ(s.variables(), keep);
    EXPECT_EQ(values_of(s), sum);  // same additions in the same order: bitwise equal
    Factor into = Factor::scalar(3.0);
    sum_out_into(f, drop, into);
    EXPECT_EQ(into, s);
    EXPECT_EQ(marginal(f, keep), s);
    if (drop.size() == 1) {
      EXPECT_EQ(values_of(max_out(f, drop[0])), mx);
    }
  }
};

TEST_F(LargeFactors, ProductOfABigTableAndScatteredSmallFactors) {
  const auto big = bulk::random_table(all, cards, 1);
  check_product(big, bulk::random_table(bulk::ids({0, 6, 12, 16}), cards, 2));   // expanded small operand
  check_product(big, bulk::random_table(bulk::ids({16}), cards, 3));             // fastest variable only
  check_product(big, bulk::random_table(bulk::ids({1, 13}), cards, 4));          // ternary, broadcast runs
  check_product(bulk::random_table(bulk::ids({0, 6, 12, 16}), cards, 5), big);   // operands swapped
}

TEST_F(LargeFactors, ProductOfInterleavedLargeTables) {
  // Neither operand is contiguous over the output, and both are too large to expand.
  check_product(bulk::random_table(bulk::range_ids(0, 17, 2), cards, 6), bulk::random_table(bulk::range_ids(1, 17, 2), cards, 7));
  check_product(bulk::random_table(bulk::range_ids(0, 14), cards, 8), bulk::random_table(bulk::range_ids(5, 17), cards, 9));
  check_product(bulk::random_table(bulk::ids({0, 1, 2, 3, 4, 5, 6, 8, 10, 12, 14, 16}), cards, 10),
                bulk::random_table(bulk::ids({7, 9, 11, 13, 15, 16}), cards, 11));
}

TEST_F(LargeFactors, SumOutEachSingleVariable) {
  const auto big = bulk::random_table(all, cards, 12);
  for (VariableId v : all) {
    SCOPED_TRACE(v);
    check_fold(big, {v});
  }
}

TEST_F(LargeFactors, SumOutManyVariables) {
  const auto big = bulk::random_table(all, cards, 13);
  check_fold(big, bulk::range_ids(1, 17, 2));  // every other variable (interleaved tiles)
  check_fold(big, bulk::range_ids(0, 17, 2));
  check_fold(big, bulk::range_ids(0, 16));     // keep only the fastest
  check_fold(big, bulk::range_ids(1, 17));     // keep only the slowest
  check_fold(big, bulk::ids({0, 16}));         // a large output: slowest and fastest dropped
  check_fold(big, all);                        // the total
}

TEST_F(LargeFactors, ReduceAndPermute) {
  const auto big = bulk::random_table(all, cards, 14);
  const Factor f = bulk::to_factor(big);
  const Evidence e{{3, 1}, {6, 2}, {14, 0}};
  std::vector<VariableId> rest;
  for (VariableId v : all)
    if (v != 3 && v != 6 && v != 14) rest.push_back(v);
  const Factor r = reduce(f, e);
  ASSERT_EQ(r.variables(), rest);
  std::vector<std::size_t> full(cards.size(), 0);
  full[3] = 1;
  full[6] = 2;
  full[14] = 0;
  std::vector<double> want;
  bulk::for_each_assignment(rest, cards, full, [&](const std::vector<std::size_t>& s) {
    want.push_back(big.values[bulk::index_of(big, s)]);
  });
  EXPECT_EQ(values_of(r), want);
  // The table in reversed variable order, and built back from it.
  std::vector<VariableId> rev(all.rbegin(), all.rend());
  std::vector<double> want_rev;
  bulk::for_each_assignment(rev, cards, full, [&](const std::vector<std::size_t>& s) {
    want_rev.push_back(big.values[bulk::index_of(big, s)]);
  });
  EXPECT_EQ(f.values_in_order(rev), want_rev);
  std::vector<std::size_t> rev_cards(cards.rbegin(), cards.rend());
  EXPECT_EQ(Factor(rev, rev_cards, want_rev), f);
}

}  // namespace
}  // namespace pgm
