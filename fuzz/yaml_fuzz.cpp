// libFuzzer harness: the YAML model reader (all four model types), then the YAML writer round trip.
#include "harness.hpp"

#include <pgm/io/yaml.hpp>

#include <type_traits>
#include <variant>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pgm;
  const std::string text = fuzz::text_of(data, size);
  io::LoadOptions options;
  options.renormalize = true;  // the command line's default
  std::string written;
  try {
    const Model model = io::read_yaml_string(text, "fuzz.yaml", options);
    std::visit(
        [&](const auto& m) {
          using M = std::decay_t<decltype(m)>;
          if constexpr (std::is_same_v<M, BayesianNetwork> || std::is_same_v<M, MarkovNetwork>) {
            written = io::write_yaml(m);
          }
        },
        model);
  } catch (const Error&) {
    return 0;
  }
  if (written.empty()) return 0;  // Gaussian models have no writer
  fuzz::check_round_trip(
      written, [](const std::string& t) { return io::read_yaml_string(t, "written.yaml"); },
      [](const Model& m) {
        return std::visit(
            [](const auto& x) -> std::string {
              using M = std::decay_t<decltype(x)>;
              if constexpr (std::is_same_v<M, BayesianNetwork> || std::is_same_v<M, MarkovNetwork>) {
                return io::write_yaml(x);
              } else {
                fuzz::fail("a written network read back as another model type", "");
              }
            },
            m);
      });
  return 0;
}
