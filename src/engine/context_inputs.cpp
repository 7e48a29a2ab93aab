// The context of a native image as a depfile: see context_inputs.hpp.
#include "engine/context_inputs.hpp"

#include "common/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <limits>
#include <system_error>

#include <sys/stat.h>

namespace fs = std::filesystem;

namespace hubtel::engine {
namespace {

bool depfile_safe(const std::string& name) {
  return std::none_of(name.begin(), name.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte == 0x7f || c == ':' || c == '\\' || c == '#' || c == '$';
  });
}

}  // namespace

bool depfile_can_name(const fs::path& path) {
  for (const auto& part : path) {
    if (!depfile_safe(part.string())) {
      return false;
    }
  }
  return true;
}

std::vector<fs::path> context_inputs(const spec::ImageSpec& spec, std::size_t limit) {
  std::vector<fs::path> ignored;
  ignored.reserve(spec.ignore_paths.size() + 1);
  for (const auto& path : spec.ignore_paths) {
    ignored.push_back((spec.context / path).lexically_normal());
  }
  // A build tree that is the context itself (an in-source build) keeps HubtelAI's own files out,
  // and the files Ninja and CMake write at its top on every run.
  // The build tree holds the spec at hubtel/<name>, or at hubtel/<name>/<configuration> with a
  // multi-config generator: the nearest folder above it with a CMakeCache.txt.
  auto tree = spec.dir.parent_path().parent_path().lexically_normal();
  for (auto above = tree; above.has_relative_path(); above = above.parent_path()) {
    std::error_code no_cache;
    if (fs::exists(above / "CMakeCache.txt", no_cache)) {
      tree = above;
      break;
    }
  }
  const bool in_source = tree == spec.context.lexically_normal();
  if (in_source) {
    ignored.push_back(tree / "hubtel");
  }
  const auto tool_file = [in_source, &tree](const fs::path& path) {
    static const std::array<std::string_view, 8> names{
        ".ninja_log",          ".ninja_deps", "build.ninja",           "cmake_install.cmake",
        "CTestTestfile.cmake", "Makefile",    "compile_commands.json", "install_manifest.txt"};
    const auto name = path.filename().string();
    // Ninja Multi-Config writes build-<configuration>.ninja beside build.ninja.
    const bool config_ninja = name.rfind("build-", 0) == 0 && name.size() > 12 &&
                              name.compare(name.size() - 6, 6, ".ninja") == 0;
    return in_source && path.parent_path() == tree &&
           (config_ninja || std::find(names.begin(), names.end(), name) != names.end());
  };
  std::vector<fs::path> inputs{spec.context};
  std::error_code error;
  fs::recursive_directory_iterator it(spec.context, error);
  const auto fail = [&](const fs::path& where) {
    return Error(fmt::format("cannot read the build context {} of image '{}': {}; make it readable",
                             where.string(), spec.name, error.message()));
  };
  if (error) {
    throw fail(spec.context);
  }
  for (const fs::recursive_directory_iterator end; it != end; it.increment(error)) {
    if (error) {
      throw fail(spec.context);
    }
    const auto& path = it->path();
    const auto name = path.filename().string();
    const auto status = it->symlink_status(error);
    if (error) {
      throw fail(path);
    }
    const bool dir = fs::is_directory(status);
    std::error_code other_error;
    const bool skipped =
        name == ".git" || name == "CMakeFiles" || name == "CMakeCache.txt" ||
        std::find(ignored.begin(), ignored.end(), path.lexically_normal()) != ignored.end() ||
        (dir && fs::exists(path / "CMakeCache.txt", other_error)) || (!dir && tool_file(path));
    if (skipped || (!dir && !fs::is_regular_file(status))) {
      if (dir) {
        it.disable_recursion_pending();
      }
      continue;
    }
    if (!depfile_safe(name)) {
      if (dir) {
        it.disable_recursion_pending();
      }
      continue;
    }
    if (inputs.size() >= limit) {
      throw Error(fmt::format(
          "the build context {} of image '{}' holds more than {} files and folders; give "
          "hubtel_add_lambda_image() a CONTEXT that holds the project alone",
          spec.context.string(), spec.name, limit));
    }
    inputs.push_back(path);
  }
  std::sort(inputs.begin(), inputs.end());
  return inputs;
}

std::vector<InputState> context_state(const spec::ImageSpec& spec) {
  std::vector<InputState> states;
  for (auto& path : context_inputs(spec)) {
    struct stat info {};
    if (::lstat(path.c_str(), &info) != 0) {
      continue;
    }
    // In nanoseconds, saturated: a time set far outside 1678-2262 must not overflow.
    constexpr std::int64_t second = 1'000'000'000;
    constexpr auto limit = std::numeric_limits<std::int64_t>::max() / second - 1;
    const std::int64_t seconds = std::clamp<std::int64_t>(info.st_mtim.tv_sec, -limit, limit);
    const auto modified = seconds * second + info.st_mtim.tv_nsec;
    const auto size = S_ISDIR(info.st_mode) ? std::uintmax_t{0} : std::uintmax_t(info.st_size);
    states.push_back(InputState{std::move(path), modified, size});
  }
  return states;
}

std::optional<std::int64_t> newest_change(const std::vector<InputState>& before,
                                          const std::vector<InputState>& after) {
  // Both are in path order: walk them side by side.
  std::optional<std::int64_t> newest;
  const auto note = [&newest](std::int64_t time) {
    newest = newest ? std::max(*newest, time) : time;
  };
  auto old_it = before.begin();
  auto new_it = after.begin();
  while (old_it != before.end() || new_it != after.end()) {
    if (new_it == after.end() || (old_it != before.end() && old_it->path < new_it->path)) {
      // Removed: the removal itself has no time (its folder's, when listed, is noted there).
      note(0);
      ++old_it;
    } else if (old_it == before.end() || new_it->path < old_it->path) {
      note(new_it->modified_ns);
      ++new_it;
    } else {
      if (!(*old_it == *new_it)) {
        note(new_it->modified_ns);
      }
      ++old_it;
      ++new_it;
    }
  }
  return newest;
}

std::string depfile_text(const fs::path& target, const std::vector<fs::path>& inputs) {
  const auto escaped = [](const fs::path& path) {
    std::string out;
    for (const char c : path.string()) {
      if (c == ' ') {
        out += '\\';
      }
      out += c;
    }
    return out;
  };
  std::string text = escaped(target) + ":";
  for (const auto& input : inputs) {
    text += " \\\n  " + escaped(input);
  }
  return text + "\n";
}

}  // namespace hubtel::engine
