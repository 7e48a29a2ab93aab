// The options invoke and serve share: see function.hpp.
#include "cli/function.hpp"

#include "common/error.hpp"
#include "common/files.hpp"
#include "engine/build.hpp"
#include "lambda/events.hpp"
#include "spec/image_spec.hpp"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <filesystem>
#include <ostream>
#include <regex>

namespace hubtel::cli {

namespace {

const CLI::Validator environment_validator(
    [](std::string& value) { return lambda::environment_problem(value); }, "KEY=VALUE");

const CLI::Validator function_name_validator(
    [](std::string& value) { return lambda::function_name_problem(value); }, "NAME");

// An image's spec fills in what the command line leaves out: the image its build recorded, the
// platform, the function's name, timeout, memory and environment, and the event.
void apply_spec(const std::string& spec_file, const std::string& arch, const CLI::App& command,
                bool with_event, lambda::InvokeRequest& request, std::string& image_file,
                std::string& platform, std::ostream& err) {
  const auto spec = spec::read(spec_file);
  if (!spec.has_architecture(arch)) {
    throw Error(fmt::format("image '{}' is not built for {} (its architectures: {})", spec.name,
                            arch, fmt::join(spec.architectures, ", ")));
  }
  image_file = spec::image_id_file(spec, arch).string();
  if (!std::filesystem::exists(image_file)) {
    throw Error(fmt::format("image '{}' ({}) is not built: '{}' is missing; build {}-image first",
                            spec.name, arch, image_file, spec.name));
  }
  platform = engine::platform_of(arch);
  // Built on another engine of HUBTEL_ENGINE_HOSTS: the container runs on this machine's.
  engine::make_image_local(request.engine, spec, arch, err);
  auto given = [&command](const char* option) { return command.count(option) != 0; };
  if (!given("--function-name")) {
    request.function_name = spec.function_name.value_or(spec.name);
    std::replace(request.function_name.begin(), request.function_name.end(), '.', '-');
  }
  if (!given("--timeout")) {
    request.timeout_seconds = static_cast<int>(spec.timeout_or_default());
  }
  if (!given("--memory")) {
    request.memory_mib = static_cast<int>(spec.memory_or_default());
  }
  if (!with_event) {
    // No event: serve makes one of each HTTP request.
  } else if (!given("--event") && spec.event) {
    request.event_path = spec.event->string();
  } else if (!given("--event") && spec.event_kind) {
    // The sample event of EVENT_KIND, written beside the spec for the invoke to read.
    const auto file = spec.dir / fmt::format("event-{}.json", *spec.event_kind);
    write_file_if_changed(file, lambda::make_event(*spec.event_kind, std::nullopt, {}).dump(2));
    request.event_path = file.string();
  }
  std::vector<std::string> environment;
  for (const auto& [key, value] : spec.environment) {
    environment.push_back(key + "=" + value);
  }
  // --env given on the command line comes last, so it wins.
  environment.insert(environment.end(), request.environment.begin(), request.environment.end());
  request.environment = std::move(environment);
  // Secrets from files are read now and travel in the engine's environment; SSM parameters are
  // for the deployed function only.
  for (const auto& [key, reference] : spec.secret_environment) {
    if (reference.rfind("file:", 0) == 0) {
      request.secret_environment.emplace_back(key, read_secret_file(reference.substr(5)));
    } else {
      err << fmt::format(
          "hubtel-ai: {} is not set here: {} is read on deploy only; pass --env "
          "{}=<value> to try one\n",
          key, reference, key);
    }
  }
}

}  // namespace

std::shared_ptr<FunctionOptions> add_function_options(CLI::App& command, bool with_event) {
  auto options = std::make_shared<FunctionOptions>();
  auto* image = command.add_option("--image", options->request.image,
                                   "The image: a reference or an image id");
  auto* image_file_option =
      command.add_option("--image-file", options->image_file,
                         "A file holding the image id (what <name>-image writes)");
  image->excludes(image_file_option);
  auto* spec_option = command.add_option(
      "--spec", options->spec_file,
      with_event ? "An image spec (hubtel/<name>/spec.json): its build's image, and the "
                   "function's name, timeout, memory, environment and event, unless given here"
                 : "An image spec (hubtel/<name>/spec.json): its build's image, and the "
                   "function's name, timeout, memory and environment, unless given here");
  spec_option->excludes(image)->excludes(image_file_option);
  command
      .add_option("--arch", options->arch, "With --spec: the architecture to run (x86_64 or arm64)")
      ->check(CLI::IsMember({"x86_64", "arm64"}))
      ->needs(spec_option);
  if (with_event) {
    command.add_option("--event", options->request.event_path,
                       "The event: a JSON file, or - for standard input (default: {})");
  }
  command.add_option("--platform", options->platform, "The image's platform")
      ->check(CLI::IsMember({"linux/amd64", "linux/arm64"}));
  command
      .add_option("--env", options->request.environment, "A variable for the function (repeatable)")
      ->check(environment_validator);
  command
      .add_option("--timeout", options->request.timeout_seconds,
                  "The function's timeout in seconds, as on Lambda (default 30, or with --spec "
                  "its TIMEOUT, "
                  "else Lambda's 3; at most 900)")
      ->check(CLI::Range(1, 900));
  command
      .add_option("--memory", options->request.memory_mib,
                  "AWS_LAMBDA_FUNCTION_MEMORY_SIZE in MiB (default 128, or with --spec its MEMORY; "
                  "not enforced)")
      ->check(CLI::Range(128, 10240));
  command
      .add_option("--function-name", options->request.function_name,
                  "The function's name (default: the image repository's last component, or with "
                  "--spec its FUNCTION_NAME, else the image's name)")
      ->check(function_name_validator);
  command.add_option("--engine", options->request.engine,
                     "The container engine's client program, docker or podman (default: docker)");
  return options;
}

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

lambda::InvokeRequest resolve_function(const CLI::App& command, const FunctionOptions& options,
                                       bool with_event, std::ostream& err) {
  auto request = options.request;
  auto image_file = options.image_file;
  auto platform = options.platform;
  if (!options.spec_file.empty()) {
    if (options.arch.empty()) {
      throw Error("--spec needs --arch (x86_64 or arm64)", ExitCode::usage);
    }
    apply_spec(options.spec_file, options.arch, command, with_event, request, image_file, platform,
               err);
  }
  if (!image_file.empty()) {
    request.image = read_image_id(image_file);
  } else if (request.image.empty()) {
    throw Error(
        "--image is required (a reference or an id), or --image-file <file>, or --spec "
        "<build>/hubtel/<name>/spec.json --arch <arch> for an image the build made",
        ExitCode::usage);
  }
  if (!platform.empty()) {
    request.platform = platform;
  }
  return request;
}

}  // namespace hubtel::cli
