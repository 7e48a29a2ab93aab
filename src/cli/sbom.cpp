// The 'sbom' subcommand: the SBOM of a built image (from its spec and the engine) or of a saved
// image, in SPDX 2.3 or CycloneDX 1.5 JSON.
#include "sbom/sbom.hpp"
#include "cli/commands.hpp"
#include "common/error.hpp"
#include "common/files.hpp"
#include "engine/build.hpp"
#include "sbom/formats.hpp"
#include "sbom/inventory.hpp"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <memory>
#include <regex>

namespace hubtel::cli {

namespace {

struct SbomOptions {
  sbom::SbomRequest request;
  std::string image;
  std::size_t base_layers = 0;
  std::string name;
  std::string arch;
  std::string base_name;
  std::string base_digest;
  std::string format = "spdx";
  std::string output;
  std::string engine_host;
  std::string engines_file = "hubtel/engines.json";
};

}  // namespace

void add_sbom_command(CLI::App& app, Context& context) {
  auto options = std::make_shared<SbomOptions>();
  options->request.engine = {"/usr/bin/docker", "docker-buildkit", {}};
  options->request.tool_version = HUBTEL_AI_VERSION;
  auto* command = app.add_subcommand(
      "sbom",
      "write the SBOM of a built image (--spec, as <name>-sbom does) or of a saved image "
      "(--image): "
      "its base, its packages, the files HubtelAI added and its Python distributions");
  auto* spec = command->add_option("--spec", options->request.spec,
                                   "The image spec, hubtel/<name>/spec.json: writes "
                                   "hubtel/<name>/sbom-<arch>.spdx.json (or .cdx.json)");
  command->add_option("--arch", options->arch, "x86_64 or arm64")
      ->check(CLI::IsMember({"x86_64", "arm64"}));
  command->add_option("--engine", options->request.engine.program, "The engine's client program")
      ->capture_default_str();
  auto* engine_host = command->add_option(
      "--engine-host", options->engine_host,
      "With --spec: the engine of HUBTEL_ENGINE_HOSTS that built the image (its address)");
  auto* engines_file = command
                           ->add_option("--engines", options->engines_file,
                                        "With --spec: the engine assignment configure wrote")
                           ->capture_default_str();
  auto* image = command->add_option(
      "--image", options->image,
      "A saved image instead: a docker-save archive, an OCI layout folder, or - for stdin");
  auto* base_layers = command->add_option(
      "--base-layers", options->base_layers,
      "With --image: how many of its lowest layers are its base's (their files are not listed "
      "as added)");
  auto* name =
      command->add_option("--name", options->name, "With --image: the image's name in the SBOM");
  auto* base_name = command->add_option(
      "--base-name", options->base_name,
      "With --image: the base's name (default: its org.opencontainers.image.base.name label)");
  auto* base_digest = command->add_option(
      "--base-digest", options->base_digest,
      "With --image: the base's digest (default: its org.opencontainers.image.base.digest label)");
  auto* format = command->add_option("--format", options->format, "With --image: spdx or cyclonedx")
                     ->check(CLI::IsMember({"spdx", "cyclonedx"}))
                     ->capture_default_str();
  auto* output = command->add_option(
      "--output", options->output, "With --image: the file to write (atomically); default stdout");
  spec->excludes(image);
  engine_host->excludes(image);
  engines_file->excludes(image);
  for (auto* only_image : {base_layers, name, base_name, base_digest, format, output}) {
    only_image->excludes(spec);
  }
  command->callback([options, spec, image, &context] {
    if (spec->count() == 0 && image->count() == 0) {
      throw Error("give --spec (a built image) or --image (a saved image)", ExitCode::usage);
    }
    if (spec->count() != 0) {
      if (options->arch.empty()) {
        throw Error("--spec needs --arch (x86_64 or arm64)", ExitCode::usage);
      }
      options->request.arch = options->arch;
      engine::attach_host(options->request.engine, options->engines_file, options->engine_host);
      context.exit_code = sbom::run_sbom(options->request, context.out, context.err);
      return;
    }
    static const std::regex digest("sha256:[0-9a-f]{64}");
    if (!options->base_digest.empty() && !std::regex_match(options->base_digest, digest)) {
      throw Error(fmt::format("--base-digest \"{}\" is not a digest (sha256:<64 hex digits>)",
                              options->base_digest),
                  ExitCode::usage);
    }
    sbom::ReadRequest read;
    read.input = options->image;
    read.base_layers = options->base_layers;
    read.name = options->name.empty() ? std::string("image") : options->name;
    read.base = {options->base_name, options->base_digest};
    auto inventory = sbom::read_inventory(read, context.in);
    inventory.architecture = options->arch;
    inventory.tool_version = HUBTEL_AI_VERSION;
    const auto text = sbom::render(inventory, options->format);
    if (options->output.empty()) {
      context.out << text;
    } else {
      write_file_atomically(options->output, text);
    }
  });
}

}  // namespace hubtel::cli
