#pragma once
// What the two samplers share (issue 11): their options, their result, and the generator.
// Likelihood weighting (<pgm/inference/likelihood_weighting.hpp>, Bayesian networks) and Gibbs
// sampling (<pgm/inference/gibbs_sampling.hpp>, Bayesian and Markov networks) give every
// variable's marginal with an estimated standard error per state; a run is a pure function of the
// model, the evidence and the options (the seed included), so the same seed gives the same bits.
#include <pgm/core/error.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pgm {

// Runs longer than this are refused: beyond it a count could not be trusted to fit the time anyone
// waits for (a billion sweeps of a 37-variable network take minutes), and nothing overflows below it.
inline constexpr std::size_t kMaxSamples = 1'000'000'000;

// No sample had a positive weight (likelihood weighting), or no start state of positive
// probability was found (Gibbs): the evidence may be impossible, or too unlikely for the run. Not a
// ZeroProbabilityEvidence: nothing is proven.
class NoConsistentSample : public QueryError {
 public:
  using QueryError::QueryError;
};

struct SamplingOptions {
  std::size_t samples = 10'000;        // samples used for the estimates (after burn-in); 1 .. kMaxSamples
  std::optional<std::size_t> burn_in;  // Gibbs only: sweeps discarded first; nullopt: max(1000, samples / 10)
  std::uint64_t seed = 0;              // the generator's seed; the default is fixed, so runs repeat
};

// QueryError naming the option when one is out of range.
void check_options(const SamplingOptions& options);
// The burn-in a Gibbs run uses: the given one, else max(1000, samples / 10).
[[nodiscard]] std::size_t burn_in_of(const SamplingOptions& options);

struct SamplingResult {
  // Estimated P(v | e) per variable id over its states in declared order (a point mass on observed
  // variables), and the estimated standard error of each entry (0 on observed variables). Gibbs with
  // a single sample has no error estimate: NaN there.
  std::vector<std::vector<double>> marginals;
  std::vector<std::vector<double>> standard_errors;
  std::size_t samples = 0;  // samples the estimates use (after burn-in)
  std::size_t burn_in = 0;  // Gibbs: sweeps discarded; 0 for likelihood weighting
  // Likelihood weighting only: (Σw)² / Σw², and the unbiased estimate of P(e) (the mean weight),
  // its log (formed in log space, finite when any weight is positive) and its standard error.
  std::optional<double> effective_sample_size;
  std::optional<double> log_probability_of_evidence;
  std::optional<double> probability_of_evidence_standard_error;
  // Caveats about this run (Gibbs: tables whose zeros can make the chain reducible).
  std::vector<std::string> warnings;
};

// xoshiro256** 1.0 (Blackman and Vigna), seeded through splitmix64 as its authors recommend: fast,
// 2^256 - 1 period, and the same stream on every platform (std::uniform_real_distribution is not
// specified bit for bit, so the samplers draw their doubles here instead).
class Xoshiro256StarStar {
 public:
  explicit Xoshiro256StarStar(std::uint64_t seed) noexcept {
    for (auto& word : s_) {
      seed += 0x9e3779b97f4a7c15ULL;
      std::uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      word = z ^ (z >> 31);
    }
  }
  std::uint64_t next() noexcept {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  // Uniform on [0, 1): the top 53 bits.
  double uniform() noexcept { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
};

}  // namespace pgm
