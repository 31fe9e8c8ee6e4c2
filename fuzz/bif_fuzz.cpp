// libFuzzer harness: the BIF reader, the BIF writer round trip, and the answers on small networks.
#include "harness.hpp"

#include <pgm/io/bif.hpp>

#include <optional>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pgm;
  io::LoadOptions options;
  options.renormalize = true;  // the command line's default
  std::optional<BayesianNetwork> bn;
  std::string written;
  try {
    bn = io::read_bif_string(fuzz::text_of(data, size), "fuzz.bif", options);
    written = io::write_bif(*bn);
  } catch (const Error&) {
    return 0;
  }
  fuzz::check_round_trip(
      written, [](const std::string& t) { return io::read_bif_string(t, "written.bif"); },
      [](const BayesianNetwork& b) { return io::write_bif(b); });
  fuzz::check_answers(*bn);
  return 0;
}
