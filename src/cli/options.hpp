// What several subcommands share: options they take alike, and how a request reaches its run.
#pragma once

#include "cli/commands.hpp"

#include <CLI/CLI.hpp>

#include <chrono>
#include <filesystem>
#include <memory>
#include <ostream>
#include <string>
#include <utility>

namespace hubtel::cli {

// --spec: the image spec a subcommand works from (required).
inline CLI::Option* add_spec_option(CLI::App& command, std::filesystem::path& spec) {
  return command.add_option("--spec", spec, "The image spec, hubtel/<name>/spec.json")->required();
}

// --aws: the AWS CLI program.
inline CLI::Option* add_aws_option(CLI::App& command, std::string& aws) {
  return command.add_option("--aws", aws, "The AWS CLI program")->capture_default_str();
}

// --arch: x86_64 or arm64, into a string or an optional one.
template <typename Arch>
CLI::Option* add_arch_option(CLI::App& command, Arch& arch, const std::string& help) {
  return command.add_option("--arch", arch, help)->check(CLI::IsMember({"x86_64", "arm64"}));
}

// --wait-timeout: how long to wait for Lambda to apply a change, in whole seconds (1 to a day).
inline CLI::Option* add_wait_option(CLI::App& command, std::chrono::seconds& timeout,
                                    const std::string& help) {
  return command
      .add_option_function<unsigned>(
          "--wait-timeout",
          [&timeout](unsigned seconds) { timeout = std::chrono::seconds(seconds); }, help)
      ->check(CLI::Range(1U, 86400U));
}

// --engine-host and --engines: the engine of HUBTEL_ENGINE_HOSTS a subcommand runs on (`help`
// says what for), and the assignment configure wrote, which records it.
template <typename File>
void add_engine_host_options(CLI::App& command, std::string& host, File& engines_file,
                             const std::string& help) {
  command.add_option("--engine-host", host, help);
  command
      .add_option("--engines", engines_file,
                  "The engine assignment configure wrote (its TLS folders, its images)")
      ->capture_default_str();
}

// Adds a subcommand whose options fill the returned request; once they are parsed, `run` takes the
// request, writing to the context's streams, and its result becomes the exit code.
template <typename Request>
std::pair<CLI::App*, std::shared_ptr<Request>> add_request_command(
    CLI::App& app, Context& context, const std::string& name, const std::string& description,
    int (*run)(const Request&, std::ostream&, std::ostream&)) {
  auto request = std::make_shared<Request>();
  auto* command = app.add_subcommand(name, description);
  command->callback(
      [request, run, &context] { context.exit_code = run(*request, context.out, context.err); });
  return {command, request};
}

}  // namespace hubtel::cli
