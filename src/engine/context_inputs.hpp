// What a native image is built from, for the build tool: the files and folders of its context as
// the engine sees them, written as a depfile beside the image id, so an edit rebuilds the image
// without the host compiling its target, and a build where nothing changed does nothing.
#pragma once

#include "spec/image_spec.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace hubtel::engine {

// More entries than this in a context is an error: no project's sources are that many, and the
// list is held in memory.
inline constexpr std::size_t max_context_inputs = 1'000'000;

// Every folder and regular file of the context that the image's .dockerignore keeps (not .git,
// CMakeFiles or CMakeCache.txt anywhere, nor the build tree), in path order, without the folders
// of other build trees (a folder holding CMakeCache.txt) and without symbolic links. A name a
// depfile cannot hold is left out (a control character, ':', '\\', '#' or '$': CMake's depfile
// translation keeps no escape for the last two); its folder's time still tells when it comes or
// goes. Throws Error when the context is unreadable or holds more than `limit` entries.
std::vector<std::filesystem::path> context_inputs(const spec::ImageSpec& spec,
                                                  std::size_t limit = max_context_inputs);

// One input of a context as a watcher sees it: its modification time and size.
struct InputState {
  std::filesystem::path path;
  std::int64_t modified_ns = 0;  // since the epoch
  std::uintmax_t size = 0;       // 0 for a folder
  bool operator==(const InputState& other) const {
    return path == other.path && modified_ns == other.modified_ns && size == other.size;
  }
};

// The state of every input context_inputs() names, in path order. An input that vanishes while
// it is read is left out (its folder's time tells). Throws as context_inputs() does.
std::vector<InputState> context_state(const spec::ImageSpec& spec);

// When two states differ: the newest modification time among the inputs added or changed (0 for
// a removal alone), or nullopt when they are the same.
std::optional<std::int64_t> newest_change(const std::vector<InputState>& before,
                                          const std::vector<InputState>& after);

// True when every part of the path can stand in a depfile (see context_inputs): a context whose
// own path cannot gets no depfile, and its image depends on the host's build of its target.
bool depfile_can_name(const std::filesystem::path& path);

// The depfile text: "<target>: <input> ...", spaces escaped as Make and Ninja read them.
std::string depfile_text(const std::filesystem::path& target,
                         const std::vector<std::filesystem::path>& inputs);

}  // namespace hubtel::engine
