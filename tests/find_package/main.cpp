// Consumer of an installed pgm through find_package(pgm): P(Rain = yes | WetGrass = wet) on the
// sprinkler network, which by hand is 0.43490 / 0.6995 (see tests/integration/textbook_test.cpp).
#include <pgm/pgm.hpp>
#include <pgm/render/render.hpp>  // issue 13

#include <cmath>
#include <iostream>

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  const auto model = pgm::io::load_model(argv[1]);
  const auto& bn = std::get<pgm::BayesianNetwork>(model);
  const std::pair<std::string, std::string> given[] = {{"WetGrass", "wet"}};
  const pgm::Factor p = pgm::VariableElimination{bn}.marginal(bn.id("Rain"), bn.evidence(given));
  // P(Rain=yes, WetGrass=wet) = 0.6*0.8*(0.8*0.8 + 0.2*0.95) + 0.4*0.1*(0.25*0.8 + 0.75*0.95) = 0.43490
  const double expected = 0.43490 / 0.6995;
  std::cout << p.values()[1] << '\n';
  // issue 13: the static library's Graphviz dependency reaches consumers (pgmConfig.cmake).
  const std::string svg = pgm::render::render(pgm::Model::load(argv[1]), {});
  if (svg.find("<g id=\"pgm-v-0\" class=\"node\">") == std::string::npos) return 1;
  return std::abs(p.values()[1] - expected) < 1e-12 ? 0 : 1;
}
