// Mean-field CAVI (<pgm/inference/mean_field.hpp>) against brute-force enumeration of the joint:
// the ELBO of the returned q recomputed from its definition Σ_z q(z) ln p(z, e) + H(q), ln P(e) by
// summing the joint, and KL(q ‖ p(z | e)) by its definition; the gap ln P(e) − L must equal it.
#include <pgm/core/error.hpp>
#include <pgm/inference/mean_field.hpp>
#include <pgm/model/bayesian_network.hpp>
#include <pgm/model/markov_network.hpp>
#include <pgm/query.hpp>
#include <pgm/query/elbo.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace {

using pgm::Evidence;
using pgm::Factor;
using pgm::MeanFieldOptions;
using pgm::MeanFieldResult;
using pgm::VariableId;
using pgm::VariableSet;

constexpr double kInf = std::numeric_limits<double>::infinity();

// Product of the factors at a full assignment.
double joint_at(std::span<const Factor> factors, const std::vector<std::size_t>& x) {
  double p = 1.0;
  for (const Factor& f : factors) {
    std::vector<std::size_t> s;
    for (VariableId v : f.variables()) s.push_back(x[v]);
    p *= f.at(s);
  }
  return p;
}

// Calls f(x) for every full assignment consistent with the evidence.
template <class F>
void for_each_assignment(const VariableSet& vars, const Evidence& e, F&& f) {
  std::vector<std::size_t> x(vars.size(), 0);
  for (const auto& [v, s] : e) x[v] = s;
  while (true) {
    f(x);
    std::size_t v = vars.size();
    while (v-- > 0) {
      if (e.contains(static_cast<VariableId>(v))) continue;
      if (++x[v] < vars[static_cast<VariableId>(v)].cardinality()) break;
      x[v] = 0;
    }
    if (v == static_cast<std::size_t>(-1)) return;
  }
}

struct Brute {
  double log_z = 0.0;  // ln Σ_z Π f(z, e)
  double elbo = 0.0;   // Σ_z q(z) ln Π f(z, e) + H(q)
  double kl = 0.0;     // Σ_z q(z) ln(q(z) / p(z | e))
};

Brute brute(const VariableSet& vars, std::span<const Factor> factors, const Evidence& e, const MeanFieldResult& r) {
  std::vector<std::size_t> slot(vars.size(), 0);
  for (std::size_t k = 0; k < r.free.size(); ++k) slot[r.free[k]] = k;
  double z = 0.0;
  for_each_assignment(vars, e, [&](const std::vector<std::size_t>& x) { z += joint_at(factors, x); });
  Brute b;
  b.log_z = std::log(z);
  for_each_assignment(vars, e, [&](const std::vector<std::size_t>& x) {
    double q = 1.0;
    for (VariableId v : r.free) q *= r.q[slot[v]][x[v]];
    if (q == 0.0) return;
    const double p = joint_at(factors, x);
    b.elbo += p == 0.0 ? -kInf : q * (std::log(p) - std::log(q));
    b.kl += p == 0.0 ? kInf : q * (std::log(q) - std::log(p / z));
  });
  return b;
}

// A random Bayesian network on n variables (2 or 3 states, up to 2 earlier parents); with `zeros`,
// about a fifth of the CPT entries are zero (each column keeps one positive entry).
pgm::BayesianNetwork random_bn(std::mt19937_64& rng, std::size_t n, bool zeros) {
  pgm::BayesianNetworkBuilder b("random");
  b.renormalize(true);
  std::uniform_int_distribution<int> card(2, 3);
  std::uniform_real_distribution<double> u(0.05, 1.0);
  std::vector<std::size_t> cards;
  for (std::size_t i = 0; i < n; ++i) {
    cards.push_back(static_cast<std::size_t>(card(rng)));
    std::vector<std::string> states;
    for (std::size_t s = 0; s < cards.back(); ++s) states.push_back("s" + std::to_string(s));
    b.add_variable("X" + std::to_string(i), states);
  }
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<VariableId> parents;
    for (std::size_t j = 0; j < i && parents.size() < 2; ++j)
      if (rng() % 2) parents.push_back(static_cast<VariableId>(j));
    std::size_t configs = 1;
    for (VariableId p : parents) configs *= cards[p];
    std::vector<double> table;
    for (std::size_t c = 0; c < configs; ++c) {
      std::vector<double> col(cards[i]);
      for (double& x : col) x = u(rng);
      if (zeros)
        for (std::size_t s = 1; s < col.size(); ++s)
          if (rng() % 5 == 0) col[s] = 0.0;
      double sum = 0.0;
      for (double x : col) sum += x;
      for (double x : col) table.push_back(x / sum);
    }
    b.set_cpt(static_cast<VariableId>(i), parents, table);
  }
  return std::move(b).build();
}

void expect_never_decreases(const std::vector<double>& h) {
  for (std::size_t i = 1; i < h.size(); ++i)
    if (std::isfinite(h[i - 1])) {
      EXPECT_GE(h[i], h[i - 1] - 1e-12 * std::max(1.0, std::abs(h[i - 1]))) << "sweep " << i;
    }
}

void expect_normalised(const MeanFieldResult& r) {
  for (const auto& q : r.q) {
    double s = 0.0;
    for (double p : q) {
      EXPECT_TRUE(p >= 0.0 && p <= 1.0) << p;
      s += p;
    }
    EXPECT_NEAR(s, 1.0, 1e-12);
  }
}

TEST(MeanField, RandomBayesianNetworksBoundTheEvidenceAndTheGapIsTheKl) {
  std::mt19937_64 rng(12);
  int checked = 0;
  for (int trial = 0; trial < 60; ++trial) {
    const bool zeros = trial % 2 == 1;
    const pgm::BayesianNetwork bn = random_bn(rng, 3 + static_cast<std::size_t>(trial % 4), zeros);
    std::vector<std::pair<VariableId, std::size_t>> ev;
    for (VariableId v = 0; v < bn.variables().size(); ++v)
      if (rng() % 3 == 0) ev.emplace_back(v, rng() % bn.variables()[v].cardinality());
    const Evidence e(ev);
    double z = 0.0;
    for_each_assignment(bn.variables(), e, [&](const std::vector<std::size_t>& x) { z += joint_at(bn.cpts(), x); });
    if (z == 0.0) {
      // Impossible evidence: refused here only when a reduced factor is zero everywhere, never NaN.
      try {
        const MeanFieldResult r = pgm::mean_field(bn.variables(), bn.cpts(), e, {.seed = static_cast<std::uint64_t>(trial)});
        EXPECT_FALSE(std::isnan(r.elbo));
        EXPECT_EQ(r.elbo, -kInf);
      } catch (const pgm::ZeroProbabilityEvidence&) {
      }
      continue;
    }
    const MeanFieldResult r = pgm::mean_field(bn.variables(), bn.cpts(), e, {.seed = static_cast<std::uint64_t>(trial)});
    expect_normalised(r);
    expect_never_decreases(r.history);
    ASSERT_EQ(r.history.size(), r.iterations + 1);
    EXPECT_EQ(r.history.back(), r.elbo);
    const Brute b = brute(bn.variables(), bn.cpts(), e, r);
    EXPECT_NEAR(b.log_z, std::log(z), 1e-12);
    if (!std::isfinite(r.elbo)) {
      EXPECT_EQ(b.elbo, -kInf);
      continue;
    }
    ++checked;
    EXPECT_NEAR(r.elbo, b.elbo, 1e-10);
    EXPECT_LE(r.elbo, b.log_z + 1e-12);
    EXPECT_NEAR(b.log_z - r.elbo, b.kl, 1e-10);
    EXPECT_GE(b.kl, -1e-12);
  }
  EXPECT_GT(checked, 40);
}

TEST(MeanField, IndependentVariablesAreRecoveredExactly) {
  pgm::BayesianNetworkBuilder b("independent");
  b.add_variable("A", {"a0", "a1"});
  b.add_variable("B", {"b0", "b1", "b2"});
  b.set_cpt(0, {}, {0.3, 0.7});
  b.set_cpt(1, {}, {0.2, 0.5, 0.3});
  const pgm::BayesianNetwork bn = std::move(b).build();
  const MeanFieldResult r = pgm::mean_field(bn.variables(), bn.cpts(), {}, {.seed = 7});
  EXPECT_TRUE(r.converged);
  EXPECT_NEAR(r.elbo, 0.0, 1e-12);  // ln P(∅) = 0
  EXPECT_NEAR(r.q[0][0], 0.3, 1e-12);
  EXPECT_NEAR(r.q[1][1], 0.5, 1e-12);
}

TEST(MeanField, EverythingObservedButOneGivesTheExactPosterior) {
  std::mt19937_64 rng(5);
  for (int trial = 0; trial < 10; ++trial) {
    const pgm::BayesianNetwork bn = random_bn(rng, 5, false);
    const VariableId left = static_cast<VariableId>(trial % 5);
    std::vector<std::pair<VariableId, std::size_t>> ev;
    for (VariableId v = 0; v < 5; ++v)
      if (v != left) ev.emplace_back(v, 0);
    const Evidence e(ev);
    const MeanFieldResult r = pgm::mean_field(bn.variables(), bn.cpts(), e, {.seed = 1});
    const Brute br = brute(bn.variables(), bn.cpts(), e, r);
    EXPECT_NEAR(r.elbo, br.log_z, 1e-10);
    EXPECT_LT(br.kl, 1e-10);
    EXPECT_LE(r.iterations, 2u);  // exact after one sweep; the second sees no change
  }
}

TEST(MeanField, FullyObservedIsTheLogJointWithNoSweeps) {
  pgm::BayesianNetworkBuilder b("two");
  b.add_variable("A", {"a0", "a1"});
  b.add_variable("B", {"b0", "b1"});
  b.set_cpt(0, {}, {0.3, 0.7});
  b.set_cpt(1, {0}, {0.9, 0.1, 0.4, 0.6});
  const pgm::BayesianNetwork bn = std::move(b).build();
  const MeanFieldResult r = pgm::mean_field(bn.variables(), bn.cpts(), Evidence{{0, 1}, {1, 0}});
  EXPECT_TRUE(r.converged);
  EXPECT_EQ(r.iterations, 0u);
  EXPECT_TRUE(r.q.empty());
  EXPECT_NEAR(r.elbo, std::log(0.7 * 0.4), 1e-15);
}

TEST(MeanField, MarkovNetworkBoundsLogZ) {
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> u(0.1, 3.0);
  for (int trial = 0; trial < 20; ++trial) {
    pgm::MarkovNetworkBuilder b("loop");
    for (int i = 0; i < 4; ++i) b.add_variable("V" + std::to_string(i), {"0", "1"});
    for (VariableId i = 0; i < 4; ++i) {
      std::vector<double> t(4);
      for (double& x : t) x = u(rng);
      if (trial % 3 == 0) t[1] = 0.0;  // zeros too
      b.add_factor({i, static_cast<VariableId>((i + 1) % 4)}, t);
    }
    const pgm::MarkovNetwork mn = std::move(b).build();
    const Evidence e = trial % 2 ? Evidence{{0, 1}} : Evidence{};
    const MeanFieldResult r = pgm::mean_field(mn.variables(), mn.factors(), e, {.seed = static_cast<std::uint64_t>(trial)});
    expect_normalised(r);
    expect_never_decreases(r.history);
    const Brute br = brute(mn.variables(), mn.factors(), e, r);
    ASSERT_TRUE(std::isfinite(r.elbo)) << trial;
    EXPECT_NEAR(r.elbo, br.elbo, 1e-10);
    EXPECT_LE(r.elbo, br.log_z + 1e-12);
    EXPECT_NEAR(br.log_z - r.elbo, br.kl, 1e-10);
  }
}

TEST(MeanField, DeterministicFactorsNeverGiveNaN) {
  // A = B = C by equality factors: every random start puts mass on the zeros; q must still settle
  // on one consistent state with ELBO ln 1 = 0 (one configuration of weight 1 among 2), finite.
  pgm::MarkovNetworkBuilder b("equal");
  for (const char* n : {"A", "B", "C"}) b.add_variable(n, {"0", "1"});
  b.add_factor({0, 1}, {1, 0, 0, 1});
  b.add_factor({1, 2}, {1, 0, 0, 1});
  const pgm::MarkovNetwork mn = std::move(b).build();
  for (std::uint64_t seed = 0; seed < 10; ++seed) {
    const MeanFieldResult r = pgm::mean_field(mn.variables(), mn.factors(), {}, {.seed = seed});
    expect_normalised(r);
    for (double l : r.history) EXPECT_FALSE(std::isnan(l));
    EXPECT_NEAR(r.elbo, 0.0, 1e-12) << seed;  // a point mass on 000 or 111: ln 1 + H = 0; ln Z = ln 2
    EXPECT_TRUE(r.converged);
  }
}

TEST(MeanField, TheSeedFixesTheStart) {
  std::mt19937_64 rng(9);
  const pgm::BayesianNetwork bn = random_bn(rng, 5, false);
  const MeanFieldResult a = pgm::mean_field(bn.variables(), bn.cpts(), {}, {.seed = 4});
  const MeanFieldResult b = pgm::mean_field(bn.variables(), bn.cpts(), {}, {.seed = 4});
  const MeanFieldResult c = pgm::mean_field(bn.variables(), bn.cpts(), {}, {.seed = 5});
  EXPECT_EQ(a.history, b.history);
  EXPECT_NE(a.history.front(), c.history.front());
}

TEST(MeanField, MaxIterationsAndTolerance) {
  std::mt19937_64 rng(10);
  const pgm::BayesianNetwork bn = random_bn(rng, 6, false);
  const MeanFieldResult one = pgm::mean_field(bn.variables(), bn.cpts(), Evidence{{5, 0}}, {.max_iterations = 1});
  EXPECT_EQ(one.iterations, 1u);
  EXPECT_EQ(one.history.size(), 2u);
  const MeanFieldResult loose = pgm::mean_field(bn.variables(), bn.cpts(), Evidence{{5, 0}}, {.tolerance = 1e300});
  EXPECT_EQ(loose.iterations, 1u);  // the first finite improvement is below 1e300
  EXPECT_TRUE(loose.converged);
}

TEST(MeanField, ZeroEverywhereAfterReductionIsZeroProbabilityEvidence) {
  pgm::BayesianNetworkBuilder b("det");
  b.add_variable("A", {"a0", "a1"});
  b.add_variable("B", {"b0", "b1"});
  b.set_cpt(0, {}, {1.0, 0.0});
  b.set_cpt(1, {0}, {0.5, 0.5, 0.5, 0.5});
  const pgm::BayesianNetwork bn = std::move(b).build();
  EXPECT_THROW((void)pgm::mean_field(bn.variables(), bn.cpts(), Evidence{{0, 1}}), pgm::ZeroProbabilityEvidence);
}

TEST(MeanFieldElbo, QueryLevelExactFigureLimitAndImpossibleEvidence) {
  const pgm::Model m = pgm::Model::load(std::string(PGM_SOURCE_DIR) + "/models/sprinkler.yaml");
  const auto e = pgm::query::Evidence::from_names(m, std::vector<std::pair<std::string, std::string>>{{"Slippery", "yes"}});
  const auto r = pgm::query::mean_field_elbo(m, e);
  // P(Slippery = yes) = 0.48965 (worked out by hand in tests/cli/explain_cli_test.cpp).
  ASSERT_TRUE(r.log_probability_of_evidence.has_value());
  EXPECT_NEAR(*r.log_probability_of_evidence, std::log(0.48965), 1e-12);
  EXPECT_NEAR(*r.gap, std::log(0.48965) - r.elbo, 1e-15);
  EXPECT_EQ(r.q.size(), 4u);
  EXPECT_EQ(r.q[0].first, "Season");
  // Exact inference over the limit: no ln P(e), no gap, the same ELBO.
  const auto limited = pgm::query::mean_field_elbo(m, e, {}, 8);
  EXPECT_FALSE(limited.log_probability_of_evidence.has_value());
  EXPECT_FALSE(limited.gap.has_value());
  EXPECT_EQ(limited.elbo, r.elbo);
  const auto zero = pgm::query::Evidence::from_names(
      m, std::vector<std::pair<std::string, std::string>>{{"Sprinkler", "off"}, {"Rain", "no"}, {"WetGrass", "wet"}});
  EXPECT_THROW((void)pgm::query::mean_field_elbo(m, zero), pgm::ZeroProbabilityEvidence);
  const pgm::Model g = pgm::Model::load(std::string(PGM_SOURCE_DIR) + "/models/factor-analysis.yaml");
  EXPECT_THROW((void)pgm::query::mean_field_elbo(g, {}), pgm::QueryError);
}

}  // namespace
