// Where partials come from: a folder of .mustache files, or memory.
#include "common/error.hpp"
#include "common/files.hpp"
#include "mustache/mustache.hpp"

#include <fmt/format.h>

#include <system_error>

namespace hubtel::mustache {

std::filesystem::path DirectoryLoader::relative_path(std::string_view name) const {
  const std::filesystem::path relative(std::string(name) + ".mustache");
  const auto folders = [this] {
    std::string out;
    for (const auto& dir : dirs_) {
      out += (out.empty() ? "" : ", ") + dir.string();
    }
    return out;
  };
  for (const auto& part : relative) {
    if (part == "..") {
      throw Error(
          fmt::format("partial name \"{}\" leaves the partials folder {}", name, folders()));
    }
  }
  if (relative.is_absolute()) {
    throw Error(
        fmt::format("partial name \"{}\" is absolute; partials are found in {}", name, folders()));
  }
  return relative;
}

std::optional<PartialSource> DirectoryLoader::load(std::string_view name) {
  const auto relative = relative_path(name);
  for (const auto& dir : dirs_) {
    const auto path = dir / relative;
    std::error_code error;
    if (std::filesystem::is_regular_file(path, error)) {
      return PartialSource{read_file(path), path.string()};
    }
  }
  return std::nullopt;
}

std::string DirectoryLoader::where(std::string_view name) const {
  const auto relative = relative_path(name);
  std::string out;
  for (const auto& dir : dirs_) {
    out += (out.empty() ? "no file " : " or ") + (dir / relative).string();
  }
  return out;
}

std::optional<PartialSource> MapLoader::load(std::string_view name) {
  auto it = partials_.find(name);
  if (it == partials_.end()) {
    return std::nullopt;
  }
  return PartialSource{it->second, std::string(name)};
}

std::string MapLoader::where(std::string_view name) const {
  return fmt::format("no partial named \"{}\" was given", name);
}

}  // namespace hubtel::mustache
