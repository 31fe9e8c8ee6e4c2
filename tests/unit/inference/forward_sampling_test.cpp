// Forward sampling: frequencies against hand-computed sprinkler probabilities, within five standard
// errors for 20,000 draws with a fixed seed; zero-probability entries are never drawn.
#include <pgm/inference/forward_sampling.hpp>
#include <pgm/io/load.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace {

TEST(ForwardSampler, SprinklerFrequenciesMatchTheModel) {
  const auto model = pgm::io::load_model(PGM_SOURCE_DIR "/models/sprinkler.yaml");
  const auto& bn = std::get<pgm::BayesianNetwork>(model);
  const pgm::ForwardSampler sampler(bn);
  std::mt19937_64 rng(20261129);
  const int n = 20000;
  int rain = 0, wet = 0, impossible = 0;
  const auto r = bn.id("Rain"), w = bn.id("WetGrass"), s = bn.id("Sprinkler");
  for (int i = 0; i < n; ++i) {
    const auto x = sampler.sample(rng);
    rain += x[r] == 1;
    wet += x[w] == 1;
    // P(WetGrass=wet | Sprinkler=off, Rain=no) = 0 in the model.
    impossible += x[s] == 0 && x[r] == 0 && x[w] == 1;
  }
  // P(Rain=yes) = 0.6*0.8 + 0.4*0.1 = 0.52.
  // P(WetGrass=wet) = sum over Season of P(season) * sum over (sprinkler, rain) of P(wet | ...):
  //   winter: 0.8*0.2*0 + 0.8*0.8*0.8 + 0.2*0.2*0.9 + 0.2*0.8*0.95 = 0.7
  //   summer: 0.25*0.9*0 + 0.25*0.1*0.8 + 0.75*0.9*0.9 + 0.75*0.1*0.95 = 0.69875
  //   0.6*0.7 + 0.4*0.69875 = 0.6995
  auto within = [n](int count, double p) {
    const double se = std::sqrt(p * (1 - p) / n);
    return std::abs(double(count) / n - p) < 5 * se;
  };
  EXPECT_TRUE(within(rain, 0.52)) << rain;
  EXPECT_TRUE(within(wet, 0.6995)) << wet;
  EXPECT_EQ(impossible, 0);
}

TEST(ForwardSampler, SameSeedSameSamples) {
  const auto model = pgm::io::load_model(PGM_SOURCE_DIR "/models/asia.yaml");
  const pgm::ForwardSampler sampler(std::get<pgm::BayesianNetwork>(model));
  std::mt19937_64 a(7), b(7);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(sampler.sample(a), sampler.sample(b));
}

}  // namespace
