// What the front ends share through the query layer (issue 10, "the command line becomes thin"):
// assignment parsing, evidence files, Gaussian posterior and score, sampling, the structural and
// numeric independence answers, blankets, local independencies and writing models. Expected
// values are derived by hand in the comments (closed forms, or reading the graph).
#include <pgm/core/error.hpp>
#include <pgm/query.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <numbers>

#include "support/error_message.hpp"

namespace pgm::query {
namespace {

std::string model_path(const std::string& name) { return std::string(PGM_SOURCE_DIR) + "/models/" + name; }

// What the call throws as E (tests/support/error_message.hpp).
template <class E, class F>
std::string message_of(F&& f) {
  return ::pgm::testing::error_message<E>(std::forward<F>(f));
}

using Names = std::vector<std::string>;

// ---- Assignments

TEST(FrontEndAssignments, SplitsTrimsAndDropsSameRepeats) {
  const std::vector<std::string> texts{"A=a, B = b", "\tC=c ,A=a"};
  const Assignments got = parse_assignments(texts, "--given");
  EXPECT_EQ(got, (Assignments{{"A", "a"}, {"B", "b"}, {"C", "c"}}));
}

TEST(FrontEndAssignments, MalformedItemsNameTheSourceAndTheItem) {
  for (const std::string bad : {"A", "=a", "A=", "A=b=c", "A=a,,B=b"}) {
    const std::vector<std::string> texts{bad};
    EXPECT_THROW((void)parse_assignments(texts, "--given"), MalformedAssignment) << bad;
  }
  const std::vector<std::string> texts{"A=a, B"};
  EXPECT_EQ(message_of<MalformedAssignment>([&] { (void)parse_assignments(texts, "--given"); }),
            "malformed evidence 'B' in --given 'A=a, B': expected NAME=STATE items separated by commas");
  EXPECT_EQ(message_of<MalformedAssignment>(
                [&] { (void)parse_assignments(texts, "the point", AssignmentItems::coordinates); }),
            "malformed coordinate 'B' in the point 'A=a, B': expected NAME=VALUE items separated by commas");
}

TEST(FrontEndAssignments, ConflictIsAQueryErrorNotAMalformedOne) {
  const std::vector<std::string> texts{"A=a", "A=b"};
  try {
    (void)parse_assignments(texts, "--given");
    ADD_FAILURE() << "expected QueryError";
  } catch (const MalformedAssignment&) {
    ADD_FAILURE() << "a conflict is well-formed";
  } catch (const QueryError& e) {
    EXPECT_STREQ(e.what(), "variable 'A' is given twice with different states: 'a' and 'b'");
  }
}

TEST(FrontEndAssignments, CombineKeepsFirstAndRefusesConflicts) {
  const Assignments both = combine_assignments({{"A", "a"}, {"B", "b"}}, "e.txt", {{"B", "b"}, {"C", "c"}}, "--given");
  EXPECT_EQ(both, (Assignments{{"A", "a"}, {"B", "b"}, {"C", "c"}}));
  EXPECT_EQ(message_of<QueryError>([] { (void)combine_assignments({{"A", "a"}}, "e.txt", {{"A", "x"}}, "--given"); }),
            "variable 'A' is given twice with different states: 'a' (in e.txt) and 'x' (in --given)");
}

TEST(FrontEndAssignments, EvidenceFileProblemsAreQueryErrors) {
  const std::string missing = ::testing::TempDir() + "/pgm_no_such_evidence_file.txt";
  EXPECT_THROW((void)read_evidence_file(missing), QueryError);
  const std::string path = ::testing::TempDir() + "/pgm_front_end_evidence.txt";
  {
    std::ofstream(path) << "# comment\nWetGrass = wet\n\nSeason=summer\n";
  }
  EXPECT_EQ(read_evidence_file(path), (Assignments{{"WetGrass", "wet"}, {"Season", "summer"}}));
  std::remove(path.c_str());
}

TEST(FrontEndAssignments, ParseValuesReadsEveryTextInOrder) {
  const Assignments pairs{{"X2", "+3"}, {"X1", "-1e-3"}};
  EXPECT_EQ(parse_values(pairs), (ContinuousEvidence{{"X2", 3.0}, {"X1", -0.001}}));
  EXPECT_THROW((void)parse_values(Assignments{{"X1", "abc"}}), QueryError);
}

// ---- Gaussian models

// bivariate: μ = (1, 2), Σ = [[2, 1], [1, 1.5]]. X1 | X2 = 3: mean 1 + (1/1.5)(3 − 2) = 5/3,
// variance 2 − 1/1.5 = 4/3.
TEST(FrontEndGaussian, PosteriorAndValuesInTheOrderGiven) {
  const Model g = Model::load(model_path("bivariate.yaml"));
  const Evidence e = Evidence::from_names(g, Assignments{{"X2", "3"}});
  const Gaussian post = g.posterior(Names{"X1"}, e);
  ASSERT_EQ(post.names(), Names{"X1"});
  EXPECT_NEAR(post.mean()[0], 5.0 / 3.0, 1e-12);
  EXPECT_NEAR(post.covariance()(0, 0), 4.0 / 3.0, 1e-12);
  EXPECT_THROW((void)g.posterior(Names{"X2"}, e), QueryError);  // a target that is observed
  EXPECT_THROW((void)g.posterior(Names{"X1", "X1"}, Evidence{}), QueryError);
  // From values by name: the same answer, and targets are checked before the observed names.
  const Gaussian by_values = g.posterior(Names{"X1"}, ContinuousEvidence{{"X2", 3.0}});
  EXPECT_NEAR(by_values.mean()[0], 5.0 / 3.0, 1e-12);
  EXPECT_EQ(message_of<QueryError>([&] { (void)g.posterior(Names{"X1"}, ContinuousEvidence{{"X1", 3.0}, {"Q", 1.0}}); }),
            "variable 'X1' is both a target and observed");

  const Model lg = Model::load(model_path("linear-gaussian.yaml"));
  const Evidence two = Evidence::from_names(lg, Assignments{{"Grade", "70"}, {"Study", "12.5"}});
  EXPECT_EQ(two.values_as_given(), (ContinuousEvidence{{"Grade", 70.0}, {"Study", 12.5}}));
  EXPECT_EQ(two.values(), (ContinuousEvidence{{"Study", 12.5}, {"Grade", 70.0}}));  // by id
  // Either order conditions on the same values (equal up to rounding).
  const Evidence swapped = Evidence::from_names(lg, Assignments{{"Study", "12.5"}, {"Grade", "70"}});
  const Gaussian a = lg.posterior(Names{"Knowledge"}, two), b = lg.posterior(Names{"Knowledge"}, swapped);
  EXPECT_NEAR(a.mean()[0], b.mean()[0], 1e-9);
  EXPECT_NEAR(a.covariance()(0, 0), b.covariance()(0, 0), 1e-9);
}

TEST(FrontEndGaussian, UnknownContinuousNamesInTheGaussiansWords) {
  const Model g = Model::load(model_path("bivariate.yaml"));
  EXPECT_EQ(message_of<QueryError>([&] { (void)Evidence::from_names(g, Assignments{{"Q", "1"}}); }),
            "unknown variable 'Q'; the model has: X1, X2");
  // Values are read before names are looked up.
  EXPECT_NE(message_of<QueryError>([&] { (void)Evidence::from_names(g, Assignments{{"Q", "1"}, {"X1", "z"}}); })
                .find("value of 'X1' is 'z'"),
            std::string::npos);
}

// mahalanobis: Σ = [[4, 2], [2, 1.5]], det Σ = 2, d(2, 0) = √3; ln p = −½d² − ln 2π − ½ ln det Σ.
TEST(FrontEndGaussian, ScoreOfAPoint) {
  const Model m = Model::load(model_path("mahalanobis.yaml"));
  const PointScore s = m.score({{"X1", 2.0}, {"X2", 0.0}});
  EXPECT_NEAR(s.mahalanobis, std::sqrt(3.0), 1e-12);
  EXPECT_NEAR(s.log_density, -1.5 - std::log(2 * std::numbers::pi) - 0.5 * std::log(2.0), 1e-12);
  EXPECT_THROW((void)m.score({{"X1", 2.0}}), QueryError);  // not a full point
  // d ≈ 1e160 · √(1.5/2): finite, but ½d² overflows, so the log-density cannot be represented.
  const std::string msg = message_of<NumericalError>([&] { (void)m.score({{"X1", 1e160}, {"X2", 0.0}}); });
  EXPECT_NE(msg.find("Mahalanobis distance 8.66e+159"), std::string::npos) << msg;
  EXPECT_NE(msg.find("about -3.75e+319"), std::string::npos) << msg;  // ½ · 0.75 · 1e320
  EXPECT_THROW((void)Model::load(model_path("sprinkler.yaml")).score({{"Rain", 1.0}}), QueryError);
}

TEST(FrontEndGaussian, SampleRepeatsObservedValues) {
  const Model g = Model::load(model_path("bivariate.yaml"));
  std::vector<std::string> warnings;
  const Eigen::MatrixXd x = g.sample(200, 7, Evidence::from_names(g, Assignments{{"X2", "3"}}), &warnings);
  ASSERT_EQ(x.rows(), 200);
  ASSERT_EQ(x.cols(), 2);
  EXPECT_TRUE(warnings.empty());
  for (Eigen::Index r = 0; r < x.rows(); ++r) EXPECT_EQ(x(r, 1), 3.0);
  // Mean of 200 draws of N(5/3, 4/3): within 5 standard errors (5·√(4/3/200) ≈ 0.41).
  EXPECT_NEAR(x.col(0).mean(), 5.0 / 3.0, 0.41);
}

TEST(FrontEndSampling, MarkovNetworksAreRefused) {
  EXPECT_THROW(Model::load(model_path("misconception.yaml")).check_sampling(), UnsupportedError);
  EXPECT_NO_THROW(Model::load(model_path("sprinkler.yaml")).check_sampling());
  EXPECT_NO_THROW(Model::load(model_path("bivariate.yaml")).check_sampling());
}

// ---- Structure

// sprinkler: Season → Sprinkler, Season → Rain, Sprinkler → WetGrass, Rain → WetGrass,
// WetGrass → Slippery (ids in that order: Season 0, Sprinkler 1, Rain 2, WetGrass 3, Slippery 4).
TEST(FrontEndStructure, TrailDirectionsAndResolvedSets) {
  const Model m = Model::load(model_path("sprinkler.yaml"));
  const IndependenceResult r = m.independent(Names{"Sprinkler"}, Names{"Rain"});
  EXPECT_FALSE(r.independent);
  EXPECT_TRUE(r.directed);
  ASSERT_TRUE(r.trail);
  EXPECT_EQ(*r.trail, (Names{"Sprinkler", "Season", "Rain"}));      // Sprinkler ← Season → Rain
  EXPECT_EQ(r.trail_forward, (std::vector<bool>{false, true}));
  EXPECT_EQ(r.x, Names{"Sprinkler"});
  EXPECT_EQ(r.y, Names{"Rain"});
  EXPECT_TRUE(r.given.empty());
  const IndependenceResult blocked = m.independent(Names{"Sprinkler"}, Names{"Rain"}, Names{"Season"});
  EXPECT_TRUE(blocked.independent);
  EXPECT_FALSE(blocked.trail);
  EXPECT_EQ(blocked.given, Names{"Season"});

  const Model mn = Model::load(model_path("misconception.yaml"));  // the cycle A — B — C — D — A
  const IndependenceResult u = mn.independent(Names{"A"}, Names{"C"}, Names{"B"});
  EXPECT_FALSE(u.independent);
  EXPECT_FALSE(u.directed);
  EXPECT_EQ(*u.trail, (Names{"A", "D", "C"}));
  EXPECT_TRUE(u.trail_forward.empty());
}

// A → C ← B with A, B fair coins and C = A xor B. Marginally A ⟂ B (difference 0). Given C = c,
// P(a, b | c) = ½ on the two consistent pairs while P(a | c) P(b | c) = ¼: difference ¼.
TEST(FrontEndStructure, NumericIndependenceByHand) {
  const Model m = Model::loads(R"(name: xor
type: bayesian-network
variables:
  A: [a0, a1]
  B: [b0, b1]
  C: [c0, c1]
cpds:
  A:
    probabilities: [0.5, 0.5]
  B:
    probabilities: [0.5, 0.5]
  C:
    parents: [A, B]
    probabilities:
      a0: {b0: [1, 0], b1: [0, 1]}
      a1: {b0: [0, 1], b1: [1, 0]}
)",
                               "yaml");
  const NumericIndependenceResult marginal = m.independent_in_numbers(Names{"A"}, Names{"B"});
  EXPECT_NEAR(marginal.max_difference, 0.0, 1e-15);
  EXPECT_TRUE(marginal.independent);
  const NumericIndependenceResult given = m.independent_in_numbers(Names{"A"}, Names{"B"}, Names{"C"}, 1e-6);
  EXPECT_NEAR(given.max_difference, 0.25, 1e-15);
  EXPECT_FALSE(given.independent);
  EXPECT_EQ(given.tolerance, 1e-6);
  EXPECT_EQ(given.measure, "max |P(x,y|z) - P(x|z) P(y|z)|");
  EXPECT_EQ(given.worst.size(), 3u);  // an assignment of A, B and C
}

// mahalanobis: the correlation of X1 and X2 is 2/√(4 · 1.5) = √(2/3).
TEST(FrontEndStructure, PartialCorrelationOfAGaussian) {
  const Model g = Model::load(model_path("mahalanobis.yaml"));
  const NumericIndependenceResult r = g.independent_in_numbers(Names{"X1"}, Names{"X2"});
  EXPECT_NEAR(r.max_difference, std::sqrt(2.0 / 3.0), 1e-12);
  EXPECT_FALSE(r.independent);
  EXPECT_EQ(r.measure, "max |partial correlation|");
  EXPECT_TRUE(r.worst.empty());
  const IndependenceResult s = g.independent(Names{"X1"}, Names{"X2"});
  EXPECT_EQ(s.method, "precision");
  EXPECT_FALSE(s.independent);
}

TEST(FrontEndStructure, BlanketParts) {
  const Model m = Model::load(model_path("sprinkler.yaml"));
  const BlanketResult b = m.blanket_parts("Rain");
  EXPECT_EQ(b.blanket, (Names{"Season", "Sprinkler", "WetGrass"}));
  EXPECT_TRUE(b.directed);
  EXPECT_EQ(b.parents, Names{"Season"});
  EXPECT_EQ(b.children, Names{"WetGrass"});
  EXPECT_EQ(b.co_parents, Names{"Sprinkler"});
  const BlanketResult u = Model::load(model_path("misconception.yaml")).blanket_parts("A");
  EXPECT_EQ(u.blanket, (Names{"B", "D"}));
  EXPECT_FALSE(u.directed);
  EXPECT_TRUE(u.parents.empty());
  EXPECT_THROW((void)m.blanket_parts("Nope"), QueryError);
}

TEST(FrontEndStructure, LocalIndependencies) {
  // Season has no non-descendants besides its (no) parents, so it states nothing.
  const LocalIndependencies d = Model::load(model_path("sprinkler.yaml")).local_independencies();
  EXPECT_EQ(d.property, "each variable is independent of its non-descendants given its parents");
  ASSERT_EQ(d.statements.size(), 4u);
  const auto expect = [](const LocalIndependenceStatement& st, const std::string& node, const Names& rest,
                         const Names& given) {
    EXPECT_EQ(st.node, node);
    EXPECT_EQ(st.independent_of, rest) << node;
    EXPECT_EQ(st.given, given) << node;
  };
  expect(d.statements[0], "Sprinkler", {"Rain"}, {"Season"});
  expect(d.statements[1], "Rain", {"Sprinkler"}, {"Season"});
  expect(d.statements[2], "WetGrass", {"Season"}, {"Sprinkler", "Rain"});
  expect(d.statements[3], "Slippery", {"Season", "Sprinkler", "Rain"}, {"WetGrass"});

  const LocalIndependencies u = Model::load(model_path("misconception.yaml")).local_independencies();
  EXPECT_EQ(u.property, "each variable is independent of the others given its neighbours");
  ASSERT_EQ(u.statements.size(), 4u);
  expect(u.statements[0], "A", {"C"}, {"B", "D"});
  expect(u.statements[1], "B", {"D"}, {"A", "C"});

  // A 2-variable Gaussian with non-zero correlation: each is the other's neighbour, nothing left.
  const LocalIndependencies g = Model::load(model_path("bivariate.yaml")).local_independencies();
  EXPECT_TRUE(g.statements.empty());
  EXPECT_NE(g.property.find("precision"), std::string::npos);
}

// ---- Writing

TEST(FrontEndWriting, DumpsRoundTripsAndRefusesWhatAFormatCannotHold) {
  const Model m = Model::load(model_path("sprinkler.yaml"), {.renormalize = false});
  for (const auto& [format, name] : {std::pair{io::Format::yaml, "yaml"}, {io::Format::bif, "bif"},
                                     {io::Format::xmlbif, "xmlbif"}}) {
    const Model back = Model::loads(m.dumps(format), name, {.renormalize = false});
    EXPECT_EQ(back.variables(), m.variables()) << name;
    // The same numbers: P(Rain = yes | WetGrass = wet) read back exactly.
    const Evidence e = Evidence::from_names(m, Assignments{{"WetGrass", "wet"}});
    EXPECT_EQ(back.query(Names{"Rain"}, e, "ve").marginals, m.query(Names{"Rain"}, e, "ve").marginals) << name;
  }
  const Model mn = Model::load(model_path("misconception.yaml"));
  EXPECT_THROW((void)mn.dumps(io::Format::bif), UnsupportedError);
  EXPECT_THROW((void)mn.dumps(io::Format::xmlbif), UnsupportedError);
  EXPECT_NO_THROW((void)mn.dumps(io::Format::uai));
  EXPECT_THROW((void)Model::load(model_path("bivariate.yaml")).dumps(io::Format::yaml), UnsupportedError);
  EXPECT_THROW((void)m.dumps(io::Format::automatic), QueryError);
  EXPECT_TRUE(std::holds_alternative<BayesianNetwork>(m.variant()));
}

}  // namespace
}  // namespace pgm::query
