// Soft (virtual) evidence and Jeffrey's rule (issue 11) against independently derived values: the
// equivalent auxiliary-child network built by hand (P(Y = obs | x) = λ(x) / max λ, Y observed),
// brute-force enumeration of the full joint weighted by the likelihoods, hand computations for the
// docs' worked example, and every refusal.
#include "support/assignments.hpp"
#include "support/enumeration_oracle.hpp"
#include "support/error_message.hpp"
#include "support/random_models.hpp"

#include <pgm/core/error.hpp>
#include <pgm/inference/junction_tree.hpp>
#include <pgm/inference/relevance.hpp>
#include <pgm/query.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

namespace pgm::query {
namespace {

std::string model_path(const std::string& name) { return std::string(PGM_SOURCE_DIR) + "/models/" + name; }

template <class E, class F>
std::string message_of(F&& f) {
  return ::pgm::testing::error_message<E>(std::forward<F>(f));
}

using Soft = std::vector<std::pair<VariableId, std::vector<double>>>;

// The network with one auxiliary child per soft observation: P(aux = obs | x) = λ(x) / max λ.
BayesianNetwork with_aux_children(const BayesianNetwork& bn, const Soft& soft) {
  BayesianNetworkBuilder b(bn.name());
  for (VariableId v = 0; v < bn.size(); ++v) b.add_variable(bn.variable(v));
  for (VariableId v = 0; v < bn.size(); ++v)
    b.set_cpt(v, std::vector<VariableId>(bn.parents(v).begin(), bn.parents(v).end()), bn.cpt_table(v));
  for (std::size_t i = 0; i < soft.size(); ++i) {
    const auto& [v, lambda] = soft[i];
    const VariableId aux = b.add_variable("aux" + std::to_string(i), {"obs", "other"});
    const double m = *std::max_element(lambda.begin(), lambda.end());
    std::vector<double> table;
    for (double l : lambda) {
      table.push_back(l / m);
      table.push_back(1.0 - l / m);
    }
    b.set_cpt(aux, {v}, table);
  }
  return std::move(b).build();
}

// The Markov network with one factor ψ(x, aux) = [λ(x)/max λ, 1 - λ(x)/max λ] per soft observation.
MarkovNetwork with_aux_factors(const MarkovNetwork& mn, const Soft& soft) {
  MarkovNetworkBuilder b(mn.name());
  for (VariableId v = 0; v < mn.variables().size(); ++v) b.add_variable(mn.variable(v));
  for (const Factor& f : mn.factors()) b.add_factor(f.variables(), f.values_in_order(f.variables()));
  for (std::size_t i = 0; i < soft.size(); ++i) {
    const auto& [v, lambda] = soft[i];
    const VariableId aux = b.add_variable("aux" + std::to_string(i), {"obs", "other"});
    const double m = *std::max_element(lambda.begin(), lambda.end());
    std::vector<double> table;
    for (double l : lambda) {
      table.push_back(l / m);
      table.push_back(1.0 - l / m);
    }
    b.add_factor({v, aux}, table);
  }
  return std::move(b).build();
}

SoftAssignments by_name(const Model& m, const Soft& soft) {
  SoftAssignments out;
  for (const auto& [v, l] : soft) out.emplace_back(m.variables()[v].name, l);
  return out;
}

double max_of(const Soft& soft) {
  double p = 1;
  for (const auto& [v, l] : soft) p *= *std::max_element(l.begin(), l.end());
  return p;
}

// Hard evidence plus every aux variable (ids after the model's) at "obs".
Evidence aux_evidence(const Model& aux, const Assignments& hard, std::size_t count) {
  Assignments all = hard;
  for (std::size_t i = 0; i < count; ++i) all.emplace_back("aux" + std::to_string(i), "obs");
  return Evidence::from_names(aux, all);
}

void expect_same_marginals(const Result& soft, const Result& aux, std::size_t n, double tol) {
  for (std::size_t v = 0; v < n; ++v) {
    ASSERT_EQ(soft.variables[v], aux.variables[v]);
    for (std::size_t s = 0; s < soft.marginals[v].size(); ++s)
      EXPECT_NEAR(soft.marginals[v][s], aux.marginals[v][s], tol) << soft.variables[v] << " state " << s;
  }
}

TEST(SoftEvidence, AsiaEqualsTheAuxiliaryChildNetwork) {
  const Model asia = Model::load(model_path("asia.yaml"));
  const Soft soft = {{asia.id("dysp"), {0.8, 0.2}}, {asia.id("asia"), {0.3, 0.9}}};
  const Assignments hard = {{"smoke", "yes"}};
  const Model aux(with_aux_children(*asia.bayesian_network(), soft));
  const Evidence ea = aux_evidence(aux, hard, soft.size());
  const Result want = aux.marginals(ea, "ve");
  const Evidence e = Evidence::from_names(asia, hard).with_soft(asia, by_name(asia, soft));
  for (const char* method : {"ve", "jt", "auto"}) {
    const Result got = asia.marginals(e, method);
    expect_same_marginals(got, want, asia.size(), 1e-12);
    EXPECT_NEAR(got.probability_of_evidence, want.probability_of_evidence * max_of(soft), 1e-14) << method;
    EXPECT_NEAR(got.log_probability_of_evidence, std::log(want.probability_of_evidence * max_of(soft)), 1e-12);
  }
  EXPECT_NEAR(asia.probability_of_evidence(e), aux.probability_of_evidence(ea) * max_of(soft), 1e-14);
  // One target by pruned VE: the soft variables count as observed.
  const Result lung = asia.query({"lung"}, e, "ve");
  EXPECT_NEAR(lung.marginals[0][0], want.marginals[asia.id("lung")][0], 1e-12);
  // A joint and a conditional table too.
  const Result j = asia.joint({"lung", "bronc"}, e);
  const Result ja = aux.joint({"lung", "bronc"}, ea);
  for (std::size_t i = 0; i < j.joint.size(); ++i) EXPECT_NEAR(j.joint[i], ja.joint[i], 1e-12);
  const Result c = asia.conditional("lung", "either", e);
  const Result ca = aux.conditional("lung", "either", ea);
  for (std::size_t y = 0; y < 2; ++y)
    for (std::size_t s = 0; s < 2; ++s) EXPECT_NEAR((*c.conditional[y])[s], (*ca.conditional[y])[s], 1e-12);
}

TEST(SoftEvidence, MarkovNetworkEqualsTheAuxiliaryFactorNetwork) {
  const Model mn = Model::load(model_path("misconception.yaml"));
  const Soft soft = {{mn.id("B"), {2.0, 0.5}}, {mn.id("D"), {0.1, 0.7}}};
  const Assignments hard = {{"A", "a1"}};
  const Model aux(with_aux_factors(*mn.markov_network(), soft));
  const Evidence ea = aux_evidence(aux, hard, soft.size());
  const Result want = aux.marginals(ea, "ve");
  const Evidence e = Evidence::from_names(mn, hard).with_soft(mn, by_name(mn, soft));
  for (const char* method : {"ve", "jt"}) {
    const Result got = mn.marginals(e, method);
    expect_same_marginals(got, want, mn.size(), 1e-12);
    // Z(e) of the soft model: the aux model's Z(e, aux = obs) times the max λ taken out.
    EXPECT_NEAR(got.probability_of_evidence / (want.probability_of_evidence * max_of(soft)), 1.0, 1e-12) << method;
  }
}

// Brute force: Σ over full assignments consistent with the hard evidence of weight(x) Π λ(x).
struct Brute {
  std::vector<std::vector<double>> marginals;
  double pe = 0;
  double best = 0;  // max weight(x) Π λ(x)
};

Brute brute(const testing::EnumerationOracle& oracle, const ::pgm::Evidence& hard, const Soft& soft) {
  Brute b;
  b.marginals.resize(oracle.size());
  for (std::size_t v = 0; v < oracle.size(); ++v) b.marginals[v].assign(oracle.cardinalities()[v], 0.0);
  testing::for_each_assignment(oracle.cardinalities(), hard, [&](const std::vector<std::size_t>& x) {
    double w = oracle.weight(x);
    for (const auto& [v, l] : soft) w *= l[x[v]];
    b.pe += w;
    b.best = std::max(b.best, w);
    for (std::size_t v = 0; v < x.size(); ++v) b.marginals[v][x[v]] += w;
  });
  for (auto& m : b.marginals)
    for (double& p : m) p /= b.pe;
  return b;
}

TEST(SoftEvidence, RandomNetworksAgainstBruteForce) {
  std::mt19937_64 rng(11);
  for (int round = 0; round < 40; ++round) {
    testing::RandomNetworkSpec spec{7};
    spec.max_states = 3;
    spec.zero_probability = 0.0;
    const BayesianNetwork bn = testing::random_bayesian_network(rng, spec);
    const Model m(bn);
    const testing::EnumerationOracle oracle(bn);
    const ::pgm::Evidence hard = testing::forward_sample_evidence(bn, rng, round % 3);
    Soft soft;
    std::uniform_real_distribution<double> u(0.0, 2.0);
    for (int k = 0; k < 1 + round % 3; ++k) {
      const VariableId v = static_cast<VariableId>(rng() % bn.size());
      std::vector<double> l(bn.variable(v).cardinality());
      for (double& x : l) x = 0.05 + u(rng);
      soft.emplace_back(v, l);
    }
    // Repeats multiply, as two auxiliary children would.
    Soft merged;
    for (const auto& [v, l] : soft) {
      auto it = std::find_if(merged.begin(), merged.end(), [&](const auto& p) { return p.first == v; });
      if (it == merged.end()) merged.emplace_back(v, l);
      else
        for (std::size_t s = 0; s < l.size(); ++s) it->second[s] *= l[s];
    }
    const Brute want = brute(oracle, hard, merged);
    const Evidence e = Evidence::from_ids(m, hard.pairs()).with_soft(m, by_name(m, soft));
    for (const char* method : {"ve", "jt"}) {
      const Result r = m.marginals(e, method);
      for (VariableId v = 0; v < bn.size(); ++v)
        for (std::size_t s = 0; s < r.marginals[v].size(); ++s)
          EXPECT_NEAR(r.marginals[v][s], want.marginals[v][s], 1e-12) << "round " << round << " " << method;
      EXPECT_NEAR(r.probability_of_evidence / want.pe, 1.0, 1e-12) << "round " << round << " " << method;
    }
    // Single targets by pruned VE.
    for (VariableId v = 0; v < bn.size(); ++v) {
      const Result r = m.query({bn.variable(v).name}, e, "ve");
      for (std::size_t s = 0; s < r.marginals[0].size(); ++s)
        EXPECT_NEAR(r.marginals[0][s], want.marginals[v][s], 1e-12) << "round " << round << " var " << v;
    }
    // MPE: the assignment's weight times its likelihoods is the brute-force maximum.
    const Explanation x = m.mpe(e);
    EXPECT_NEAR(x.probability / want.best, 1.0, 1e-10) << "round " << round;
    // MAP of one variable: max over its states of the brute-force P(x, e) Π λ summed over the rest.
    const VariableId t = static_cast<VariableId>(round % bn.size());
    const Explanation map = m.map({bn.variable(t).name}, e);
    double best = 0;
    for (double p : want.marginals[t]) best = std::max(best, p);
    EXPECT_NEAR(*map.posterior_probability, best, 1e-12) << "round " << round;
    EXPECT_NEAR(map.probability / (best * want.pe), 1.0, 1e-10) << "round " << round;
  }
}

// The junction tree itself: flat and strided calibrations, the evidence-free tree (hard evidence
// outside its pattern) and a pattern tree, all against brute force.
TEST(SoftEvidence, JunctionTreePathsAgainstBruteForce) {
  std::mt19937_64 rng(3);
  for (int round = 0; round < 30; ++round) {
    testing::RandomNetworkSpec spec{8};
    spec.max_states = 3;
    spec.zero_probability = 0.0;
    const BayesianNetwork bn = testing::random_bayesian_network(rng, spec);
    const testing::EnumerationOracle oracle(bn);
    const ::pgm::Evidence hard = testing::forward_sample_evidence(bn, rng, 1 + round % 3);
    Soft soft;
    for (int k = 0; k < 2; ++k) {
      const VariableId v = static_cast<VariableId>(rng() % bn.size());
      if (std::any_of(soft.begin(), soft.end(), [&](const auto& p) { return p.first == v; })) continue;
      std::vector<double> l(bn.variable(v).cardinality());
      for (std::size_t s = 0; s < l.size(); ++s) l[s] = 0.1 + static_cast<double>((rng() % 100)) / 50.0;
      soft.emplace_back(v, l);
    }
    std::sort(soft.begin(), soft.end());
    std::vector<Factor> factors;
    for (const auto& [v, l] : soft) factors.emplace_back(std::vector<VariableId>{v}, std::vector<std::size_t>{l.size()}, l);
    const Brute want = brute(oracle, hard, soft);
    const std::vector<VariableId> pattern = observed_ids(hard);
    for (const std::size_t flat : {std::size_t{0}, std::size_t{1} << 16}) {
      JunctionTreeOptions options;
      options.flat_max_entries = flat;
      options.specialise_evidence = false;
      const JunctionTree full(bn, options);
      const JunctionTree patterned(bn, pattern, options);
      for (const JunctionTree* tree : {&full, &patterned}) {
        (void)tree->calibrate(hard);  // a second use builds the flat maps (flat_on_reuse)
        const CalibratedJunctionTree c = tree->calibrate(hard, factors);
        for (VariableId v = 0; v < bn.size(); ++v) {
          const Factor f = c.marginal(v);
          for (std::size_t s = 0; s < f.size(); ++s)
            EXPECT_NEAR(f.values()[s], want.marginals[v][s], 1e-12) << "round " << round << " flat " << flat;
        }
        EXPECT_NEAR(c.probability_of_evidence() / want.pe, 1.0, 1e-12) << "round " << round << " flat " << flat;
      }
    }
  }
}

TEST(SoftEvidence, RandomMarkovNetworksAgainstBruteForce) {
  std::mt19937_64 rng(5);
  for (int round = 0; round < 20; ++round) {
    testing::RandomMarkovSpec spec{6, 5};
    spec.zero_probability = 0.0;
    const MarkovNetwork mn = testing::random_markov_network(rng, spec);
    const Model m(mn);
    const testing::EnumerationOracle oracle(mn);
    const Soft soft = {{static_cast<VariableId>(round % 6), std::vector<double>(mn.variable(round % 6).cardinality(), 0.5)},
                       {static_cast<VariableId>((round + 3) % 6), {}}};
    Soft s2 = soft;
    s2[0].second[0] = 3.0;
    s2[1].second.assign(mn.variable((round + 3) % 6).cardinality(), 1.0);
    s2[1].second.back() = 0.0;  // a zero likelihood: that state is ruled out
    const Brute want = brute(oracle, {}, s2);
    const Evidence e = Evidence().with_soft(m, by_name(m, s2));
    for (const char* method : {"ve", "jt"}) {
      const Result r = m.marginals(e, method);
      for (VariableId v = 0; v < mn.variables().size(); ++v)
        for (std::size_t s = 0; s < r.marginals[v].size(); ++s)
          EXPECT_NEAR(r.marginals[v][s], want.marginals[v][s], 1e-12) << "round " << round << " " << method;
      EXPECT_NEAR(r.probability_of_evidence / want.pe, 1.0, 1e-12) << "round " << round << " " << method;
    }
    const Explanation x = m.mpe(e);
    EXPECT_NEAR(x.probability / (want.best / oracle.partition_function()), 1.0, 1e-10) << "round " << round;
  }
}

// A tree A → B → C, A → D: loopy belief propagation is exact there, soft evidence included.
TEST(SoftEvidence, LbpIsExactOnATree) {
  const Model m = Model::loads(R"(
name: tree
type: bayesian-network
variables:
  A: [a0, a1]
  B: [b0, b1, b2]
  C: [c0, c1]
  D: [d0, d1]
cpds:
  A:
    probabilities: [0.3, 0.7]
  B:
    parents: [A]
    probabilities:
      a0: [0.2, 0.5, 0.3]
      a1: [0.6, 0.1, 0.3]
  C:
    parents: [B]
    probabilities:
      b0: [0.9, 0.1]
      b1: [0.4, 0.6]
      b2: [0.25, 0.75]
  D:
    parents: [A]
    probabilities:
      a0: [0.7, 0.3]
      a1: [0.1, 0.9]
)",
                               "yaml");
  const testing::EnumerationOracle oracle(*m.bayesian_network());
  const Soft soft = {{m.id("C"), {0.2, 0.9}}, {m.id("B"), {1.0, 0.3, 0.6}}};
  const ::pgm::Evidence hard = m.bayesian_network()->evidence(std::vector<std::pair<std::string, std::string>>{{"D", "d1"}});
  const Brute want = brute(oracle, hard, soft);
  const Evidence e = Evidence::from_names(m, Assignments{{"D", "d1"}}).with_soft(m, by_name(m, soft));
  const Result r = m.marginals(e, "lbp");
  for (VariableId v = 0; v < m.size(); ++v)
    for (std::size_t s = 0; s < r.marginals[v].size(); ++s) EXPECT_NEAR(r.marginals[v][s], want.marginals[v][s], 1e-10);
  EXPECT_NEAR(r.probability_of_evidence, want.pe, 1e-10);
}

// The classic bug: a soft-evidence variable must count as observed for pruning. C is a leaf: with
// no observation it is barren and would be dropped, and the soft evidence with it. And X in the
// v-structure A → X ← C: Bayes-ball with C observed and X unobserved would drop X's CPT for A.
TEST(SoftEvidence, PruningKeepsSoftEvidenceVariables) {
  const Model m = Model::loads(R"(
name: prune
type: bayesian-network
variables:
  A: [a0, a1]
  C: [c0, c1]
  X: [x0, x1]
  L: [l0, l1]
cpds:
  A:
    probabilities: [0.4, 0.6]
  C:
    probabilities: [0.5, 0.5]
  X:
    parents: [A, C]
    probabilities:
      a0: {c0: [0.9, 0.1], c1: [0.5, 0.5]}
      a1: {c0: [0.2, 0.8], c1: [0.7, 0.3]}
  L:
    parents: [A]
    probabilities:
      a0: [0.8, 0.2]
      a1: [0.3, 0.7]
)",
                               "yaml");
  const testing::EnumerationOracle oracle(*m.bayesian_network());
  {  // a soft leaf, no hard evidence: P(A) changes. By hand: P(A=a0 | soft L) ∝ 0.4 (0.8·0.1 + 0.2·0.9)
    const Evidence e = Evidence().with_soft(m, {{"L", {0.1, 0.9}}});
    const double a0 = 0.4 * (0.8 * 0.1 + 0.2 * 0.9), a1 = 0.6 * (0.3 * 0.1 + 0.7 * 0.9);
    for (const char* method : {"ve", "jt", "auto"}) {
      const Result r = m.query({"A"}, e, method);
      EXPECT_NEAR(r.marginals[0][0], a0 / (a0 + a1), 1e-15) << method;
      EXPECT_NEAR(r.probability_of_evidence, a0 + a1, 1e-15) << method;
    }
  }
  {  // soft X with C hard-observed: A depends on it through the collider X.
    const Soft soft = {{m.id("X"), {0.05, 1.0}}};
    const ::pgm::Evidence hard{{m.id("C"), 0}};
    const Brute want = brute(oracle, hard, soft);
    const Evidence e = Evidence::from_names(m, Assignments{{"C", "c0"}}).with_soft(m, by_name(m, soft));
    for (const char* method : {"ve", "jt"}) {
      const Result r = m.query({"A"}, e, method);
      EXPECT_NEAR(r.marginals[0][0], want.marginals[0][0], 1e-15) << method;
      EXPECT_NEAR(r.probability_of_evidence, want.pe, 1e-15) << method;
    }
    // And it does differ from the prior 0.4 (the test would catch the pruned answer).
    EXPECT_GT(std::abs(want.marginals[0][0] - 0.4), 0.1);
  }
}

TEST(SoftEvidence, OnAHardObservedVariableScalesPe) {
  const Model asia = Model::load(model_path("asia.yaml"));
  const Evidence hard = Evidence::from_names(asia, Assignments{{"smoke", "yes"}});
  const Result plain = asia.marginals(hard, "ve");
  const Evidence e = hard.with_soft(asia, {{"smoke", {0.25, 4.0}}});
  for (const char* method : {"ve", "jt"}) {
    const Result r = asia.marginals(e, method);
    expect_same_marginals(r, plain, asia.size(), 1e-13);
    EXPECT_NEAR(r.probability_of_evidence, 0.5 * 0.25, 1e-15) << method;  // P(smoke=yes) = 0.5
  }
  const Evidence zero = hard.with_soft(asia, {{"smoke", {0.0, 1.0}}});
  for (const char* method : {"ve", "jt", "lbp"}) {
    const std::string msg = message_of<ZeroProbabilityEvidence>([&] { (void)asia.marginals(zero, method); });
    EXPECT_NE(msg.find("soft smoke=[0, 1]"), std::string::npos) << msg;
  }
  EXPECT_EQ(asia.probability_of_evidence(zero), 0.0);
  EXPECT_THROW((void)asia.mpe(zero), ZeroProbabilityEvidence);
}

// The junction tree per hard-evidence pattern is shared: soft evidence adds no pattern.
TEST(SoftEvidence, PatternTreesDependOnHardEvidenceOnly) {
  const Model asia = Model::load(model_path("asia.yaml"));
  const Evidence hard = Evidence::from_names(asia, Assignments{{"smoke", "yes"}});
  const auto tree = asia.junction_tree_for(hard);
  const Evidence soft = hard.with_soft(asia, {{"dysp", {0.8, 0.2}}});
  EXPECT_EQ(asia.junction_tree_for(soft).get(), tree.get());
  const Result a = asia.marginals(soft, "jt");
  const Result b = asia.marginals(hard, "jt");  // the same tree, soft evidence left behind
  const Result c = asia.marginals(hard, "ve");
  for (std::size_t v = 0; v < asia.size(); ++v) EXPECT_NEAR(b.marginals[v][0], c.marginals[v][0], 1e-13);
  EXPECT_GT(std::abs(a.marginals[asia.id("dysp")][0] - b.marginals[asia.id("dysp")][0]), 0.1);
  EXPECT_EQ(asia.junction_tree_for(soft).get(), tree.get());
}

TEST(SoftEvidence, RepeatsMultiplyAndTextShowsThem) {
  const Model asia = Model::load(model_path("asia.yaml"));
  const Evidence e = Evidence::from_names(asia, Assignments{{"smoke", "yes"}})
                         .with_soft(asia, {{"dysp", {0.8, 0.2}}, {"asia", {1, 2}}, {"dysp", {0.5, 3}}});
  ASSERT_EQ(e.soft().size(), 2u);
  EXPECT_EQ(e.soft()[0].first, asia.id("asia"));
  EXPECT_EQ(e.soft()[1].second, (std::vector<double>{0.4, 0.6000000000000001}));
  ASSERT_EQ(e.soft_as_given().size(), 2u);
  EXPECT_EQ(e.soft_as_given()[0].first, "dysp");
  EXPECT_EQ(e.text(), "smoke=yes, soft dysp=[0.4, 0.6000000000000001], soft asia=[1, 2]");
  EXPECT_TRUE(e.has_soft());
  EXPECT_FALSE(Evidence::from_names(asia, Assignments{{"smoke", "yes"}}).has_soft());
  // Re-resolved by name for another copy of the model.
  const Model again = Model::load(model_path("asia.yaml"));
  const Evidence moved = e.for_model(again);
  EXPECT_TRUE(moved.checked_against(again));
  EXPECT_EQ(moved.soft(), e.soft());
}

TEST(SoftEvidence, BadLikelihoodsAreRefused) {
  const Model asia = Model::load(model_path("asia.yaml"));
  const auto refused = [&](SoftAssignments s) { return message_of<QueryError>([&] { (void)Evidence().with_soft(asia, s); }); };
  std::string msg = refused({{"dysp", {0, 0}}});
  EXPECT_NE(msg.find("'dysp'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("zero"), std::string::npos) << msg;
  msg = refused({{"dysp", {-0.5, 1}}});
  EXPECT_NE(msg.find("non-negative"), std::string::npos) << msg;
  msg = refused({{"dysp", {0.5}}});
  EXPECT_NE(msg.find("gives 1 likelihood, but it has 2 states"), std::string::npos) << msg;
  msg = refused({{"dysp", {0.5, 0.2, 0.3}}});
  EXPECT_NE(msg.find("3 likelihoods"), std::string::npos) << msg;
  msg = refused({{"nope", {0.5, 0.5}}});
  EXPECT_NE(msg.find("unknown variable 'nope'"), std::string::npos) << msg;
  msg = refused({{"dysp", {std::nan(""), 1}}});
  EXPECT_NE(msg.find("finite"), std::string::npos) << msg;
  msg = refused({{"dysp", {INFINITY, 1}}});
  EXPECT_NE(msg.find("finite"), std::string::npos) << msg;
  msg = refused({{"dysp", {1, 0}}, {"dysp", {0, 1}}});
  EXPECT_NE(msg.find("multiplies to zero"), std::string::npos) << msg;
  const Model g = Model::load(model_path("bivariate.yaml"));
  msg = message_of<QueryError>([&] { (void)Evidence().with_soft(g, {{"X1", {1, 2}}}); });
  EXPECT_NE(msg.find("discrete model"), std::string::npos) << msg;
  // Text that is not NAME=numbers: MalformedAssignment (a usage error on the command line).
  for (const char* bad : {"dysp", "=1,2", "dysp=", "dysp=1,,2", "dysp=1,x"}) {
    const std::vector<std::string> texts = {bad};
    EXPECT_THROW((void)parse_soft(texts, "--soft"), MalformedAssignment) << bad;
  }
  const std::vector<std::string> texts = {" dysp = 0.8, +0.2 ", "asia=1e-3,2"};
  const SoftAssignments parsed = parse_soft(texts, "--soft");
  ASSERT_EQ(parsed.size(), 2u);
  EXPECT_EQ(parsed[0], (std::pair<std::string, std::vector<double>>{"dysp", {0.8, 0.2}}));
  EXPECT_EQ(parsed[1].second, (std::vector<double>{1e-3, 2}));
}

TEST(SoftEvidence, EnginesWithoutTheFlagRefuseItByName) {
  EngineInfo info;
  info.name = "soft-test-engine";
  info.description = "test";
  info.kinds = {ModelKind::bayesian_network};
  info.make = [](const Model& m, const EngineOptions& o) { return make_engine(m, "ve", o); };
  register_engine(info);
  const Model asia = Model::load(model_path("asia.yaml"));
  Query q;
  q.method = "soft-test-engine";
  EXPECT_NO_THROW((void)asia.answer(q));
  q.evidence = Evidence().with_soft(asia, {{"dysp", {0.8, 0.2}}});
  const std::string msg = message_of<QueryError>([&] { (void)asia.answer(q); });
  EXPECT_NE(msg.find("method 'soft-test-engine' does not take soft evidence"), std::string::npos) << msg;
  EXPECT_NE(msg.find("ve"), std::string::npos) << msg;
}

// Jeffrey's rule: the marginal of X is q, the rest Σ_x q(x) P(· | x, e) from brute-force conditionals.
TEST(Jeffrey, FixesTheMarginalAndMixesTheConditionals) {
  const Model asia = Model::load(model_path("asia.yaml"));
  const testing::EnumerationOracle oracle(*asia.bayesian_network());
  const VariableId either = asia.id("either"), smoke = asia.id("smoke");
  const std::vector<double> q = {0.3, 0.7};
  const Evidence hard = Evidence::from_names(asia, Assignments{{"smoke", "yes"}});
  const Evidence e = jeffrey_evidence(asia, hard, {{"either", q}});
  for (const char* method : {"ve", "jt"}) {
    const Result r = asia.marginals(e, method);
    EXPECT_NEAR(r.marginals[either][0], 0.3, 1e-12) << method;
    for (VariableId v = 0; v < asia.size(); ++v) {
      for (std::size_t s = 0; s < r.marginals[v].size(); ++s) {
        double want = 0;
        for (std::size_t x = 0; x < 2; ++x)
          want += q[x] * oracle.marginal(v, ::pgm::Evidence{{smoke, 0}, {either, x}})[s];
        EXPECT_NEAR(r.marginals[v][s], want, 1e-12) << asia.variables()[v].name << " " << method;
      }
    }
    // Jeffrey's rule observes nothing: P(e) stays P(smoke = yes) = 0.5.
    EXPECT_NEAR(r.probability_of_evidence, 0.5, 1e-12);
  }
}

TEST(Jeffrey, SeveralTargetsByIterativeProportionalFitting) {
  const Model asia = Model::load(model_path("asia.yaml"));
  const Evidence e = jeffrey_evidence(asia, Evidence(), {{"either", {0.3, 0.7}}, {"bronc", {0.6, 0.4}}});
  const Result r = asia.marginals(e, "ve");
  EXPECT_NEAR(r.marginals[asia.id("either")][0], 0.3, 1e-11);
  EXPECT_NEAR(r.marginals[asia.id("bronc")][0], 0.6, 1e-11);
}

TEST(Jeffrey, BadTargetsAreRefused) {
  const Model asia = Model::load(model_path("asia.yaml"));
  const auto refused = [&](const Evidence& e, JeffreyTargets t) {
    return message_of<QueryError>([&] { (void)jeffrey_evidence(asia, e, t); });
  };
  std::string msg = refused({}, {{"either", {0.3, 0.6}}});
  EXPECT_NE(msg.find("sums to 0.8999999999999999"), std::string::npos) << msg;
  msg = refused({}, {{"either", {1.2, -0.2}}});
  EXPECT_NE(msg.find("non-negative"), std::string::npos) << msg;
  msg = refused({}, {{"either", {1.0}}});
  EXPECT_NE(msg.find("2 states"), std::string::npos) << msg;
  msg = refused({}, {{"either", {0.5, 0.5}}, {"either", {0.5, 0.5}}});
  EXPECT_NE(msg.find("twice"), std::string::npos) << msg;
  // either = tub OR lung: with tub = yes observed, P(either = no | e) = 0.
  msg = refused(Evidence::from_names(asia, Assignments{{"tub", "yes"}}), {{"either", {0.5, 0.5}}});
  EXPECT_NE(msg.find("state 'no'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("probability zero"), std::string::npos) << msg;
}

// The worked example of docs/soft-evidence.md, checked by hand.
const char* kDocModel = R"(
name: rain
type: bayesian-network
variables:
  Rain: [yes, no]
  Grass: [wet, dry]
cpds:
  Rain:
    probabilities: [0.2, 0.8]
  Grass:
    parents: [Rain]
    probabilities:
      yes: [0.9, 0.1]
      no: [0.2, 0.8]
)";

TEST(SoftEvidence, TheDocsWorkedExample) {
  const Model m = Model::loads(kDocModel, "yaml");
  const Evidence soft = Evidence().with_soft(m, {{"Rain", {0.8, 0.2}}});
  const Result r = m.marginals(soft);
  EXPECT_NEAR(r.marginals[0][0], 0.5, 1e-15);   // 0.2·0.8 : 0.8·0.2
  EXPECT_NEAR(r.marginals[1][0], 0.55, 1e-15);  // 0.5·0.9 + 0.5·0.2
  EXPECT_NEAR(r.probability_of_evidence, 0.32, 1e-15);
  const Evidence jeffrey = jeffrey_evidence(m, Evidence(), {{"Rain", {0.8, 0.2}}});
  const Result j = m.marginals(jeffrey);
  EXPECT_NEAR(j.marginals[0][0], 0.8, 1e-15);
  EXPECT_NEAR(j.marginals[1][0], 0.76, 1e-15);  // 0.8·0.9 + 0.2·0.2
  EXPECT_NEAR(j.probability_of_evidence, 1.0, 1e-15);
  const Explanation x = m.mpe(soft);
  EXPECT_EQ(x.assignment, (Assignments{{"Rain", "yes"}, {"Grass", "wet"}}));
  EXPECT_NEAR(x.probability, 0.144, 1e-15);  // 0.2·0.9·0.8
  const Explanation plain = m.mpe();
  EXPECT_EQ(plain.assignment, (Assignments{{"Rain", "no"}, {"Grass", "dry"}}));
  EXPECT_NEAR(plain.probability, 0.64, 1e-15);
}

}  // namespace
}  // namespace pgm::query
