// The 'prepare' subcommand: an image's Dockerfile, .dockerignore and build inputs from its spec.
#include "spec/prepare.hpp"
#include "cli/commands.hpp"
#include "cli/options.hpp"

#include <CLI/CLI.hpp>

#include <filesystem>
#include <memory>
#include <string>

namespace hubtel::cli {

void add_prepare_command(CLI::App& app, Context& context) {
  auto spec = std::make_shared<std::filesystem::path>();
  auto engine_kind = std::make_shared<std::string>();
  auto* command = app.add_subcommand(
      "prepare",
      "render an image's Dockerfile and .dockerignore and write its build inputs, from its spec "
      "(used by the image targets)");
  add_spec_option(*command, *spec);
  command
      ->add_option("--engine-kind", *engine_kind,
                   "The engine the image builds with: docker-buildkit, docker-buildx, podman, "
                   "buildah or none")
      ->check(CLI::IsMember({"docker-buildkit", "docker-buildx", "podman", "buildah", "none"}));
  command->callback([spec, engine_kind, &context] {
    spec::prepare(*spec, *engine_kind);
    context.exit_code = 0;
  });
}

}  // namespace hubtel::cli
