// pgm::render (issue 13): the pictures read back. SVG parsed as XML (pugixml); the percentages
// shown checked against posteriors worked out by hand (sprinkler, from its CPTs) or by brute-force
// enumeration (asia, support/enumeration_oracle: no pgm inference), within the half-unit of the
// last decimal that one-decimal rounding allows. DOT read back with cgraph (agmemread).
#include "support/enumeration_oracle.hpp"

#include <pgm/core/error.hpp>
#include <pgm/query/model.hpp>
#include <pgm/render/render.hpp>

#include <graphviz/cgraph.h>
#include <gtest/gtest.h>
#include <pugixml.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace {

using pgm::Model;
using pgm::query::Evidence;
namespace render = pgm::render;

std::string model_path(const std::string& name) { return std::string(PGM_SOURCE_DIR) + "/models/" + name; }

bool has_class(const pugi::xml_node& n, const std::string& cls) {
  const std::string classes = std::string(" ") + n.attribute("class").value() + " ";
  return classes.find(" " + cls + " ") != std::string::npos;
}

// Every <g> of a class, by id.
std::map<std::string, pugi::xml_node> groups(const pugi::xml_document& doc, const std::string& cls) {
  std::map<std::string, pugi::xml_node> out;
  for (const pugi::xpath_node& x : doc.select_nodes("//g")) {
    if (has_class(x.node(), cls)) out[x.node().attribute("id").value()] = x.node();
  }
  return out;
}

// The text of every <text> under `n`, in document order.
std::vector<std::string> texts(const pugi::xml_node& n) {
  std::vector<std::string> out;
  for (const pugi::xpath_node& x : n.select_nodes(".//text")) out.emplace_back(x.node().child_value());
  return out;
}

pugi::xml_node by_id(const pugi::xml_document& doc, const std::string& id) {
  return doc.select_node(("//*[@id='" + id + "']").c_str()).node();
}

struct Parsed {
  pugi::xml_document doc;
  explicit Parsed(const std::string& svg) {
    const pugi::xml_parse_result r = doc.load_string(svg.c_str());
    EXPECT_TRUE(r) << r.description() << " at offset " << r.offset;
  }
};

// The percent shown in state row (v, s): the last text of its group, "35.8%".
double shown_percent(const pugi::xml_document& doc, std::size_t v, std::size_t s) {
  const pugi::xml_node row = by_id(doc, "pgm-s-" + std::to_string(v) + "-" + std::to_string(s));
  EXPECT_TRUE(row) << "no row pgm-s-" << v << "-" << s;
  if (!row) return NAN;
  const std::vector<std::string> t = texts(row);
  EXPECT_FALSE(t.empty());
  if (t.empty()) return NAN;
  const std::string& p = t.back();
  EXPECT_EQ(p.back(), '%') << p;
  const auto dot = p.find('.');
  EXPECT_EQ(dot, p.size() - 3) << "not one decimal: " << p;  // "35.8%"
  return std::atof(p.c_str());
}

// The shown percent is 100 p rounded to one decimal: within half a unit of the last place.
void expect_percent(const pugi::xml_document& doc, std::size_t v, std::size_t s, double p) {
  EXPECT_NEAR(shown_percent(doc, v, s), 100 * p, 0.05 + 1e-9) << "row " << v << "-" << s;
}

// A variable of 120 states, P(s) ∝ 1 for s < 100 and ∝ 10 for s >= 100 (Z = 300): with 50 rows at
// most, the 20 heavy states (10/300 each) and the 30 lowest light ones are shown, in state order,
// then "… 70 more states" with their total 70/300 = 23.3%. An observed state is always shown.
TEST(Render, ManyStatesShowTheMostProbableRows) {
  std::string states, values;
  for (int s = 0; s < 120; ++s) {
    states += (s ? ", " : "") + std::to_string(s);
    values += (s ? ", " : "") + std::string(s < 100 ? "1" : "10");
  }
  const Model m = Model::loads("type: markov-network\nvariables:\n  W: [" + states + "]\n  B: [a, b]\nfactors:\n"
                               "  - {scope: [W], values: [" + values + "]}\n  - {scope: [B], values: [1, 1]}\n",
                               "yaml");
  Parsed svg(render::render(m, Evidence{}));
  std::size_t rows = 0;
  for (int s = 0; s < 120; ++s) rows += by_id(svg.doc, "pgm-s-0-" + std::to_string(s)) ? 1 : 0;
  EXPECT_EQ(rows, render::kDefaultMaxStateRows);
  for (int s = 100; s < 120; ++s) expect_percent(svg.doc, 0, static_cast<std::size_t>(s), 10.0 / 300);
  for (int s = 0; s < 30; ++s) EXPECT_TRUE(by_id(svg.doc, "pgm-s-0-" + std::to_string(s))) << s;
  EXPECT_FALSE(by_id(svg.doc, "pgm-s-0-30"));
  const std::vector<std::string> all = texts(svg.doc.document_element());
  EXPECT_NE(std::find(all.begin(), all.end(), "… 70 more states, 23.3% in all"), all.end());
  // Observing a light state past the cut shows it (100.0%).
  const std::vector<std::pair<std::string, std::string>> given = {{"W", "77"}};
  Parsed observed(render::render(m, Evidence::from_names(m, given)));
  expect_percent(observed.doc, 0, 77, 1.0);
}

// More variables than Options::max_variables: refused before any layout (a names-only picture of
// 20,000 unconnected nodes took Graphviz over 30 s).
TEST(Render, TooManyVariablesAreRefused) {
  std::string cards;
  for (std::size_t i = 0; i <= render::kDefaultMaxVariables; ++i) cards += " 2";
  const Model m = Model::loads("MARKOV\n" + std::to_string(render::kDefaultMaxVariables + 1) + "\n" + cards + "\n0\n", "uai");
  render::Options o;
  o.bars = false;
  try {
    (void)render::render(m, Evidence{}, o);
    ADD_FAILURE() << "a picture of 5001 variables must be refused";
  } catch (const pgm::LimitError& e) {
    EXPECT_NE(std::string(e.what()).find("5001 variables"), std::string::npos) << e.what();
  }
}

TEST(Render, FormatFromPath) {
  EXPECT_EQ(render::format_from_path("a/b.svg"), render::Format::svg);
  EXPECT_EQ(render::format_from_path("b.PNG"), render::Format::png);
  EXPECT_EQ(render::format_from_path("b.pdf"), render::Format::pdf);
  EXPECT_EQ(render::format_from_path("b.dot"), render::Format::dot);
  EXPECT_EQ(render::format_from_path("b.gv"), render::Format::dot);
  try {
    (void)render::format_from_path("pic.jpg");
    FAIL() << "no error for .jpg";
  } catch (const pgm::QueryError& e) {
    EXPECT_NE(std::string(e.what()).find(".jpg"), std::string::npos) << e.what();
  }
  EXPECT_THROW((void)render::format_from_path("dir.v2/picture"), pgm::QueryError);
}

TEST(Render, SprinklerNodesTitlesAndHandPosteriors) {
  const Model m = Model::load(model_path("sprinkler.yaml"));
  Parsed svg(render::render(m, {}));
  const auto nodes = groups(svg.doc, "node");
  ASSERT_EQ(nodes.size(), 5u);
  const std::vector<std::string> names{"Season", "Sprinkler", "Rain", "WetGrass", "Slippery"};
  for (std::size_t v = 0; v < names.size(); ++v) {
    const auto it = nodes.find("pgm-v-" + std::to_string(v));
    ASSERT_NE(it, nodes.end()) << v;
    EXPECT_EQ(std::string(it->second.child_value("title")), names[v]);
  }
  // By hand from the CPTs: P(on) = .6·.2 + .4·.75 = .42; P(Rain=yes) = .6·.8 + .4·.1 = .52;
  // P(wet) = .6995 (README); P(Slippery=yes) = .7 · .6995 = .48965.
  expect_percent(svg.doc, 0, 0, 0.6);
  expect_percent(svg.doc, 0, 1, 0.4);
  expect_percent(svg.doc, 1, 0, 0.58);
  expect_percent(svg.doc, 1, 1, 0.42);
  expect_percent(svg.doc, 2, 0, 0.48);
  expect_percent(svg.doc, 2, 1, 0.52);
  expect_percent(svg.doc, 3, 0, 0.3005);
  expect_percent(svg.doc, 3, 1, 0.6995);
  expect_percent(svg.doc, 4, 0, 1 - 0.48965);
  expect_percent(svg.doc, 4, 1, 0.48965);
  EXPECT_EQ(texts(by_id(svg.doc, "pgm-s-1-1")).back(), "42.0%");
  // Edges parent → child with Graphviz's own titles.
  const auto edges = groups(svg.doc, "edge");
  const std::map<std::string, std::string> want{{"pgm-e-0-1", "Season->Sprinkler"}, {"pgm-e-0-2", "Season->Rain"},
                                                {"pgm-e-1-3", "Sprinkler->WetGrass"}, {"pgm-e-2-3", "Rain->WetGrass"},
                                                {"pgm-e-3-4", "WetGrass->Slippery"}};
  ASSERT_EQ(edges.size(), want.size());
  for (const auto& [id, title] : want) {
    ASSERT_TRUE(edges.count(id)) << id;
    EXPECT_EQ(std::string(edges.at(id).child_value("title")), title);
  }
}

TEST(Render, ObservedNodeShadedShowsItsState) {
  const Model m = Model::load(model_path("sprinkler.yaml"));
  const std::vector<std::pair<std::string, std::string>> given{{"WetGrass", "wet"}};
  Parsed svg(render::render(m, Evidence::from_names(m, given)));
  const auto nodes = groups(svg.doc, "node");
  const pugi::xml_node wet = nodes.at("pgm-v-3");
  EXPECT_TRUE(has_class(wet, "pgm-observed"));
  bool shaded = false;
  for (const pugi::xpath_node& p : wet.select_nodes(".//polygon")) shaded |= std::string(p.node().attribute("fill").value()) == "#d9d9d9";
  EXPECT_TRUE(shaded) << "no shaded polygon in the observed node";
  std::string all;
  for (const auto& t : texts(wet)) all += t + " ";
  EXPECT_NE(all.find("= wet"), std::string::npos) << all;
  for (const char* other : {"pgm-v-0", "pgm-v-1", "pgm-v-2", "pgm-v-4"}) {
    EXPECT_FALSE(has_class(nodes.at(other), "pgm-observed")) << other;
    for (const pugi::xpath_node& p : nodes.at(other).select_nodes(".//polygon"))
      EXPECT_NE(std::string(p.node().attribute("fill").value()), "#d9d9d9") << other;
  }
  // The observed variable is a point mass; the others by hand: P(Rain=yes | wet) = .4349 / .6995.
  expect_percent(svg.doc, 3, 1, 1.0);
  expect_percent(svg.doc, 3, 0, 0.0);
  expect_percent(svg.doc, 2, 1, 0.4349 / 0.6995);
  expect_percent(svg.doc, 4, 1, 0.7);
}

TEST(Render, AsiaPercentagesEqualEnumeratedPosteriors) {
  const Model m = Model::load(model_path("asia.yaml"));
  const std::vector<std::pair<std::string, std::string>> given{{"smoke", "yes"}, {"dysp", "yes"}};
  const Evidence e = Evidence::from_names(m, given);
  Parsed svg(render::render(m, e));
  const pgm::testing::EnumerationOracle oracle(*m.bayesian_network());
  const auto posterior = oracle.marginals(e.hard());
  ASSERT_EQ(posterior.size(), m.size());
  ASSERT_EQ(groups(svg.doc, "node").size(), m.size());
  std::size_t rows = 0;
  for (std::size_t v = 0; v < m.size(); ++v) {
    for (std::size_t s = 0; s < posterior[v].size(); ++s, ++rows) expect_percent(svg.doc, v, s, posterior[v][s]);
  }
  EXPECT_EQ(rows, 16u);
}

TEST(Render, MarkovNetworkIsUndirected) {
  const Model m = Model::load(model_path("misconception.yaml"));
  const std::string svg_text = render::render(m, {});
  Parsed svg(svg_text);
  const auto edges = groups(svg.doc, "edge");
  // The loop A - B - C - D - A, each edge once with u < v.
  const std::map<std::string, std::string> want{
      {"pgm-e-0-1", "A--B"}, {"pgm-e-1-2", "B--C"}, {"pgm-e-2-3", "C--D"}, {"pgm-e-0-3", "A--D"}};
  ASSERT_EQ(edges.size(), want.size());
  for (const auto& [id, title] : want) {
    ASSERT_TRUE(edges.count(id)) << id;
    EXPECT_EQ(std::string(edges.at(id).child_value("title")), title);
    EXPECT_TRUE(edges.at(id).select_nodes(".//polygon").empty()) << id << " has an arrowhead";
  }
  // A directed picture does draw arrowheads (so the check above can fail).
  Parsed bn(render::render(Model::load(model_path("sprinkler.yaml")), {}));
  EXPECT_FALSE(groups(bn.doc, "edge").at("pgm-e-0-1").select_nodes(".//polygon").empty());
}

TEST(Render, GaussianShowsPosteriorMeanAndSd) {
  const Model m = Model::load(model_path("bivariate.yaml"));
  const std::vector<std::pair<std::string, std::string>> given{{"X2", "3"}};
  Parsed svg(render::render(m, Evidence::from_names(m, given)));
  // bivariate.yaml: X1 | X2 = 3 has mean 5/3 and variance 4/3 (sd 1.1547).
  std::string x1;
  for (const auto& t : texts(groups(svg.doc, "node").at("pgm-v-0"))) x1 += t + "|";
  EXPECT_NE(x1.find("1.667 ± 1.155"), std::string::npos) << x1;
  const pugi::xml_node x2 = groups(svg.doc, "node").at("pgm-v-1");
  EXPECT_TRUE(has_class(x2, "pgm-observed"));
  std::string x2t;
  for (const auto& t : texts(x2)) x2t += t + "|";
  EXPECT_NE(x2t.find("= 3"), std::string::npos) << x2t;
  EXPECT_EQ(groups(svg.doc, "edge").count("pgm-e-0-1"), 1u);  // non-zero precision: an (undirected) edge

  // Every variable observed: nothing to infer (the query API would refuse it); each shows its value.
  const std::vector<std::pair<std::string, std::string>> both{{"X1", "1"}, {"X2", "3"}};
  const std::string all = render::render(m, Evidence::from_names(m, both));
  EXPECT_EQ(all.find("±"), std::string::npos);
  Parsed all_svg(all);
  EXPECT_EQ(texts(groups(all_svg.doc, "node").at("pgm-v-0")).back(), "= 1");
  EXPECT_EQ(texts(groups(all_svg.doc, "node").at("pgm-v-1")).back(), "= 3");

  // linear-gaussian.yaml without evidence: Aptitude ~ N(100, 225), Knowledge mean .5·100 + 2·10 = 70.
  const Model lg = Model::load(model_path("linear-gaussian.yaml"));
  Parsed lsvg(render::render(lg, {}));
  std::string apt;
  for (const auto& t : texts(groups(lsvg.doc, "node").at("pgm-v-0"))) apt += t + "|";
  EXPECT_NE(apt.find("100 ± 15"), std::string::npos) << apt;
  std::string know;
  for (const auto& t : texts(groups(lsvg.doc, "node").at("pgm-v-2"))) know += t + "|";
  EXPECT_NE(know.find("70 ± "), std::string::npos) << know;
  EXPECT_EQ(std::string(groups(lsvg.doc, "edge").at("pgm-e-0-2").child_value("title")), "Aptitude->Knowledge");
}

TEST(Render, IndependencePictureMarksTheTrail) {
  const Model m = Model::load(model_path("asia.yaml"));
  render::Options o;
  o.independence = render::Independence{{"tub"}, {"bronc"}, {"dysp"}};
  Parsed svg(render::render(m, {}, o));
  std::set<std::string> trail;
  for (const auto& [id, g] : groups(svg.doc, "edge"))
    if (has_class(g, "pgm-trail")) trail.insert(id);
  // The edges of the trail the independence API reports (what `pgm independent --json` prints)...
  const auto r = m.independent(std::vector<std::string>{"tub"}, std::vector<std::string>{"bronc"},
                               std::vector<std::string>{"dysp"});
  ASSERT_TRUE(r.trail);
  std::set<std::string> reported;
  for (std::size_t i = 0; i + 1 < r.trail->size(); ++i) {
    std::size_t a = m.id((*r.trail)[i]), b = m.id((*r.trail)[i + 1]);
    if (!r.trail_forward[i]) std::swap(a, b);
    reported.insert("pgm-e-" + std::to_string(a) + "-" + std::to_string(b));
  }
  EXPECT_EQ(trail, reported);
  // ... which is one of the two active trails given dysp, by hand: tub → either → dysp ← bronc (the
  // collider dysp observed), or tub → either ← lung ← smoke → bronc (either's child dysp observed).
  const std::set<std::string> via_dysp{"pgm-e-1-5", "pgm-e-5-7", "pgm-e-4-7"};
  const std::set<std::string> via_smoke{"pgm-e-1-5", "pgm-e-3-5", "pgm-e-2-3", "pgm-e-2-4"};
  EXPECT_TRUE(trail == via_dysp || trail == via_smoke) << trail.size();
  EXPECT_TRUE(has_class(groups(svg.doc, "node").at("pgm-v-7"), "pgm-given"));
  EXPECT_FALSE(has_class(groups(svg.doc, "node").at("pgm-v-5"), "pgm-given"));
  EXPECT_TRUE(has_class(groups(svg.doc, "node").at("pgm-v-1"), "pgm-x"));
  EXPECT_TRUE(has_class(groups(svg.doc, "node").at("pgm-v-4"), "pgm-y"));

  // Independent: no trail, and the caption says so.
  o.independence = render::Independence{{"WetGrass"}, {"Season"}, {"Sprinkler", "Rain"}};
  Parsed ind(render::render(Model::load(model_path("sprinkler.yaml")), {}, o));
  for (const auto& [id, g] : groups(ind.doc, "edge")) EXPECT_FALSE(has_class(g, "pgm-trail")) << id;
  std::string caption;  // the graph's label: <text> children of the graph's group
  for (const pugi::xml_node t : ind.doc.select_node("//g[@class='graph']").node().children("text"))
    caption += std::string(t.child_value()) + "|";
  EXPECT_NE(caption.find("holds"), std::string::npos) << caption;
  EXPECT_NE(caption.find("independent"), std::string::npos) << caption;
}

TEST(Render, MarkovTrailEdgesAreUndirectedIds) {
  const Model m = Model::load(model_path("misconception.yaml"));
  render::Options o;
  o.independence = render::Independence{{"A"}, {"C"}, {"B"}};  // B blocks one way round, D is open
  Parsed svg(render::render(m, {}, o));
  std::set<std::string> trail;
  for (const auto& [id, g] : groups(svg.doc, "edge"))
    if (has_class(g, "pgm-trail")) trail.insert(id);
  EXPECT_EQ(trail, (std::set<std::string>{"pgm-e-0-3", "pgm-e-2-3"}));  // A - D - C
}

TEST(Render, BinaryFormatsAndDotReadBack) {
  const Model m = Model::load(model_path("asia.yaml"));
  render::Options o;
  o.format = render::Format::png;
  const std::string png = render::render(m, {}, o);
  ASSERT_GE(png.size(), 8u);
  EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  o.format = render::Format::pdf;
  EXPECT_EQ(render::render(m, {}, o).substr(0, 4), "%PDF");
  o.format = render::Format::dot;
  const std::string dot = render::render(m, {}, o);
  Agraph_t* g = agmemread(dot.c_str());
  ASSERT_NE(g, nullptr) << dot;
  std::set<std::string> names;
  for (Agnode_t* n = agfstnode(g); n != nullptr; n = agnxtnode(g, n)) names.insert(agnameof(n));
  EXPECT_EQ(agnedges(g), 8);
  EXPECT_TRUE(agisdirected(g));
  agclose(g);
  std::set<std::string> want;
  for (const auto& v : m.variables()) want.insert(v.name);
  EXPECT_EQ(names, want);
}

TEST(Render, BarsLeftOutAboveTheCutOff) {
  const Model m = Model::load(model_path("sprinkler.yaml"));
  render::Options o;
  o.max_bar_variables = 4;  // sprinkler has 5
  const std::string svg_text = render::render(m, {}, o);
  Parsed svg(svg_text);
  EXPECT_EQ(groups(svg.doc, "node").size(), 5u);
  EXPECT_EQ(svg_text.find("pgm-s-"), std::string::npos);
  EXPECT_EQ(svg_text.find('%'), std::string::npos);
  o.max_bar_variables = 5;
  EXPECT_NE(render::render(m, {}, o).find("pgm-s-4-1"), std::string::npos);
}

TEST(Render, NamesWithMarkupCharactersAreEscaped) {
  const Model m = Model::loads(R"(name: odd
type: bayesian-network
variables:
  "a<b&c": ["x>y", "it's \"q\""]
  "B-1 ü": [s0, s1]
cpds:
  "a<b&c":
    probabilities: [0.25, 0.75]
  "B-1 ü":
    parents: ["a<b&c"]
    probabilities:
      "x>y": [0.5, 0.5]
      "it's \"q\"": [0.1, 0.9]
)", "yaml");
  Parsed svg(render::render(m, {}));
  const auto nodes = groups(svg.doc, "node");
  EXPECT_EQ(std::string(nodes.at("pgm-v-0").child_value("title")), "a<b&c");
  EXPECT_EQ(std::string(nodes.at("pgm-v-1").child_value("title")), "B-1 ü");
  EXPECT_EQ(texts(by_id(svg.doc, "pgm-s-0-0")).front(), "x>y");
  EXPECT_EQ(texts(by_id(svg.doc, "pgm-s-0-1")).front(), "it's \"q\"");
  expect_percent(svg.doc, 1, 0, 0.25 * 0.5 + 0.75 * 0.1);  // by hand: 0.2
}

TEST(Render, BadEvidenceIsTheQueryApisError) {
  const Model m = Model::load(model_path("sprinkler.yaml"));
  // Sprinkler=off, Rain=no, WetGrass=wet has probability zero (CPT entry 0.0).
  const std::vector<std::pair<std::string, std::string>> given{{"Sprinkler", "off"}, {"Rain", "no"}, {"WetGrass", "wet"}};
  EXPECT_THROW((void)render::render(m, Evidence::from_names(m, given)), pgm::ZeroProbabilityEvidence);
  render::Options o;
  o.independence = render::Independence{{"Nope"}, {"Rain"}, {}};
  EXPECT_THROW((void)render::render(m, {}, o), pgm::QueryError);
}

TEST(Render, ConcurrentCallsGiveTheSerialAnswer) {
  const Model m = Model::load(model_path("asia.yaml"));
  const std::string want = render::render(m, {});
  std::vector<std::string> got(6);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < got.size(); ++i)
    threads.emplace_back([&, i] {
      for (int k = 0; k < 3; ++k) got[i] = render::render(m, {});
    });
  for (auto& t : threads) t.join();
  for (const auto& g : got) EXPECT_EQ(g, want);
}

TEST(Render, MuninWithoutBars) {
  const std::string path = std::string(PGM_SHARED_DIR) + "/networks/bif/munin.bif";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " not found";
  const Model m = Model::load(path);
  ASSERT_EQ(m.size(), 1041u);
  const std::string svg_text = render::render(m, {});  // over the 200-variable cut-off: names only
  Parsed svg(svg_text);
  const auto nodes = groups(svg.doc, "node");
  EXPECT_EQ(nodes.size(), 1041u);
  EXPECT_EQ(std::string(nodes.at("pgm-v-1040").child_value("title")), m.variables()[1040].name);
  EXPECT_EQ(svg_text.find("pgm-s-"), std::string::npos);
}

}  // namespace
