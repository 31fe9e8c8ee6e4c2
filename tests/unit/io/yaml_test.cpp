// Loading the YAML format: the bundled models' structure and numbers, the literal-state-name rule,
// the `table:` form, Markov networks and the writer's round trip.
#include <pgm/core/error.hpp>
#include <pgm/io/yaml.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace pgm {
namespace {

using Values = std::vector<double>;
using Names = std::vector<std::string>;

std::string model_path(const std::string& name) { return std::string(PGM_SOURCE_DIR) + "/models/" + name; }

BayesianNetwork load_bn(const std::string& name) {
  return std::get<BayesianNetwork>(io::read_yaml_file(model_path(name)));
}
MarkovNetwork load_mn(const std::string& name) { return std::get<MarkovNetwork>(io::read_yaml_file(model_path(name))); }

Names names_of(const BayesianNetwork& bn, std::span<const VariableId> ids) {
  Names out;
  for (VariableId v : ids) out.push_back(bn.variable(v).name);
  return out;
}

TEST(YamlLoad, SprinklerStructure) {
  const BayesianNetwork bn = load_bn("sprinkler.yaml");
  EXPECT_EQ(bn.name(), "sprinkler");
  ASSERT_EQ(bn.size(), 5u);
  const Names order{"Season", "Sprinkler", "Rain", "WetGrass", "Slippery"};
  for (VariableId v = 0; v < 5; ++v) EXPECT_EQ(bn.variable(v).name, order[v]);
  EXPECT_EQ(bn.variable(0).states, (Names{"winter", "summer"}));
  EXPECT_EQ(bn.variable(1).states, (Names{"off", "on"}));
  EXPECT_EQ(bn.variable(2).states, (Names{"no", "yes"}));
  EXPECT_EQ(bn.variable(3).states, (Names{"dry", "wet"}));
  EXPECT_EQ(bn.variable(4).states, (Names{"no", "yes"}));
  EXPECT_EQ(names_of(bn, bn.parents(bn.id("WetGrass"))), (Names{"Sprinkler", "Rain"}));
  EXPECT_EQ(names_of(bn, bn.parents(bn.id("Slippery"))), (Names{"WetGrass"}));
  EXPECT_TRUE(bn.parents(bn.id("Season")).empty());
  EXPECT_EQ(bn.graph().num_edges(), 5u);
  EXPECT_TRUE(bn.graph().has_edge(bn.id("Season"), bn.id("Rain")));
  // Numbers as written in the issue, in cpt_table layout (first parent slowest, child fastest).
  EXPECT_EQ(bn.cpt_table(bn.id("Season")), (Values{0.6, 0.4}));
  EXPECT_EQ(bn.cpt_table(bn.id("Sprinkler")), (Values{0.8, 0.2, 0.25, 0.75}));
  EXPECT_EQ(bn.cpt_table(bn.id("Rain")), (Values{0.2, 0.8, 0.9, 0.1}));
  EXPECT_EQ(bn.cpt_table(bn.id("WetGrass")), (Values{1.0, 0.0, 0.2, 0.8, 0.1, 0.9, 0.05, 0.95}));
  EXPECT_EQ(bn.cpt_table(bn.id("Slippery")), (Values{1.0, 0.0, 0.3, 0.7}));
  // Parameters: Season 1, Sprinkler 2, Rain 2, WetGrass 4, Slippery 2.
  EXPECT_EQ(bn.parameter_count(), 11u);
  // The CPT factor is over {WetGrass} ∪ parents, canonical order = ids 1, 2, 3 (WetGrass fastest).
  const Factor& f = bn.cpt(bn.id("WetGrass"));
  EXPECT_EQ(f.variables(), (std::vector<VariableId>{1, 2, 3}));
  const std::size_t on_yes_wet[] = {1, 1, 1};
  EXPECT_EQ(f.at(on_yes_wet), 0.95);
}

TEST(YamlLoad, AsiaMatchesTheBifNumbers) {
  const BayesianNetwork bn = load_bn("asia.yaml");
  ASSERT_EQ(bn.size(), 8u);
  const Names order{"asia", "tub", "smoke", "lung", "bronc", "either", "xray", "dysp"};
  for (VariableId v = 0; v < 8; ++v) {
    EXPECT_EQ(bn.variable(v).name, order[v]);
    EXPECT_EQ(bn.variable(v).states, (Names{"yes", "no"}));
  }
  // asia.bif: probability ( either | lung, tub ) { (yes, yes) 1.0, 0.0; (no, yes) 1.0, 0.0;
  //   (yes, no) 1.0, 0.0; (no, no) 0.0, 1.0; } -> rows lung-major: yy, yn, ny, nn
  EXPECT_EQ(names_of(bn, bn.parents(bn.id("either"))), (Names{"lung", "tub"}));
  EXPECT_EQ(bn.cpt_table(bn.id("either")), (Values{1, 0, 1, 0, 1, 0, 0, 1}));
  // dysp | bronc, either: (yes,yes) .9 .1; (yes,no) .8 .2; (no,yes) .7 .3; (no,no) .1 .9
  EXPECT_EQ(names_of(bn, bn.parents(bn.id("dysp"))), (Names{"bronc", "either"}));
  EXPECT_EQ(bn.cpt_table(bn.id("dysp")), (Values{0.9, 0.1, 0.8, 0.2, 0.7, 0.3, 0.1, 0.9}));
  EXPECT_EQ(bn.cpt_table(bn.id("tub")), (Values{0.05, 0.95, 0.01, 0.99}));
  EXPECT_EQ(bn.cpt_table(bn.id("xray")), (Values{0.98, 0.02, 0.05, 0.95}));
  EXPECT_EQ(bn.graph().num_edges(), 8u);
}

TEST(YamlLoad, StudentStructure) {
  const BayesianNetwork bn = load_bn("student.yaml");
  ASSERT_EQ(bn.size(), 5u);
  EXPECT_EQ(bn.variable(bn.id("Grade")).states, (Names{"g1", "g2", "g3"}));
  EXPECT_EQ(names_of(bn, bn.parents(bn.id("Grade"))), (Names{"Intelligence", "Difficulty"}));
  // K&F Fig. 3.4 rows i0d0, i0d1, i1d0, i1d1.
  EXPECT_EQ(bn.cpt_table(bn.id("Grade")),
            (Values{0.3, 0.4, 0.3, 0.05, 0.25, 0.7, 0.9, 0.08, 0.02, 0.5, 0.3, 0.2}));
  // Difficulty 1 + Intelligence 1 + Grade 4*2 + SAT 2 + Letter 3 = 15
  EXPECT_EQ(bn.parameter_count(), 15u);
}

TEST(YamlLoad, YesNoOnOffTrueStayStateNames) {
  const std::string text = R"(name: literal
type: bayesian-network
variables:
  A: [yes, no]
  B: [on, off]
  C: [true, false]
  D: [Yes, NO, y, n, 'null', ~x]
cpds:
  A:
    probabilities: [0.3, 0.7]
  B:
    parents: [A]
    probabilities:
      yes: [0.1, 0.9]
      no: [0.6, 0.4]
  C:
    parents: [B]
    probabilities:
      on: [1.0, 0.0]
      off: [0.5, 0.5]
  D:
    parents: [C, A]
    probabilities:
      true: {yes: [0.1, 0.1, 0.2, 0.2, 0.2, 0.2], no: [1, 0, 0, 0, 0, 0]}
      false: {yes: [0, 0, 0, 0, 0, 1], no: [0.5, 0, 0, 0, 0, 0.5]}
)";
  const BayesianNetwork bn = std::get<BayesianNetwork>(io::read_yaml_string(text, "literal.yaml"));
  EXPECT_EQ(bn.variable(0).states, (Names{"yes", "no"}));
  EXPECT_EQ(bn.variable(1).states, (Names{"on", "off"}));
  EXPECT_EQ(bn.variable(2).states, (Names{"true", "false"}));
  EXPECT_EQ(bn.variable(3).states, (Names{"Yes", "NO", "y", "n", "null", "~x"}));
  EXPECT_EQ(bn.cpt_table(1), (Values{0.1, 0.9, 0.6, 0.4}));
  EXPECT_EQ(bn.cpt_table(2), (Values{1.0, 0.0, 0.5, 0.5}));
  EXPECT_EQ(bn.cpt_table(3), (Values{0.1, 0.1, 0.2, 0.2, 0.2, 0.2, 1, 0, 0, 0, 0, 0,  //
                                     0, 0, 0, 0, 0, 1, 0.5, 0, 0, 0, 0, 0.5}));
  const std::vector<std::pair<std::string, std::string>> given{{"A", "yes"}, {"C", "false"}};
  EXPECT_EQ(bn.evidence(given), (Evidence{{0, 0}, {2, 1}}));
}

// The sprinkler model with WetGrass and Sprinkler given as flat tables instead of nested maps.
constexpr const char* kSprinklerTable = R"(name: sprinkler
type: bayesian-network
variables:
  Season: [winter, summer]
  Sprinkler: [off, on]
  Rain: [no, yes]
  WetGrass: [dry, wet]
  Slippery: [no, yes]
cpds:
  Season:
    table: [0.6, 0.4]
  Sprinkler:
    parents: [Season]
    table: [0.8, 0.2, 0.25, 0.75]
  Rain:
    parents: [Season]
    probabilities:
      winter: [0.2, 0.8]
      summer: [0.9, 0.1]
  WetGrass:
    parents: [Sprinkler, Rain]
    table: [1.0, 0.0, 0.2, 0.8, 0.1, 0.9, 0.05, 0.95]
  Slippery:
    parents: [WetGrass]
    probabilities:
      dry: [1.0, 0.0]
      wet: [0.3, 0.7]
)";

TEST(YamlLoad, TableFormEqualsNestedForm) {
  const BayesianNetwork nested = load_bn("sprinkler.yaml");
  const BayesianNetwork flat = std::get<BayesianNetwork>(io::read_yaml_string(kSprinklerTable, "flat.yaml"));
  ASSERT_EQ(flat.size(), nested.size());
  EXPECT_EQ(flat.variables(), nested.variables());
  for (VariableId v = 0; v < flat.size(); ++v) {
    EXPECT_EQ(flat.cpt_table(v), nested.cpt_table(v)) << nested.variable(v).name;
    EXPECT_EQ(flat.cpt(v), nested.cpt(v)) << nested.variable(v).name;
    EXPECT_EQ(names_of(flat, flat.parents(v)), names_of(nested, nested.parents(v)));
  }
}

TEST(YamlLoad, ParentOrderDecidesTheTableLayout) {
  // The same CPT with parents listed the other way round: WetGrass | Rain, Sprinkler.
  // Rows rain-major: (no, off) 1 0; (no, on) .1 .9; (yes, off) .2 .8; (yes, on) .05 .95.
  std::string text = kSprinklerTable;
  const std::string from = "parents: [Sprinkler, Rain]\n    table: [1.0, 0.0, 0.2, 0.8, 0.1, 0.9, 0.05, 0.95]";
  const std::string to = "parents: [Rain, Sprinkler]\n    table: [1.0, 0.0, 0.1, 0.9, 0.2, 0.8, 0.05, 0.95]";
  const auto at = text.find(from);
  ASSERT_NE(at, std::string::npos);
  text.replace(at, from.size(), to);
  const BayesianNetwork swapped = std::get<BayesianNetwork>(io::read_yaml_string(text, "swapped.yaml"));
  const BayesianNetwork nested = load_bn("sprinkler.yaml");
  const VariableId wet = nested.id("WetGrass");
  EXPECT_EQ(names_of(swapped, swapped.parents(wet)), (Names{"Rain", "Sprinkler"}));
  EXPECT_EQ(swapped.cpt_table(wet), (Values{1.0, 0.0, 0.1, 0.9, 0.2, 0.8, 0.05, 0.95}));
  EXPECT_EQ(swapped.cpt(wet), nested.cpt(wet));  // the same conditional distribution
}

TEST(YamlLoad, MisconceptionMarkovNetwork) {
  const MarkovNetwork mn = load_mn("misconception.yaml");
  EXPECT_EQ(mn.name(), "misconception");
  ASSERT_EQ(mn.size(), 4u);
  ASSERT_EQ(mn.factors().size(), 4u);
  const VariableId A = mn.id("A"), B = mn.id("B"), C = mn.id("C"), D = mn.id("D");
  EXPECT_EQ(mn.variable(A).states, (Names{"a0", "a1"}));
  const std::vector<std::vector<VariableId>> scopes{{A, B}, {B, C}, {C, D}, {D, A}};
  const std::vector<Values> values{{30, 5, 1, 10}, {100, 1, 1, 100}, {1, 100, 100, 1}, {100, 1, 1, 100}};
  for (std::size_t i = 0; i < 4; ++i) {
    const auto scope = mn.scope(i);
    EXPECT_EQ(std::vector<VariableId>(scope.begin(), scope.end()), scopes[i]);
    EXPECT_EQ(mn.factors()[i].values_in_order(scope), values[i]);
  }
  // The loop A - B - C - D - A and nothing else.
  EXPECT_EQ(mn.graph().num_edges(), 4u);
  EXPECT_TRUE(mn.graph().has_edge(A, D));
  EXPECT_FALSE(mn.graph().has_edge(A, C));
  EXPECT_FALSE(mn.graph().has_edge(B, D));
}

TEST(YamlLoad, LessonJointMarkovNetwork) {
  const MarkovNetwork mn = load_mn("lesson-joint.yaml");
  ASSERT_EQ(mn.size(), 2u);
  ASSERT_EQ(mn.factors().size(), 1u);
  EXPECT_EQ(mn.variable(0).name, "X");
  EXPECT_EQ(mn.variable(1).states, (Names{"y0", "y1", "y2"}));
  EXPECT_EQ(mn.factors()[0].cardinalities(), (std::vector<std::size_t>{3, 3}));
  const std::size_t x1y0[] = {1, 0};
  EXPECT_EQ(mn.factors()[0].at(x1y0), 0.20);
  const std::size_t x2y1[] = {2, 1};
  EXPECT_EQ(mn.factors()[0].at(x2y1), 0.20);
  const std::size_t x0y2[] = {0, 2};
  EXPECT_EQ(mn.factors()[0].at(x0y2), 0.05);
}

TEST(YamlLoad, MarkovScopeOrderIsRespected) {
  // phi(B, A) with A fastest: b0a0 = 1, b0a1 = 2, b1a0 = 3, b1a1 = 4 -> canonical (A, B): 1 3 2 4.
  const std::string text = R"(name: order
type: markov-network
variables:
  A: [a0, a1]
  B: [b0, b1]
factors:
  - scope: [B, A]
    values: [1, 2, 3, 4]
)";
  const MarkovNetwork mn = std::get<MarkovNetwork>(io::read_yaml_string(text, "order.yaml"));
  ASSERT_EQ(mn.factors().size(), 1u);
  const Factor& f = mn.factors()[0];
  EXPECT_EQ(f.variables(), (std::vector<VariableId>{0, 1}));
  EXPECT_EQ(Values(f.values().begin(), f.values().end()), (Values{1, 3, 2, 4}));
}

TEST(YamlLoad, LoadModelDispatchesYamlByExtension) {
  const ModelVariant m = io::load_model(model_path("student.yaml"));
  ASSERT_TRUE(std::holds_alternative<BayesianNetwork>(m));
  EXPECT_EQ(std::get<BayesianNetwork>(m).size(), 5u);
  EXPECT_TRUE(std::holds_alternative<MarkovNetwork>(io::load_model(model_path("misconception.yaml"))));
}

TEST(YamlLoad, MissingFileIsAnIoError) {
  try {
    (void)io::read_yaml_file(model_path("no-such-model.yaml"));
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("no-such-model.yaml"), std::string::npos) << e.what();
  }
}

TEST(YamlWrite, BayesianRoundTrip) {
  for (const char* name : {"sprinkler.yaml", "asia.yaml", "student.yaml"}) {
    const BayesianNetwork bn = load_bn(name);
    const std::string text = io::write_yaml(bn);
    const BayesianNetwork back = std::get<BayesianNetwork>(io::read_yaml_string(text, "roundtrip.yaml"));
    EXPECT_EQ(back.name(), bn.name());
    EXPECT_EQ(back.variables(), bn.variables());
    for (VariableId v = 0; v < bn.size(); ++v) {
      EXPECT_EQ(names_of(back, back.parents(v)), names_of(bn, bn.parents(v)));
      EXPECT_EQ(back.cpt_table(v), bn.cpt_table(v)) << name << " " << bn.variable(v).name;
    }
  }
}

TEST(YamlWrite, MarkovRoundTrip) {
  for (const char* name : {"misconception.yaml", "lesson-joint.yaml"}) {
    const MarkovNetwork mn = load_mn(name);
    const MarkovNetwork back = std::get<MarkovNetwork>(io::read_yaml_string(io::write_yaml(mn), "roundtrip.yaml"));
    EXPECT_EQ(back.variables(), mn.variables());
    ASSERT_EQ(back.factors().size(), mn.factors().size());
    for (std::size_t i = 0; i < mn.factors().size(); ++i) EXPECT_EQ(back.factors()[i], mn.factors()[i]) << name;
  }
}

}  // namespace
}  // namespace pgm
