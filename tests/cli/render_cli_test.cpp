// End-to-end tests of `pgm render` and `pgm independent --render` (issue 13): exit codes and
// messages, the files written, and the independence picture's trail against `pgm independent --json`.
#include "support/cli_runner.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace {

using Json = nlohmann::json;
using pgm::testing::CliRun;
using pgm::testing::run_pgm;
namespace fs = std::filesystem;

std::string model(const std::string& name) { return std::string(PGM_SOURCE_DIR) + "/models/" + name; }

class RenderCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("pgm_render_cli_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  static std::string read(const std::string& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
  }
  fs::path dir_;
};

bool has_class(const pugi::xml_node& n, const std::string& cls) {
  const std::string classes = std::string(" ") + n.attribute("class").value() + " ";
  return classes.find(" " + cls + " ") != std::string::npos;
}

TEST_F(RenderCli, WritesEachFormatByExtension) {
  const CliRun svg = run_pgm({"render", model("sprinkler.yaml"), "--given", "WetGrass=wet", "-o", path("s.svg")});
  ASSERT_EQ(svg.exit_code, 0) << svg.err;
  EXPECT_EQ(svg.out, "");
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(read(path("s.svg")).c_str()));
  const pugi::xml_node wet = doc.select_node("//g[@id='pgm-v-3']").node();
  ASSERT_TRUE(wet);
  EXPECT_EQ(std::string(wet.child_value("title")), "WetGrass");
  EXPECT_TRUE(has_class(wet, "pgm-observed"));
  // P(Rain=yes | wet) = .4349 / .6995 = 0.62173 (by hand, README): 62.2%.
  const pugi::xml_node rain_yes = doc.select_node("//*[@id='pgm-s-2-1']").node();
  ASSERT_TRUE(rain_yes);
  std::string last;
  for (const auto& t : rain_yes.select_nodes(".//text")) last = t.node().child_value();
  EXPECT_EQ(last, "62.2%");

  ASSERT_EQ(run_pgm({"render", model("asia.yaml"), "-o", path("a.png")}).exit_code, 0);
  EXPECT_EQ(read(path("a.png")).substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  ASSERT_EQ(run_pgm({"render", model("asia.yaml"), "-o", path("a.pdf")}).exit_code, 0);
  EXPECT_EQ(read(path("a.pdf")).substr(0, 5), "%PDF-");
  ASSERT_EQ(run_pgm({"render", model("misconception.yaml"), "-o", path("m.dot")}).exit_code, 0);
  const std::string dot = read(path("m.dot"));
  EXPECT_EQ(dot.rfind("graph ", 0), 0u) << dot.substr(0, 40);  // undirected: "graph", not "digraph"
  EXPECT_NE(dot.find("A -- B"), std::string::npos) << dot;
}

TEST_F(RenderCli, SoftEvidenceAndEvidenceFile) {
  // Soft evidence on Rain alone, λ = (1, 3): P(Rain=yes) ∝ .52 · 3 against .48 · 1, i.e. 1.56 / 2.04.
  ASSERT_EQ(run_pgm({"render", model("sprinkler.yaml"), "--soft", "Rain=1,3", "-o", path("soft.svg")}).exit_code, 0);
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(read(path("soft.svg")).c_str()));
  std::string last;
  for (const auto& t : doc.select_nodes("//*[@id='pgm-s-2-1']//text")) last = t.node().child_value();
  EXPECT_EQ(last, "76.5%");  // 1.56 / 2.04 = 0.76470...
  EXPECT_TRUE(has_class(doc.select_node("//g[@id='pgm-v-2']").node(), "pgm-soft"));

  std::ofstream(path("e.txt")) << "WetGrass=wet\n";
  ASSERT_EQ(run_pgm({"render", model("sprinkler.yaml"), "-e", path("e.txt"), "-o", path("file.svg")}).exit_code, 0);
  ASSERT_EQ(run_pgm({"render", model("sprinkler.yaml"), "-g", "WetGrass=wet", "-o", path("given.svg")}).exit_code, 0);
  EXPECT_EQ(read(path("file.svg")), read(path("given.svg")));
}

TEST_F(RenderCli, Errors) {
  const CliRun ext = run_pgm({"render", model("sprinkler.yaml"), "-o", path("pic.jpg")});
  EXPECT_EQ(ext.exit_code, 2);
  EXPECT_NE(ext.err.find("'.jpg'"), std::string::npos) << ext.err;
  EXPECT_FALSE(fs::exists(path("pic.jpg")));

  const CliRun unwritable = run_pgm({"render", model("sprinkler.yaml"), "-o", path("no/such/dir/pic.svg")});
  EXPECT_EQ(unwritable.exit_code, 3);
  EXPECT_NE(unwritable.err.find("cannot open '" + path("no/such/dir/pic.svg") + "' for writing"), std::string::npos)
      << unwritable.err;

  const CliRun state = run_pgm({"render", model("sprinkler.yaml"), "-g", "Rain=maybe", "-o", path("x.svg")});
  EXPECT_EQ(state.exit_code, 4);
  EXPECT_NE(state.err.find("maybe"), std::string::npos) << state.err;
  EXPECT_FALSE(fs::exists(path("x.svg")));

  const CliRun zero = run_pgm(
      {"render", model("sprinkler.yaml"), "-g", "Sprinkler=off,Rain=no,WetGrass=wet", "-o", path("x.svg")});
  EXPECT_EQ(zero.exit_code, 4) << zero.err;

  const CliRun missing = run_pgm({"render", model("sprinkler.yaml")});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("--output"), std::string::npos) << missing.err;

  // Refused as too large exactly as `pgm marginals` refuses it: exit 5, the same message, no file.
  const CliRun limit = run_pgm({"render", model("asia.yaml"), "--max-memory", "40", "-o", path("big.svg")});
  const CliRun marginals = run_pgm({"marginals", model("asia.yaml"), "--max-memory", "40"});
  EXPECT_EQ(limit.exit_code, 5);
  EXPECT_EQ(marginals.exit_code, 5);
  EXPECT_EQ(limit.err, marginals.err);
  EXPECT_FALSE(fs::exists(path("big.svg")));

  const CliRun bad_model = run_pgm({"render", path("none.yaml"), "-o", path("x.svg")});
  EXPECT_EQ(bad_model.exit_code, 3);

  const CliRun ind = run_pgm({"independent", model("asia.yaml"), "--x", "tub", "--y", "bronc", "--render", path("i.gif")});
  EXPECT_EQ(ind.exit_code, 2);
  EXPECT_NE(ind.err.find("--render"), std::string::npos) << ind.err;
}

// The trail's edges in the picture are those of the trail `pgm independent --json` reports, read
// against the model's edges as `pgm info --json` lists them.
std::set<std::string> trail_edges_from_json(const std::string& model_file, const Json& answer) {
  const CliRun info = run_pgm({"info", model_file, "--json"});
  EXPECT_EQ(info.exit_code, 0) << info.err;
  // Ordered: the variables object lists them in id order.
  const nlohmann::ordered_json j = nlohmann::ordered_json::parse(info.out);
  std::map<std::string, std::size_t> id;
  for (const auto& item : j["variables"].items()) id.emplace(item.key(), id.size());
  std::set<std::pair<std::size_t, std::size_t>> edges;
  for (const auto& e : j["edges"]) edges.insert({id.at(e[0].get<std::string>()), id.at(e[1].get<std::string>())});
  std::set<std::string> out;
  const auto& t = answer["active_trail"];
  for (std::size_t i = 0; i + 1 < t.size(); ++i) {
    const std::size_t a = id.at(t[i].get<std::string>()), b = id.at(t[i + 1].get<std::string>());
    // The edge between consecutive trail nodes, whichever way it points (u < v when undirected).
    if (edges.count({a, b})) out.insert("pgm-e-" + std::to_string(a) + "-" + std::to_string(b));
    else if (edges.count({b, a})) out.insert("pgm-e-" + std::to_string(b) + "-" + std::to_string(a));
    else ADD_FAILURE() << "no edge between " << t[i] << " and " << t[i + 1];
  }
  return out;
}

std::set<std::string> trail_in_svg(const std::string& svg) {
  pugi::xml_document doc;
  EXPECT_TRUE(doc.load_string(svg.c_str()));
  std::set<std::string> out;
  for (const auto& g : doc.select_nodes("//g")) {
    if (has_class(g.node(), "edge") && has_class(g.node(), "pgm-trail")) out.insert(g.node().attribute("id").value());
  }
  return out;
}

TEST_F(RenderCli, IndependentRenderTrailIsTheJsonTrail) {
  struct Case {
    std::string file, x, y, given;
  };
  for (const Case& c : {Case{"asia.yaml", "tub", "bronc", "dysp"}, Case{"asia.yaml", "asia", "xray", ""},
                        Case{"student.yaml", "Difficulty", "Intelligence", "Letter"},
                        Case{"misconception.yaml", "A", "C", "B"}}) {
    std::vector<std::string> args{"independent", model(c.file), "--x", c.x, "--y", c.y};
    if (!c.given.empty()) args.insert(args.end(), {"--given", c.given});
    const CliRun plain = run_pgm(args);
    args.push_back("--json");
    const CliRun json = run_pgm(args);
    ASSERT_EQ(json.exit_code, 0) << json.err;
    const Json answer = Json::parse(json.out);
    ASSERT_EQ(answer["independent"], false) << c.file;
    args.insert(args.end(), {"--render", path("t.svg")});
    const CliRun drawn = run_pgm(args);
    ASSERT_EQ(drawn.exit_code, 0) << drawn.err;
    EXPECT_EQ(drawn.out, json.out);  // --render changes nothing printed
    const std::set<std::string> want = trail_edges_from_json(model(c.file), answer);
    EXPECT_FALSE(want.empty());
    EXPECT_EQ(trail_in_svg(read(path("t.svg"))), want) << c.file << " " << c.x << " " << c.y;
    args.pop_back();
    args.pop_back();
    args.pop_back();  // without --json: the text is unchanged by --render too
    args.insert(args.end(), {"--render", path("t2.svg")});
    EXPECT_EQ(run_pgm(args).out, plain.out);
  }
  // Independent: no trail edges, a caption saying so, the conditioning set shaded.
  const CliRun ind = run_pgm({"independent", model("sprinkler.yaml"), "--x", "WetGrass", "--y", "Season", "--given",
                              "Sprinkler,Rain", "--render", path("i.svg")});
  ASSERT_EQ(ind.exit_code, 0) << ind.err;
  const std::string svg = read(path("i.svg"));
  EXPECT_TRUE(trail_in_svg(svg).empty());
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(svg.c_str()));
  std::string caption;  // the graph's label: <text> children of the graph's group
  for (const pugi::xml_node t : doc.select_node("//g[@class='graph']").node().children("text")) caption += t.child_value();
  EXPECT_EQ(caption, "WetGrass ⟂ Season | {Sprinkler, Rain} holds (d-separation): independent");
  EXPECT_TRUE(has_class(doc.select_node("//g[@id='pgm-v-1']").node(), "pgm-given"));
  EXPECT_TRUE(has_class(doc.select_node("//g[@id='pgm-v-2']").node(), "pgm-given"));
  EXPECT_FALSE(has_class(doc.select_node("//g[@id='pgm-v-0']").node(), "pgm-given"));
}

}  // namespace
