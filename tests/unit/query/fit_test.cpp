// ---- issue 12: parameter learning (query::fit, query::loglik). Expected values by hand (counts / N,
// the Dirichlet and BDeu formulas, one EM step of a two-node latent model, a least-squares line) and
// by brute-force enumeration (EM's first step and its log-likelihoods on random networks).
#include "support/enumeration_oracle.hpp"
#include "support/random_models.hpp"

#include <pgm/core/error.hpp>
#include <pgm/query/fit.hpp>
#include <pgm/query/model.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

namespace {

using pgm::BayesianNetwork;
using pgm::BayesianNetworkBuilder;
using pgm::VariableId;
using pgm::query::FitOptions;
using pgm::query::FitResult;
using pgm::query::Model;
using pgm::query::Prior;
using pgm::query::TableSource;
using Rows = std::vector<std::vector<std::string>>;

// A -> B, A with `a_states` states, B binary.
Model two_node(std::size_t a_states = 2) {
  BayesianNetworkBuilder b("ab");
  std::vector<std::string> as;
  for (std::size_t i = 0; i < a_states; ++i) as.push_back("a" + std::to_string(i));
  const VariableId a = b.add_variable("A", as);
  const VariableId bb = b.add_variable("B", {"b0", "b1"});
  b.set_cpt(a, {}, std::vector<double>(a_states, 1.0 / static_cast<double>(a_states)));
  std::vector<double> t;
  for (std::size_t i = 0; i < a_states; ++i) t.insert(t.end(), {0.5, 0.5});
  b.set_cpt(bb, {a}, t);
  return Model(std::move(b).build());
}

FitResult fit_rows(const Model& m, std::vector<std::string> header, Rows rows, FitOptions options = {}) {
  TableSource source(std::move(header), std::move(rows));
  return pgm::query::fit(m, source, options);
}

const Rows kAbRows = {{"a0", "b0"}, {"a0", "b0"}, {"a0", "b1"}, {"a1", "b1"}};

TEST(Fit, MaximumLikelihoodIsCountsOverN) {
  const FitResult r = fit_rows(two_node(), {"A", "B"}, kAbRows);
  const BayesianNetwork& bn = *r.model.bayesian_network();
  const auto a = bn.cpt_table(0), b = bn.cpt_table(1);
  EXPECT_DOUBLE_EQ(a[0], 0.75);
  EXPECT_DOUBLE_EQ(a[1], 0.25);
  EXPECT_DOUBLE_EQ(b[0], 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(b[1], 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(b[2], 0.0);
  EXPECT_DOUBLE_EQ(b[3], 1.0);
  const double ll = 3 * std::log(0.75) + std::log(0.25) + 2 * std::log(2.0 / 3.0) + std::log(1.0 / 3.0);
  EXPECT_NEAR(r.log_likelihood, ll, 1e-12);
  EXPECT_FALSE(r.em);
  EXPECT_EQ(r.iterations, 0u);
  EXPECT_EQ(r.unseen_parent_configurations, 0u);
  EXPECT_TRUE(r.warnings.empty());
  // The fitted model's own log-likelihood of the data is the figure reported.
  TableSource again({"A", "B"}, kAbRows);
  EXPECT_NEAR(pgm::query::loglik(r.model, again).total, ll, 1e-12);
}

TEST(Fit, DirichletAddsAToEveryCount) {
  FitOptions o;
  o.prior = pgm::query::parse_prior("dirichlet:1");
  const FitResult r = fit_rows(two_node(), {"A", "B"}, kAbRows, o);
  const BayesianNetwork& bn = *r.model.bayesian_network();
  EXPECT_DOUBLE_EQ(bn.cpt_table(0)[0], 4.0 / 6.0);
  EXPECT_DOUBLE_EQ(bn.cpt_table(1)[0], 3.0 / 5.0);
  EXPECT_DOUBLE_EQ(bn.cpt_table(1)[2], 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(bn.cpt_table(1)[3], 2.0 / 3.0);
  ASSERT_TRUE(r.has_prior);
  // log posterior = log-likelihood + Σ A ln θ.
  const double ll = 3 * std::log(4.0 / 6.0) + std::log(2.0 / 6.0) + 2 * std::log(3.0 / 5.0) + std::log(2.0 / 5.0) +
                    std::log(2.0 / 3.0);
  const double lp = std::log(4.0 / 6.0) + std::log(2.0 / 6.0) + std::log(3.0 / 5.0) + std::log(2.0 / 5.0) +
                    std::log(1.0 / 3.0) + std::log(2.0 / 3.0);
  EXPECT_NEAR(r.log_likelihood, ll, 1e-12);
  EXPECT_NEAR(r.log_posterior, ll + lp, 1e-12);
}

TEST(Fit, BdeuAddsEssOverRQ) {
  FitOptions o;
  o.prior = pgm::query::parse_prior("bdeu:4");
  const FitResult r = fit_rows(two_node(), {"A", "B"}, kAbRows, o);
  const BayesianNetwork& bn = *r.model.bayesian_network();
  // A: r = 2, q = 1, a = 2: (3 + 2) / (4 + 4). B: r = 2, q = 2, a = 1.
  EXPECT_DOUBLE_EQ(bn.cpt_table(0)[0], 5.0 / 8.0);
  EXPECT_DOUBLE_EQ(bn.cpt_table(1)[0], 3.0 / 5.0);
  EXPECT_DOUBLE_EQ(bn.cpt_table(1)[3], 2.0 / 3.0);
}

TEST(Fit, UnseenParentConfigurationIsUniformWithAWarning) {
  const FitResult r = fit_rows(two_node(3), {"A", "B"}, kAbRows);
  const auto b = r.model.bayesian_network()->cpt_table(1);
  EXPECT_DOUBLE_EQ(b[4], 0.5);
  EXPECT_DOUBLE_EQ(b[5], 0.5);
  EXPECT_DOUBLE_EQ(r.model.bayesian_network()->cpt_table(0)[2], 0.0);
  EXPECT_EQ(r.unseen_parent_configurations, 1u);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_NE(r.warnings[0].find("1 parent configuration"), std::string::npos);
  FitOptions o;
  o.prior = pgm::query::parse_prior("dirichlet:2");
  const FitResult p = fit_rows(two_node(3), {"A", "B"}, kAbRows, o);
  EXPECT_DOUBLE_EQ(p.model.bayesian_network()->cpt_table(1)[4], 0.5);
  EXPECT_EQ(p.unseen_parent_configurations, 1u);
}

TEST(Fit, ParsePrior) {
  EXPECT_EQ(pgm::query::parse_prior("none").kind, Prior::Kind::none);
  EXPECT_EQ(pgm::query::parse_prior("bdeu:10").value, 10.0);
  for (const char* bad : {"", "dirichlet", "dirichlet:", "dirichlet:0", "dirichlet:-1", "bdeu:x", "k2", "bdeu:1x",
                          "dirichlet:inf", "dirichlet:nan"})
    EXPECT_THROW((void)pgm::query::parse_prior(bad), pgm::QueryError) << bad;
}

// Z -> X with Z latent: P(Z=0) = 0.6, P(X=0 | Z=0) = 0.7, P(X=0 | Z=1) = 0.2; data X = 0, 0, 1.
// Posteriors P(Z=0 | X=0) = 0.42 / 0.5 = 0.84, P(Z=0 | X=1) = 0.18 / 0.5 = 0.36; expected counts
// n(Z=0) = 2.04, n(Z=0, X=0) = 1.68, n(Z=1, X=0) = 0.32 of n(Z=1) = 0.96.
TEST(FitEm, OneStepOfATwoNodeLatentModelByHand) {
  BayesianNetworkBuilder b("zx");
  const VariableId z = b.add_variable("Z", {"z0", "z1"});
  const VariableId x = b.add_variable("X", {"x0", "x1"});
  b.set_cpt(z, {}, {0.6, 0.4});
  b.set_cpt(x, {z}, {0.7, 0.3, 0.2, 0.8});
  const Model m(std::move(b).build());
  FitOptions o;
  o.max_iter = 1;
  o.tol = 0;
  const FitResult r = fit_rows(m, {"X"}, {{"x0"}, {"x0"}, {"x1"}}, o);
  ASSERT_TRUE(r.em);
  const BayesianNetwork& bn = *r.model.bayesian_network();
  EXPECT_NEAR(bn.cpt_table(0)[0], 0.68, 1e-12);
  EXPECT_NEAR(bn.cpt_table(1)[0], 1.68 / 2.04, 1e-12);
  EXPECT_NEAR(bn.cpt_table(1)[2], 1.0 / 3.0, 1e-12);
  ASSERT_EQ(r.history.size(), 2u);
  EXPECT_NEAR(r.history[0], 3 * std::log(0.5), 1e-12);
  // Afterwards P(X=0) = 0.68 · 1.68/2.04 + 0.32 / 3 = 2/3: the data's own frequency.
  EXPECT_NEAR(r.history[1], 2 * std::log(2.0 / 3.0) + std::log(1.0 / 3.0), 1e-12);
  EXPECT_EQ(r.iterations, 1u);
  EXPECT_EQ(r.stop_reason, "max-iter");
  EXPECT_FALSE(r.converged);
}

struct RandomData {
  std::vector<std::string> header;
  Rows rows;
  std::vector<std::vector<long>> states;  // -1: missing
};

RandomData sample_rows(const BayesianNetwork& bn, std::mt19937_64& rng, std::size_t n, double missing,
                       std::size_t drop_column) {
  RandomData d;
  for (VariableId v = 0; v < bn.size(); ++v)
    if (v != drop_column) d.header.push_back(bn.variable(v).name);
  std::bernoulli_distribution hide(missing);
  for (std::size_t i = 0; i < n; ++i) {
    const auto s = pgm::testing::forward_sample(bn, rng);
    std::vector<std::string> row;
    std::vector<long> st(bn.size(), -1);
    for (VariableId v = 0; v < bn.size(); ++v) {
      if (v == drop_column) continue;
      if (hide(rng)) {
        row.emplace_back();
      } else {
        row.push_back(bn.variable(v).states[s[v]]);
        st[v] = static_cast<long>(s[v]);
      }
    }
    d.rows.push_back(std::move(row));
    d.states.push_back(std::move(st));
  }
  return d;
}

// Brute force: every full assignment's weight by the oracle; per row, the completions consistent
// with it give ln P(row) and each family's expected counts.
struct Brute {
  double loglik = 0.0;
  std::vector<std::vector<double>> counts;  // per node, in cpt_table layout
};

Brute brute_force(const BayesianNetwork& bn, const RandomData& d) {
  const pgm::testing::EnumerationOracle oracle(bn);
  const std::size_t n = bn.size();
  std::vector<std::size_t> cards(n);
  std::size_t total = 1;
  for (VariableId v = 0; v < n; ++v) total *= cards[v] = bn.variable(v).states.size();
  Brute out;
  out.counts.resize(n);
  for (VariableId v = 0; v < n; ++v) out.counts[v].assign(bn.cpt_table(v).size(), 0.0);
  std::vector<std::size_t> a(n);
  for (const auto& row : d.states) {
    double p = 0.0;
    std::vector<std::pair<std::vector<std::size_t>, double>> consistent;
    for (std::size_t idx = 0; idx < total; ++idx) {
      std::size_t k = idx;
      bool ok = true;
      for (VariableId v = 0; v < n; ++v) {
        a[v] = k % cards[v];
        k /= cards[v];
        if (row[v] >= 0 && static_cast<std::size_t>(row[v]) != a[v]) ok = false;
      }
      if (!ok) continue;
      const double w = oracle.weight(a);
      p += w;
      if (w > 0) consistent.emplace_back(a, w);
    }
    out.loglik += std::log(p);
    for (const auto& [asg, w] : consistent) {
      for (VariableId v = 0; v < n; ++v) {
        std::size_t pos = 0;
        for (VariableId u : bn.parents(v)) pos = pos * cards[u] + asg[u];
        pos = pos * cards[v] + asg[v];
        out.counts[v][pos] += w / p;
      }
    }
  }
  return out;
}

TEST(FitEm, FirstStepAndLogLikelihoodsMatchEnumerationOnRandomNetworks) {
  std::mt19937_64 rng(12);
  for (int trial = 0; trial < 20; ++trial) {
    pgm::testing::RandomNetworkSpec spec{5, 3, 2, 2, 0.0};
    const BayesianNetwork bn = pgm::testing::random_bayesian_network(rng, spec);
    const RandomData d = sample_rows(bn, rng, 60, 0.3, trial % 2 ? 0 : bn.size());
    const Brute b = brute_force(bn, d);
    FitOptions o;
    o.max_iter = 1;
    o.tol = 0;
    o.threads = 1 + static_cast<std::size_t>(trial % 3);
    const FitResult r = fit_rows(Model(bn), d.header, d.rows, o);
    ASSERT_EQ(r.history.size(), 2u);
    EXPECT_NEAR(r.history[0], b.loglik, 1e-9 * std::abs(b.loglik)) << trial;
    const BayesianNetwork& fitted = *r.model.bayesian_network();
    for (VariableId v = 0; v < bn.size(); ++v) {
      const auto t = fitted.cpt_table(v);
      const std::size_t rr = bn.variable(v).states.size();
      for (std::size_t u = 0; u * rr < t.size(); ++u) {
        double nu = 0;
        for (std::size_t x = 0; x < rr; ++x) nu += b.counts[v][u * rr + x];
        for (std::size_t x = 0; x < rr; ++x) {
          const double want = nu > 0 ? b.counts[v][u * rr + x] / nu : 1.0 / static_cast<double>(rr);
          EXPECT_NEAR(t[u * rr + x], want, 1e-9) << trial << " node " << v;
        }
      }
    }
    EXPECT_NEAR(r.history[1], brute_force(fitted, d).loglik, 1e-9 * std::abs(b.loglik)) << trial;
  }
}

TEST(FitEm, HistoryNeverDecreasesOnRandomNetworksWithMissingData) {
  std::mt19937_64 rng(7);
  for (int trial = 0; trial < 24; ++trial) {
    pgm::testing::RandomNetworkSpec spec{4 + static_cast<std::size_t>(trial % 5), 3, 2, 3, 0.05};
    const BayesianNetwork truth = pgm::testing::random_bayesian_network(rng, spec);
    const BayesianNetwork start = pgm::testing::random_bayesian_network(rng, spec);
    (void)start;
    const RandomData d = sample_rows(truth, rng, 200, 0.25, trial % 3 == 0 ? 1 : truth.size());
    // Start from a model of the same structure with all-positive random parameters.
    BayesianNetworkBuilder b("start");
    for (VariableId v = 0; v < truth.size(); ++v) b.add_variable(truth.variable(v));
    std::uniform_real_distribution<double> u(0.1, 1.0);
    for (VariableId v = 0; v < truth.size(); ++v) {
      std::vector<double> t(truth.cpt_table(v).size());
      const std::size_t r = truth.variable(v).states.size();
      for (std::size_t i = 0; i < t.size(); i += r) {
        double s = 0;
        for (std::size_t x = 0; x < r; ++x) s += t[i + x] = u(rng);
        for (std::size_t x = 0; x < r; ++x) t[i + x] /= s;
      }
      b.set_cpt(v, std::vector<VariableId>(truth.parents(v).begin(), truth.parents(v).end()), t);
    }
    const Model m(std::move(b).build());
    for (const char* prior : {"none", "dirichlet:0.5", "bdeu:3"}) {
      FitOptions o;
      o.prior = pgm::query::parse_prior(prior);
      o.max_iter = 30;
      o.tol = 0;
      o.threads = 2;
      const FitResult r = fit_rows(m, d.header, d.rows, o);
      ASSERT_EQ(r.iterations, 30u);  // tol = 0: exactly max_iter
      ASSERT_EQ(r.history.size(), 31u);
      const auto& h = r.has_prior ? r.log_posterior_history : r.history;
      ASSERT_EQ(h.size(), 31u);
      for (std::size_t k = 1; k < h.size(); ++k)
        EXPECT_GE(h[k], h[k - 1] - 1e-9 * std::abs(h[k - 1])) << "trial " << trial << " " << prior << " k=" << k;
      TableSource again(d.header, d.rows);
      EXPECT_NEAR(pgm::query::loglik(r.model, again).total, r.log_likelihood, 1e-9 * std::abs(r.log_likelihood));
    }
  }
}

TEST(FitEm, ToleranceStopsAndReportsConvergence) {
  std::mt19937_64 rng(3);
  const BayesianNetwork bn = pgm::testing::random_bayesian_network(rng, {5, 3, 2, 2, 0.0});
  const RandomData d = sample_rows(bn, rng, 300, 0.2, bn.size());
  FitOptions o;
  o.max_iter = 500;
  o.tol = 1e-4;
  const FitResult r = fit_rows(Model(bn), d.header, d.rows, o);
  EXPECT_TRUE(r.converged);
  EXPECT_EQ(r.stop_reason, "tolerance");
  ASSERT_GE(r.history.size(), 2u);
  EXPECT_LT(r.history.back() - r.history[r.history.size() - 2], 1e-4);
  for (std::size_t k = 1; k + 1 < r.history.size(); ++k) EXPECT_GE(r.history[k] - r.history[k - 1], 1e-4);
}

TEST(FitEm, FromTheTrueParametersWithLotsOfDataStaysNearThem) {
  std::mt19937_64 rng(5);
  const BayesianNetwork bn = pgm::testing::random_bayesian_network(rng, {5, 3, 2, 2, 0.0});
  const RandomData d = sample_rows(bn, rng, 20000, 0.2, bn.size());
  FitOptions o;
  o.max_iter = 20;
  const FitResult r = fit_rows(Model(bn), d.header, d.rows, o);
  for (VariableId v = 0; v < bn.size(); ++v) {
    const auto want = bn.cpt_table(v), got = r.model.bayesian_network()->cpt_table(v);
    for (std::size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(got[i], want[i], 0.05) << v << " " << i;
  }
}

TEST(FitEm, ZeroProbabilityRowNamesItsPlace) {
  BayesianNetworkBuilder b("det");
  const VariableId a = b.add_variable("A", {"a0", "a1"});
  const VariableId c = b.add_variable("C", {"c0", "c1"});
  b.set_cpt(a, {}, {0.5, 0.5});
  b.set_cpt(c, {a}, {1.0, 0.0, 0.0, 1.0});
  const Model m(std::move(b).build());
  FitOptions o;
  o.em = true;
  try {
    (void)fit_rows(m, {"A", "C"}, {{"a0", "c0"}, {"a0", "c1"}}, o);
    FAIL() << "no error";
  } catch (const pgm::QueryError& e) {
    EXPECT_NE(std::string(e.what()).find("row 2"), std::string::npos) << e.what();
  }
}

TEST(Fit, BadDataIsAQueryErrorNamingThePlace) {
  const Model m = two_node();
  EXPECT_THROW((void)fit_rows(m, {"A", "Q"}, {}), pgm::QueryError);
  try {
    (void)fit_rows(m, {"A", "B"}, {{"a0", "b0"}, {"a0", "b7"}});
    FAIL();
  } catch (const pgm::QueryError& e) {
    EXPECT_NE(std::string(e.what()).find("row 2: unknown state 'b7'"), std::string::npos) << e.what();
  }
  EXPECT_THROW((void)fit_rows(m, {"A", "B"}, {{"a0"}}), pgm::QueryError);
}

// y = 1, 3, 7, 9 at x = 0, 1, 2, 3: slope Sxy / Sxx = 14 / 5, intercept 5 − 2.8 · 1.5 = 0.8, residuals
// 0.2, −0.6, 0.6, −0.2 (mean square 0.2); X: mean 1.5, variance 1.25.
TEST(FitLinearGaussian, LeastSquaresByHand) {
  pgm::LinearGaussianCpd cx, cy;
  cy.parents = {0};
  cy.weights = {1.0};
  const Model m(pgm::LinearGaussianNetwork("line", {"X", "Y"}, {cx, cy}));
  const FitResult r = fit_rows(m, {"Y", "X"}, {{"1", "0"}, {"3", "1"}, {"7", "2"}, {"9", "3"}});
  const auto& lg = *r.model.linear_gaussian_network();
  EXPECT_NEAR(lg.intercept(0), 1.5, 1e-12);
  EXPECT_NEAR(lg.variance(0), 1.25, 1e-12);
  EXPECT_NEAR(lg.weights(1)[0], 2.8, 1e-12);
  EXPECT_NEAR(lg.intercept(1), 0.8, 1e-12);
  EXPECT_NEAR(lg.variance(1), 0.2, 1e-12);
  const double ll = -0.5 * 4 * (std::log(2 * M_PI) + std::log(1.25) + 1) - 0.5 * 4 * (std::log(2 * M_PI) + std::log(0.2) + 1);
  EXPECT_NEAR(r.log_likelihood, ll, 1e-10);
  EXPECT_THROW((void)fit_rows(m, {"X", "Y"}, {{"1", ""}}), pgm::UnsupportedError);
  EXPECT_THROW((void)fit_rows(m, {"X"}, {{"1"}}), pgm::UnsupportedError);
  EXPECT_THROW((void)fit_rows(m, {"X", "Y"}, {{"1", "x"}}), pgm::QueryError);
}

TEST(Fit, MarkovNetworksAreRefused) {
  std::mt19937_64 rng(1);
  const Model m(pgm::testing::random_markov_network(rng, {3, 2}));
  EXPECT_THROW((void)fit_rows(m, {"V0"}, {}), pgm::UnsupportedError);
}

TEST(Loglik, RowsAndTotalWithMissingCellsSummedOut) {
  // P(A=a0) = 0.5, P(B=b0 | A) = 0.5: each observed cell contributes ln 0.5.
  const Model m = two_node();
  TableSource s({"A", "B"}, {{"a0", "b0"}, {"", "b1"}, {"", ""}});
  const auto r = pgm::query::loglik(m, s);
  ASSERT_EQ(r.rows.size(), 3u);
  EXPECT_NEAR(r.rows[0], 2 * std::log(0.5), 1e-12);
  EXPECT_NEAR(r.rows[1], std::log(0.5), 1e-12);
  EXPECT_NEAR(r.rows[2], 0.0, 1e-12);
  EXPECT_NEAR(r.total, 3 * std::log(0.5), 1e-12);
}

}  // namespace
