// Which library folders a runtime base has, read from the image through the local Docker
// daemon's API (a container created and never started, each path asked with the archive stat the
// daemon answers in a header), and the Dockerfile that mounts only those.
#include "engine/base_folders.hpp"

#include "common/error.hpp"
#include "common/files.hpp"
#include "engine/bases.hpp"
#include "engine/docker_api.hpp"
#include "registry/reference.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <sstream>

namespace fs = std::filesystem;

namespace hubtel::engine {
namespace {

// The line of templates/Dockerfile.native.mustache that mounts the whole base.
constexpr std::string_view kWholeMount =
    "    --mount=type=bind,from=runtime-base,target=/runtime-base \\\n";
// What the kept answer for one base starts with; a file without it is read again.
constexpr std::string_view kCacheHeader = "hubtel base folders 2\n";
// A path has at most this many links followed (a loop of links is no layout to narrow).
constexpr int kMaxLinks = 8;

std::string gnu_triple(const std::string& arch) {
  return arch == "arm64" ? "aarch64-linux-gnu" : "x86_64-linux-gnu";
}

// The folder `path` is in ("/usr/lib" of "/usr/lib/x"), "/" for a top-level one.
std::string parent_of(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == 0 || slash == std::string::npos ? "/" : path.substr(0, slash);
}

// `path` with every link on the way followed, or nullopt when a part of it does not exist or
// links loop. The engine resolves a link's target to an absolute path; a relative one is taken
// from the link's folder.
std::optional<std::string> real_path(const StatPath& stat, const std::string& path) {
  std::string resolved;
  std::string rest = path;
  int links = 0;
  while (!rest.empty()) {
    const auto start = rest.find_first_not_of('/');
    if (start == std::string::npos) {
      break;
    }
    const auto stop = rest.find('/', start);
    const auto part =
        rest.substr(start, stop == std::string::npos ? std::string::npos : stop - start);
    rest = stop == std::string::npos ? std::string() : rest.substr(stop);
    if (part == ".") {
      continue;
    }
    if (part == "..") {
      resolved = parent_of(resolved.empty() ? "/" : resolved);
      if (resolved == "/") {
        resolved.clear();
      }
      continue;
    }
    const auto candidate = resolved + "/" + part;
    const auto kind = stat(candidate);
    if (!kind) {
      return std::nullopt;
    }
    if (kind->symlink) {
      if (++links > kMaxLinks || kind->link_target.empty()) {
        return std::nullopt;
      }
      const auto& target = kind->link_target;
      rest = (target.front() == '/' ? target : (resolved.empty() ? "" : resolved) + "/" + target) +
             rest;
      resolved.clear();
      continue;
    }
    resolved = candidate;
  }
  return resolved.empty() ? std::string("/") : resolved;
}

bool inside(const std::string& path, const std::string& folder) {
  return path == folder ||
         (path.size() > folder.size() && path.compare(0, folder.size(), folder) == 0 &&
          path[folder.size()] == '/');
}

fs::path cache_file(const spec::ImageSpec& spec, const std::string& image_id,
                    const std::string& triple) {
  return user_cache_file(spec, "bases", image_id.substr(7) + "." + triple);
}

}  // namespace

std::optional<std::vector<std::string>> choose_base_folders(const StatPath& stat,
                                                            const std::string& triple) {
  // hubtel-collect.sh's folders, but for the top of /lib and /usr/lib, in its order.
  const std::vector<std::string> narrow{
      "/lib64",        "/usr/lib64",       "/lib/" + triple, "/usr/lib/" + triple,
      "/var/lang/lib", "/var/runtime/lib", "/opt/lib"};
  // The links a folder may be, mounted as its target alone: the collect step, not finding the
  // link's name, looks next in its target, which holds the same files.
  const std::map<std::string, std::string> merged{{"/lib64", "/usr/lib64"},
                                                  {"/lib/" + triple, "/usr/lib/" + triple}};
  std::vector<std::string> real;
  bool has_libc = false;
  for (const auto& folder : narrow) {
    const auto path = real_path(stat, folder);
    if (!path) {
      continue;
    }
    // Any other link (to the root, to a folder the collect step does not name): the collect step
    // reads the folder by its name, which only the whole base has.
    if (*path != folder) {
      const auto target = merged.find(folder);
      if (target == merged.end() || target->second != *path) {
        return std::nullopt;
      }
    }
    const auto kind = stat(*path);
    if (!kind || !kind->directory) {
      continue;
    }
    if (folder.find("/lib64") != std::string::npos || folder.find(triple) != std::string::npos) {
      has_libc = has_libc || stat(*path + "/libc.so.6").has_value();
    }
    real.push_back(*path);
  }
  if (!has_libc) {
    return std::nullopt;
  }
  std::sort(real.begin(), real.end());
  real.erase(std::unique(real.begin(), real.end()), real.end());
  // The collect step copies the base's C and C++ libraries for the ABI check (cp -L): a link to
  // a file outside the mounted folders would leave it none to check against.
  for (const auto& folder : real) {
    for (const auto* name : {"libc.so.6", "libstdc++.so.6"}) {
      const auto library = folder + "/" + name;
      if (!stat(library)) {
        continue;
      }
      const auto target = real_path(stat, library);
      if (!target || std::none_of(real.begin(), real.end(), [&](const std::string& kept) {
            return inside(*target, kept) && *target != kept;
          })) {
        return std::nullopt;
      }
    }
  }
  return real;
}

std::optional<std::string> narrowed_dockerfile(std::string_view dockerfile,
                                               const std::vector<std::string>& folders) {
  const auto at = dockerfile.find(kWholeMount);
  if (at == std::string_view::npos || folders.empty()) {
    return std::nullopt;
  }
  std::string mounts;
  for (const auto& folder : folders) {
    // Paths of the image's own (read above), never a user's value: checked all the same, as
    // they become part of a Dockerfile line.
    if (folder.empty() || folder.front() != '/' ||
        folder.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                                 "/._+-") != std::string::npos) {
      return std::nullopt;
    }
    mounts +=
        fmt::format("    --mount=type=bind,from=runtime-base,source={},target=/runtime-base{} \\\n",
                    folder, folder);
  }
  std::string out(dockerfile.substr(0, at));
  out += mounts;
  out += dockerfile.substr(at + kWholeMount.size());
  return out;
}

std::optional<std::vector<std::string>> runtime_base_folders(const Engine& engine,
                                                             const spec::ImageSpec& spec,
                                                             const std::string& arch) {
  const auto socket = direct_socket(engine);
  if (!socket || !spec.native()) {
    return std::nullopt;
  }
  // The base as the build names it: a registry base by its locked digest.
  auto base = spec.runtime_image;
  std::error_code missing;
  if (fs::exists(spec::bases_lock_file(spec), missing)) {
    const auto lock = read_lock(spec::bases_lock_file(spec));
    if (const auto* locked = lock.find(base); locked != nullptr && locked->kind == "registry") {
      base = registry::repository_in(base) + "@" + locked->digest;
    }
  }
  std::optional<LocalImage> image;
  try {
    image = local_image(engine, base);
  } catch (const Error&) {
    return std::nullopt;
  }
  const auto wanted_arch = arch == "arm64" ? "arm64" : "amd64";
  if (!image || image->id.rfind("sha256:", 0) != 0 || image->id.size() != 71 ||
      image->id.find_first_not_of("0123456789abcdef", 7) != std::string::npos ||
      image->os != "linux" || image->architecture != wanted_arch) {
    return std::nullopt;  // not pulled, or of another platform: the engine resolves it
  }
  const auto triple = gnu_triple(arch);
  const auto file = cache_file(spec, image->id, triple);
  std::error_code error;
  if (fs::is_regular_file(file, error) && fs::file_size(file, error) < 4096 && !error) {
    try {
      const auto text = read_file(file);
      if (text.rfind(kCacheHeader, 0) == 0) {
        std::istringstream lines(text.substr(kCacheHeader.size()));
        std::vector<std::string> folders;
        for (std::string line; std::getline(lines, line);) {
          if (line == "whole") {
            return std::nullopt;
          }
          folders.push_back(line);
        }
        if (!folders.empty()) {
          return folders;
        }
      }
    } catch (const Error&) {
      // read again below
    }
  }
  std::optional<std::vector<std::string>> folders;
  try {
    ApiContainer probe(*socket, image->id);
    folders =
        choose_base_folders([&](const std::string& path) { return probe.stat(path); }, triple);
  } catch (const Error&) {
    return std::nullopt;  // the whole base, as before; asked again next time
  }
  std::string kept(kCacheHeader);
  if (folders) {
    for (const auto& folder : *folders) {
      kept += folder + "\n";
    }
  } else {
    kept += "whole\n";
  }
  try {
    fs::create_directories(file.parent_path());
    write_file_atomically(file, kept);
  } catch (const std::exception&) {
    // A cache that cannot be written costs a probe of the base next time, nothing more.
  }
  return folders;
}

bool prepare_narrowed_build(const Engine& engine, const spec::ImageSpec& spec,
                            const std::string& arch) {
  const auto narrowed = spec::narrowed_dockerfile(spec, arch);
  auto ignore = narrowed;
  ignore += ".dockerignore";
  const auto remove = [&] {
    std::error_code ignored;
    fs::remove(narrowed, ignored);
    fs::remove(ignore, ignored);
    return false;
  };
  const auto folders = runtime_base_folders(engine, spec, arch);
  if (!folders) {
    return remove();
  }
  const auto locked = spec::locked_dockerfile(spec);
  std::error_code missing;
  const auto source = fs::exists(locked, missing) ? locked : spec::dockerfile(spec);
  const auto text = narrowed_dockerfile(read_file(source), *folders);
  if (!text) {
    return remove();
  }
  write_file_if_changed(ignore, fs::exists(spec::dockerignore(spec), missing)
                                    ? read_file(spec::dockerignore(spec))
                                    : std::string());
  write_file_if_changed(narrowed, *text);
  return true;
}

}  // namespace hubtel::engine
