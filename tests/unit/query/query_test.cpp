// The library-level query API (pgm::query) against independently derived values: hand
// computations on the shipped models, brute-force enumeration on random networks, closed forms
// for Gaussians, and every error class.
#include "support/error_message.hpp"
#include "support/enumeration_oracle.hpp"
#include "support/random_models.hpp"

#include <pgm/core/error.hpp>
#include <pgm/io/bif.hpp>
#include <pgm/query.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <numbers>
#include <random>
#include <thread>

namespace pgm::query {
namespace {

std::string model_path(const std::string& name) { return std::string(PGM_SOURCE_DIR) + "/models/" + name; }

Model sprinkler() { return Model::load(model_path("sprinkler.yaml")); }

// What the call throws as E (tests/support/error_message.hpp).
template <class E, class F>
std::string message_of(F&& f) {
  return ::pgm::testing::error_message<E>(std::forward<F>(f));
}

// ---- Model

TEST(QueryModel, KindNamesAndIds) {
  const Model m = sprinkler();
  EXPECT_EQ(m.name(), "sprinkler");
  EXPECT_EQ(m.kind(), ModelKind::bayesian_network);
  EXPECT_EQ(to_string(m.kind()), "bayesian-network");
  EXPECT_EQ(to_string(ModelKind::markov_network), "markov-network");
  EXPECT_EQ(to_string(ModelKind::gaussian), "gaussian");
  EXPECT_EQ(to_string(ModelKind::linear_gaussian), "linear-gaussian");
  ASSERT_EQ(m.size(), 5u);
  EXPECT_EQ(m.variables()[0], (VariableInfo{"Season", {"winter", "summer"}}));
  EXPECT_EQ(m.variables()[3], (VariableInfo{"WetGrass", {"dry", "wet"}}));
  EXPECT_EQ(m.id("Rain"), 2u);
  EXPECT_FALSE(m.find("Nope"));
  const std::string msg = message_of<QueryError>([&] { (void)m.id("Nope"); });
  EXPECT_NE(msg.find("'Nope'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("Season, Sprinkler, Rain, WetGrass, Slippery"), std::string::npos) << msg;
  EXPECT_NE(m.bayesian_network(), nullptr);
  EXPECT_EQ(m.markov_network(), nullptr);
  EXPECT_EQ(m.gaussian(), nullptr);
  EXPECT_EQ(m.linear_gaussian_network(), nullptr);
  EXPECT_THROW((void)m.joint_gaussian(), QueryError);

  const Model g = Model::load(model_path("bivariate.yaml"));
  EXPECT_EQ(g.kind(), ModelKind::gaussian);
  EXPECT_FALSE(g.discrete());
  EXPECT_EQ(g.variables()[1], (VariableInfo{"X2", {}}));
  EXPECT_NE(g.gaussian(), nullptr);
  EXPECT_THROW((void)g.variable_set(), QueryError);
  EXPECT_THROW((void)g.junction_tree(), QueryError);
  EXPECT_EQ(Model::load(model_path("linear-gaussian.yaml")).kind(), ModelKind::linear_gaussian);
  EXPECT_EQ(Model::load(model_path("misconception.yaml")).kind(), ModelKind::markov_network);
}

TEST(QueryModel, CopiesShareStateAndTheJunctionTreeIsBuiltOnce) {
  const Model a = sprinkler();
  const Model b = a;  // NOLINT(performance-unnecessary-copy-initialization)
  EXPECT_TRUE(a.same_as(b));
  EXPECT_FALSE(a.same_as(sprinkler()));
  const auto t1 = a.junction_tree();
  const auto t2 = b.junction_tree();
  EXPECT_EQ(t1.get(), t2.get());
  // A tree already built is refused under a smaller limit, as building it would be.
  JunctionTreeOptions tiny;
  tiny.max_memory_bytes = 1;
  EXPECT_THROW((void)a.junction_tree(tiny), LimitError);
  // The tree keeps the model alive.
  std::shared_ptr<const JunctionTree> kept;
  { kept = sprinkler().junction_tree(); }
  EXPECT_EQ(kept->variables().size(), 5u);
}

TEST(QueryModel, LoadsFromTextInEveryFormat) {
  const Model yaml = Model::loads("name: t\ntype: bayesian-network\nvariables: {A: [a0, a1]}\n"
                                  "cpds: {A: {probabilities: [0.25, 0.75]}}\n",
                                  "yaml");
  EXPECT_NEAR(yaml.marginals().marginals[0][1], 0.75, 1e-15);
  const std::string bif = io::write_bif(*sprinkler().bayesian_network());
  const Model from_bif = Model::loads(bif, "bif");
  EXPECT_EQ(from_bif.variables(), sprinkler().variables());
  const std::string msg = message_of<ParseError>([] { (void)Model::loads("x", "klingon"); });
  EXPECT_NE(msg.find("klingon"), std::string::npos) << msg;
  EXPECT_THROW((void)Model::loads("network {", "bif", {}, "mine.bif"), ParseError);
  EXPECT_THROW((void)Model::loads("digraph {}", "dot"), ParseError);
  EXPECT_THROW((void)Model::load("/nonexistent/model.yaml"), Error);
}

TEST(QueryModel, RenormalisesWithinToleranceByDefault) {
  const std::string text = "name: t\ntype: bayesian-network\nvariables: {A: [a0, a1]}\n"
                           "cpds: {A: {probabilities: [0.5, 0.5000001]}}\n";
  // On by default: rescaled to sum to exactly 1.
  EXPECT_NEAR(Model::loads(text, "yaml").bayesian_network()->cpt_table(0)[1], 0.5000001 / 1.0000001, 1e-15);
  LoadOptions keep;
  keep.renormalize = false;
  EXPECT_EQ(Model::loads(text, "yaml", keep).bayesian_network()->cpt_table(0)[1], 0.5000001);
}

// ---- Evidence

TEST(QueryEvidence, SortedUniqueAndChecked) {
  const Model m = sprinkler();
  const Assignments given{{"WetGrass", "wet"}, {"Season", "summer"}, {"WetGrass", "wet"}};
  const Evidence e = Evidence::from_names(m, given);
  EXPECT_EQ(e.hard(), (::pgm::Evidence{{0, 1}, {3, 1}}));
  EXPECT_EQ(e.names(), (std::vector<std::string>{"Season", "WetGrass"}));
  EXPECT_EQ(e.text(), "WetGrass=wet, Season=summer");
  EXPECT_TRUE(e.checked_against(m));
  EXPECT_FALSE(e.continuous());

  const Assignments conflict{{"Rain", "yes"}, {"Rain", "no"}};
  EXPECT_THROW((void)Evidence::from_names(m, conflict), QueryError);
  const Assignments bad_state{{"Rain", "maybe"}};
  const std::string msg = message_of<QueryError>([&] { (void)Evidence::from_names(m, bad_state); });
  EXPECT_NE(msg.find("maybe"), std::string::npos) << msg;
  EXPECT_NE(msg.find("no, yes"), std::string::npos) << msg;
  const Assignments bad_name{{"Snow", "yes"}};
  EXPECT_THROW((void)Evidence::from_names(m, bad_name), QueryError);

  const std::vector<std::pair<VariableId, std::size_t>> ids{{3, 1}, {0, 0}, {3, 1}};
  const Evidence by_id = Evidence::from_ids(m, ids);
  EXPECT_EQ(by_id.hard(), (::pgm::Evidence{{0, 0}, {3, 1}}));
  const std::vector<std::pair<VariableId, std::size_t>> out_of_range{{9, 0}};
  EXPECT_THROW((void)Evidence::from_ids(m, out_of_range), QueryError);
  const std::vector<std::pair<VariableId, std::size_t>> bad_index{{0, 2}};
  EXPECT_THROW((void)Evidence::from_ids(m, bad_index), QueryError);
  const std::vector<std::pair<VariableId, std::size_t>> conflicting{{0, 0}, {0, 1}};
  EXPECT_THROW((void)Evidence::from_ids(m, conflicting), QueryError);
  const std::vector<std::pair<std::string, double>> values{{"Rain", 1.0}};
  EXPECT_THROW((void)Evidence::from_values(m, values), QueryError);
}

TEST(QueryEvidence, ReResolvedByNameForAnotherModel) {
  const Model a = sprinkler();
  const Model b = sprinkler();
  const Assignments given{{"WetGrass", "wet"}};
  const Evidence e = Evidence::from_names(a, given);
  EXPECT_FALSE(e.checked_against(b));
  EXPECT_TRUE(e.for_model(b).checked_against(b));
  EXPECT_NEAR(b.query({"Rain"}, e).marginals[0][1], 0.4349 / 0.6995, 1e-12);
  // Against a model without those names: refused, not misread.
  const Model other = Model::load(model_path("asia.yaml"));
  EXPECT_THROW((void)other.marginals(e), QueryError);
}

TEST(QueryEvidence, ContinuousValues) {
  const Model g = Model::load(model_path("bivariate.yaml"));
  const Assignments text{{"X2", "3"}, {"X2", "3.0"}};
  const Evidence e = Evidence::from_names(g, text);
  ASSERT_TRUE(e.continuous());
  EXPECT_EQ(e.values(), (ContinuousEvidence{{"X2", 3.0}}));
  const Assignments nan{{"X2", "nan"}};
  EXPECT_THROW((void)Evidence::from_names(g, nan), QueryError);
  const Assignments word{{"X2", "three"}};
  EXPECT_THROW((void)Evidence::from_names(g, word), QueryError);
  const std::vector<std::pair<std::string, double>> conflict{{"X1", 1.0}, {"X1", 2.0}};
  EXPECT_THROW((void)Evidence::from_values(g, conflict), QueryError);
  const std::vector<std::pair<std::string, double>> inf{{"X1", INFINITY}};
  EXPECT_THROW((void)Evidence::from_values(g, inf), QueryError);
  const std::vector<std::pair<VariableId, std::size_t>> ids{{0, 0}};
  EXPECT_THROW((void)Evidence::from_ids(g, ids), QueryError);
}

// ---- Discrete queries on hand-computed models

// Sprinkler, by hand: P(wet, Season, Rain) = P(Season) P(Rain | Season) Σ_Sprinkler P(Sp | Season) P(wet | Sp, Rain):
//   winter, rain:  0.6·0.8·(0.8·0.8 + 0.2·0.95)  = 0.3984
//   winter, dry:   0.6·0.2·(0.8·0   + 0.2·0.9)   = 0.0216
//   summer, rain:  0.4·0.1·(0.25·0.8 + 0.75·0.95) = 0.0365
//   summer, dry:   0.4·0.9·(0.25·0  + 0.75·0.9)  = 0.243      P(wet) = 0.6995
TEST(QueryDiscrete, SprinklerMarginalsWithEveryEngine) {
  const Model m = sprinkler();
  const Assignments wet{{"WetGrass", "wet"}};
  const Evidence e = Evidence::from_names(m, wet);
  for (const char* method : {"ve", "jt", "auto"}) {
    SCOPED_TRACE(method);
    const Result r = m.marginals(e, method);
    ASSERT_EQ(r.variables.size(), 5u);
    EXPECT_EQ(r.variables[2], "Rain");
    EXPECT_EQ(r.states[2], (std::vector<std::string>{"no", "yes"}));
    EXPECT_NEAR(r.marginals[2][1], (0.3984 + 0.0365) / 0.6995, 1e-12);
    EXPECT_NEAR(r.marginals[0][0], (0.3984 + 0.0216) / 0.6995, 1e-12);
    EXPECT_NEAR(r.marginals[3][1], 1.0, 1e-15);  // observed: a point mass
    EXPECT_NEAR(r.probability_of_evidence, 0.6995, 1e-12);
    EXPECT_NEAR(r.log_probability_of_evidence, std::log(0.6995), 1e-12);
    EXPECT_EQ(r.method, std::string(method) == "ve" ? "ve" : "jt");
    const Result q = m.query({"Rain", "Season"}, e, method);
    EXPECT_EQ(q.variables, (std::vector<std::string>{"Rain", "Season"}));
    EXPECT_NEAR(q.marginals[0][1], 0.4349 / 0.6995, 1e-12);
    EXPECT_NEAR(q.marginals[1][1], (0.0365 + 0.243) / 0.6995, 1e-12);
  }
  // One target: auto uses variable elimination.
  EXPECT_EQ(m.query({"Rain"}, e).method, "ve");
  EXPECT_NEAR(m.probability_of_evidence(e), 0.6995, 1e-12);
  EXPECT_NEAR(m.probability_of_evidence(e, "jt"), 0.6995, 1e-12);
  EXPECT_NEAR(m.log_probability_of_evidence(e, "jt"), std::log(0.6995), 1e-12);
  EXPECT_NEAR(m.log_probability_of_evidence(e), std::log(0.6995), 1e-12);
}

TEST(QueryDiscrete, SprinklerJointFirstVariableSlowest) {
  const Model m = sprinkler();
  const Assignments wet{{"WetGrass", "wet"}};
  for (const char* method : {"ve", "jt", "auto"}) {
    const Result r = m.joint({"Season", "Rain"}, Evidence::from_names(m, wet), method);
    EXPECT_EQ(r.shape, Query::Shape::joint);
    EXPECT_EQ(r.method, "ve");  // joints always by variable elimination
    EXPECT_EQ(r.joint_shape, (std::vector<std::size_t>{2, 2}));
    ASSERT_EQ(r.joint.size(), 4u);
    EXPECT_NEAR(r.joint[0], 0.0216 / 0.6995, 1e-12);  // winter, no
    EXPECT_NEAR(r.joint[1], 0.3984 / 0.6995, 1e-12);  // winter, yes
    EXPECT_NEAR(r.joint[2], 0.243 / 0.6995, 1e-12);   // summer, no
    EXPECT_NEAR(r.joint[3], 0.0365 / 0.6995, 1e-12);  // summer, yes
    EXPECT_NEAR(r.probability_of_evidence, 0.6995, 1e-12);
  }
}

// models/lesson-joint.yaml: the 3×3 table P(X, Y) in its header.
TEST(QueryDiscrete, LessonJointConditionalTable) {
  const Model m = Model::load(model_path("lesson-joint.yaml"));
  const Result r = m.conditional("X", "Y");
  EXPECT_EQ(r.shape, Query::Shape::conditional);
  EXPECT_EQ(r.variables, (std::vector<std::string>{"X"}));
  EXPECT_EQ(r.given_variable, "Y");
  EXPECT_EQ(r.given_states, (std::vector<std::string>{"y0", "y1", "y2"}));
  const double table[3][3] = {{0.10, 0.05, 0.05}, {0.20, 0.15, 0.05}, {0.05, 0.20, 0.15}};
  const double py[3] = {0.35, 0.40, 0.25};
  ASSERT_EQ(r.conditional.size(), 3u);
  for (int y = 0; y < 3; ++y) {
    EXPECT_NEAR(r.given_probabilities[y], py[y], 1e-12);
    ASSERT_TRUE(r.conditional[y]);
    for (int x = 0; x < 3; ++x) EXPECT_NEAR((*r.conditional[y])[x], table[x][y] / py[y], 1e-12);
  }
  EXPECT_NEAR(r.probability_of_evidence, 1.0, 1e-12);  // Z = 1
  // Marginals and joint of the same table.
  const Result mx = m.query({"X", "Y"});
  EXPECT_NEAR(mx.marginals[0][2], 0.40, 1e-12);
  EXPECT_NEAR(mx.marginals[1][1], 0.40, 1e-12);
  const Result j = m.joint({"Y", "X"});
  EXPECT_NEAR(j.joint[1 * 3 + 2], 0.20, 1e-12);  // Y = y1, X = x2
}

TEST(QueryDiscrete, ConditionalRowIsNulloptWhereTheGivenStateIsImpossible) {
  BayesianNetworkBuilder b("zero");
  const VariableId a = b.add_variable("A", {"a0", "a1"});
  const VariableId c = b.add_variable("B", {"b0", "b1"});
  b.set_cpt(a, {}, {1.0, 0.0});
  b.set_cpt(c, {a}, {0.3, 0.7, 0.6, 0.4});
  const Model m(std::move(b).build());
  const Result r = m.conditional("B", "A");
  ASSERT_TRUE(r.conditional[0]);
  EXPECT_NEAR((*r.conditional[0])[1], 0.7, 1e-15);
  EXPECT_FALSE(r.conditional[1]);
  EXPECT_EQ(r.given_probabilities[1], 0.0);
}

// tests/integration/textbook_test.cpp derives these by hand from the Asia CPTs.
TEST(QueryDiscrete, AsiaPosteriors) {
  const Model m = Model::load(model_path("asia.yaml"));
  const Assignments xray{{"xray", "yes"}};
  const Evidence e = Evidence::from_names(m, xray);
  const std::size_t yes = 0;  // asia lists [yes, no]
  ASSERT_EQ(m.variables()[m.id("tub")].states[yes], "yes");
  for (const char* method : {"ve", "jt"}) {
    const Result r = m.query({"tub", "lung", "either"}, e, method);
    EXPECT_NEAR(r.marginals[0][yes], 0.010192 / 0.11029004, 1e-12);
    EXPECT_NEAR(r.marginals[1][yes], 0.0539 / 0.11029004, 1e-12);
    EXPECT_NEAR(r.marginals[2][yes], 0.06353144 / 0.11029004, 1e-12);
    EXPECT_NEAR(r.probability_of_evidence, 0.11029004, 1e-12);
  }
}

TEST(QueryDiscrete, MarkovNetworkPartitionFunction) {
  // Koller & Friedman Figure 4.1: Z = 7,201,840.
  const Model m = Model::load(model_path("misconception.yaml"));
  EXPECT_NEAR(m.marginals({}, "jt").probability_of_evidence, 7201840.0, 1e-6);
  EXPECT_NEAR(m.marginals({}, "ve").probability_of_evidence, 7201840.0, 1e-6);
  EXPECT_NEAR(m.probability_of_evidence({}), 7201840.0, 1e-6);
}

// ---- Random networks against brute-force enumeration

void expect_close(const std::vector<double>& a, const std::vector<double>& b, double tol) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i], b[i], tol) << "entry " << i;
}

template <class M>
void check_against_oracle(const Model& m, const M& model, const ::pgm::Evidence& hard, std::mt19937_64& rng) {
  const testing::EnumerationOracle oracle(model);
  const double pe = oracle.probability_of_evidence(hard);
  const std::vector<std::pair<VariableId, std::size_t>> pairs(hard.begin(), hard.end());
  const Evidence e = Evidence::from_ids(m, pairs);
  EXPECT_NEAR(m.probability_of_evidence(e), pe, 1e-9 * std::max(1.0, pe));
  if (!(pe > 0)) {
    EXPECT_THROW((void)m.marginals(e), ZeroProbabilityEvidence);
    EXPECT_EQ(m.log_probability_of_evidence(e), -INFINITY);
    return;
  }
  const auto all = oracle.marginals(hard);
  for (const char* method : {"ve", "jt", "auto"}) {
    SCOPED_TRACE(method);
    const Result r = m.marginals(e, method);
    for (VariableId v = 0; v < m.size(); ++v) expect_close(r.marginals[v], all[v], 1e-9);
    EXPECT_NEAR(r.probability_of_evidence, pe, 1e-9 * std::max(1.0, pe));
    EXPECT_NEAR(r.log_probability_of_evidence, std::log(pe), 1e-9);
  }
  // A joint of two or three distinct variables, and a conditional table.
  std::vector<VariableId> ids(m.size());
  for (VariableId v = 0; v < ids.size(); ++v) ids[v] = v;
  std::shuffle(ids.begin(), ids.end(), rng);
  ids.resize(std::min<std::size_t>(ids.size(), 2 + rng() % 2));
  std::vector<std::string> names;
  for (VariableId v : ids) names.push_back(m.variables()[v].name);
  for (const char* method : {"ve", "jt"}) {
    const Result j = m.joint(names, e, method);
    expect_close(j.joint, oracle.joint(ids, hard), 1e-9);
  }
  const VariableId x = ids[0], y = ids[1];
  const VariableId yx[] = {y, x};
  const std::vector<double> pyx = oracle.joint(yx, hard);
  const Result c = m.conditional(names[0], names[1], e);
  const std::size_t nx = m.variables()[x].states.size();
  for (std::size_t j = 0; j < m.variables()[y].states.size(); ++j) {
    double sum = 0;
    for (std::size_t i = 0; i < nx; ++i) sum += pyx[j * nx + i];
    EXPECT_NEAR(c.given_probabilities[j], sum, 1e-9);
    if (sum > 1e-12) {
      ASSERT_TRUE(c.conditional[j]);
      for (std::size_t i = 0; i < nx; ++i) EXPECT_NEAR((*c.conditional[j])[i], pyx[j * nx + i] / sum, 1e-7);
    }
  }
}

TEST(QueryOracle, RandomBayesianNetworks) {
  std::mt19937_64 rng(20261201);
  for (int trial = 0; trial < 25; ++trial) {
    SCOPED_TRACE(trial);
    const BayesianNetwork bn = testing::random_bayesian_network(rng, {.nodes = 3 + static_cast<std::size_t>(trial % 6)});
    const ::pgm::Evidence hard = trial % 3 == 2 ? testing::random_evidence(bn.variables(), rng, 2)
                                                : testing::forward_sample_evidence(bn, rng, trial % 3);
    check_against_oracle(Model(bn), bn, hard, rng);
  }
}

TEST(QueryOracle, RandomMarkovNetworks) {
  std::mt19937_64 rng(7);
  for (int trial = 0; trial < 15; ++trial) {
    SCOPED_TRACE(trial);
    const MarkovNetwork mn = testing::random_markov_network(rng, {.nodes = 3 + static_cast<std::size_t>(trial % 5), .factors = 4});
    check_against_oracle(Model(mn), mn, testing::random_evidence(mn.variables(), rng, trial % 3), rng);
  }
}

// ---- Zero-probability evidence

TEST(QueryErrors, ZeroProbabilityEvidenceNamesTheEvidenceAndTheModel) {
  const Model m = sprinkler();
  // P(Slippery = yes | WetGrass = dry) = 0.
  const Assignments impossible{{"WetGrass", "dry"}, {"Slippery", "yes"}};
  const Evidence e = Evidence::from_names(m, impossible);
  for (const char* method : {"ve", "jt", "auto"}) {
    const std::string msg = message_of<ZeroProbabilityEvidence>([&] { (void)m.marginals(e, method); });
    EXPECT_EQ(msg, "the evidence WetGrass=dry, Slippery=yes has probability zero under model 'sprinkler', so no "
                   "posterior exists");
  }
  EXPECT_THROW((void)m.conditional("Rain", "Season", e), ZeroProbabilityEvidence);
  EXPECT_EQ(m.probability_of_evidence(e), 0.0);
  EXPECT_EQ(m.probability_of_evidence(e, "jt"), 0.0);
  EXPECT_EQ(m.log_probability_of_evidence(e), -INFINITY);
}

// ---- Query errors

TEST(QueryErrors, BadQueries) {
  const Model m = sprinkler();
  const std::string unknown = message_of<QueryError>([&] { (void)m.marginals({}, "magic"); });
  EXPECT_NE(unknown.find("'magic'"), std::string::npos);
  EXPECT_NE(unknown.find("auto, ve, jt, gaussian"), std::string::npos) << unknown;
  EXPECT_THROW((void)m.marginals({}, "gaussian"), QueryError);
  EXPECT_THROW((void)m.query({"Rain", "Rain"}), QueryError);
  EXPECT_THROW((void)m.query({}), QueryError);
  EXPECT_THROW((void)m.query({"Snow"}), QueryError);
  EXPECT_THROW((void)m.joint({}), QueryError);
  EXPECT_THROW((void)m.conditional("Rain", "Rain"), QueryError);
  EXPECT_THROW((void)m.conditional("Rain", "Snow"), QueryError);
  EXPECT_THROW((void)m.conditional("Rain", ""), QueryError);
  Query two;
  two.targets = {"Rain", "Season"};
  two.shape = Query::Shape::conditional;
  two.given_variable = "WetGrass";
  EXPECT_THROW((void)m.answer(two), QueryError);
  EXPECT_THROW((void)m.mahalanobis({{"Rain", 1.0}}), QueryError);
  EXPECT_THROW((void)m.condition({}), QueryError);
  EXPECT_THROW((void)m.sample(3, 1), QueryError);
}

TEST(QueryErrors, MemoryLimits) {
  const Model m = Model::load(model_path("asia.yaml"));
  EngineOptions tiny;
  tiny.max_memory_bytes = 64;
  // The tree is built for the query's evidence, so the refusal comes with the answer: a
  // StructureLimitError, which variable elimination (building no tree) may avoid.
  const auto jt = make_engine(m, "jt", tiny);
  EXPECT_THROW((void)jt->answer(Query{}), StructureLimitError);
  // auto falls back to variable elimination when the tree is refused: asia's tree holds several
  // cliques of 3 binary variables, while VE never needs more than one such table (8 entries, 64 bytes).
  const std::size_t tree_bytes = m.junction_tree()->table_bytes();
  ASSERT_GT(tree_bytes, 2 * 64u);
  EngineOptions below_tree;
  below_tree.max_memory_bytes = tree_bytes - 1;
  Query q;
  q.method = "auto";
  const Result r = m.answer(q, below_tree);
  EXPECT_EQ(r.method, "ve");
  ASSERT_EQ(r.marginals.size(), 8u);
  // Below one 2-entry table VE is refused too: a LimitError, never a wrong answer.
  EngineOptions none;
  none.max_memory_bytes = 8;
  EXPECT_THROW((void)m.answer(q, none), LimitError);
}

// ---- The junction tree per evidence pattern: what "jt" calibrates, whoever asks

// Every marginal of a calibration, flattened.
std::vector<double> flat_marginals(const CalibratedJunctionTree& c, std::size_t n) {
  std::vector<double> out;
  for (VariableId v = 0; v < n; ++v) {
    const Factor f = c.marginal(v);
    out.insert(out.end(), f.values().begin(), f.values().end());
  }
  return out;
}

std::vector<double> flat_marginals(const Result& r) {
  std::vector<double> out;
  for (const auto& m : r.marginals) out.insert(out.end(), m.begin(), m.end());
  return out;
}

TEST(QueryJunctionTree, JtCalibratesTheTreeOfTheEvidencePattern) {
  const Model m = Model::load(model_path("asia.yaml"));
  const Assignments given{{"dysp", "yes"}, {"xray", "yes"}};
  const Evidence e = Evidence::from_names(m, given);
  const auto tree = m.junction_tree_for(e);
  // The pattern is the observed variables, by id, values aside.
  const std::vector<VariableId> observed{m.id("xray"), m.id("dysp")};
  std::vector<VariableId> sorted = observed;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(tree->pattern(), sorted);
  // The same numbers, bit for bit, as a one-shot tree built for that pattern (what `pgm marginals
  // --given` computes), and the same values as variable elimination up to rounding.
  const JunctionTree one_shot(*m.bayesian_network(), observed);
  const Result r = m.marginals(e, "jt");
  EXPECT_EQ(flat_marginals(r), flat_marginals(one_shot.calibrate(e.hard()), m.size()));
  const CalibratedJunctionTree c = one_shot.calibrate(e.hard());
  EXPECT_EQ(r.probability_of_evidence, c.probability_of_evidence());
  EXPECT_EQ(r.log_probability_of_evidence, c.log_probability_of_evidence());
  const std::vector<double> ve = flat_marginals(m.marginals(e, "ve"));
  const std::vector<double> jt = flat_marginals(r);
  ASSERT_EQ(jt.size(), ve.size());
  for (std::size_t i = 0; i < jt.size(); ++i) EXPECT_NEAR(jt[i], ve[i], 1e-14) << i;
  // An observed variable's marginal is a point mass on its state (asia lists [yes, no]).
  EXPECT_EQ(r.marginals[m.id("xray")], (std::vector<double>{1.0, 0.0}));
}

TEST(QueryJunctionTree, OneTreePerPatternSharedAndBounded) {
  const Model m = Model::load(model_path("asia.yaml"));
  const auto ev = [&](Assignments a) { return Evidence::from_names(m, a); };
  const auto a = m.junction_tree_for(ev({{"xray", "yes"}}));
  // Other values of the same variables: the same tree; a copy of the model shares it.
  const Model copy = m;  // NOLINT(performance-unnecessary-copy-initialization)
  EXPECT_EQ(copy.junction_tree_for(ev({{"xray", "no"}})).get(), a.get());
  EXPECT_NE(m.junction_tree_for(ev({{"dysp", "no"}})).get(), a.get());
  // No evidence: the whole model's tree, also built once.
  const auto none = m.junction_tree_for(Evidence{});
  EXPECT_TRUE(none->pattern().empty());
  EXPECT_EQ(m.junction_tree_for(Evidence{}).get(), none.get());
  // The kPatternTrees most recently used patterns are kept: after as many other patterns, xray's
  // tree is built again (the caller's copy stays valid).
  // Patterns: the non-empty subsets of the variables other than xray, as bit masks.
  std::size_t built = 0;
  const VariableId xray = m.id("xray");
  for (unsigned mask = 1; mask < (1u << m.size()) && built < Model::kPatternTrees; ++mask) {
    if (mask & (1u << xray)) continue;
    Assignments pattern;
    for (VariableId v = 0; v < m.size(); ++v)
      if (mask & (1u << v)) pattern.emplace_back(m.variables()[v].name, "yes");
    (void)m.junction_tree_for(ev(pattern));
    ++built;
  }
  ASSERT_EQ(built, Model::kPatternTrees);
  const auto again = m.junction_tree_for(ev({{"xray", "yes"}}));
  EXPECT_NE(again.get(), a.get());
  EXPECT_EQ(again->pattern(), a->pattern());
  EXPECT_EQ(a->pattern(), (std::vector<VariableId>{m.id("xray")}));  // still usable
}

TEST(QueryJunctionTree, ACachedTreeOverTheLimitIsRefusedAsItsBuildWouldBe) {
  const Model m = Model::load(model_path("asia.yaml"));
  const Assignments xray{{"xray", "yes"}};
  const Evidence e = Evidence::from_names(m, xray);
  const std::size_t bytes = m.junction_tree_for(e)->table_bytes();
  JunctionTreeOptions below;
  below.max_memory_bytes = bytes - 1;
  const std::vector<VariableId> observed{m.id("xray")};
  const std::string built = message_of<LimitError>([&] { (void)JunctionTree(*m.bayesian_network(), observed, below); });
  EXPECT_EQ(message_of<LimitError>([&] { (void)m.junction_tree_for(e, below); }), built);
  EXPECT_NE(built.find("over the limit"), std::string::npos) << built;
  // Through the engine: a StructureLimitError, with the library's words (no command-line flags).
  EngineOptions engine_below;
  engine_below.max_memory_bytes = bytes - 1;
  Query q;
  q.evidence = e;
  q.method = "jt";
  EXPECT_EQ(message_of<StructureLimitError>([&] { (void)m.answer(q, engine_below); }), built);
  EXPECT_EQ(built.find("--"), std::string::npos) << built;
  // auto falls back to variable elimination, whose own refusal is a plain LimitError.
  q.method = "auto";
  EXPECT_EQ(m.answer(q, engine_below).method, "ve");
  EngineOptions none;
  none.max_memory_bytes = 8;
  q.method = "ve";
  try {
    (void)m.answer(q, none);
    ADD_FAILURE() << "expected a LimitError";
  } catch (const StructureLimitError&) {
    ADD_FAILURE() << "variable elimination builds no structure";
  } catch (const LimitError&) {
  }
}

TEST(QueryJunctionTree, ATreeGivesTheSameBitsOnEveryUse) {
  // insurance's trees defer their flat index maps to a second calibration, which rounds differently
  // from the first; a Model's tree must not, or a long-lived Model would drift from a one-shot query.
  const std::string path = std::string(PGM_SHARED_DIR) + "/networks/bif/insurance.bif";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "no " << path;
  const Model m = Model::load(path);
  for (const Assignments& given : {Assignments{}, Assignments{{"Age", "Adolescent"}},
                                   Assignments{{"Age", "Adolescent"}, {"ThisCarCost", "Thousand"}}}) {
    SCOPED_TRACE(given.size());
    const Evidence e = Evidence::from_names(m, given);
    std::vector<VariableId> observed;
    for (const auto& [v, s] : e.hard()) observed.push_back(v);
    const JunctionTree one_shot(*m.bayesian_network(), observed);
    const CalibratedJunctionTree once = one_shot.calibrate(e.hard());
    for (int use = 0; use < 3; ++use) {
      const Result r = m.marginals(e, "jt");
      EXPECT_EQ(flat_marginals(r), flat_marginals(once, m.size())) << "use " << use;
      EXPECT_EQ(r.probability_of_evidence, once.probability_of_evidence()) << "use " << use;
      EXPECT_EQ(r.log_probability_of_evidence, once.log_probability_of_evidence()) << "use " << use;
    }
  }
}

TEST(QueryJunctionTree, MarkovNetworkPatternTree) {
  // misconception with A = a1, by hand from its four factors: Z(A=a1) = sum over b, c, d of
  // phi1(a1,b) phi2(b,c) phi3(c,d) phi4(d,a1) = 1,300,310, of which B = b0 carries 1,000,300.
  const Model m = Model::load(model_path("misconception.yaml"));
  const Assignments a1{{"A", "a1"}};
  const Result r = m.marginals(Evidence::from_names(m, a1), "jt");
  EXPECT_EQ(r.method, "jt");
  EXPECT_NEAR(r.probability_of_evidence, 1300310.0, 1e-6);
  EXPECT_NEAR(r.marginals[m.id("B")][0], 1000300.0 / 1300310.0, 1e-14);
  EXPECT_EQ(m.junction_tree_for(Evidence::from_names(m, a1))->pattern(), (std::vector<VariableId>{m.id("A")}));
}

TEST(QueryJunctionTree, ThreadsMeetingNewPatternsGetTheSameNumbers) {
  const Model m = Model::load(model_path("asia.yaml"));
  // More patterns than the cache keeps, so threads build, find and evict trees concurrently: every
  // non-empty subset of the variables, observed at alternating states.
  std::vector<Evidence> sets;
  for (unsigned mask = 1; mask < (1u << m.size()); ++mask) {
    Assignments a;
    for (VariableId v = 0; v < m.size(); ++v)
      if (mask & (1u << v)) a.emplace_back(m.variables()[v].name, m.variables()[v].states[(mask >> v) & 2u ? 1 : 0]);
    sets.push_back(Evidence::from_names(m, a));
  }
  ASSERT_GT(sets.size(), Model::kPatternTrees);
  // Reference: each from a fresh model, the tree built once (no cache, no other thread).
  std::vector<std::vector<double>> want;
  for (const auto& e : sets) {
    const Model fresh = Model::load(model_path("asia.yaml"));
    try {
      want.push_back(flat_marginals(fresh.marginals(e, "jt")));
    } catch (const ZeroProbabilityEvidence&) {
      want.emplace_back();
    }
  }
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < mismatches.size(); ++t)
    threads.emplace_back([&, t] {
      for (int round = 0; round < 2; ++round)
        for (std::size_t k = 0; k < sets.size(); ++k) {
          const std::size_t i = (k * 7 + t * 13 + static_cast<std::size_t>(round)) % sets.size();
          std::vector<double> got;
          try {
            got = flat_marginals(m.marginals(sets[i], "jt"));
          } catch (const ZeroProbabilityEvidence&) {
          }
          if (got != want[i]) ++mismatches[t];
        }
    });
  for (auto& th : threads) th.join();
  for (int n : mismatches) EXPECT_EQ(n, 0);
}

// ---- Engines and the registry

TEST(QueryEngines, RegistryListsAndCreatesByName) {
  const std::vector<std::string> names = engine_names();
  ASSERT_GE(names.size(), 3u);
  EXPECT_EQ(names[0], "ve");
  EXPECT_EQ(names[1], "jt");
  EXPECT_EQ(names[2], "gaussian");
  const Model m = sprinkler();
  EXPECT_EQ(make_engine(m, "ve")->name(), "ve");
  EXPECT_EQ(make_engine(m, "jt")->name(), "jt");
  EXPECT_EQ(make_engine(m, "auto")->name(), "auto");
  EXPECT_THROW((void)make_engine(Model::load(model_path("bivariate.yaml")), "jt"), QueryError);
  EXPECT_THROW(register_engine({"ve", "again", {ModelKind::bayesian_network}, nullptr}), QueryError);
  EXPECT_THROW(register_engine({"auto", "no", {ModelKind::bayesian_network}, nullptr}), QueryError);
}

TEST(QueryEngines, TargetIdsAsEveryEngineReadsThem) {
  const Model m = sprinkler();
  const std::vector<std::string> ok{"Rain", "Season"};
  EXPECT_EQ(target_ids(m, ok), (std::vector<VariableId>{2, 0}));
  const std::vector<std::string> twice{"Rain", "Season", "Rain"};
  EXPECT_EQ(message_of<QueryError>([&] { (void)target_ids(m, twice); }), "variable 'Rain' is listed twice as a target");
  const std::vector<std::string> unknown{"Rain", "Nope"};
  EXPECT_NE(message_of<QueryError>([&] { (void)target_ids(m, unknown); }).find("unknown variable 'Nope'"),
            std::string::npos);
}

// A new engine is one class and one registration; every front end then reaches it by name.
class ConstantEngine final : public Engine {
 public:
  explicit ConstantEngine(Model m) : model_(std::move(m)) {}
  [[nodiscard]] std::string_view name() const override { return "uniform-test"; }
  [[nodiscard]] Result answer(const Query& q) const override {
    Result r;
    r.method = "uniform-test";
    for (const auto& t : q.targets) {
      const auto& states = model_.variables()[model_.id(t)].states;
      r.variables.push_back(t);
      r.states.push_back(states);
      r.marginals.emplace_back(states.size(), 1.0 / static_cast<double>(states.size()));
    }
    return r;
  }

 private:
  Model model_;
};

TEST(QueryEngines, ANewEngineIsOneRegisteredClass) {
  register_engine({"uniform-test", "every state equally likely (test only)", {ModelKind::bayesian_network},
                   [](const Model& m, const EngineOptions&) { return std::make_unique<ConstantEngine>(m); }});
  const Model m = sprinkler();
  const Result r = m.query({"Rain"}, {}, "uniform-test");
  EXPECT_EQ(r.method, "uniform-test");
  EXPECT_EQ(r.marginals[0], (std::vector<double>{0.5, 0.5}));
  EXPECT_THROW((void)Model::load(model_path("misconception.yaml")).query({"A"}, {}, "uniform-test"), QueryError);
}

TEST(QueryEngines, ThreadsShareOneModel) {
  const Model m = Model::load(model_path("asia.yaml"));
  const Assignments xray{{"xray", "yes"}};
  const Evidence e = Evidence::from_names(m, xray);
  std::vector<double> got(4, 0.0);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < got.size(); ++i) {
    threads.emplace_back([&, i] {
      for (int k = 0; k < 50; ++k) got[i] = m.marginals(e, i % 2 ? "jt" : "ve").marginals[m.id("tub")][0];  // [yes, no]
    });
  }
  for (auto& t : threads) t.join();
  for (double p : got) EXPECT_NEAR(p, 0.010192 / 0.11029004, 1e-12);
}

// ---- Structure

TEST(QueryStructure, IndependenceAndBlankets) {
  const Model m = sprinkler();
  const std::vector<std::string> sp{"Sprinkler"}, rain{"Rain"}, season{"Season"}, wet{"WetGrass"};
  const IndependenceResult given_season = m.independent(sp, rain, season);
  EXPECT_TRUE(given_season.independent);
  EXPECT_FALSE(given_season.trail);
  EXPECT_EQ(given_season.method, "d-separation");
  // Explaining away: observing the common effect opens Sprinkler → WetGrass ← Rain.
  const std::vector<std::string> season_wet{"Season", "WetGrass"};
  const IndependenceResult opened = m.independent(sp, rain, season_wet);
  EXPECT_FALSE(opened.independent);
  ASSERT_TRUE(opened.trail);
  EXPECT_EQ(*opened.trail, (std::vector<std::string>{"Sprinkler", "WetGrass", "Rain"}));
  EXPECT_THROW((void)m.independent(sp, sp), QueryError);
  EXPECT_THROW((void)m.independent(sp, std::vector<std::string>{"Snow"}), QueryError);
  EXPECT_EQ(m.blanket("WetGrass"), (std::vector<std::string>{"Sprinkler", "Rain", "Slippery"}));
  EXPECT_EQ(m.blanket("Sprinkler"), (std::vector<std::string>{"Season", "Rain", "WetGrass"}));
  EXPECT_THROW((void)m.blanket("Snow"), QueryError);

  // Misconception loop A - B - C - D - A: A ⊥ C | {B, D}, not given B alone.
  const Model mn = Model::load(model_path("misconception.yaml"));
  const std::vector<std::string> a{"A"}, c{"C"}, bd{"B", "D"}, b{"B"};
  EXPECT_TRUE(mn.independent(a, c, bd).independent);
  const IndependenceResult r = mn.independent(a, c, b);
  EXPECT_FALSE(r.independent);
  EXPECT_EQ(r.method, "separation");
  EXPECT_EQ(*r.trail, (std::vector<std::string>{"A", "D", "C"}));
  EXPECT_EQ(mn.blanket("A"), (std::vector<std::string>{"B", "D"}));
}

TEST(QueryStructure, GaussianPrecisionZeros) {
  // Σ of a chain X → Y → Z with unit weights and variances: Cov = [[1,1,1],[1,2,2],[1,2,3]];
  // its precision is tridiagonal, so X ⊥ Z | Y and the blanket of X is {Y}.
  Eigen::MatrixXd cov(3, 3);
  cov << 1, 1, 1, 1, 2, 2, 1, 2, 3;
  const Model g(Gaussian({"X", "Y", "Z"}, Eigen::VectorXd::Zero(3), cov));
  const std::vector<std::string> x{"X"}, z{"Z"}, y{"Y"};
  const IndependenceResult r = g.independent(x, z, y);
  EXPECT_TRUE(r.independent);
  EXPECT_EQ(r.method, "precision");
  EXPECT_FALSE(g.independent(x, z).independent);
  EXPECT_FALSE(g.independent(x, z).trail);
  EXPECT_EQ(g.blanket("X"), (std::vector<std::string>{"Y"}));
  EXPECT_EQ(g.blanket("Y"), (std::vector<std::string>{"X", "Z"}));
}

// ---- Gaussian models

TEST(QueryGaussian, BivariateConditioning) {
  // models/bivariate.yaml: X1 | X2 = 3 has mean 1 + (1/1.5)(3 − 2) = 5/3 and variance 2 − 1/1.5 = 4/3.
  const Model g = Model::load(model_path("bivariate.yaml"));
  const std::vector<std::pair<std::string, double>> x2{{"X2", 3.0}};
  const Evidence e = Evidence::from_values(g, x2);
  const Gaussian c = g.condition(e);
  ASSERT_EQ(c.names(), (std::vector<std::string>{"X1"}));
  EXPECT_NEAR(c.mean()[0], 5.0 / 3.0, 1e-12);
  EXPECT_NEAR(c.covariance()(0, 0), 4.0 / 3.0, 1e-12);
  for (const char* method : {"auto", "gaussian"}) {
    const Result r = g.marginals(e, method);
    EXPECT_EQ(r.method, "gaussian");
    EXPECT_EQ(r.variables, (std::vector<std::string>{"X1"}));
    EXPECT_NEAR(r.mean[0], 5.0 / 3.0, 1e-12);
    EXPECT_NEAR(r.covariance(0, 0), 4.0 / 3.0, 1e-12);
    // The density of X2 = 3 under N(2, 1.5).
    const double log_p = -0.5 * std::log(2 * std::numbers::pi * 1.5) - 0.5 * (1.0 / 1.5);
    EXPECT_NEAR(r.log_probability_of_evidence, log_p, 1e-12);
    EXPECT_NEAR(g.log_probability_of_evidence(e), log_p, 1e-12);
  }
  // Without evidence, the joint is the model's moments.
  const Result j = g.joint({"X2", "X1"});
  EXPECT_EQ(j.variables, (std::vector<std::string>{"X2", "X1"}));
  EXPECT_NEAR(j.mean[0], 2.0, 1e-15);
  EXPECT_NEAR(j.covariance(0, 1), 1.0, 1e-15);
  EXPECT_NEAR(j.probability_of_evidence, 1.0, 1e-15);
  EXPECT_THROW((void)g.conditional("X1", "X2"), QueryError);
  EXPECT_THROW((void)g.marginals({}, "ve"), QueryError);
  const std::vector<std::pair<std::string, double>> both{{"X1", 0.0}, {"X2", 3.0}};
  EXPECT_THROW((void)g.marginals(Evidence::from_values(g, both)), QueryError);
  EXPECT_THROW((void)g.query({"X2"}, e), QueryError);  // a target observed
}

TEST(QueryGaussian, MahalanobisAndDensity) {
  // models/mahalanobis.yaml: d(2, 0) = √3, d(0, 1) = √2, d(1, 0.8) = √0.43; det Σ = 2.
  const Model g = Model::load(model_path("mahalanobis.yaml"));
  EXPECT_NEAR(g.mahalanobis({{"X1", 2.0}, {"X2", 0.0}}), std::sqrt(3.0), 1e-12);
  EXPECT_NEAR(g.mahalanobis({{"X2", 1.0}, {"X1", 0.0}}), std::sqrt(2.0), 1e-12);
  EXPECT_NEAR(g.mahalanobis({{"X1", 1.0}, {"X2", 0.8}}), std::sqrt(0.43), 1e-12);
  EXPECT_NEAR(g.log_density({{"X1", 2.0}, {"X2", 0.0}}), -std::log(2 * std::numbers::pi) - 0.5 * std::log(2.0) - 1.5,
              1e-12);
  EXPECT_THROW((void)g.mahalanobis({{"X1", 2.0}}), QueryError);
  EXPECT_THROW((void)g.mahalanobis({{"X1", 2.0}, {"X2", 0.0}, {"X3", 1.0}}), QueryError);
  EXPECT_THROW((void)g.log_density({{"X1", 1e300}, {"X2", -1e300}}), NumericalError);
}

TEST(QueryGaussian, SamplesMatchTheMomentsAndRepeatObservedValues) {
  const Model g = Model::load(model_path("bivariate.yaml"));
  const Eigen::MatrixXd s = g.sample(20000, 42);
  ASSERT_EQ(s.rows(), 20000);
  ASSERT_EQ(s.cols(), 2);
  EXPECT_NEAR(s.col(0).mean(), 1.0, 0.05);
  EXPECT_NEAR(s.col(1).mean(), 2.0, 0.05);
  EXPECT_EQ(g.sample(5, 42), g.sample(5, 42));
  const std::vector<std::pair<std::string, double>> x2{{"X2", 3.0}};
  const Eigen::MatrixXd c = g.sample(20000, 1, Evidence::from_values(g, x2));
  EXPECT_TRUE((c.col(1).array() == 3.0).all());
  EXPECT_NEAR(c.col(0).mean(), 5.0 / 3.0, 0.05);
  const double var = (c.col(0).array() - c.col(0).mean()).square().sum() / (c.rows() - 1);
  EXPECT_NEAR(var, 4.0 / 3.0, 0.06);
  // A linear-Gaussian network samples through its joint.
  EXPECT_EQ(Model::load(model_path("linear-gaussian.yaml")).sample(3, 1).rows(), 3);
}

TEST(QuerySampling, RejectionSamplingOfABayesianNetwork) {
  const Model m = sprinkler();
  const Assignments wet{{"WetGrass", "wet"}};
  const DiscreteSamples s = m.sample_states(20000, 3, Evidence::from_names(m, wet));
  ASSERT_EQ(s.rows, 20000u);
  ASSERT_EQ(s.cols, 5u);
  std::size_t rain = 0;
  for (std::size_t r = 0; r < s.rows; ++r) {
    EXPECT_EQ(s.states[r * s.cols + 3], 1u);
    rain += s.states[r * s.cols + 2];
  }
  EXPECT_NEAR(static_cast<double>(rain) / 20000.0, 0.4349 / 0.6995, 0.02);
  const Assignments impossible{{"WetGrass", "dry"}, {"Slippery", "yes"}};
  const std::string msg =
      message_of<QueryError>([&] { (void)m.sample_states(1, 1, Evidence::from_names(m, impossible)); });
  EXPECT_NE(msg.find("WetGrass=dry, Slippery=yes"), std::string::npos) << msg;
  EXPECT_THROW((void)Model::load(model_path("misconception.yaml")).sample_states(1, 1), UnsupportedError);
  EXPECT_THROW((void)Model::load(model_path("misconception.yaml")).sample(1, 1), UnsupportedError);
  EXPECT_THROW((void)Model::load(model_path("bivariate.yaml")).sample_states(1, 1), QueryError);
}

}  // namespace
}  // namespace pgm::query
