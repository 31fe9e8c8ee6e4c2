#pragma once
// `pgm serve`: the page and a JSON API over HTTP (cpp-httplib), answering from one shared,
// immutable pgm::Model. The server holds no inference and no JSON shapes of its own: the bodies are
// the commands' --json output (pgm/shapes.hpp), the answers the library's. See docs/serve.md.
#include <pgm/query/model.hpp>

#include <cstddef>
#include <iosfwd>
#include <string>
#include <string_view>

namespace pgm::serve {

struct Options {
  std::string host = "127.0.0.1";  // loopback unless asked otherwise
  int port = 8080;                  // 0: any free port
  std::size_t threads = 8;          // worker threads; each serves one connection at a time
  std::size_t max_memory_bytes = std::size_t{1} << 30;  // per request: inference refused beyond
  std::size_t max_body_bytes = std::size_t{1} << 20;    // larger request bodies get 413
};

// Binds, writes "http://HOST:PORT/" and a newline to `out` (flushed) and serves until SIGINT or
// SIGTERM arrives, then stops cleanly and returns. A host or port that cannot be bound is a
// cli::UsageError naming it.
void run(const Model& model, const Options& options, std::ostream& out);

// One API request answered as the server answers it, without a socket: the same handlers and the same
// mapping of errors to statuses (the HTTP layer itself is httplib's). `target` is the path with its
// query string (/api/model, /api/query, /api/independent, /api/render?given=...). For the fuzzer and
// tests: a status of 500 means an internal error reached by input, which must never happen.
struct Reply {
  int status = 200;
  std::string content_type;
  std::string body;
};
[[nodiscard]] Reply answer(const Model& model, const Options& options, std::string_view method, std::string_view target,
                           std::string body);

}  // namespace pgm::serve
