// The 'init' subcommand: a new Lambda function project.
#include "init/init.hpp"
#include "cli/commands.hpp"

#include <CLI/CLI.hpp>

#include <filesystem>
#include <memory>
#include <optional>

namespace hubtel::cli {
namespace {

// The package config folder of the installation this helper belongs to (<prefix>/bin/hubtel-ai
// beside <prefix>/lib/cmake/HubtelAI), or none when it runs from a build tree or is installed
// where find_package() looks by itself (/usr, as the .deb installs it, or /usr/local).
std::optional<std::filesystem::path> installed_package_dir() {
  namespace fs = std::filesystem;
  std::error_code error;
  const auto program = fs::read_symlink("/proc/self/exe", error);
  if (error) {
    return std::nullopt;
  }
  const fs::path bindir(HUBTEL_AI_INSTALL_BINDIR);
  const fs::path cmakedir(HUBTEL_AI_INSTALL_CMAKEDIR);
  auto prefix = program.parent_path();
  for (auto part = bindir.begin(); part != bindir.end(); ++part) {
    prefix = prefix.parent_path();
  }
  if (bindir.is_absolute() || (prefix / bindir).lexically_normal() != program.parent_path()) {
    return std::nullopt;
  }
  const auto package = cmakedir.is_absolute() ? cmakedir : (prefix / cmakedir).lexically_normal();
  if (!fs::is_regular_file(package / "HubtelAIConfig.cmake", error) || prefix == "/usr" ||
      prefix == "/usr/local") {
    return std::nullopt;
  }
  return package;
}

}  // namespace

void add_init_command(CLI::App& app, Context& context) {
  auto request = std::make_shared<init::InitRequest>();
  auto* command = app.add_subcommand("init", "create a new Lambda function project");
  command->add_option("dir", request->dir, "The new project's folder (new or empty)")->required();
  command->add_option("--runtime", request->runtime, "cpp or python")->capture_default_str();
  command->add_option("--name", request->name, "The function's name (default: the folder's)");
  command->callback([request, &context] {
    request->package_dir = installed_package_dir();
    context.exit_code = init::run_init(*request, context.out);
  });
}

}  // namespace hubtel::cli
