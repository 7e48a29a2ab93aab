// The 'prepare' subcommand: an image's Dockerfile, .dockerignore and build inputs from its spec.
#include "spec/prepare.hpp"
#include "cli/commands.hpp"
#include "cli/options.hpp"

#include <CLI/CLI.hpp>

#include <filesystem>
#include <memory>

namespace hubtel::cli {

void add_prepare_command(CLI::App& app, Context& context) {
  auto spec = std::make_shared<std::filesystem::path>();
  auto* command = app.add_subcommand(
      "prepare",
      "render an image's Dockerfile and .dockerignore and write its build inputs, from its spec "
      "(used by the image targets)");
  add_spec_option(*command, *spec);
  command->callback([spec, &context] {
    spec::prepare(*spec);
    context.exit_code = 0;
  });
}

}  // namespace hubtel::cli
