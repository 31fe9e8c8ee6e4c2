// `pgm serve` (see server.hpp and docs/serve.md). Each endpoint reads its request, asks the library
// (pgm::Model, query::Evidence) exactly as the matching command does, and answers with that
// command's JSON (pgm/shapes.hpp). Errors are {"error": message} with the library's message.
#include "pgm/serve/server.hpp"

#include "pgm/commands.hpp"
#include "pgm/output.hpp"
#include "pgm/serve/assets.hpp"
#include "pgm/shapes.hpp"

#include <pgm/core/error.hpp>
#include <pgm/independence/ci_check.hpp>
#include <pgm/query.hpp>
#include <pgm/render/render.hpp>

#include <httplib.h>

#include <fcntl.h>
#include <sys/socket.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <exception>
#include <functional>
#include <new>
#include <ostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace pgm::serve {
namespace {

using cli::Json;

// A request the server refuses before asking the library: its status and message.
class HttpError : public std::runtime_error {
 public:
  HttpError(int status, const std::string& message) : std::runtime_error(message), status_(status) {}
  [[nodiscard]] int status() const noexcept { return status_; }

 private:
  int status_;
};

constexpr const char* kJson = "application/json";

// {"error": message}. Text that is not UTF-8 (a URL's decoded bytes quoted in a message) is
// replaced rather than refused: an error body must always be writable.
std::string error_body(const std::string& message) {
  Json j = Json::object();
  j["error"] = message;
  return j.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

void set_error(httplib::Response& res, int status, const std::string& message) {
  res.status = status;
  res.set_content(error_body(message), kJson);
}

// A command's JSON, written as the command writes it (cli::print_json).
void set_json(httplib::Response& res, const Json& json) {
  std::ostringstream out;
  cli::print_json(json, out);
  res.status = 200;
  res.set_content(out.str(), kJson);
}

// nlohmann's own type name for messages ("string", "number", "array", ...).
std::string type_of(const Json& j) { return j.is_number() ? "number" : j.type_name(); }

// The request body as a JSON object; an empty body is {}. nlohmann's message without its
// "[json.exception...]" prefix.
Json parse_body(const httplib::Request& req, std::initializer_list<std::string_view> fields) {
  if (req.body.find_first_not_of(" \t\r\n") == std::string::npos) return Json::object();
  Json j;
  try {
    j = Json::parse(req.body);
  } catch (const Json::exception& e) {  // parse_error, and out_of_range for a number like 1e400
    std::string what = e.what();
    if (const auto close = what.find("] "); what.rfind("[json.exception", 0) == 0 && close != std::string::npos)
      what = what.substr(close + 2);
    throw HttpError(400, "the request body is not JSON: " + what);
  }
  if (!j.is_object()) throw HttpError(400, "the request body must be a JSON object, got " + type_of(j));
  std::string known;
  for (const auto f : fields) known += (known.empty() ? "" : ", ") + std::string(f);
  for (const auto& [key, value] : j.items()) {
    if (std::find(fields.begin(), fields.end(), key) == fields.end())
      throw HttpError(400, "unknown field '" + key + "' in the request body; the fields are " + known);
  }
  return j;
}

// A list of names: ["A", "B"].
std::vector<std::string> names_field(const Json& body, const char* field) {
  std::vector<std::string> out;
  if (!body.contains(field)) return out;
  const Json& list = body[field];
  if (!list.is_array())
    throw HttpError(400, std::string("'") + field + "' must be a list of variable names, got " + type_of(list));
  for (const Json& name : list) {
    if (!name.is_string())
      throw HttpError(400, std::string("'") + field + "' must be a list of variable names, got a " + type_of(name) +
                               " in it");
    out.push_back(name.get<std::string>());
  }
  return out;
}

// The shortest text that reads back as the same double, so a JSON number reaches the library's
// reader of values (query::parse_values) unchanged; inf (1e999 in JSON) reads as text it refuses.
std::string exact_text(double x) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, x);
  return std::string(buf, r.ptr);
}

// "evidence": {"A": "a"} (discrete: state names) or {"X": 1.5} (continuous: numbers, or numbers
// as text), in the order given; checked against the model by the library afterwards.
query::Assignments evidence_field(const Json& body, bool discrete) {
  query::Assignments out;
  if (!body.contains("evidence")) return out;
  const Json& e = body["evidence"];
  if (!e.is_object())
    throw HttpError(400, "'evidence' must be an object of variable: " + std::string(discrete ? "state" : "value") +
                             ", got " + type_of(e));
  for (const auto& [name, value] : e.items()) {
    if (value.is_string()) {
      out.emplace_back(name, value.get<std::string>());
    } else if (!discrete && value.is_number()) {
      out.emplace_back(name, exact_text(value.get<double>()));
    } else {
      throw HttpError(400, "evidence for '" + name + "' must be " +
                               (discrete ? "a state name (a string)" : "a number") + ", got " + type_of(value));
    }
  }
  return out;
}

// "soft_evidence": {"B": [0.8, 0.2]}: one likelihood per state, checked by Evidence::with_soft.
query::SoftAssignments soft_field(const Json& body) {
  query::SoftAssignments out;
  if (!body.contains("soft_evidence")) return out;
  const Json& soft = body["soft_evidence"];
  if (!soft.is_object())
    throw HttpError(400, "'soft_evidence' must be an object of variable: [likelihood per state], got " + type_of(soft));
  for (const auto& item : soft.items()) {
    const std::string& name = item.key();  // not a structured binding: clang 14 cannot capture those
    const Json& list = item.value();
    const auto bad = [&](const std::string& got) {
      return HttpError(400, "soft evidence for '" + name + "' must be a list of numbers (one likelihood per state), got " + got);
    };
    if (!list.is_array()) throw bad(type_of(list));
    std::vector<double> lambda;
    for (const Json& x : list) {
      if (!x.is_number()) throw bad("a " + type_of(x) + " in it");
      lambda.push_back(x.get<double>());
    }
    out.emplace_back(name, std::move(lambda));
  }
  return out;
}

// %XX and '+' decoded.
std::string url_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto hex = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
      out += static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

// The query string's key=value pairs in order, split at the FIRST '=' (httplib's req.params keeps
// the last part, which would read ?given=A=a as given "a").
std::vector<std::pair<std::string, std::string>> query_params(std::string_view target) {
  std::vector<std::pair<std::string, std::string>> out;
  const auto q = target.find('?');
  if (q == std::string_view::npos) return out;
  std::string_view rest = target.substr(q + 1);
  rest = rest.substr(0, rest.find('#'));
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view item = rest.substr(0, amp);
    if (!item.empty()) {
      const auto eq = item.find('=');
      out.emplace_back(url_decode(item.substr(0, eq)),
                       eq == std::string_view::npos ? std::string() : url_decode(item.substr(eq + 1)));
    }
    if (amp == std::string_view::npos) break;
    rest = rest.substr(amp + 1);
  }
  return out;
}

class Api {
 public:
  Api(const Model& model, const Options& options) : model_(model), options_(options) {
    std::ostringstream out;
    cli::print_json(cli::info_json(model_), out);  // a name JSON cannot carry fails here, at start
    info_ = out.str();
  }

  void model(const httplib::Request&, httplib::Response& res) const { res.set_content(info_, kJson); }

  // `pgm marginals --json` (every variable) or `pgm query --json TARGETS`, with their default
  // engines (jt for every variable, ve for targets), so the numbers are the commands' bits.
  void query(const httplib::Request& req, httplib::Response& res) const {
    const Json body = parse_body(req, {"evidence", "soft_evidence", "targets"});
    const bool discrete = model_.discrete();
    const query::Assignments given = evidence_field(body, discrete);
    const query::SoftAssignments soft = soft_field(body);
    std::vector<std::string> targets = names_field(body, "targets");
    if (!discrete) {
      if (!soft.empty()) (void)query::Evidence().with_soft(model_, soft);  // the library's refusal
      const ContinuousEvidence values = query::parse_values(given);
      if (targets.empty()) targets = model_.unobserved(given);  // as `pgm marginals`
      std::vector<std::string> warnings;
      const Gaussian post = model_.posterior(targets, values, &warnings);
      set_json(res, cli::gaussian_query_json(post, values, warnings));
      return;
    }
    query::Query q;
    q.evidence = query::Evidence::from_names(model_, given);
    if (!soft.empty()) q.evidence = q.evidence.with_soft(model_, soft);
    q.method = targets.empty() ? "jt" : "ve";
    q.targets = std::move(targets);
    query::EngineOptions engine;
    engine.max_memory_bytes = options_.max_memory_bytes;
    const query::Result r = model_.answer(q, engine);
    set_json(res, cli::marginals_json(r, q.evidence.as_given(), q.evidence.soft_as_given(), {}));
  }

  // `pgm independent --json --x ... --y ... --given ...`.
  void independent(const httplib::Request& req, httplib::Response& res) const {
    const Json body = parse_body(req, {"x", "y", "given"});
    for (const char* field : {"x", "y"})
      if (!body.contains(field))
        throw HttpError(400, std::string("the request needs '") + field + "', a list of variable names");
    const auto x = names_field(body, "x"), y = names_field(body, "y"), given = names_field(body, "given");
    set_json(res, cli::independent_json(model_.independent(x, y, given, kDefaultIndependenceTolerance), std::nullopt));
  }

  // The picture: ?given=A=a,B=b (repeatable) and ?soft=B=0.8,0.2 (one variable each, repeatable).
  // As `pgm render MODEL --given ... --soft ... -o out.svg`, the texts read by the same library
  // functions (query::parse_assignments, parse_soft); an empty value is no evidence.
  void render(const httplib::Request& req, httplib::Response& res) const {
    std::vector<std::string> given_texts, soft_texts;
    for (const auto& [key, value] : query_params(req.target)) {
      if (key != "given" && key != "soft")
        throw HttpError(400, "unknown parameter '" + key + "'; the parameters are given and soft");
      if (!value.empty()) (key == "given" ? given_texts : soft_texts).push_back(value);
    }
    const query::Assignments given = query::parse_assignments(given_texts, "given");
    const query::SoftAssignments soft = query::parse_soft(soft_texts, "soft");
    query::Evidence evidence = query::Evidence::from_names(model_, given);
    if (!soft.empty()) evidence = evidence.with_soft(model_, soft);
    render::Options picture;
    picture.format = render::Format::svg;
    picture.max_memory_bytes = options_.max_memory_bytes;
    res.set_content(render::render(model_, evidence, picture), "image/svg+xml");
  }

 private:
  const Model& model_;
  const Options& options_;
  std::string info_;
};

// Whether a Host header names this server: on loopback, only loopback names are answered, so a
// page elsewhere cannot reach the API by pointing a name of its own at 127.0.0.1 (DNS rebinding).
bool host_allowed(const httplib::Request& req, const std::string& bound_host, bool loopback) {
  if (!loopback || !req.has_header("Host")) return true;
  std::string host = req.get_header_value("Host");
  if (!host.empty() && host.front() == '[') {
    host = host.substr(0, host.find(']') + 1);
  } else if (const auto colon = host.find(':'); colon != std::string::npos) {
    host = host.substr(0, colon);
  }
  std::transform(host.begin(), host.end(), host.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return host == "127.0.0.1" || host == "localhost" || host == "[::1]" || host == bound_host ||
         host == "[" + bound_host + "]";
}

bool is_loopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

// Every library refusal of a request is the client's to fix (400); nothing reaches httplib, which
// would answer 500 with the exception's text in a header.
httplib::Server::Handler guarded(std::function<void(const httplib::Request&, httplib::Response&)> handler,
                                 const Options& options) {
  const bool loopback = is_loopback(options.host);
  return [handler = std::move(handler), &options, loopback](const httplib::Request& req, httplib::Response& res) {
    try {
      if (!host_allowed(req, options.host, loopback))
        throw HttpError(403, "the Host header '" + req.get_header_value("Host") +
                                 "' does not name this server (it listens on loopback); use http://127.0.0.1:PORT/");
      handler(req, res);
    } catch (const HttpError& e) {
      set_error(res, e.status(), e.what());
    } catch (const QueryError& e) {  // unknown names, impossible evidence, malformed assignments
      set_error(res, 400, e.what());
    } catch (const UnsupportedError& e) {
      set_error(res, 400, e.what());
    } catch (const LimitError& e) {  // refused as too large: the request asked too much
      set_error(res, 400, std::string(e.what()) + " (pgm serve --max-memory SIZE sets the per-request limit)");
    } catch (const NumericalError& e) {
      set_error(res, 400, e.what());
    } catch (const std::bad_alloc&) {
      set_error(res, 503, "out of memory answering this request");
    } catch (const std::exception& e) {
      set_error(res, 500, std::string("internal error: ") + e.what());
    } catch (...) {
      set_error(res, 500, "internal error");
    }
  };
}

// httplib's routes are regular expressions; the paths are literal.
std::string literal(std::string_view path) {
  std::string out;
  for (const char c : path) {
    if (std::string_view("\\^$.|?*+()[]{}").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

// Written to by the handler of SIGINT and SIGTERM (async-signal-safe), read by run()'s stopper.
int stop_pipe[2] = {-1, -1};

void on_stop_signal(int signal_number) {
  const char byte = static_cast<char>(signal_number);
  const int saved = errno;
  (void)!write(stop_pipe[1], &byte, 1);
  errno = saved;
}

struct Route {
  std::string path;
  const char* allow;  // methods, for 405's Allow header
};

// The API's endpoints, for run()'s router and answer() alike.
struct ApiRoute {
  const char* path;
  const char* method;
  void (Api::*handler)(const httplib::Request&, httplib::Response&) const;
};
constexpr ApiRoute kApiRoutes[] = {
    {"/api/model", "GET", &Api::model},
    {"/api/query", "POST", &Api::query},
    {"/api/independent", "POST", &Api::independent},
    {"/api/render", "GET", &Api::render},
};

}  // namespace

void run(const Model& model, const Options& options, std::ostream& out) {
  // SIGINT and SIGTERM write to a pipe that a thread of ours reads (not sigwait: threads started
  // before this one, OpenBLAS's, would take the signal with its default action); a peer closing
  // early must not kill the process with SIGPIPE.
  if (stop_pipe[0] < 0 && pipe2(stop_pipe, O_CLOEXEC) != 0) throw std::runtime_error("cannot create a pipe");
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  signal(SIGPIPE, SIG_IGN);

  const Api api(model, options);
  httplib::Server server;
  const std::size_t threads = options.threads;
  server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server.set_payload_max_length(options.max_body_bytes);
  server.set_read_timeout(5, 0);
  server.set_write_timeout(5, 0);
  server.set_keep_alive_timeout(2);  // an idle connection holds a worker; also bounds the stop
  server.set_keep_alive_max_count(1000);
  server.set_tcp_nodelay(true);  // headers and body are separate writes: no 40 ms Nagle/delayed-ACK stall
  // SO_REUSEADDR only: httplib's default, SO_REUSEPORT, lets a second server bind the same port and
  // take half the connections.
  int listening_socket = -1;
  server.set_socket_options([&listening_socket](auto sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    listening_socket = sock;
  });

  std::vector<Route> routes;
  const auto get = [&](const std::string& path, auto handler) {
    server.Get(literal(path), guarded(handler, options));
    routes.push_back({path, "GET, HEAD"});
  };
  const auto post = [&](const std::string& path, auto handler) {
    server.Post(literal(path), guarded(handler, options));
    routes.push_back({path, "POST"});
  };
  for (const Asset& asset : page_assets()) {
    const auto serve_asset = [asset](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(asset.bytes), std::string(asset.content_type));
      res.set_header("Cache-Control", "no-cache");
      res.set_header("X-Content-Type-Options", "nosniff");
    };
    get(std::string(asset.path), serve_asset);
    if (asset.path == "/index.html") get("/", serve_asset);
  }
  for (const ApiRoute& route : kApiRoutes) {
    const auto handler = [&api, h = route.handler](const httplib::Request& req, httplib::Response& res) { (api.*h)(req, res); };
    if (std::string_view(route.method) == "GET") get(route.path, handler);
    else post(route.path, handler);
  }

  // Errors httplib finds itself (no route, a malformed request, a body over the limit) get a JSON
  // body too; a known path asked with another method is 405 with the methods it takes.
  const std::size_t max_body = options.max_body_bytes;
  server.set_error_handler([&routes, max_body](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;  // a handler's own error
    std::string message;
    if (res.status == 404) {
      const auto route = std::find_if(routes.begin(), routes.end(), [&](const Route& r) { return r.path == req.path; });
      if (route != routes.end()) {
        res.status = 405;
        res.set_header("Allow", route->allow);
        message = "method " + req.method + " is not allowed on " + req.path + "; use " + route->allow;
      } else {
        message = "no such path: " + req.path + " (the API is GET /api/model, POST /api/query, POST /api/independent, "
                  "GET /api/render; the page is GET /)";
      }
    } else if (res.status == 413) {
      message = "the request body is over the limit of " + std::to_string(max_body) + " bytes";
    } else if (res.status == 414) {
      message = "the request URI is too long";
    } else if (res.status == 400) {
      message = "malformed HTTP request";
    } else {
      message = "HTTP error " + std::to_string(res.status);
    }
    res.set_content(error_body(message), kJson);
  });

  const int port = options.port == 0 ? server.bind_to_any_port(options.host)
                                     : (server.bind_to_port(options.host, options.port) ? options.port : -1);
  if (port <= 0)
    throw cli::UsageError("cannot listen on " + options.host + " port " + std::to_string(options.port) +
                          " (the port is in use, or the host is not an address of this machine)");
  // httplib listens with a backlog of 5: more connections arriving at once than that (a page's
  // parallel fetches, a load test) would wait for a 1 s SYN retransmit. Listening again raises it.
  if (listening_socket >= 0) (void)listen(listening_socket, SOMAXCONN);
  const bool ipv6 = options.host.find(':') != std::string::npos;
  out << "http://" << (ipv6 ? "[" + options.host + "]" : options.host) << ':' << port << "/\n" << std::flush;

  // The stopper waits for a signal, then for the server to be running (a signal that arrives
  // before listen starts would otherwise be lost), and stops it.
  std::atomic<bool> signalled{false}, listening_done{false};
  std::thread stopper([&] {
    char byte = 0;
    while (read(stop_pipe[0], &byte, 1) < 0 && errno == EINTR) {
    }
    if (byte != 0) signalled = true;  // 0: woken by run() itself
    while (!server.is_running() && !listening_done) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    server.stop();
  });
  const bool listened = server.listen_after_bind();
  listening_done = true;
  if (!signalled) {
    const char wake = 0;
    (void)!write(stop_pipe[1], &wake, 1);
  }
  stopper.join();
  const bool stopped_by_signal = signalled;
  if (!stopped_by_signal || !listened)
    throw std::runtime_error("the server stopped accepting connections on " + options.host + " port " +
                             std::to_string(port));
}

Reply answer(const Model& model, const Options& options, std::string_view method, std::string_view target,
             std::string body) {
  httplib::Request req;
  req.method = std::string(method);
  req.target = std::string(target);
  req.path = url_decode(target.substr(0, target.find('?')));
  req.body = std::move(body);
  httplib::Response res;
  const Api api(model, options);
  for (const ApiRoute& route : kApiRoutes) {
    if (req.path != route.path) continue;
    if (req.method != route.method)
      return {405, kJson, error_body("method " + req.method + " is not allowed on " + req.path + "; use " + route.method)};
    guarded([&api, h = route.handler](const httplib::Request& q, httplib::Response& r) { (api.*h)(q, r); }, options)(req, res);
    return {res.status == -1 ? 200 : res.status, res.get_header_value("Content-Type"), std::move(res.body)};
  }
  return {404, kJson, error_body("no such path: " + req.path)};
}

}  // namespace pgm::serve
