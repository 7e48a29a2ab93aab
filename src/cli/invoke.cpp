// The 'invoke' subcommand: runs a Lambda image locally with one event, over a local Runtime API.
#include "lambda/invoke.hpp"
#include "cli/commands.hpp"
#include "common/error.hpp"
#include "common/files.hpp"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <memory>
#include <regex>

namespace hubtel::cli {

namespace {

const CLI::Validator environment_validator(
    [](std::string& value) { return lambda::environment_problem(value); }, "KEY=VALUE");

const CLI::Validator function_name_validator(
    [](std::string& value) { return lambda::function_name_problem(value); }, "NAME");

// The image id a build recorded (hubtel/<name>/image-<arch>.id): a tag may have moved on to
// another build tree's image since, the id has not.
std::string read_image_id(const std::string& path) {
  auto id = read_file(path);
  while (!id.empty() && (id.back() == '\n' || id.back() == '\r' || id.back() == ' ')) {
    id.pop_back();
  }
  static const std::regex image_id("(sha256:)?[0-9a-f]{64}");
  if (!std::regex_match(id, image_id)) {
    throw Error(
        fmt::format("'{}' does not hold an image id (sha256:<64 hex digits>); build the "
                    "image target again",
                    path));
  }
  return id;
}

}  // namespace

void add_invoke_command(CLI::App& app, Context& context) {
  auto request = std::make_shared<lambda::InvokeRequest>();
  auto platform = std::make_shared<std::string>();
  auto* command = app.add_subcommand(
      "invoke",
      "run a Lambda image locally with one event and print the function's response payload");
  command->footer(
      "A local Runtime API on 127.0.0.1 hands the event to the container (host network). The "
      "function's logs go to stderr; a function error prints its error document there and exits "
      "1. The region is $AWS_REGION (or $AWS_DEFAULT_REGION, else us-east-1).");
  auto image_file = std::make_shared<std::string>();
  auto* image =
      command->add_option("--image", request->image, "The image: a reference or an image id");
  auto* image_file_option = command->add_option(
      "--image-file", *image_file, "A file holding the image id (what <name>-image writes)");
  image->excludes(image_file_option);
  command->add_option("--event", request->event_path,
                      "The event: a JSON file, or - for standard input (default: {})");
  command->add_option("--platform", *platform, "The image's platform")
      ->check(CLI::IsMember({"linux/amd64", "linux/arm64"}));
  command->add_option("--env", request->environment, "A variable for the function (repeatable)")
      ->check(environment_validator);
  command
      ->add_option("--timeout", request->timeout_seconds,
                   "The function's timeout in seconds, as on Lambda (default 30; at most 900)")
      ->check(CLI::Range(1, 900));
  command
      ->add_option("--memory", request->memory_mib,
                   "AWS_LAMBDA_FUNCTION_MEMORY_SIZE in MiB (default 128; not enforced)")
      ->check(CLI::Range(128, 10240));
  command
      ->add_option("--function-name", request->function_name,
                   "The function's name (default: the image repository's last component)")
      ->check(function_name_validator);
  command->add_option("--engine", request->engine,
                      "The container engine's client program, docker or podman (default: docker)");
  command->callback([request, platform, image_file, &context] {
    if (!image_file->empty()) {
      request->image = read_image_id(*image_file);
    } else if (request->image.empty()) {
      throw Error("--image is required (a reference or an id), or --image-file <file>",
                  ExitCode::usage);
    }
    if (!platform->empty()) {
      request->platform = *platform;
    }
    lambda::invoke(*request, context.in, context.out, context.err);
  });
}

}  // namespace hubtel::cli
