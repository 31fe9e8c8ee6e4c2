// The bundled models against published values and hand derivations (arithmetic in the comments).
// Nothing here is copied from pgm's own output.
#include <pgm/core/error.hpp>
#include <pgm/inference/variable_elimination.hpp>
#include <pgm/io/yaml.hpp>

#include "support/enumeration_oracle.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace pgm {
namespace {

using Assignments = std::vector<std::pair<std::string, std::string>>;

std::string model_path(const std::string& name) { return std::string(PGM_SOURCE_DIR) + "/models/" + name; }

// Loads a model and answers P(target = state | given) by name.
template <class M>
class Named {
 public:
  explicit Named(const std::string& file) : model_(std::get<M>(io::read_yaml_file(model_path(file)))), ve_(model_) {}

  double p(const std::string& target, const std::string& state, const Assignments& given = {}) const {
    const VariableId t = model_.id(target);
    const Factor m = ve_.marginal(t, model_.evidence(given));
    return m.values()[model_.variable(t).state_index(state)];
  }
  double p_evidence(const Assignments& given) const { return ve_.probability_of_evidence(model_.evidence(given)); }
  const M& model() const { return model_; }
  const VariableElimination& ve() const { return ve_; }

 private:
  M model_;
  VariableElimination ve_;
};

using NamedBn = Named<BayesianNetwork>;
using NamedMn = Named<MarkovNetwork>;

// ---- Asia (Lauritzen & Spiegelhalter 1988) -------------------------------------------------------

TEST(Textbook, AsiaPriorMarginals) {
  const NamedBn asia("asia.yaml");
  // P(tub) = P(asia) 0.05 + P(!asia) 0.01 = 0.01*0.05 + 0.99*0.01 = 0.0005 + 0.0099 = 0.0104
  EXPECT_NEAR(asia.p("tub", "yes"), 0.0104, 1e-12);
  // P(lung) = 0.5*0.1 + 0.5*0.01 = 0.055
  EXPECT_NEAR(asia.p("lung", "yes"), 0.055, 1e-12);
  // P(bronc) = 0.5*0.6 + 0.5*0.3 = 0.45
  EXPECT_NEAR(asia.p("bronc", "yes"), 0.45, 1e-12);
  // tub and lung are marginally independent, either = tub OR lung:
  // P(either) = 1 - (1 - 0.0104)(1 - 0.055) = 1 - 0.9896*0.945 = 1 - 0.935172 = 0.064828
  EXPECT_NEAR(asia.p("either", "yes"), 0.064828, 1e-12);
  // P(xray) = 0.98*0.064828 + 0.05*0.935172 = 0.06353144 + 0.0467586 = 0.11029004
  EXPECT_NEAR(asia.p("xray", "yes"), 0.11029004, 1e-12);
  // dysp depends on (bronc, either), which share the parent smoke:
  //   P(either | smoke)  = 1 - 0.9896*0.9  = 0.10936;  P(either | !smoke) = 1 - 0.9896*0.99 = 0.020296
  //   P(b, e)   = 0.5(0.6*0.10936 + 0.3*0.020296) = 0.0358524
  //   P(b, !e)  = 0.5(0.6*0.89064 + 0.3*0.979704) = 0.4141476
  //   P(!b, e)  = 0.5(0.4*0.10936 + 0.7*0.020296) = 0.0289756
  //   P(!b, !e) = 0.5(0.4*0.89064 + 0.7*0.979704) = 0.5210244
  //   P(dysp) = 0.9*0.0358524 + 0.8*0.4141476 + 0.7*0.0289756 + 0.1*0.5210244
  //           = 0.03226716 + 0.33131808 + 0.02028292 + 0.05210244 = 0.4359706
  EXPECT_NEAR(asia.p("dysp", "yes"), 0.4359706, 1e-12);
  EXPECT_NEAR(asia.p("asia", "yes"), 0.01, 1e-12);
  EXPECT_NEAR(asia.p("smoke", "no"), 0.5, 1e-12);
}

TEST(Textbook, AsiaPosteriorsByHand) {
  const NamedBn asia("asia.yaml");
  // Evidence on a root: P(tub | asia) = 0.05 (read off the CPT).
  EXPECT_NEAR(asia.p("tub", "yes", {{"asia", "yes"}}), 0.05, 1e-12);
  // P(either | xray) = 0.98*0.064828 / 0.11029004 = 0.06353144 / 0.11029004 = 0.576039685904...
  EXPECT_NEAR(asia.p("either", "yes", {{"xray", "yes"}}), 0.06353144 / 0.11029004, 1e-12);
  // tub implies either, so P(tub, xray) = 0.0104*0.98 = 0.010192; / 0.11029004 = 0.0924108831...
  EXPECT_NEAR(asia.p("tub", "yes", {{"xray", "yes"}}), 0.010192 / 0.11029004, 1e-12);
  // likewise P(lung | xray) = 0.055*0.98 / 0.11029004 = 0.0539 / 0.11029004 = 0.4887114013...
  EXPECT_NEAR(asia.p("lung", "yes", {{"xray", "yes"}}), 0.0539 / 0.11029004, 1e-12);
  EXPECT_NEAR(asia.p_evidence({{"xray", "yes"}}), 0.11029004, 1e-12);
  // Given asia: P(tub) = 0.05, P(either) = 1 - 0.95*0.945 = 0.10225,
  //   P(xray) = 0.98*0.10225 + 0.05*0.89775 = 0.100205 + 0.0448875 = 0.1450925,
  //   P(tub | asia, xray) = 0.05*0.98 / 0.1450925 = 0.049 / 0.1450925 = 0.3377155952...
  EXPECT_NEAR(asia.p("tub", "yes", {{"asia", "yes"}, {"xray", "yes"}}), 0.049 / 0.1450925, 1e-12);
  // P(asia, xray) = 0.01 * 0.1450925
  EXPECT_NEAR(asia.p_evidence({{"asia", "yes"}, {"xray", "yes"}}), 0.001450925, 1e-15);
}

TEST(Textbook, AsiaPublishedPosteriors) {
  const NamedBn asia("asia.yaml");
  // Lauritzen & Spiegelhalter (1988): a patient back from Asia with dyspnoea has tuberculosis 8.8%,
  // lung cancer 10.0% (9.95%), bronchitis 81.1%; a positive X-ray then raises them to 39.2%, 44.4%
  // and lowers bronchitis to 62.9%. The extra digits come from exact rational enumeration of the
  // CPTs above (Python fractions), independent of pgm.
  const Assignments ad{{"asia", "yes"}, {"dysp", "yes"}};
  EXPECT_NEAR(asia.p("tub", "yes", ad), 0.08775096498292188, 1e-12);
  EXPECT_NEAR(asia.p("lung", "yes", ad), 0.09952514509455444, 1e-12);
  EXPECT_NEAR(asia.p("bronc", "yes", ad), 0.8114020715892366, 1e-12);
  EXPECT_NEAR(asia.p_evidence(ad), 0.004501375, 1e-15);
  const Assignments adx{{"asia", "yes"}, {"dysp", "yes"}, {"xray", "yes"}};
  EXPECT_NEAR(asia.p("tub", "yes", adx), 0.39171172000757926, 1e-12);
  EXPECT_NEAR(asia.p("lung", "yes", adx), 0.44427050775543164, 1e-12);
  EXPECT_NEAR(asia.p("bronc", "yes", adx), 0.6288217759739857, 1e-12);
  EXPECT_NEAR(asia.p("smoke", "yes", adx), 0.7020251172112069, 1e-12);
  EXPECT_NEAR(asia.p_evidence(adx), 0.00098822675, 1e-15);
}

TEST(Textbook, AsiaAllMarginalsMatchEnumeration) {
  const NamedBn asia("asia.yaml");
  const testing::EnumerationOracle oracle(asia.model());
  const std::vector<Assignments> cases = {
      {}, {{"dysp", "yes"}}, {{"smoke", "no"}, {"xray", "yes"}}, {{"either", "no"}, {"dysp", "yes"}},
      {{"tub", "yes"}, {"lung", "no"}, {"bronc", "no"}}};
  for (const auto& given : cases) {
    const Evidence e = asia.model().evidence(given);
    const auto expected = oracle.marginals(e);
    for (VariableId v = 0; v < asia.model().size(); ++v) {
      const Factor m = asia.ve().marginal(v, e);
      for (std::size_t s = 0; s < 2; ++s) EXPECT_NEAR(m.values()[s], expected[v][s], 1e-12);
    }
  }
}

TEST(Textbook, AsiaImpossibleEvidence) {
  // either = no while tub = yes has probability 0 (either is a logical OR).
  const NamedBn asia("asia.yaml");
  EXPECT_THROW((void)asia.p("dysp", "yes", {{"tub", "yes"}, {"either", "no"}}), ZeroProbabilityEvidence);
  EXPECT_EQ(asia.p_evidence({{"tub", "yes"}, {"either", "no"}}), 0.0);
}

// ---- Student (Koller & Friedman 2009, Fig. 3.4 and Section 3.2.1.2) ------------------------------

TEST(Textbook, StudentKollerFriedman) {
  const NamedBn st("student.yaml");
  // P(g) = sum_{i,d} P(i) P(d) P(g | i, d):
  //   g1 = .7*.6*.3 + .7*.4*.05 + .3*.6*.9 + .3*.4*.5  = .126 + .014 + .162 + .06   = .362
  //   g2 = .7*.6*.4 + .7*.4*.25 + .3*.6*.08 + .3*.4*.3 = .168 + .07 + .0144 + .036  = .2884
  //   g3 = .7*.6*.3 + .7*.4*.7 + .3*.6*.02 + .3*.4*.2  = .126 + .196 + .0036 + .024 = .3496
  EXPECT_NEAR(st.p("Grade", "g1"), 0.362, 1e-12);
  EXPECT_NEAR(st.p("Grade", "g2"), 0.2884, 1e-12);
  EXPECT_NEAR(st.p("Grade", "g3"), 0.3496, 1e-12);
  // K&F: P(l1) ~ 0.502.  .362*.9 + .2884*.6 + .3496*.01 = .3258 + .17304 + .003496 = .502336
  EXPECT_NEAR(st.p("Letter", "l1"), 0.502336, 1e-12);
  // K&F: P(l1 | i0) ~ 0.389.  P(g | i0) = .6(.3,.4,.3) + .4(.05,.25,.7) = (.2,.34,.46);
  //   .2*.9 + .34*.6 + .46*.01 = .18 + .204 + .0046 = .3886
  EXPECT_NEAR(st.p("Letter", "l1", {{"Intelligence", "i0"}}), 0.3886, 1e-12);
  // K&F: P(l1 | i0, d0) ~ 0.513.  .3*.9 + .4*.6 + .3*.01 = .27 + .24 + .003 = .513
  EXPECT_NEAR(st.p("Letter", "l1", {{"Intelligence", "i0"}, {"Difficulty", "d0"}}), 0.513, 1e-12);
  // K&F: P(i1 | g3) ~ 0.079.  P(i1, g3) = .3*.6*.02 + .3*.4*.2 = .0036 + .024 = .0276; / .3496
  EXPECT_NEAR(st.p("Intelligence", "i1", {{"Grade", "g3"}}), 0.0276 / 0.3496, 1e-12);
  EXPECT_NEAR(st.p("Intelligence", "i1", {{"Grade", "g3"}}), 0.079, 5e-4);
  // K&F: P(d1 | g3) ~ 0.629.  P(d1, g3) = .7*.4*.7 + .3*.4*.2 = .196 + .024 = .22; / .3496
  EXPECT_NEAR(st.p("Difficulty", "d1", {{"Grade", "g3"}}), 0.22 / 0.3496, 1e-12);
  EXPECT_NEAR(st.p("Difficulty", "d1", {{"Grade", "g3"}}), 0.629, 5e-4);
  // K&F: P(i1 | l0) ~ 0.14.  P(g | i1) = .6(.9,.08,.02) + .4(.5,.3,.2) = (.74,.168,.092);
  //   P(l0 | i1) = .74*.1 + .168*.4 + .092*.99 = .074 + .0672 + .09108 = .23228;
  //   P(i1, l0) = .3*.23228 = .069684;  P(l0) = 1 - .502336 = .497664
  EXPECT_NEAR(st.p("Intelligence", "i1", {{"Letter", "l0"}}), 0.069684 / 0.497664, 1e-12);
  EXPECT_NEAR(st.p("Intelligence", "i1", {{"Letter", "l0"}}), 0.14, 5e-3);
  // K&F: P(i1 | g3, s1) ~ 0.578.  P(i1, g3, s1) = .0276*.8 = .02208;
  //   P(i0, g3, s1) = (.7*.6*.3 + .7*.4*.7)*.05 = .322*.05 = .0161;  .02208 / (.02208 + .0161)
  EXPECT_NEAR(st.p("Intelligence", "i1", {{"Grade", "g3"}, {"SAT", "s1"}}), 0.02208 / 0.03818, 1e-12);
  EXPECT_NEAR(st.p("Intelligence", "i1", {{"Grade", "g3"}, {"SAT", "s1"}}), 0.578, 5e-4);
  // K&F: P(d1 | g3, s1) ~ 0.76 (explaining away).  P(d1, g3, s1) = .4(.7*.05*.7 + .3*.8*.2)
  //   = .4(.0245 + .048) = .029;  .029 / .03818
  EXPECT_NEAR(st.p("Difficulty", "d1", {{"Grade", "g3"}, {"SAT", "s1"}}), 0.029 / 0.03818, 1e-12);
  EXPECT_NEAR(st.p("Difficulty", "d1", {{"Grade", "g3"}, {"SAT", "s1"}}), 0.76, 5e-3);
  EXPECT_NEAR(st.p_evidence({{"Grade", "g3"}, {"SAT", "s1"}}), 0.03818, 1e-14);
}

// ---- Sprinkler (the model) ---------------------------------------------------------------

TEST(Textbook, SprinklerByHand) {
  const NamedBn sp("sprinkler.yaml");
  // P(Rain = yes) = .6*.8 + .4*.1 = .52
  EXPECT_NEAR(sp.p("Rain", "yes"), 0.52, 1e-12);
  // P(Sprinkler = on) = .6*.2 + .4*.75 = .42
  EXPECT_NEAR(sp.p("Sprinkler", "on"), 0.42, 1e-12);
  // P(Rain = yes, wet) = sum_season P(s) P(r | s) sum_spr P(spr | s) P(wet | spr, r)
  //   winter: .6*.8*(.8*.8 + .2*.95) = .48*.83 = .3984;  summer: .4*.1*(.25*.8 + .75*.95) = .04*.9125 = .0365
  //   -> .4349
  // P(Rain = no, wet): winter: .6*.2*(.8*0 + .2*.9) = .12*.18 = .0216;  summer: .4*.9*(.25*0 + .75*.9)
  //   = .36*.675 = .243  -> .2646
  // P(wet) = .4349 + .2646 = .6995
  EXPECT_NEAR(sp.p("WetGrass", "wet"), 0.6995, 1e-12);
  EXPECT_NEAR(sp.p_evidence({{"WetGrass", "wet"}}), 0.6995, 1e-12);
  EXPECT_NEAR(sp.p("Rain", "yes", {{"WetGrass", "wet"}}), 0.4349 / 0.6995, 1e-12);  // 0.62173...
  // P(Sprinkler = on, wet): winter: .6*.2*(.2*.9 + .8*.95) = .12*.94 = .1128;
  //   summer: .4*.75*(.9*.9 + .1*.95) = .3*.905 = .2715  -> .3843
  EXPECT_NEAR(sp.p("Sprinkler", "on", {{"WetGrass", "wet"}}), 0.3843 / 0.6995, 1e-12);  // 0.54939...
  // Slippery only through WetGrass: P(Slippery = yes) = .7 * .6995 = .48965
  EXPECT_NEAR(sp.p("Slippery", "yes"), 0.48965, 1e-12);
  // P(wet | winter) = (.3984 + .0216)/.6 = .7, P(wet | summer) = (.0365 + .243)/.4 = .69875;
  // P(winter | Slippery = yes) = .6*.7*.7 / (.6*.7*.7 + .4*.69875*.7) = .42 / .6995
  EXPECT_NEAR(sp.p("Season", "winter", {{"Slippery", "yes"}}), 0.42 / 0.6995, 1e-12);
  // Explaining away: once the sprinkler is known on, rain is less likely.
  // P(Rain = yes, Spr = on, wet) = .6*.2*.8*.95 + .4*.75*.1*.95 = .0912 + .0285 = .1197
  // P(Rain = no,  Spr = on, wet) = .6*.2*.2*.9  + .4*.75*.9*.9  = .0216 + .243  = .2646
  EXPECT_NEAR(sp.p("Rain", "yes", {{"WetGrass", "wet"}, {"Sprinkler", "on"}}), 0.1197 / (0.1197 + 0.2646), 1e-12);
  // Dry grass with the sprinkler off rules rain out only partly: P(dry | off, yes) = .2.
  // P(Rain = yes, off, dry) = .6*.8*.8*.2 + .4*.25*.1*.2 = .0768 + .002 = .0788
  // P(Rain = no, off, dry)  = .6*.8*.2*1  + .4*.25*.9*1  = .096 + .09  = .186
  EXPECT_NEAR(sp.p("Rain", "yes", {{"WetGrass", "dry"}, {"Sprinkler", "off"}}), 0.0788 / (0.0788 + 0.186), 1e-12);
  // Slippery = yes with WetGrass = dry is impossible.
  EXPECT_THROW((void)sp.p("Rain", "yes", {{"WetGrass", "dry"}, {"Slippery", "yes"}}), ZeroProbabilityEvidence);
}

TEST(Textbook, SprinklerJoint) {
  const NamedBn sp("sprinkler.yaml");
  const auto& bn = sp.model();
  // P(Sprinkler, Rain | wet), from the four terms above: (off, no) 0, (off, yes) winter .6*.8*.8*.8
  // + summer .4*.1*.25*.8 = .3072 + .008 = .3152, (on, no) .2646, (on, yes) .1197; / .6995
  const VariableId targets[] = {bn.id("Rain"), bn.id("Sprinkler")};
  const Posterior post = sp.ve().joint(targets, bn.evidence(Assignments{{"WetGrass", "wet"}}));
  ASSERT_EQ(post.distribution.variables(), (std::vector<VariableId>{bn.id("Sprinkler"), bn.id("Rain")}));
  const double expected[] = {0.0, 0.3152 / 0.6995, 0.2646 / 0.6995, 0.1197 / 0.6995};
  for (std::size_t i = 0; i < 4; ++i) EXPECT_NEAR(post.distribution.values()[i], expected[i], 1e-12) << i;
  EXPECT_NEAR(post.probability_of_evidence, 0.6995, 1e-12);
}

// ---- The lesson's 3x3 joint table ----------------------------------------------------------------

TEST(Textbook, LessonJointMarginalsAndConditionals) {
  const NamedMn lj("lesson-joint.yaml");
  // Row sums P(X) = (.1+.05+.05, .2+.15+.05, .05+.2+.15) = (.2, .4, .4)
  EXPECT_NEAR(lj.p("X", "x0"), 0.2, 1e-12);
  EXPECT_NEAR(lj.p("X", "x1"), 0.4, 1e-12);
  EXPECT_NEAR(lj.p("X", "x2"), 0.4, 1e-12);
  // Column sums P(Y) = (.1+.2+.05, .05+.15+.2, .05+.05+.15) = (.35, .4, .25)
  EXPECT_NEAR(lj.p("Y", "y0"), 0.35, 1e-12);
  EXPECT_NEAR(lj.p("Y", "y1"), 0.40, 1e-12);
  EXPECT_NEAR(lj.p("Y", "y2"), 0.25, 1e-12);
  // Z = 1: the table is already a distribution.
  EXPECT_NEAR(lj.p_evidence({}), 1.0, 1e-12);
  EXPECT_NEAR(lj.p_evidence({{"Y", "y1"}}), 0.40, 1e-12);
  // P(X | Y = y0) = (.1, .2, .05) / .35 = (2/7, 4/7, 1/7)
  EXPECT_NEAR(lj.p("X", "x0", {{"Y", "y0"}}), 2.0 / 7.0, 1e-12);
  EXPECT_NEAR(lj.p("X", "x1", {{"Y", "y0"}}), 4.0 / 7.0, 1e-12);
  EXPECT_NEAR(lj.p("X", "x2", {{"Y", "y0"}}), 1.0 / 7.0, 1e-12);
  // P(X | Y = y1) = (.05, .15, .2) / .4 = (.125, .375, .5)
  EXPECT_NEAR(lj.p("X", "x0", {{"Y", "y1"}}), 0.125, 1e-12);
  EXPECT_NEAR(lj.p("X", "x1", {{"Y", "y1"}}), 0.375, 1e-12);
  EXPECT_NEAR(lj.p("X", "x2", {{"Y", "y1"}}), 0.5, 1e-12);
  // P(X | Y = y2) = (.05, .05, .15) / .25 = (.2, .2, .6)
  EXPECT_NEAR(lj.p("X", "x2", {{"Y", "y2"}}), 0.6, 1e-12);
  // P(Y | X = x1) = (.2, .15, .05) / .4 = (.5, .375, .125); P(Y | X = x2) = (.05, .2, .15)/.4
  EXPECT_NEAR(lj.p("Y", "y0", {{"X", "x1"}}), 0.5, 1e-12);
  EXPECT_NEAR(lj.p("Y", "y1", {{"X", "x1"}}), 0.375, 1e-12);
  EXPECT_NEAR(lj.p("Y", "y2", {{"X", "x1"}}), 0.125, 1e-12);
  EXPECT_NEAR(lj.p("Y", "y0", {{"X", "x2"}}), 0.125, 1e-12);
  EXPECT_NEAR(lj.p("Y", "y1", {{"X", "x0"}}), 0.25, 1e-12);
}

// ---- Misconception (Koller & Friedman 2009, Fig. 4.1-4.2) ----------------------------------------

TEST(Textbook, MisconceptionPartitionFunctionAndMarginals) {
  const NamedMn mc("misconception.yaml");
  // Hand-written brute force over the 16 assignments with the book's factor tables.
  const double phi1[2][2] = {{30, 5}, {1, 10}};     // (a, b)
  const double phi2[2][2] = {{100, 1}, {1, 100}};   // (b, c)
  const double phi3[2][2] = {{1, 100}, {100, 1}};   // (c, d)
  const double phi4[2][2] = {{100, 1}, {1, 100}};   // (d, a)
  double z = 0, ab[2][2] = {}, single[4][2] = {};
  for (int a = 0; a < 2; ++a)
    for (int b = 0; b < 2; ++b)
      for (int c = 0; c < 2; ++c)
        for (int d = 0; d < 2; ++d) {
          const double w = phi1[a][b] * phi2[b][c] * phi3[c][d] * phi4[d][a];
          z += w;
          ab[a][b] += w;
          single[0][a] += w;
          single[1][b] += w;
          single[2][c] += w;
          single[3][d] += w;
        }
  ASSERT_EQ(z, 7201840.0);  // the book's value, reproduced by the loop above
  EXPECT_NEAR(mc.p_evidence({}), 7201840.0, 1e-6);
  const char* names[] = {"A", "B", "C", "D"};
  const char* one[] = {"a1", "b1", "c1", "d1"};
  for (int v = 0; v < 4; ++v) EXPECT_NEAR(mc.p(names[v], one[v]), single[v][1] / z, 1e-12) << names[v];
  // K&F Fig. 4.2: P(a0, b1) ~ 0.69 (5,001,500 / 7,201,840), P(a1, b1) ~ 0.04.
  const auto& mn = mc.model();
  const VariableId targets[] = {mn.id("B"), mn.id("A")};
  const Posterior post = mc.ve().joint(targets, {});
  for (int a = 0; a < 2; ++a)
    for (int b = 0; b < 2; ++b) EXPECT_NEAR(post.distribution.values()[2 * a + b], ab[a][b] / z, 1e-12);
  EXPECT_NEAR(post.distribution.values()[1], 0.69, 5e-3);
  EXPECT_NEAR(post.probability_of_evidence, 7201840.0, 1e-6);
  // Z with evidence A = a1: sum of weights with a = 1 = single[0][1]
  EXPECT_NEAR(mc.p_evidence({{"A", "a1"}}), single[0][1], 1e-6);
  // P(B = b1 | A = a1) = ab[1][1] / single[0][1]
  EXPECT_NEAR(mc.p("B", "b1", {{"A", "a1"}}), ab[1][1] / single[0][1], 1e-12);
}

}  // namespace
}  // namespace pgm
