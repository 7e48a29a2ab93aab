// The 'render' subcommand (placeholder until its concern lands).
#include "cli/commands.hpp"
#include "common/error.hpp"

#include <CLI/CLI.hpp>

namespace hubtel::cli {

void add_render_command(CLI::App& app, Context& /*context*/) {
  auto* command = app.add_subcommand("render", "render (not available yet)");
  command->callback([] { throw Error("'render' is not available yet"); });
}

}  // namespace hubtel::cli
