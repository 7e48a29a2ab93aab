// The 'build' subcommand (placeholder until its concern lands).
#include "cli/commands.hpp"
#include "common/error.hpp"

#include <CLI/CLI.hpp>

namespace hubtel::cli {

void add_build_command(CLI::App& app, Context& /*context*/) {
  auto* command = app.add_subcommand("build", "build (not available yet)");
  command->callback([] { throw Error("'build' is not available yet"); });
}

}  // namespace hubtel::cli
