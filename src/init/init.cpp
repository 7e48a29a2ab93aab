// Scaffolds a new function project from the embedded templates of templates/init.
#include "init/init.hpp"

#include "common/error.hpp"
#include "common/files.hpp"
#include "init/embedded.hpp"
#include "mustache/mustache.hpp"
#include "process/process.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cctype>
#include <ostream>
#include <regex>
#include <system_error>
#include <utility>
#include <vector>

namespace fs = std::filesystem;

namespace hubtel::init {
namespace {

// The embedded template at `path` (below templates/init).
std::string template_text(const std::string& path) {
  const auto& templates = embedded_templates();
  const auto found = templates.find(path);
  if (found == templates.end()) {
    throw Error(fmt::format("init: this hubtel-ai holds no template '{}'", path));
  }
  return std::string(found->second);
}

std::string shown(const std::string& name) {
  std::string result;
  for (const char c : name) {
    const auto u = static_cast<unsigned char>(c);
    result += u < 0x20 || u == 0x7f ? fmt::format("\\x{:02x}", u) : std::string(1, c);
  }
  return result;
}

}  // namespace

void check_project_name(const std::string& name) {
  // The name is the project's, its executable target's, its image's (lowercase, see
  // hubtel_add_lambda_image()) and its function's: it must be valid as each.
  static const std::regex pattern("[a-z]([a-z0-9_-]{0,62}[a-z0-9])?");
  if (std::regex_match(name, pattern)) {
    return;
  }
  std::string lower;
  for (const char c : name) {
    lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  const auto hint = lower != name && std::regex_match(lower, pattern)
                        ? fmt::format("pass --name {}", lower)
                        : std::string("pass --name <name>");
  throw Error(
      fmt::format("init: \"{}\" is not a valid function name: use a lowercase letter, then "
                  "lowercase letters, digits, '-' and '_', ending with a letter or digit (at most "
                  "64), as image names need; {}",
                  shown(name), hint));
}

int run_init(const InitRequest& request, std::ostream& out) {
  if (request.runtime != "cpp" && request.runtime != "python") {
    throw Error(fmt::format("init: runtime \"{}\" is not supported (supported: cpp, python)",
                            request.runtime));
  }
  if (request.dir.empty()) {
    throw Error(
        "init: the project folder is empty; name a new or empty folder, e.g. hubtel-ai init "
        "my-function");
  }
  const fs::path dir = fs::absolute(request.dir).lexically_normal();
  auto name = request.name ? *request.name : dir.filename().string();
  if (name.empty()) {
    name = dir.parent_path().filename().string();
  }
  check_project_name(name);

  std::error_code error;
  if (fs::exists(dir, error)) {
    if (!fs::is_directory(dir, error)) {
      throw Error(
          fmt::format("init: '{}' exists and is not a folder; choose a new folder", dir.string()));
    }
    if (!fs::is_empty(dir, error) || error) {
      throw Error(
          fmt::format("init: '{}' is not empty; choose a new or empty folder, so no file "
                      "of yours is overwritten",
                      dir.string()));
    }
  } else if (!fs::create_directories(dir, error) && error) {
    throw Error(fmt::format("init: cannot create '{}': {}", dir.string(), error.message()));
  }

  const bool cpp = request.runtime == "cpp";
  const nlohmann::json data{{"name", name},
                            {"runtime_words", cpp ? "C++, provided.al2023" : "Python 3.12"}};
  mustache::MapLoader partials({{"deploy", template_text("deploy.mustache")}});
  mustache::RenderOptions options;
  options.escape = mustache::Escape::strict;
  options.missing_partial_is_error = true;
  const std::vector<std::pair<std::string, std::string>> files{
      {"CMakeLists.txt", request.runtime + "/CMakeLists.txt.mustache"},
      {cpp ? "main.cpp" : "app.py", cpp ? "cpp/main.cpp.mustache" : "python/app.py.mustache"},
      {"event.json", "event.json.mustache"},
      {"CMakePresets.json", "CMakePresets.json.mustache"},
      {"README.md", "README.md.mustache"},
      {".gitignore", "gitignore.mustache"}};
  for (const auto& [file, source] : files) {
    write_file_atomically(dir / file,
                          mustache::render(template_text(source), data, partials, options));
  }

  // Paths are printed as the shell must read them.
  const auto quoted = [](const std::string& text) { return process::shown_command({text}); };
  const auto package =
      request.package_dir
          ? fmt::format(" {}",
                        quoted(fmt::format("-DHubtelAI_DIR={}", request.package_dir->string())))
          : std::string();
  out << fmt::format(
      "Created {} function project '{}' in {}\n\n"
      "Build the image and invoke it with event.json (CMakePresets.json; preset graviton for "
      "arm64):\n"
      "  cd {}\n"
      "  cmake --preset default{}\n"
      "  cmake --build --preset image\n"
      "  cmake --build --preset invoke\n\n"
      "Push and deploy it:\n"
      "  cmake --preset default -DLAMBDA_REPOSITORY=<account>.dkr.ecr.<region>.amazonaws.com/{} "
      "-DLAMBDA_ROLE=arn:aws:iam::<account>:role/<role> -DHUBTEL_CREATE_REPOSITORIES=ON\n"
      "  cmake --build --preset deploy\n",
      cpp ? "C++" : "Python", name, dir.string(), quoted(dir.string()), package, name);
  return 0;
}

}  // namespace hubtel::init
