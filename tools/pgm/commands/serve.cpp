// `pgm serve MODEL`: the model's page and JSON API over HTTP (tools/pgm/serve, docs/serve.md).
#include "pgm/commands.hpp"
#include "pgm/serve/server.hpp"

#include <pgm/core/size.hpp>

#include <iostream>
#include <memory>
#include <string>

namespace pgm::cli {
namespace {

struct ServeCommand {
  ModelOptions model;
  serve::Options server;
  std::string max_memory;
};

void run_serve(ServeCommand& cmd) {
  if (cmd.server.port < 0 || cmd.server.port > 65535)
    throw UsageError("--port must be from 0 (any free port) to 65535, got " + std::to_string(cmd.server.port));
  if (cmd.server.threads < 1 || cmd.server.threads > 256)
    throw UsageError("--threads must be from 1 to 256, got " + std::to_string(cmd.server.threads));
  if (cmd.server.host.empty()) throw UsageError("--host must name an address, e.g. 127.0.0.1");
  // Per request: the machine's half (the command line's default) shared by the workers.
  cmd.server.max_memory_bytes =
      cmd.max_memory.empty() ? parse_memory("") / cmd.server.threads : parse_memory(cmd.max_memory);
  set_max_table_bytes(cmd.server.max_memory_bytes);  // every table the library allocates
  const Model model = load_model(cmd.model);
  serve::run(model, cmd.server, std::cout);
}

}  // namespace

void register_serve_commands(CLI::App& app) {
  auto cmd_opts = std::make_shared<ServeCommand>();
  CLI::App* cmd = app.add_subcommand(
      "serve", "Serve an interactive page and a JSON API for the model over HTTP (stop with Ctrl-C)");
  add_model_options(*cmd, cmd_opts->model);
  cmd->add_option("--host", cmd_opts->server.host,
                  "Address to listen on (loopback by default: anything else lets other machines query the model)")
      ->capture_default_str();
  cmd->add_option("--port", cmd_opts->server.port, "Port to listen on; 0 takes a free one (the URL printed says which)")
      ->capture_default_str();
  cmd->add_option("--threads", cmd_opts->server.threads, "Worker threads answering requests concurrently (1 to 256)")
      ->capture_default_str();
  cmd->add_option("--max-memory", cmd_opts->max_memory,
                  "Refuse a request whose inference tables would exceed this size (e.g. 8G, 512M, a byte count; "
                  "default: half of the machine's memory divided by --threads)")
      ->type_name("SIZE");
  cmd->callback([cmd_opts] { run_serve(*cmd_opts); });
}

}  // namespace pgm::cli
