// Where partials come from: a folder of .mustache files, or memory.
#include "common/error.hpp"
#include "common/files.hpp"
#include "mustache/mustache.hpp"

#include <fmt/format.h>

#include <system_error>

namespace hubtel::mustache {

std::filesystem::path DirectoryLoader::path_of(std::string_view name) const {
  const std::filesystem::path relative(std::string(name) + ".mustache");
  for (const auto& part : relative) {
    if (part == "..") {
      throw Error(
          fmt::format("partial name \"{}\" leaves the partials folder {}", name, dir_.string()));
    }
  }
  if (relative.is_absolute()) {
    throw Error(fmt::format("partial name \"{}\" is absolute; partials are found in {}", name,
                            dir_.string()));
  }
  return dir_ / relative;
}

std::optional<PartialSource> DirectoryLoader::load(std::string_view name) {
  auto path = path_of(name);
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    return std::nullopt;
  }
  return PartialSource{read_file(path), path.string()};
}

std::string DirectoryLoader::where(std::string_view name) const {
  return fmt::format("no file {}", path_of(name).string());
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
