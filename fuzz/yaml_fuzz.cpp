// libFuzzer harness: the YAML model reader (all four model types), the YAML writer round trip, and the
// answers on small discrete models.
#include "harness.hpp"

#include <pgm/io/yaml.hpp>

#include <optional>
#include <variant>

namespace {

// The YAML text of a discrete network; nullopt for Gaussian models (they have no writer).
std::optional<std::string> write_model(const pgm::ModelVariant& model) {
  if (const auto* bn = std::get_if<pgm::BayesianNetwork>(&model)) return pgm::io::write_yaml(*bn);
  if (const auto* mn = std::get_if<pgm::MarkovNetwork>(&model)) return pgm::io::write_yaml(*mn);
  return std::nullopt;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pgm;
  io::LoadOptions options;
  options.renormalize = true;  // the command line's default
  std::optional<ModelVariant> model;
  std::optional<std::string> written;
  try {
    model = io::read_yaml_string(fuzz::text_of(data, size), "fuzz.yaml", options);
    written = write_model(*model);
  } catch (const Error&) {
    return 0;
  }
  if (!written) return 0;
  fuzz::check_round_trip(
      *written, [](const std::string& t) { return io::read_yaml_string(t, "written.yaml"); },
      [](const ModelVariant& m) {
        auto text = write_model(m);
        if (!text) fuzz::fail("a written network read back as a Gaussian model", "");
        return *text;
      });
  if (const auto* bn = std::get_if<BayesianNetwork>(&*model)) fuzz::check_answers(*bn);
  if (const auto* mn = std::get_if<MarkovNetwork>(&*model)) fuzz::check_answers(*mn);
  return 0;
}
