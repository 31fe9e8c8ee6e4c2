// libFuzzer harness: pgm serve's API requests (serve::answer: the server's own handlers and error
// mapping, without a socket) on a small fixed model. The first byte picks the endpoint; the rest is
// the body of POST /api/query or POST /api/independent, or the query string of GET /api/render.
// Beyond "no crash": no request may reach a 500 (an internal error), and every JSON reply parses.
#include "fixed_model.hpp"
#include "harness.hpp"

#include <pgm/query/model.hpp>

#include "pgm/serve/server.hpp"

#include <nlohmann/json.hpp>

#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pgm;
  if (size == 0) return 0;
  static const Model model(fuzz::fixed_model());
  static const serve::Options options = [] {
    serve::Options o;
    o.max_memory_bytes = std::size_t{1} << 20;
    return o;
  }();
  const std::string rest = fuzz::text_of(data + 1, size - 1);
  serve::Reply reply;
  switch (data[0] % 3) {
    case 0: reply = serve::answer(model, options, "POST", "/api/query", rest); break;
    case 1: reply = serve::answer(model, options, "POST", "/api/independent", rest); break;
    default: reply = serve::answer(model, options, "GET", "/api/render?" + rest, {}); break;
  }
  if (reply.status == 500) fuzz::fail("a request reached an internal error", reply.body);
  if (reply.status != 200 && reply.status != 400)
    fuzz::fail("unexpected status", std::to_string(reply.status) + ": " + reply.body);
  if (reply.content_type == "application/json" && !nlohmann::json::accept(reply.body))
    fuzz::fail("a JSON reply does not parse", reply.body);
  return 0;
}
