// libFuzzer harness: the XMLBIF reader, then the XMLBIF writer round trip.
#include "harness.hpp"

#include <pgm/io/xmlbif.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pgm;
  io::LoadOptions options;
  options.renormalize = true;  // the command line's default
  std::string written;
  try {
    written = io::write_xmlbif(io::read_xmlbif_string(fuzz::text_of(data, size), "fuzz.xml", options));
  } catch (const Error&) {
    return 0;
  }
  fuzz::check_round_trip(
      written, [](const std::string& t) { return io::read_xmlbif_string(t, "written.xml"); },
      [](const BayesianNetwork& bn) { return io::write_xmlbif(bn); });
  return 0;
}
