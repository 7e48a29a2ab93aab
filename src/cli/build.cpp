// The 'build' subcommand: builds, measures or stages one architecture of a Lambda image.
#include "engine/build.hpp"
#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "common/error.hpp"
#include "deploy/deploy.hpp"
#include "engine/bases.hpp"
#include "engine/buildx.hpp"
#include "registry/client.hpp"
#include "registry/remote_image.hpp"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <filesystem>
#include <memory>
#include <ostream>
#include <vector>

namespace hubtel::cli {
namespace {

// <name>-size compares the image with the one deployed for its architecture, when deploy.json
// records one, read from its registry with the push's credentials. A record or registry that
// cannot be read is said on `err`, and the report goes on without the comparison.
void compare_with_deployed(engine::BuildRequest& request, const spec::ImageSpec& spec,
                           std::ostream& err) {
  try {
    const auto uri = deploy::deployed_image(spec, request.arch);
    if (!uri) {
      return;
    }
    const auto reference = registry::parse_image_reference(*uri);
    if (!reference || reference->digest.empty()) {
      throw Error(
          fmt::format("deploy.json names '{}', which is no image pinned by digest; run "
                      "{}-deploy again",
                      *uri, spec.name));
    }
    registry::RegistryReadOptions registry_options;
    request.compare_with = std::make_shared<const inspect::Image>(
        registry::read_registry_image(*reference, registry_options, {}));
    request.compare_source = *uri + " (deployed)";
  } catch (const Error& e) {
    err << fmt::format("hubtel-ai: warning: {}-size: not compared with the deployed image: {}\n",
                       spec.name, e.what());
  }
}

}  // namespace

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
  auto engine_host = std::make_shared<std::string>();
  auto engines_file = std::make_shared<std::string>("hubtel/engines.json");
  add_engine_host_options(
      *command, *engine_host, *engines_file,
      "Build on this engine of HUBTEL_ENGINE_HOSTS (its address or context name)");
  command->add_option("--buildx-builder", request->engine.builder,
                      "Build on this buildx builder (HUBTEL_BUILDX_BUILDER)");
  command->add_option("--stage", request->stage, "Build this extra stage instead of the image")
      ->check(CLI::IsMember({"dev", "debug"}));
  command->add_flag("--size", request->size,
                    "Report where the image's bytes went, against the spec's size budget");
  command->add_flag("--always-write-id", request->always_write_id,
                    "Write image-<arch>.id after every build, even when the id is the same (for "
                    "build tools without restat, such as make)");
  command->callback([request, engine_host, engines_file, &context] {
    engine::attach_host(request->engine, *engines_file, *engine_host);
    if (!request->engine.builder.empty()) {
      engine::check_builder_name(request->engine.builder);
    }
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
    if (request->size) {
      compare_with_deployed(logged_in, spec, context.err);
    }
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
  auto engine_host = std::make_shared<std::string>();
  auto engines_file = std::make_shared<std::string>("hubtel/engines.json");
  add_engine_host_options(*command, *engine_host, *engines_file,
                          "Ask this engine of HUBTEL_ENGINE_HOSTS (the image's) about local bases");
  command->callback([options, engine_host, engines_file, &context] {
    engine::attach_host(options->engine, *engines_file, *engine_host);
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
