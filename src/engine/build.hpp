// Builds one architecture of a Lambda image with the container engine, from its spec.
#pragma once

#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace hubtel::engine {

// The engine client and what kind of client it is, as HubtelAI's CMake modules detected it.
struct Engine {
  std::string program;
  std::string kind;  // docker-buildkit, docker-buildx, podman, buildah, or none
};

struct BuildRequest {
  std::filesystem::path spec;
  std::string arch;  // x86_64 or arm64
  Engine engine;
  std::optional<std::string> stage;  // an extra stage (dev, debug) instead of the image
  bool size = false;                 // measure the built image instead of building it
  bool push_cache = false;           // push the registry build cache of the built image
  std::optional<std::uint64_t> max_bytes;
};

// The image spec (hubtel/<name>/spec.json), checked for what the build reads.
nlohmann::json read_spec(const std::filesystem::path& path);

// Lambda's architecture name as an engine platform (linux/amd64, linux/arm64).
std::string platform_of(const std::string& arch);

// The engine's build command for one target stage of the spec's Dockerfile; `extra` goes before
// the context (outputs, tags, id files).
std::vector<std::string> build_command(const Engine& engine, const nlohmann::json& spec,
                                       const std::string& arch, const std::string& stage,
                                       const std::vector<std::string>& extra);

// Builds (or measures) as asked; progress goes to `err`, data to `out`. Returns the exit code.
int run_build(const BuildRequest& request, std::ostream& out, std::ostream& err);

}  // namespace hubtel::engine
