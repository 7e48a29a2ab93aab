// The runtime base's library folders, which a native build step reads (templates/hubtel-collect.sh
// looks up each library the program needs there, and the ABI check reads its C and C++
// libraries). Mounted whole, the base costs a cold build 0.6 to 0.8 s before the step starts: the
// engine checksums every file of a mount for the step's cache key. Mounted as the few folders it
// keeps its libraries in, the build step starts at once. A mount's source must exist, so which
// folders a base has is read from the image once (a container created, never started) and kept
// by image id.
#pragma once

#include "engine/build.hpp"
#include "engine/docker_api.hpp"
#include "spec/image_spec.hpp"

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hubtel::engine {

// Answers for a path of the base: nullopt when it does not exist; throws when it cannot tell.
using StatPath = std::function<std::optional<PathKind>(const std::string&)>;

// The folders (real paths, each once) to mount in place of the whole base, for a target of the
// GNU `triple`: the library folders of hubtel-collect.sh that exist. nullopt when the base's
// layout is not one these cover: its libc.so.6 in none of /lib/<triple>, /usr/lib/<triple>,
// /lib64 and /usr/lib64 (a base keeping libraries at the top of /lib or /usr/lib is mounted
// whole, as those hold far more than libraries); a folder that is a link, but for /lib64 and
// /lib/<triple> into /usr (the collect step looks a library up by the folder's name); its
// libc.so.6 or libstdc++.so.6 a link out of these folders (the ABI check reads their files).
std::optional<std::vector<std::string>> choose_base_folders(const StatPath& stat,
                                                            const std::string& triple);

// The Dockerfile with its whole-base mount of the build step replaced by a mount of each folder,
// or nullopt when it has no such mount (a template of the project's own).
std::optional<std::string> narrowed_dockerfile(std::string_view dockerfile,
                                               const std::vector<std::string>& folders);

// The folders of the runtime base the image of `arch` is built on, or nullopt where they cannot be
// known at no risk: another engine than the local Docker daemon reached on its socket, a base
// it does not hold for that architecture, a layout choose_base_folders does not cover. Kept in
// $XDG_CACHE_HOME (or ~/.cache)/hubtel-ai/bases/<image id>.<triple>.
std::optional<std::vector<std::string>> runtime_base_folders(const Engine& engine,
                                                             const spec::ImageSpec& spec,
                                                             const std::string& arch);

// Before a native build for `arch` on the local Docker daemon: writes the Dockerfile the engine
// builds with the runtime base mounted as its folders (spec::narrowed_dockerfile, beside it its
// .dockerignore), or removes it where the whole base is mounted. Returns whether it is written.
bool prepare_narrowed_build(const Engine& engine, const spec::ImageSpec& spec,
                            const std::string& arch);

}  // namespace hubtel::engine
