// The 'build' subcommand: builds, measures or stages one architecture of a Lambda image.
#include "engine/build.hpp"
#include "cli/commands.hpp"
#include "engine/bases.hpp"
#include "registry/client.hpp"

#include <CLI/CLI.hpp>

#include <filesystem>
#include <memory>
#include <vector>

namespace hubtel::cli {

void add_build_command(CLI::App& app, Context& context) {
  auto request = std::make_shared<engine::BuildRequest>();
  auto* command = app.add_subcommand(
      "build",
      "build one architecture of a Lambda image from its spec (used by the image targets)");
  command->add_option("--spec", request->spec, "The image spec, hubtel/<name>/spec.json")
      ->required();
  command->add_option("--arch", request->arch, "x86_64 or arm64")
      ->required()
      ->check(CLI::IsMember({"x86_64", "arm64"}));
  command->add_option("--engine", request->engine.program, "The engine's client program");
  command
      ->add_option("--engine-kind", request->engine.kind,
                   "docker-buildkit, docker-buildx, podman, buildah or none")
      ->check(CLI::IsMember({"docker-buildkit", "docker-buildx", "podman", "buildah", "none"}));
  command->add_option("--stage", request->stage, "Build this extra stage instead of the image")
      ->check(CLI::IsMember({"dev", "debug"}));
  command->add_flag("--size", request->size,
                    "Report where the image's bytes went, against the spec's size budget");
  command->add_flag("--always-write-id", request->always_write_id,
                    "Write image-<arch>.id after every build, even when the id is the same (for "
                    "build tools without restat, such as make)");
  command->callback([request, &context] {
    // The engine reads ECR (base images, the registry cache) through the registry client's login.
    const auto spec = spec::read(request->spec);
    registry::Client registries(request->engine, "aws", "build " + spec.name);
    if (request->engine.kind != "none" && !request->engine.program.empty()) {
      for (const auto& repository : registry::ecr_reads_of(spec)) {
        registries.log_in(repository, false, context.err);
      }
    }
    auto logged_in = *request;
    logged_in.engine = registries.engine();
    context.exit_code = engine::run_build(logged_in, spec, context.out, context.err);
  });
}

void add_bases_command(CLI::App& app, Context& context) {
  struct Options {
    std::vector<std::filesystem::path> specs;
    engine::Engine engine;
    bool update = false;
  };
  auto options = std::make_shared<Options>();
  auto* command = app.add_subcommand(
      "bases",
      "lock the base images of Lambda images (hubtel/<name>/bases.lock): the bases not locked yet, "
      "or with --update every one again, saying what changed");
  command->add_option("--spec", options->specs, "An image spec, hubtel/<name>/spec.json")
      ->required();
  command->add_option("--engine", options->engine.program, "The engine's client program");
  command
      ->add_option("--engine-kind", options->engine.kind,
                   "docker-buildkit, docker-buildx, podman, buildah or none")
      ->check(CLI::IsMember({"docker-buildkit", "docker-buildx", "podman", "buildah", "none"}));
  command->add_flag("--update", options->update,
                    "Lock every base again as its registry (or the engine) has it now");
  command->callback([options, &context] {
    for (const auto& file : options->specs) {
      const auto spec = spec::read(file);
      registry::Client registries(options->engine, "aws", "lock the bases of " + spec.name);
      if (options->engine.kind != "none" && !options->engine.program.empty()) {
        for (const auto& repository : registry::ecr_reads_of(spec)) {
          registries.log_in(repository, false, context.err);
        }
      }
      engine::refresh_lock(registries.engine(), spec, options->update, context.out, context.err);
    }
    context.exit_code = 0;
  });
}

}  // namespace hubtel::cli
