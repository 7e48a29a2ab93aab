// The 'abi-check' subcommand (placeholder until its concern lands).
#include "cli/commands.hpp"
#include "common/error.hpp"

#include <CLI/CLI.hpp>

namespace hubtel::cli {

void add_abi_check_command(CLI::App& app, Context& /*context*/) {
  auto* command = app.add_subcommand("abi-check", "abi-check (not available yet)");
  command->callback([] { throw Error("'abi-check' is not available yet"); });
}

}  // namespace hubtel::cli
