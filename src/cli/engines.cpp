// The 'engines' subcommand: which engine of HUBTEL_ENGINE_HOSTS builds which image, and whether
// each answers.
#include "cli/commands.hpp"
#include "common/error.hpp"
#include "engine/hosts.hpp"

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <memory>
#include <ostream>
#include <regex>
#include <set>

namespace hubtel::cli {
namespace {

struct EnginesOptions {
  std::string engines_file = "hubtel/engines.json";
  std::vector<std::string> hosts;
  std::string cert_path;
  std::vector<std::string> images;
  std::string program = "docker";
  std::string format = "text";
  bool check = false;
};

// The assignment the options ask about: the file configure wrote, or --host and --image as given.
engine::Assignment assignment_of(const EnginesOptions& options) {
  if (options.hosts.empty()) {
    return engine::read_assignment(options.engines_file);
  }
  engine::Assignment assignment;
  for (const auto& address : options.hosts) {
    auto host = engine::parse_host(address);
    host.cert_path = engine::tls_folder(host, options.cert_path);
    for (const auto& known : assignment.engines) {
      if (known.host.address == address) {
        throw Error(fmt::format("engine {} is named twice", address));
      }
    }
    assignment.engines.push_back({host, {}});
  }
  // Names as hubtel_add_lambda_image() takes them: nothing else is assigned, nor printed.
  static const std::regex image_name("[a-z0-9]([a-z0-9._-]*[a-z0-9])?");
  std::set<std::string> seen;
  for (const auto& image : options.images) {
    if (image.size() > 64 || !std::regex_match(image, image_name)) {
      throw Error(fmt::format(
          "--image {}: not an image name as hubtel_add_lambda_image() takes it (at most 64 "
          "lowercase letters, digits, '.', '_' and '-', starting and ending with a letter or "
          "digit)",
          nlohmann::json(image).dump()));
    }
    if (!seen.insert(image).second) {
      throw Error(fmt::format("--image {} is named twice", image));
    }
  }
  for (const auto& image : options.images) {
    const auto address = engine::assign(options.hosts, image);
    for (auto& engine : assignment.engines) {
      if (engine.host.address == address) {
        engine.images.push_back(image);
      }
    }
  }
  return assignment;
}

}  // namespace

void add_engines_command(CLI::App& app, Context& context) {
  auto options = std::make_shared<EnginesOptions>();
  auto* command = app.add_subcommand(
      "engines", "show which engine of HUBTEL_ENGINE_HOSTS builds which image; --check asks each");
  command->footer(
      "Reads hubtel/engines.json, which configure writes when HUBTEL_ENGINE_HOSTS names engines "
      "(run it in the build folder), or assigns the --image names to the --host addresses as "
      "configure would. Text: one line an engine, its address, then its images.");
  command->add_option("--engines", options->engines_file, "The assignment configure wrote")
      ->capture_default_str();
  command->add_option("--host", options->hosts,
                      "An engine address or docker context name instead of the file (repeatable)");
  command->add_option("--cert-path", options->cert_path,
                      "With --host: the TLS folder of tcp:// engines (as HUBTEL_ENGINE_CERT_PATH)");
  command->add_option("--image", options->images, "With --host: an image name to assign")
      ->needs(command->get_option("--host"));
  command->add_flag("--check", options->check,
                    "Ask each engine for its version; exit 1 when one does not answer");
  command->add_option("--engine", options->program, "The engine's client program")
      ->capture_default_str();
  command->add_option("--format", options->format, "text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  command->callback([options, &context] {
    const auto assignment = assignment_of(*options);
    auto json = nlohmann::json::array();
    int failed = 0;
    for (const auto& engine : assignment.engines) {
      nlohmann::json entry{{"address", engine.host.address}, {"images", engine.images}};
      std::string state;
      if (options->check) {
        try {
          const auto version = engine::probe(options->program, engine.host);
          entry["version"] = version;
          state = fmt::format(" (Docker {})", version);
        } catch (const Error& e) {
          entry["error"] = e.what();
          context.err << fmt::format("hubtel-ai: error: {}; the images it builds: {}\n", e.what(),
                                     engine.images.empty()
                                         ? std::string("none")
                                         : fmt::format("{}", fmt::join(engine.images, ", ")));
          state = " (does not answer)";
          ++failed;
        }
      }
      json.push_back(entry);
      if (options->format == "text") {
        context.out << fmt::format("{}{}: {}\n", engine.host.address, state,
                                   engine.images.empty()
                                       ? std::string("no images")
                                       : fmt::format("{}", fmt::join(engine.images, " ")));
      }
    }
    if (options->format == "json") {
      context.out << nlohmann::json{{"engines", json}}.dump(2) << '\n';
    }
    context.exit_code = failed == 0 ? 0 : static_cast<int>(ExitCode::failure);
  });
}

}  // namespace hubtel::cli
