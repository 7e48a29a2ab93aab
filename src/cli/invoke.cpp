// The 'invoke' subcommand (placeholder until its concern lands).
#include "cli/commands.hpp"
#include "common/error.hpp"

#include <CLI/CLI.hpp>

namespace hubtel::cli {

void add_invoke_command(CLI::App& app, Context& /*context*/) {
  auto* command = app.add_subcommand("invoke", "invoke (not available yet)");
  command->callback([] { throw Error("'invoke' is not available yet"); });
}

}  // namespace hubtel::cli
