// The 'size' subcommand (placeholder until its concern lands).
#include "cli/commands.hpp"
#include "common/error.hpp"

#include <CLI/CLI.hpp>

namespace hubtel::cli {

void add_size_command(CLI::App& app, Context& /*context*/) {
  auto* command = app.add_subcommand("size", "size (not available yet)");
  command->callback([] { throw Error("'size' is not available yet"); });
}

}  // namespace hubtel::cli
