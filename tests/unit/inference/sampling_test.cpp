// Likelihood weighting and Gibbs sampling (issue 11) against exact marginals: brute-force
// enumeration (tests/support/enumeration_oracle, no Factor code) on small models, variable
// elimination on alarm. Every estimate must be within 5 of its own standard errors of the exact
// value (plus 1e-3 for a state never drawn, whose error is estimated as 0) and within an absolute
// bound. Fixed seeds, so each check is one deterministic run that a wrong sampler would fail.
#include <pgm/core/error.hpp>
#include <pgm/inference/gibbs_sampling.hpp>
#include <pgm/inference/likelihood_weighting.hpp>
#include <pgm/inference/variable_elimination.hpp>
#include <pgm/io/load.hpp>

#include "support/enumeration_oracle.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <variant>
#include <vector>

namespace {

using pgm::testing::EnumerationOracle;

std::string model_path(const std::string& name) { return std::string(PGM_SOURCE_DIR) + "/models/" + name; }
pgm::BayesianNetwork bn_of(const std::string& path) { return std::get<pgm::BayesianNetwork>(pgm::io::load_model(path)); }

pgm::SamplingOptions opts(std::size_t samples, std::uint64_t seed = 0) {
  pgm::SamplingOptions o;
  o.samples = samples;
  o.seed = seed;
  return o;
}

// Every unobserved entry within 5 SE (+1e-3) and `abs_tol` of the exact marginals; returns the largest z.
double expect_within(const pgm::SamplingResult& r, const std::vector<std::vector<double>>& exact, double abs_tol) {
  double worst_z = 0;
  EXPECT_EQ(r.marginals.size(), exact.size());
  for (std::size_t v = 0; v < exact.size(); ++v) {
    if (r.marginals[v].size() != exact[v].size()) { ADD_FAILURE() << "variable " << v; continue; }
    double sum = 0;
    for (std::size_t s = 0; s < exact[v].size(); ++s) {
      const double err = std::abs(r.marginals[v][s] - exact[v][s]);
      const double se = r.standard_errors[v][s];
      EXPECT_LE(err, 5 * se + 1e-3) << "variable " << v << " state " << s << ": " << r.marginals[v][s] << " vs exact "
                                    << exact[v][s] << ", se " << se;
      EXPECT_LE(err, abs_tol) << "variable " << v << " state " << s;
      EXPECT_TRUE(std::isfinite(se) && se >= 0);
      if (se > 0) worst_z = std::max(worst_z, err / se);
      sum += r.marginals[v][s];
    }
    EXPECT_NEAR(sum, 1.0, 1e-9);
  }
  return worst_z;
}

// Exact marginals of every variable by variable elimination.
std::vector<std::vector<double>> ve_marginals(const pgm::BayesianNetwork& bn, const pgm::Evidence& e) {
  const pgm::VariableElimination ve(bn);
  std::vector<std::vector<double>> out;
  for (pgm::VariableId v = 0; v < bn.size(); ++v) {
    const pgm::Factor f = ve.marginal(v, e);
    out.emplace_back(f.values().begin(), f.values().end());
  }
  return out;
}

// A network built in code: root A (P(A = 1) = p_a) and `children` binary children E_i with
// P(E_i = 1 | A = 0) = q0, P(E_i = 1 | A = 1) = q1.
pgm::BayesianNetwork star(std::size_t children, double p_a, double q0, double q1) {
  pgm::BayesianNetworkBuilder b("star");
  const auto a = b.add_variable("A", {"a0", "a1"});
  b.set_cpt(a, {}, {1 - p_a, p_a});
  for (std::size_t i = 0; i < children; ++i) {
    const auto e = b.add_variable("E" + std::to_string(i), {"e0", "e1"});
    b.set_cpt(e, {a}, {1 - q0, q0, 1 - q1, q1});
  }
  return std::move(b).build();
}

// ---- likelihood weighting

TEST(LikelihoodWeighting, AsiaWithEvidenceWithinErrorOfEnumeration) {
  const auto bn = bn_of(model_path("asia.yaml"));
  const EnumerationOracle oracle(bn);
  for (const auto& given : {std::vector<std::pair<std::string, std::string>>{},
                            {{"xray", "yes"}, {"dysp", "yes"}},
                            {{"smoke", "no"}, {"xray", "yes"}}}) {
    const pgm::Evidence e = bn.evidence(given);
    const auto r = pgm::LikelihoodWeighting(bn, opts(20000, 7)).run(e);
    EXPECT_EQ(r.samples, 20000u);
    expect_within(r, oracle.marginals(e), 0.03);
    // P(e): the mean weight, within 5 of its standard error.
    const double pe = oracle.probability_of_evidence(e);
    ASSERT_TRUE(r.log_probability_of_evidence && r.probability_of_evidence_standard_error);
    EXPECT_NEAR(std::exp(*r.log_probability_of_evidence), pe, 5 * *r.probability_of_evidence_standard_error + 1e-12);
    ASSERT_TRUE(r.effective_sample_size);
    EXPECT_GT(*r.effective_sample_size, 1.0);
    EXPECT_LE(*r.effective_sample_size, 20000.0 + 1e-6);
    if (given.empty()) {
      EXPECT_DOUBLE_EQ(*r.effective_sample_size, 20000.0);  // every weight 1
      EXPECT_DOUBLE_EQ(*r.log_probability_of_evidence, 0.0);
    }
  }
}

TEST(LikelihoodWeighting, AlarmWithEvidenceWithinErrorOfVariableElimination) {
  const std::string path = std::string(PGM_SHARED_DIR) + "/networks/bif/alarm.bif";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " not found";
  const auto bn = bn_of(path);
  const pgm::Evidence e = bn.evidence(std::vector<std::pair<std::string, std::string>>{
      {"HRBP", "HIGH"}, {"BP", "LOW"}, {"SAO2", "LOW"}});
  const auto r = pgm::LikelihoodWeighting(bn, opts(20000, 3)).run(e);
  expect_within(r, ve_marginals(bn, e), 0.05);
}

TEST(LikelihoodWeighting, LowProbabilityEvidence) {
  // asia: tub = yes, lung = yes, xray = no, P(e) about 1e-5, the weights varying with the sampled
  // asia and smoke.
  {
    const auto bn = bn_of(model_path("asia.yaml"));
    const EnumerationOracle oracle(bn);
    const pgm::Evidence e = bn.evidence(
        std::vector<std::pair<std::string, std::string>>{{"tub", "yes"}, {"lung", "yes"}, {"xray", "no"}});
    const double pe = oracle.probability_of_evidence(e);
    ASSERT_GT(pe, 1e-6);
    ASSERT_LT(pe, 1e-4);
    const auto r = pgm::LikelihoodWeighting(bn, opts(20000, 11)).run(e);
    expect_within(r, oracle.marginals(e), 0.03);
    ASSERT_GT(*r.probability_of_evidence_standard_error, 0.0);
    EXPECT_NEAR(std::exp(*r.log_probability_of_evidence), pe, 5 * *r.probability_of_evidence_standard_error);
  }
  // A root with P(A = a1) = 0.001 and three children observed e1, each 0.5 likely under a1 and
  // 0.001 under a0: P(e) = 0.999e-9 + 0.001 · 0.125 ≈ 1.25e-4, and almost all of it comes from the
  // one sample in a thousand that draws a1.
  const auto bn = star(3, 0.001, 0.001, 0.5);
  const pgm::Evidence e{{1, 1}, {2, 1}, {3, 1}};
  const double pe = 0.999 * 1e-9 + 0.001 * 0.125;
  const auto r = pgm::LikelihoodWeighting(bn, opts(40000, 13)).run(e);
  const double post = 0.001 * 0.125 / pe;
  expect_within(r, {{1 - post, post}, {0, 1}, {0, 1}, {0, 1}}, 0.01);
  ASSERT_GT(*r.probability_of_evidence_standard_error, 0.0);
  EXPECT_NEAR(std::exp(*r.log_probability_of_evidence), pe, 5 * *r.probability_of_evidence_standard_error);
  EXPECT_LT(*r.effective_sample_size, 100.0);  // about the 40 samples that drew a1
}

TEST(LikelihoodWeighting, WeightsBelowTheSmallestDoubleStillEstimate) {
  // 400 observed children of one root: every weight is about 0.2^400 or 0.1^400 (< 1e-280; the
  // second far below the smallest double). In log space the estimates survive: P(A = a1 | e) is
  // 1 to within 2^-400, and log P(e) = log(0.3 · 0.2^400 + 0.7 · 0.1^400).
  const auto bn = star(400, 0.3, 0.1, 0.2);
  std::vector<std::pair<pgm::VariableId, std::size_t>> pairs;
  for (pgm::VariableId v = 1; v < bn.size(); ++v) pairs.emplace_back(v, 1);
  const pgm::Evidence e(pairs);
  const auto r = pgm::LikelihoodWeighting(bn, opts(2000, 1)).run(e);
  EXPECT_NEAR(r.marginals[0][1], 1.0, 1e-12);
  const double exact_log = std::log(0.3) + 400 * std::log(0.2);  // the 0.1^400 term is 2^-400 of it
  ASSERT_TRUE(r.log_probability_of_evidence);
  EXPECT_TRUE(std::isfinite(*r.log_probability_of_evidence));
  // The estimate is (fraction of samples with A = a1) · 0.2^400; that fraction is 0.3 ± 0.0103.
  EXPECT_NEAR(*r.log_probability_of_evidence, exact_log, 0.2);
}

TEST(LikelihoodWeighting, StandardErrorOfABinaryRootIsTheBinomialOne) {
  // No evidence: every weight is 1, so p̂ is a binomial proportion and se = sqrt(p(1-p)/N).
  const auto bn = star(1, 0.3, 0.5, 0.5);
  for (std::size_t n : {1000u, 10000u, 40000u}) {
    const auto r = pgm::LikelihoodWeighting(bn, opts(n, 5)).run({});
    const double expected = std::sqrt(0.3 * 0.7 / static_cast<double>(n));
    EXPECT_NEAR(r.standard_errors[0][1], expected, 0.2 * expected) << n;
    EXPECT_NEAR(r.standard_errors[0][0], expected, 0.2 * expected) << n;
    EXPECT_NEAR(r.marginals[0][1], 0.3, 5 * expected) << n;
  }
}

TEST(LikelihoodWeighting, NoConsistentSampleIsAClearError) {
  // P(B = b1) = 1e-6 · 1: possible, but 100 samples of A from its prior all give weight 0.
  pgm::BayesianNetworkBuilder b("rare");
  const auto a = b.add_variable("A", {"a0", "a1"});
  const auto bb = b.add_variable("B", {"b0", "b1"});
  b.set_cpt(a, {}, {1 - 1e-6, 1e-6});
  b.set_cpt(bb, {a}, {1, 0, 0, 1});
  const auto bn = std::move(b).build();
  try {
    (void)pgm::LikelihoodWeighting(bn, opts(100)).run({{bb, 1}});
    FAIL() << "expected NoConsistentSample";
  } catch (const pgm::NoConsistentSample& e) {
    EXPECT_NE(std::string(e.what()).find("none of the 100 samples was consistent with the evidence"), std::string::npos)
        << e.what();
  }
  // Gibbs starts from a state built with the evidence in view, so it answers: P(A = a1 | B = b1) = 1.
  const auto r = pgm::GibbsSampler(bn, opts(100)).run({{bb, 1}});
  EXPECT_EQ(r.marginals[0][1], 1.0);
}

TEST(LikelihoodWeighting, SameSeedSameBitsOtherSeedOtherBits) {
  const auto bn = bn_of(model_path("asia.yaml"));
  const pgm::Evidence e = bn.evidence(std::vector<std::pair<std::string, std::string>>{{"xray", "yes"}});
  const auto a = pgm::LikelihoodWeighting(bn, opts(500, 42)).run(e);
  const auto b = pgm::LikelihoodWeighting(bn, opts(500, 42)).run(e);
  const auto c = pgm::LikelihoodWeighting(bn, opts(500, 43)).run(e);
  EXPECT_EQ(a.marginals, b.marginals);
  EXPECT_EQ(a.standard_errors, b.standard_errors);
  EXPECT_EQ(*a.log_probability_of_evidence, *b.log_probability_of_evidence);
  EXPECT_NE(a.marginals, c.marginals);
}

TEST(Sampling, OptionsAreChecked) {
  const auto bn = star(1, 0.3, 0.5, 0.5);
  EXPECT_THROW(pgm::LikelihoodWeighting(bn, opts(0)), pgm::QueryError);
  EXPECT_THROW(pgm::GibbsSampler(bn, opts(pgm::kMaxSamples + 1)), pgm::QueryError);
  pgm::SamplingOptions o;
  o.burn_in = pgm::kMaxSamples + 1;
  EXPECT_THROW(pgm::GibbsSampler(bn, o), pgm::QueryError);
  EXPECT_EQ(pgm::burn_in_of(opts(5000)), 1000u);
  EXPECT_EQ(pgm::burn_in_of(opts(50000)), 5000u);
  o.burn_in = 0;
  EXPECT_EQ(pgm::burn_in_of(o), 0u);
}

// ---- Gibbs sampling

TEST(Gibbs, MarkovNetworkWithinErrorOfEnumeration) {
  const auto mn = std::get<pgm::MarkovNetwork>(pgm::io::load_model(model_path("misconception.yaml")));
  const EnumerationOracle oracle(mn);
  for (const auto& e : {pgm::Evidence{}, pgm::Evidence{{0, 1}}, pgm::Evidence{{1, 0}, {3, 1}}}) {
    const auto r = pgm::GibbsSampler(mn, opts(20000, 9)).run(e);
    EXPECT_EQ(r.samples, 20000u);
    EXPECT_EQ(r.burn_in, 2000u);
    EXPECT_TRUE(r.warnings.empty());
    EXPECT_FALSE(r.effective_sample_size);
    EXPECT_FALSE(r.log_probability_of_evidence);
    expect_within(r, oracle.marginals(e), 0.03);
  }
}

TEST(Gibbs, BayesianNetworkWithinErrorOfEnumeration) {
  // student: no zeros, so no warning and an irreducible chain.
  const auto bn = bn_of(model_path("student.yaml"));
  const EnumerationOracle oracle(bn);
  for (const auto& given : {std::vector<std::pair<std::string, std::string>>{}, {{"Letter", "l1"}}}) {
    const pgm::Evidence e = bn.evidence(given);
    const auto r = pgm::GibbsSampler(bn, opts(20000, 2)).run(e);
    EXPECT_TRUE(r.warnings.empty());
    expect_within(r, oracle.marginals(e), 0.03);
  }
}

TEST(Gibbs, AlarmWithEvidenceWithinErrorOfVariableElimination) {
  const std::string path = std::string(PGM_SHARED_DIR) + "/networks/bif/alarm.bif";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " not found";
  const auto bn = bn_of(path);
  const pgm::Evidence e = bn.evidence(std::vector<std::pair<std::string, std::string>>{
      {"HRBP", "HIGH"}, {"BP", "LOW"}, {"SAO2", "LOW"}});
  // alarm mixes slowly (HR, HRBP, HREKG, HRSAT are nearly deterministic copies): 100000 sweeps.
  const auto r = pgm::GibbsSampler(bn, opts(100000, 3)).run(e);
  expect_within(r, ve_marginals(bn, e), 0.05);
}

TEST(Gibbs, NearDeterministicChainMixesSlowlyButWithinError) {
  // A -> B with B a 0.999-reliable copy of A, B unobserved: flipping A needs B to disagree first
  // (about 1 sweep in 1000), so the chain is highly autocorrelated. No zeros: no warning. The
  // batch-means errors see the slow mixing: larger than the iid error sqrt(p(1-p)/N).
  pgm::BayesianNetworkBuilder b("copy");
  const auto a = b.add_variable("A", {"a0", "a1"});
  const auto c = b.add_variable("B", {"b0", "b1"});
  b.set_cpt(a, {}, {0.7, 0.3});
  b.set_cpt(c, {a}, {0.999, 0.001, 0.001, 0.999});
  const auto bn = std::move(b).build();
  const EnumerationOracle oracle(bn);
  const std::size_t n = 400000;
  const auto r = pgm::GibbsSampler(bn, opts(n, 4)).run({});
  EXPECT_TRUE(r.warnings.empty());
  expect_within(r, oracle.marginals({}), 0.03);
  EXPECT_GT(r.standard_errors[0][1], 5 * std::sqrt(0.3 * 0.7 / static_cast<double>(n)));
}

TEST(Gibbs, VariablesTiedByZerosAreSampledJointly) {
  // asia's 'either' is a deterministic OR of tub and lung: from tub = lung = either = no, neither tub
  // nor lung can move alone (either would contradict it), so single-variable Gibbs would be stuck
  // with P(tub = yes) = 0 (exact: 0.0104). The three are one block, drawn jointly: no warning, and
  // every estimate within error, with and without evidence.
  const auto bn = bn_of(model_path("asia.yaml"));
  const EnumerationOracle oracle(bn);
  for (const auto& given : {std::vector<std::pair<std::string, std::string>>{},
                            {{"xray", "yes"}},
                            {{"either", "yes"}, {"dysp", "no"}}}) {
    const pgm::Evidence e = bn.evidence(given);
    const auto r = pgm::GibbsSampler(bn, opts(20000, 6)).run(e);
    EXPECT_TRUE(r.warnings.empty()) << r.warnings.front();
    expect_within(r, oracle.marginals(e), 0.03);
  }
  // sprinkler: WetGrass's CPT ties Sprinkler, Rain and WetGrass, Slippery's ties WetGrass and
  // Slippery: one block of 16 joint states.
  const auto sprinkler = bn_of(model_path("sprinkler.yaml"));
  const auto r = pgm::GibbsSampler(sprinkler, opts(20000, 8)).run({});
  EXPECT_TRUE(r.warnings.empty());
  expect_within(r, EnumerationOracle(sprinkler).marginals({}), 0.03);
}

TEST(Gibbs, ZerosTyingTooManyStatesAreWarned) {
  // One factor over 13 binary variables (8192 joint states, over the 4096 sampled jointly) with a
  // single zero entry, and a 2-variable factor with a zero whose block is small (not warned).
  pgm::MarkovNetworkBuilder mb("wide");
  std::vector<pgm::VariableId> scope;
  for (int i = 0; i < 13; ++i) scope.push_back(mb.add_variable("X" + std::to_string(i), {"0", "1"}));
  const auto y = mb.add_variable("Y", {"0", "1"});
  const auto z = mb.add_variable("Z", {"0", "1"});
  std::vector<double> values(std::size_t{1} << 13, 1.0);
  values[5] = 0.0;
  mb.add_factor(scope, values);
  mb.add_factor({y, z}, {0.0, 1.0, 1.0, 2.0});
  const auto mn = std::move(mb).build();
  const auto r = pgm::GibbsSampler(mn, opts(2000, 1)).run({});
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_NE(r.warnings[0].find("factor 1 has zero entries linking the unobserved variables X0, X1,"), std::string::npos)
      << r.warnings[0];
  EXPECT_NE(r.warnings[0].find("more than 4096 joint states"), std::string::npos) << r.warnings[0];
  EXPECT_NE(r.warnings[0].find("reducible"), std::string::npos) << r.warnings[0];
  // Y, Z: P(Y = 1) = (1 + 2) / 4 = 0.75 exactly, sampled jointly.
  EXPECT_NEAR(r.marginals[y][1], 0.75, 5 * r.standard_errors[y][1] + 1e-3);
  // Observing X0 = 1 leaves the zero outside the reduced table (entry 5 has X0 = 0): no warning.
  EXPECT_TRUE(pgm::GibbsSampler(mn, opts(100, 1)).run({{scope[0], 1}}).warnings.empty());
}

TEST(Gibbs, ImpossibleEvidenceAndNoStartState) {
  const auto bn = bn_of(model_path("sprinkler.yaml"));
  // WetGrass = wet is impossible with Sprinkler = off and Rain = no: a reduced CPT is all zero.
  EXPECT_THROW((void)pgm::GibbsSampler(bn, opts(10))
                   .run(bn.evidence(std::vector<std::pair<std::string, std::string>>{
                       {"WetGrass", "wet"}, {"Rain", "no"}, {"Sprinkler", "off"}})),
               pgm::ZeroProbabilityEvidence);
  // A Markov network with one factor over 16 binary variables, positive only where all are 0: each
  // attempt at a start state draws the first 15 uniformly, so succeeds with probability 2^-15.
  pgm::MarkovNetworkBuilder mb("needle");
  std::vector<pgm::VariableId> scope;
  for (int i = 0; i < 16; ++i) scope.push_back(mb.add_variable("X" + std::to_string(i), {"0", "1"}));
  std::vector<double> values(std::size_t{1} << 16, 0.0);
  values[0] = 1.0;
  mb.add_factor(scope, values);
  const auto mn = std::move(mb).build();
  try {
    (void)pgm::GibbsSampler(mn, opts(10)).run({});
    FAIL() << "expected NoConsistentSample";
  } catch (const pgm::NoConsistentSample& e) {
    EXPECT_NE(std::string(e.what()).find("found no start state of positive probability"), std::string::npos) << e.what();
  }
}

TEST(Gibbs, StandardErrorsMatchTheSpreadAcrossSeeds) {
  // The batch-means error of one run against the standard deviation of 40 independent runs'
  // estimates (seeds 0..39), on the misconception network: within a factor of 1.6 either way.
  const auto mn = std::get<pgm::MarkovNetwork>(pgm::io::load_model(model_path("misconception.yaml")));
  const std::size_t runs = 40;
  std::vector<double> est;
  double mean_se = 0;
  for (std::size_t seed = 0; seed < runs; ++seed) {
    const auto r = pgm::GibbsSampler(mn, opts(3000, seed)).run({});
    est.push_back(r.marginals[0][1]);
    mean_se += r.standard_errors[0][1] / runs;
  }
  double m = 0;
  for (double x : est) m += x / runs;
  double var = 0;
  for (double x : est) var += (x - m) * (x - m) / (runs - 1);
  const double sd = std::sqrt(var);
  EXPECT_GT(mean_se, sd / 1.6);
  EXPECT_LT(mean_se, sd * 1.6);
}

TEST(Gibbs, SameSeedSameBitsOtherSeedOtherBitsOneSampleHasNoError) {
  const auto bn = bn_of(model_path("student.yaml"));
  const auto a = pgm::GibbsSampler(bn, opts(300, 42)).run({});
  const auto b = pgm::GibbsSampler(bn, opts(300, 42)).run({});
  const auto c = pgm::GibbsSampler(bn, opts(300, 43)).run({});
  EXPECT_EQ(a.marginals, b.marginals);
  EXPECT_EQ(a.standard_errors, b.standard_errors);
  EXPECT_NE(a.marginals, c.marginals);
  const auto one = pgm::GibbsSampler(bn, opts(1, 0)).run({});
  EXPECT_TRUE(std::isnan(one.standard_errors[1][0]));
}

}  // namespace
