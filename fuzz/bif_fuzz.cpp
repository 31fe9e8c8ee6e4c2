// libFuzzer harness: the BIF reader, then the BIF writer round trip.
#include "harness.hpp"

#include <pgm/io/bif.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pgm;
  io::LoadOptions options;
  options.renormalize = true;  // the command line's default
  std::string written;
  try {
    written = io::write_bif(io::read_bif_string(fuzz::text_of(data, size), "fuzz.bif", options));
  } catch (const Error&) {
    return 0;
  }
  fuzz::check_round_trip(
      written, [](const std::string& t) { return io::read_bif_string(t, "written.bif"); },
      [](const BayesianNetwork& bn) { return io::write_bif(bn); });
  return 0;
}
