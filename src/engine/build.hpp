// Builds one architecture of a Lambda image with the container engine, from its spec.
#pragma once

#include "engine/hosts.hpp"
#include "inspect/image.hpp"
#include "spec/image_spec.hpp"

#include <filesystem>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hubtel::engine {

// The engine client and what kind of client it is, as HubtelAI's CMake modules detected it.
struct Engine {
  Engine() = default;
  Engine(std::string program_, std::string kind_,
         std::vector<std::pair<std::string, std::string>> environment_ = {})
      : program(std::move(program_)),
        kind(std::move(kind_)),
        environment(std::move(environment_)) {}

  std::string program;
  std::string kind;  // docker-buildkit, docker-buildx, podman, buildah, or none
  // Added to every command's environment: the registry client's private configuration.
  std::vector<std::pair<std::string, std::string>> environment;
  // The engine of HUBTEL_ENGINE_HOSTS the client reaches (none: the client's own default), and
  // the images assigned to it, named when it fails.
  std::optional<Host> host;
  std::vector<std::string> host_images;
  // The buildx builder every build goes to (HUBTEL_BUILDX_BUILDER, BUILDX_BUILDER); empty: none.
  std::string builder;
};

struct BuildRequest {
  std::filesystem::path spec;
  std::string arch;  // x86_64 or arm64
  Engine engine;
  std::optional<std::string> stage;  // an extra stage (dev, debug) instead of the image
  bool size = false;                 // measure the built image instead of building it
  // With size: another image the report compares the built one with (the deployed image), and
  // how the report names it.
  std::shared_ptr<const inspect::Image> compare_with;
  std::string compare_source;
  // Write image-<arch>.id after every build, even with the same id: for build tools without
  // restat (Unix Makefiles), which would otherwise see the id older than its inputs and build
  // again on every run.
  bool always_write_id = false;
};

// The engine of `address` as the assignment file records it (its TLS folder, its images). Throws
// Error when the address is malformed or the file does not name it.
std::pair<Host, std::vector<std::string>> assigned_host(const std::filesystem::path& engines_file,
                                                        const std::string& address);

// Points `engine` at the engine of `address` (nothing when empty), as `engines_file` records it.
void attach_host(Engine& engine, const std::filesystem::path& engines_file,
                 const std::string& address);

// The file beside image-<arch>.id naming the engine that holds that image, when it is not the
// local one; absent for a local build.
std::filesystem::path image_engine_file(const spec::ImageSpec& spec, const std::string& arch);

// The reference the last push of the image a build recorded for `arch` went to
// (`<repository>@sha256:<digest>`), when that push was of this very image; empty otherwise.
std::string pushed_reference(const spec::ImageSpec& spec, const std::string& arch);

// Makes the image a build recorded for `arch` local to the client's own engine (`program`, no
// HUBTEL_ENGINE_HOSTS) when it was built on another: pulled by digest from the spec's repository
// when it was pushed from there, else copied (save | load) from the engine that built it, saying
// which on `err`. Does nothing for a local build or an image the local engine has.
void make_image_local(const std::string& program, const spec::ImageSpec& spec,
                      const std::string& arch, std::ostream& err);

// Throws when the engine does not answer: for an engine of HUBTEL_ENGINE_HOSTS, why (refused,
// silent, not an engine), naming the images assigned to it; for the local Docker daemon, how to
// start it. Returns when it answers (or is no Docker engine, which has no daemon to ask).
void require_answer(const Engine& engine);

// Lambda's architecture name as an engine platform (linux/amd64, linux/arm64).
std::string platform_of(const std::string& arch);

// The architecture this machine is (x86_64 or arm64).
std::string host_arch();

// A file of the user's cache folder, $XDG_CACHE_HOME (or ~/.cache)/hubtel-ai/<folder>/<name>,
// for what an image id names for good (read once per machine, not once per build folder); the
// build tree's hubtel/<folder>/<name> when there is no home.
std::filesystem::path user_cache_file(const spec::ImageSpec& spec, const std::string& folder,
                                      const std::string& name);

// The environment every command of this engine runs with.
std::vector<std::pair<std::string, std::string>> environment_of(const Engine& engine);

// buildah and podman reuse a cached RUN step whose bind-mounted sources changed (BuildKit hashes
// them): a stamp, new for every image or stage build, is an argument of the build stage so its
// step runs again. The builds of the same image that follow (size, registry cache) reuse it.
bool needs_sources_stamp(const Engine& engine, const spec::ImageSpec& spec);
void renew_sources_stamp(const spec::ImageSpec& spec, const std::string& arch,
                         const std::optional<std::string>& stage = {});

// The network arguments of a build (BUILD_NETWORK): --network=<value> as the spec says, or, when
// it says nothing, host on Docker's built-in BuildKit, podman and buildah (an isolated network
// costs every RUN step about 0.3 s to set up) and the builder's own default on buildx. A buildx
// build on the host network also asks for the network.host entitlement. "default" gives none.
std::vector<std::string> network_args(const std::string& kind, const spec::ImageSpec& spec);

// The engine's build command for one target stage of the spec's Dockerfile; `extra` goes before
// the context (outputs, tags, id files).
std::vector<std::string> build_command(const Engine& engine, const spec::ImageSpec& spec,
                                       const std::string& arch, const std::string& stage,
                                       const std::vector<std::string>& extra);

// The build argument that picks a native image's deps stage (HUBTEL_DEPS), for the engines whose
// Dockerfile frontend picks a stage by one: "present" when the builder has every package the build
// needs (builder_packages.hpp; the package step is then left out), else "install". Every build of
// the image passes it, so they all share one cache. For a Python image, the build argument that
// picks its deps stage (HUBTEL_PYTHON_DEPS): "cross" unless it is for another architecture and a
// requirement has no binary wheel for it, then "emulated" (found out by building the deps-cross
// stage first, and said on `err`).
std::vector<std::string> deps_args(const Engine& engine, const spec::ImageSpec& spec,
                                   const std::string& arch, std::ostream& err);

// Runs an engine command, its output shown on our stderr with long lines cut (`quiet`: kept, and
// shown only when the command fails). Throws Error that explains a failure: a daemon that does
// not answer, else the step shown above (and `also`).
void run_engine(const Engine& engine, const std::vector<std::string>& argv,
                std::string_view also = {}, bool quiet = false);

// Builds (or measures) the image of `spec`, read from request.spec, as asked; progress goes to
// `err`, data to `out`. Returns the exit code.
int run_build(const BuildRequest& request, const spec::ImageSpec& spec, std::ostream& out,
              std::ostream& err);

}  // namespace hubtel::engine
