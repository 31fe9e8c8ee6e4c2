// libFuzzer harness: the UAI reader (BAYES and MARKOV), the UAI writer round trip, and the answers on
// small networks.
#include "harness.hpp"

#include <pgm/io/uai.hpp>

#include <optional>
#include <variant>

namespace {

std::string write_model(const pgm::ModelVariant& model) {
  if (const auto* bn = std::get_if<pgm::BayesianNetwork>(&model)) return pgm::io::write_uai(*bn);
  if (const auto* mn = std::get_if<pgm::MarkovNetwork>(&model)) return pgm::io::write_uai(*mn);
  pgm::fuzz::fail("the UAI reader returned neither a Bayesian nor a Markov network", "");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pgm;
  io::LoadOptions options;
  options.renormalize = true;  // the command line's default
  std::optional<ModelVariant> model;
  std::string written;
  try {
    model = io::read_uai_string(fuzz::text_of(data, size), "fuzz.uai", options);
    written = write_model(*model);
  } catch (const Error&) {
    return 0;
  }
  fuzz::check_round_trip(
      written, [](const std::string& t) { return io::read_uai_string(t, "written.uai"); }, write_model);
  if (const auto* bn = std::get_if<BayesianNetwork>(&*model)) fuzz::check_answers(*bn);
  if (const auto* mn = std::get_if<MarkovNetwork>(&*model)) fuzz::check_answers(*mn);
  return 0;
}
