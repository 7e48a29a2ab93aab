// The 'prepare' subcommand: an image's Dockerfile, .dockerignore and build inputs from its spec.
#include "spec/prepare.hpp"
#include "cli/commands.hpp"

#include <CLI/CLI.hpp>

#include <memory>
#include <string>

namespace hubtel::cli {

void add_prepare_command(CLI::App& app, Context& context) {
  auto spec = std::make_shared<std::string>();
  auto* command = app.add_subcommand(
      "prepare",
      "render an image's Dockerfile and .dockerignore and write its build inputs, from its spec "
      "(used by the image targets)");
  command->add_option("--spec", *spec, "The image spec, hubtel/<name>/spec.json")->required();
  command->callback([spec, &context] {
    spec::prepare(*spec);
    context.exit_code = 0;
  });
}

}  // namespace hubtel::cli
