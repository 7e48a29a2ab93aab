// The image spec (hubtel/<name>/spec.json, version 2) as one typed value, its one reader, the
// names of the files an image keeps in its build-tree folder, and the data its templates see.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace hubtel::spec {

// The spec version this helper reads; hubtel_add_lambda_image() writes the same.
inline constexpr int version = 2;

struct Source {
  std::string path;  // relative to the context
  std::string name;  // its base name
  bool dir = false;
};

struct Secret {
  std::string id;
  std::filesystem::path path;
};

// Every member is checked as hubtel_add_lambda_image() checks the argument it comes from, so no
// value from a hand-edited spec reaches a Dockerfile, a command line or a YAML file unchecked.
struct ImageSpec {
  std::filesystem::path file;  // where the spec was read from, for messages
  nlohmann::json document;     // the spec as read: templates see it, with what they derive

  std::string hubtel_version;
  std::string name;
  std::string runtime;
  std::vector<std::string> architectures;
  std::filesystem::path dir;  // the spec's own folder: the image's files in the build tree
  std::filesystem::path context;
  std::filesystem::path template_file;
  std::vector<std::filesystem::path> partials;  // HubtelAI's templates first
  std::string runtime_image;
  std::string builder_image;
  bool cross = false;
  bool lambda_base = false;
  std::vector<std::string> builder_packages;
  std::vector<std::string> stages;
  std::vector<std::pair<std::string, std::string>> build_args;  // in the order given
  std::vector<Secret> secrets;
  std::optional<std::uint64_t> max_size_bytes;
  std::optional<std::filesystem::path> event;  // what <name>-invoke sends
  std::optional<std::string> event_kind;       // or the sample event of this kind

  // Native images.
  std::string target;
  std::string project_dir;
  std::string build_type;
  std::vector<std::string> cmake_args;
  // TESTS: the builder builds the project's tests and runs ctest with test_args (TEST_ARGS).
  bool tests = false;
  std::vector<std::string> test_args;
  // 12 hex digits of a SHA-256 of what the builder configures with (no path of this machine):
  // the images of a project configured alike share the builder's build folder.
  std::string build_cache_id;
  std::vector<std::string> hubtel_stubs;
  std::vector<std::string> ignore_paths;

  // Python images.
  std::string handler;
  std::string python_version;  // from the runtime
  std::vector<Source> sources;
  std::optional<std::string> requirements;
  std::optional<std::string> requirements_dir;  // the folder of `requirements`
  std::vector<std::string> find_links;
  std::optional<std::string> pyproject;  // a pyproject.toml, relative to the context
  bool pyproject_package = false;        // it has a [build-system]: the project is installed too
  std::vector<std::string> pyproject_ignore;  // what the context leaves out of its folder

  // Registry.
  std::optional<std::string> repository;
  std::optional<std::string> tag;
  bool registry_cache = false;
  // The SBOM's format (SBOM_FORMAT): spdx (SPDX 2.3 JSON) or cyclonedx (CycloneDX 1.5 JSON).
  std::string sbom_format = "spdx";
  // BUILD_NETWORK: the network of the build steps (host, none or default); unset, the engine
  // kind's choice (see engine::network_args).
  std::optional<std::string> build_network;

  // Function.
  std::optional<std::string> function_name;
  std::optional<std::string> role;
  std::optional<std::int64_t> memory;
  std::optional<std::int64_t> timeout;
  bool publish = true;                      // a deploy publishes a version of each change
  std::optional<std::string> alias;         // moved to each version a deploy publishes
  std::optional<std::int64_t> keep_images;  // clean up after each deploy, keeping this many
  std::map<std::string, std::string> environment;
  // Values resolved when they are used, never written down: file:<absolute path> (the file's
  // content) or ssm:<parameter name> (an SSM parameter, decrypted).
  std::map<std::string, std::string> secret_environment;

  // Lambda's own defaults, which an unset MEMORY or TIMEOUT converges to.
  static constexpr std::int64_t default_memory = 128;
  static constexpr std::int64_t default_timeout = 3;
  [[nodiscard]] std::int64_t memory_or_default() const { return memory.value_or(default_memory); }
  [[nodiscard]] std::int64_t timeout_or_default() const {
    return timeout.value_or(default_timeout);
  }

  // Native (provided.*) runtimes run a program of the project; the others are Python's.
  [[nodiscard]] bool native() const { return runtime.rfind("provided", 0) == 0; }
  [[nodiscard]] bool has_architecture(const std::string& arch) const;
};

// Reads and checks a spec. Throws Error naming the file (and the member, when one is bad) for a
// file that is missing, unreadable, not JSON, of another version, or has a bad member; every
// message ends by asking to configure the project again.
ImageSpec read(const std::filesystem::path& file);

// The files of an image's build-tree folder; no other code spells their names.
std::filesystem::path dockerfile(const ImageSpec& spec);
std::filesystem::path dockerignore(const ImageSpec& spec);
std::filesystem::path image_inputs_file(const ImageSpec& spec);
std::filesystem::path image_id_file(const ImageSpec& spec, const std::string& arch);
// Touched by each build of the architecture that succeeds (the build tool's restat of the id).
std::filesystem::path built_file(const ImageSpec& spec, const std::string& arch);
// What a native image of the architecture was built from, for the build tool (a depfile).
std::filesystem::path depfile(const ImageSpec& spec, const std::string& arch);
// The id of the builder stage the size step measures (removed afterwards).
std::filesystem::path builder_id_file(const ImageSpec& spec, const std::string& arch);
// The sources stamp of the image's builds, or of an extra stage's (dev, debug): each its own, so
// a stage built alongside the image never changes the stamp between the image's engine calls.
std::filesystem::path sources_stamp_file(const ImageSpec& spec, const std::string& arch,
                                         const std::optional<std::string>& stage = {});
// The archives the size step saves the image and its runtime base to (removed afterwards).
std::filesystem::path image_archive(const ImageSpec& spec, const std::string& arch);
std::filesystem::path base_archive(const ImageSpec& spec, const std::string& arch);
std::filesystem::path push_ref_file(const ImageSpec& spec, const std::string& arch);
std::filesystem::path push_state_file(const ImageSpec& spec, const std::string& arch);
std::filesystem::path deploy_file(const ImageSpec& spec);
// The base lock (every FROM image pinned), the stamp its step writes when the lock changes, the
// Dockerfile with the pinned references the engine builds, and the release record.
std::filesystem::path bases_lock_file(const ImageSpec& spec);
std::filesystem::path bases_stamp_file(const ImageSpec& spec);
std::filesystem::path locked_dockerfile(const ImageSpec& spec);
// The Dockerfile a native build of `arch` on the local Docker daemon builds with: the locked one
// with the runtime base mounted as its library folders (engine/base_folders.hpp).
std::filesystem::path narrowed_dockerfile(const ImageSpec& spec, const std::string& arch);
std::filesystem::path release_file(const ImageSpec& spec);
// A file's temporary sibling, which becomes the file once complete.
std::filesystem::path staging(const std::filesystem::path& path);

// The data templates render against: the spec, plus the keys version 1 wrote for them (kind,
// python_version, requirements_dir, kind_native, kind_python, dockerfile, has_builder_packages,
// has_requirements, stage_dev, stage_debug, build_args_list, secrets_list, environment_list),
// cmake_args and test_args as single-quoted shell words, hubtel_stubs as one space-separated
// string, and for a pyproject.toml pyproject_dir, pyproject_include and has_pip_install.
nlohmann::json view(const ImageSpec& spec);

// What image builds depend on: the spec without the function's settings, the tag and the event,
// so a change to those deploys or invokes again without building again.
nlohmann::json image_inputs(const ImageSpec& spec);

}  // namespace hubtel::spec
