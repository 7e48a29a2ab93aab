// The 'push', 'deploy', 'versions', 'rollback', 'gc' and 'sam' subcommands: the registry and AWS
// Lambda.
#include "deploy/deploy.hpp"
#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "deploy/gc.hpp"
#include "deploy/sam.hpp"
#include "deploy/versions.hpp"
#include "registry/push.hpp"

#include <CLI/CLI.hpp>

#include <memory>
#include <regex>

namespace hubtel::cli {

void add_push_command(CLI::App& app, Context& context) {
  const auto [command, request] = add_request_command(
      app, context, "push",
      "tag and push each architecture of a built image (and its registry build cache, when the "
      "spec asks for one); record the pushed digests",
      registry::run_push);
  add_spec_option(*command, request->spec);
  command->add_option("--engine", request->engine.program, "The engine's client program")
      ->capture_default_str();
  command
      ->add_option("--engine-kind", request->engine.kind,
                   "docker-buildkit, docker-buildx, podman, buildah or none")
      ->capture_default_str()
      ->check(CLI::IsMember({"docker-buildkit", "docker-buildx", "podman", "buildah", "none"}));
  add_engine_host_options(
      *command, request->engine_host, request->engines_file,
      "Push from this engine of HUBTEL_ENGINE_HOSTS, the one that built the image");
  add_aws_option(*command, request->aws);
  command->add_flag("--create-repository", request->create_repository,
                    "Create a missing ECR repository first");
  command->add_flag("--force", request->force, "Push even when the records say it is done");
}

void add_deploy_command(CLI::App& app, Context& context) {
  const auto [command, request] = add_request_command(
      app, context, "deploy", "create or update the image's Lambda function from the pushed digest",
      deploy::run_deploy);
  command
      ->add_option("--spec", request->specs,
                   "The image spec, hubtel/<name>/spec.json; several deploy each on its own")
      ->required();
  add_aws_option(*command, request->aws);
  add_arch_option(*command, request->arch,
                  "The function's architecture (default: the spec's first)");
  add_wait_option(*command, request->wait_timeout,
                  "Seconds to wait for Lambda to apply each change (default 600)");
  command->add_flag("--force", request->force, "Deploy even when deploy.json says it is done");
}

void add_versions_command(CLI::App& app, Context& context) {
  const auto [command, request] = add_request_command(
      app, context, "versions",
      "list the function's published versions with digest, date, revision and aliases",
      deploy::run_versions);
  add_spec_option(*command, request->spec);
  add_aws_option(*command, request->aws);
  command->add_option("--format", request->format, "text or json")
      ->capture_default_str()
      ->check(CLI::IsMember({"text", "json"}));
}

void add_rollback_command(CLI::App& app, Context& context) {
  const auto [command, request] = add_request_command(
      app, context, "rollback",
      "point the alias (or the function's code) back at an earlier published version, without "
      "building or pushing",
      deploy::run_rollback);
  add_spec_option(*command, request->spec);
  add_aws_option(*command, request->aws);
  command
      ->add_option("--to", request->to,
                   "A version number or sha256:<digest> (default: the version before the "
                   "current one)")
      ->check(CLI::Validator(
          [](const std::string& value) {
            static const std::regex valid("[1-9][0-9]{0,9}|sha256:[0-9a-f]{64}");
            return std::regex_match(value, valid)
                       ? std::string()
                       : "expected a version number or sha256:<64 hexadecimal digits>";
          },
          "VERSION|DIGEST"));
  add_wait_option(*command, request->wait_timeout,
                  "Seconds to wait for Lambda to apply the code change (default 600)");
}

void add_gc_command(CLI::App& app, Context& context) {
  const auto [command, request] = add_request_command(
      app, context, "gc",
      "delete the function's old published versions no alias needs, then the repository's images "
      "nothing runs, past the newest pushes",
      deploy::run_gc);
  add_spec_option(*command, request->spec);
  add_aws_option(*command, request->aws);
  command
      ->add_option("--keep", request->keep,
                   "How many versions and pushes to keep (default: the spec's KEEP_IMAGES)")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{1000}));
  command->add_flag("--dry-run", request->dry_run, "Print the plan and delete nothing");
}

void add_sam_command(CLI::App& app, Context& context) {
  auto request = std::make_shared<deploy::SamRequest>();
  auto* command = app.add_subcommand(
      "sam", "write an AWS SAM template of one or more images' functions, pinned by digest");
  command->add_option("--spec", request->specs, "Image specs, hubtel/<name>/spec.json")->required();
  command->add_option("--output", request->output,
                      "The template file (written when it changes); default stdout");
  command->callback(
      [request, &context] { context.exit_code = deploy::run_sam(*request, context.out); });
}

}  // namespace hubtel::cli
