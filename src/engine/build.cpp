// Builds one architecture of a Lambda image: the payload (checked for its ABI), then the image.
#include "engine/build.hpp"

#include "common/error.hpp"
#include "common/files.hpp"
#include "engine/abi_gate.hpp"
#include "engine/command.hpp"

#include <fmt/format.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <ostream>

namespace fs = std::filesystem;

namespace hubtel::engine {
namespace {

const char* const kNoEngine =
    "no container engine that can build images was found: install Debian's docker.io "
    "(apt-get install docker.io; its /usr/bin/docker has BuildKit built in) and start dockerd, "
    "or install podman or buildah; a docker client of version 23 or later needs the buildx "
    "plugin. Then configure again, or set HUBTEL_ENGINE to the client";

std::string host_arch() {
  utsname name{};
  ::uname(&name);
  const std::string machine = name.machine;
  return machine == "aarch64" || machine == "arm64" ? "arm64" : "x86_64";
}

CommandOptions engine_options(const Engine& engine) {
  CommandOptions options;
  options.max_line = 400;
  if (engine.kind == "docker-buildkit") {
    options.environment.emplace_back("DOCKER_BUILDKIT", "1");
  }
  return options;
}

// Explains a failed engine command: a daemon that does not answer, or the step above (and `also`,
// what else may have caused it).
[[noreturn]] void engine_failed(const Engine& engine, const std::vector<std::string>& argv,
                                int code, std::string_view also = {}) {
  std::string hint = "the failing step is in the output above";
  if (!also.empty()) {
    hint += fmt::format("; {}", also);
  }
  if (engine.kind.rfind("docker", 0) == 0) {
    CommandOptions probe;
    probe.quiet = true;
    probe.capture_stdout = true;
    if (run_command({engine.program, "info"}, probe).exit_code != 0) {
      hint = "the Docker daemon does not answer: start it (systemctl start docker, or dockerd &)";
    }
  }
  throw Error(fmt::format("the engine command failed with exit code {}: {}\n{}", code,
                          shown_command(argv), hint));
}

void run_engine(const Engine& engine, const std::vector<std::string>& argv,
                std::string_view also = {}) {
  const auto result = run_command(argv, engine_options(engine));
  if (result.exit_code != 0) {
    engine_failed(engine, argv, result.exit_code, also);
  }
}

// The registry build cache of an image: the final stage's layers travel inline with
// <repository>:hubtel-cache-<arch>, and the builder stage's (which inline cache leaves out) with
// <repository>:hubtel-cache-build-<arch>. Empty when the spec asks for none.
struct RegistryCache {
  std::string runtime;
  std::string build;
};

std::optional<RegistryCache> registry_cache(const nlohmann::json& spec, const std::string& arch) {
  const auto repository = spec.find("repository");
  if (!spec.value("registry_cache", false) || repository == spec.end() ||
      !repository->is_string()) {
    return std::nullopt;
  }
  const auto base = repository->get<std::string>();
  return RegistryCache{base + ":hubtel-cache-" + arch, base + ":hubtel-cache-build-" + arch};
}

std::string string_member(const nlohmann::json& spec, const char* key) {
  const auto it = spec.find(key);
  if (it == spec.end() || !it->is_string()) {
    throw Error(fmt::format("the image spec has no string '{}'; configure the project again", key));
  }
  return it->get<std::string>();
}

// The local image of `ref` for the architecture, pulled when the engine does not have it yet.
void ensure_local_image(const Engine& engine, const std::string& ref, const std::string& arch) {
  CommandOptions probe;
  probe.quiet = true;
  probe.capture_stdout = true;
  const auto inspect = run_command(
      {engine.program, "image", "inspect", "--format", "{{.Architecture}}", ref}, probe);
  const std::string wanted = arch == "arm64" ? "arm64" : "amd64";
  if (inspect.exit_code == 0 && inspect.out.rfind(wanted, 0) == 0) {
    return;
  }
  run_engine(engine, {engine.program, "pull", "--platform", platform_of(arch), ref});
}

std::uint64_t image_bytes(const Engine& engine, const std::string& ref) {
  CommandOptions options;
  options.capture_stdout = true;
  const std::vector<std::string> argv{engine.program, "image",     "inspect",
                                      "--format",     "{{.Size}}", ref};
  const auto result = run_command(argv, options);
  if (result.exit_code != 0) {
    engine_failed(engine, argv, result.exit_code);
  }
  return std::stoull(result.out);
}

std::string mib(std::uint64_t bytes) {
  return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
}

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.pop_back();
  }
  return text;
}

// The size report of the built image against its runtime base (through `hubtel-ai size`, from
// archives the engine saves), then what the multi-stage build saved against shipping the builder.
int measure(const BuildRequest& request, const nlohmann::json& spec, std::ostream& out,
            std::ostream& err) {
  const auto& engine = request.engine;
  const auto name = string_member(spec, "name");
  const fs::path dir = string_member(spec, "dir");
  const auto image = fmt::format("hubtel/{}:{}", name, request.arch);
  const auto base = string_member(spec, "runtime_image");
  ensure_local_image(engine, base, request.arch);

  const auto image_tar = dir / fmt::format("size-{}.tar", request.arch);
  const auto base_tar = dir / fmt::format("size-{}-base.tar", request.arch);
  struct Cleanup {
    std::vector<fs::path> paths;
    ~Cleanup() {
      for (const auto& path : paths) {
        std::error_code ignored;
        fs::remove(path, ignored);
      }
    }
  } cleanup{{image_tar, base_tar}};
  // By id: the tag may since name another build tree's image of the same name.
  const auto id = trimmed(read_file(dir / fmt::format("image-{}.id", request.arch)));
  run_engine(engine, {engine.program, "save", "--output", image_tar.string(), id});
  run_engine(engine, {engine.program, "save", "--output", base_tar.string(), base});

  std::vector<std::string> argv{fs::read_symlink("/proc/self/exe").string(),
                                "size",
                                image_tar.string(),
                                "--base",
                                base_tar.string(),
                                "--name",
                                image};
  if (request.max_bytes) {
    argv.insert(argv.end(), {"--max-bytes", std::to_string(*request.max_bytes)});
  }
  CommandOptions options;
  options.capture_stdout = true;
  const auto report = run_command(argv, options);
  out << report.out;
  out.flush();
  if (report.exit_code != 0 && report.exit_code != static_cast<int>(ExitCode::budget)) {
    throw Error(fmt::format("the size report of {} failed: {}", image, shown_command(argv)));
  }

  // What shipping the builder would have cost: its stage as an image of its own.
  if (spec.value("kind", "") == "native") {
    const auto builder = fmt::format("hubtel/{}:build-{}", name, request.arch);
    run_engine(engine, build_command(engine, spec, request.arch, "build", {"--tag", builder}));
    const auto builder_bytes = image_bytes(engine, builder);
    const auto runtime_bytes = image_bytes(engine, id);
    // A cross builder runs on the build platform: its size is that platform's toolchain.
    const auto builder_platform =
        request.arch != host_arch() && spec.value("cross", false)
            ? fmt::format(" (it runs on {} and cross-compiles)", platform_of(host_arch()))
            : std::string();
    out << fmt::format(
        "multi-stage: the runtime image is {}; shipping the builder stage{} would be {} ({} "
        "saved, {:.0f}%)\n",
        mib(runtime_bytes), builder_platform, mib(builder_bytes),
        mib(builder_bytes > runtime_bytes ? builder_bytes - runtime_bytes : 0),
        builder_bytes == 0
            ? 0.0
            : 100.0 * (static_cast<double>(builder_bytes) - static_cast<double>(runtime_bytes)) /
                  static_cast<double>(builder_bytes));
  }
  (void)err;
  return report.exit_code;
}

}  // namespace

nlohmann::json read_spec(const fs::path& path) {
  nlohmann::json spec;
  try {
    spec = nlohmann::json::parse(read_file(path));
  } catch (const nlohmann::json::exception& e) {
    throw Error(
        fmt::format("the image spec '{}' is not valid JSON ({}); configure the project again",
                    path.string(), e.what()));
  }
  if (!spec.is_object() || spec.value("spec_version", 0) != 1) {
    throw Error(
        fmt::format("the image spec '{}' is not a version 1 spec; configure the project "
                    "again with this HubtelAI",
                    path.string()));
  }
  for (const char* key : {"name", "dir", "dockerfile", "context"}) {
    string_member(spec, key);
  }
  return spec;
}

std::string platform_of(const std::string& arch) {
  if (arch == "x86_64") {
    return "linux/amd64";
  }
  if (arch == "arm64") {
    return "linux/arm64";
  }
  throw Error(fmt::format("architecture '{}' is not supported (supported: x86_64, arm64)", arch));
}

namespace {

// buildah and podman reuse a cached RUN step whose bind-mounted sources changed (BuildKit hashes
// them): a stamp, new for every build Ninja asks for, is an argument of the build stage so its
// step runs again. Builds of the same image that follow (size, registry cache) reuse the stamp.
bool needs_sources_stamp(const Engine& engine, const nlohmann::json& spec) {
  return (engine.kind == "buildah" || engine.kind == "podman") &&
         spec.value("kind", "") == "native";
}

fs::path sources_stamp_file(const nlohmann::json& spec, const std::string& arch) {
  return fs::path(string_member(spec, "dir")) / ("sources-stamp-" + arch);
}

void renew_sources_stamp(const nlohmann::json& spec, const std::string& arch) {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  write_file_atomically(
      sources_stamp_file(spec, arch),
      fmt::format("{}-{}\n", std::chrono::duration_cast<std::chrono::nanoseconds>(now).count(),
                  ::getpid()));
}

}  // namespace

std::vector<std::string> build_command(const Engine& engine, const nlohmann::json& spec,
                                       const std::string& arch, const std::string& stage,
                                       const std::vector<std::string>& extra) {
  const auto dockerfile = string_member(spec, "dockerfile");
  std::vector<std::string> argv{engine.program};
  if (engine.kind == "docker-buildx") {
    argv.insert(argv.end(), {"buildx", "build", "--load", "--provenance=false", "--sbom=false"});
  } else if (engine.kind == "buildah") {
    argv.insert(argv.end(), {"bud", "--layers"});
  } else {
    argv.emplace_back("build");
  }
  argv.insert(argv.end(),
              {"--platform", platform_of(arch), "--file", dockerfile, "--target", stage});
  if (engine.kind == "podman" || engine.kind == "buildah") {
    argv.insert(argv.end(), {"--ignorefile", dockerfile + ".dockerignore"});
    // These engines leave BUILDARCH unset, and the builder tells a cross build by it.
    const auto build_platform = platform_of(host_arch());
    argv.insert(argv.end(), {"--build-arg", "BUILDARCH=" + build_platform.substr(6)});
    if (needs_sources_stamp(engine, spec)) {
      std::error_code error;
      if (!fs::exists(sources_stamp_file(spec, arch), error)) {
        renew_sources_stamp(spec, arch);
      }
      argv.insert(argv.end(),
                  {"--build-arg",
                   "HUBTEL_SOURCES_STAMP=" + trimmed(read_file(sources_stamp_file(spec, arch)))});
    }
  }
  if (const auto args = spec.find("build_args"); args != spec.end() && args->is_object()) {
    for (const auto& [key, value] : args->items()) {
      argv.insert(argv.end(), {"--build-arg", key + "=" + value.get<std::string>()});
    }
  }
  if (const auto cache = registry_cache(spec, arch)) {
    argv.insert(argv.end(), {"--cache-from", cache->build, "--cache-from", cache->runtime,
                             "--build-arg", "BUILDKIT_INLINE_CACHE=1"});
  }
  if (const auto secrets = spec.find("secrets_list"); secrets != spec.end()) {
    for (const auto& secret : *secrets) {
      argv.insert(argv.end(), {"--secret", "id=" + secret.at("id").get<std::string>() +
                                               ",src=" + secret.at("path").get<std::string>()});
    }
  }
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.push_back(string_member(spec, "context"));
  return argv;
}

int run_build(const BuildRequest& request, std::ostream& out, std::ostream& err) {
  (void)out;
  const auto spec = read_spec(request.spec);
  const auto name = string_member(spec, "name");
  const fs::path dir = string_member(spec, "dir");
  const auto& archs = spec.at("architectures");
  if (std::find(archs.begin(), archs.end(), request.arch) == archs.end()) {
    throw Error(fmt::format("image '{}' is not built for {} (its architectures: {})", name,
                            request.arch, archs.dump()));
  }
  if (request.engine.program.empty() || request.engine.kind == "none") {
    throw Error(kNoEngine);
  }
  const Engine& engine = request.engine;
  if (needs_sources_stamp(engine, spec) && !request.size && !request.push_cache) {
    renew_sources_stamp(spec, request.arch);
  }

  // A foreign architecture's build fails at once when a base image has no variant for it: the
  // engine then looks the name up in a registry, and says only that the lookup failed.
  std::string foreign;
  if (request.arch != host_arch()) {
    foreign = fmt::format(
        "building for {}: a base image with no {} variant (a single-architecture image) fails "
        "this way; give RUNTIME_IMAGE and BUILDER_IMAGE a multi-architecture index, or make one "
        "call per architecture with that architecture's images",
        platform_of(request.arch), request.arch);
    if (spec.value("cross", false) || spec.value("kind", "") == "python") {
      err << fmt::format(
          "hubtel: {} ({}): the builder runs on the build platform and "
          "cross-builds for {}\n",
          name, request.arch, platform_of(request.arch));
    } else {
      err << fmt::format(
          "hubtel: {} ({}): emulating {} with QEMU: the builder {} cannot "
          "cross-compile (a Debian BUILDER_IMAGE cross-compiles instead)\n",
          name, request.arch, platform_of(request.arch), spec.value("builder_image", ""));
    }
  }
  err.flush();

  if (request.stage) {
    const auto tag = fmt::format("hubtel/{}:{}-{}", name, *request.stage, request.arch);
    run_engine(engine, build_command(engine, spec, request.arch, *request.stage, {"--tag", tag}),
               foreign);
    err << fmt::format("hubtel: {} stage {} ({}) is {}\n", name, *request.stage, request.arch, tag);
    return 0;
  }

  if (request.size) {
    return measure(request, spec, out, err);
  }

  if (request.push_cache) {
    const auto cache = registry_cache(spec, request.arch);
    if (!cache) {
      err << fmt::format(
          "hubtel: {} has no registry cache (REPOSITORY and HUBTEL_REGISTRY_CACHE)\n", name);
      return 0;
    }
    // Both builds are cache hits of the image just built; they only tag with inline cache.
    run_engine(engine, build_command(engine, spec, request.arch, "build", {"--tag", cache->build}));
    run_engine(engine,
               build_command(engine, spec, request.arch, "runtime", {"--tag", cache->runtime}));
    for (const auto& ref : {cache->build, cache->runtime}) {
      run_engine(engine, {engine.program, "push", ref});
    }
    err << fmt::format("hubtel: pushed the build cache of {} ({}) to {} and {}\n", name,
                       request.arch, cache->build, cache->runtime);
    return 0;
  }

  // The payload first: what the runtime stage will hold, checked before any image exists.
  if (spec.value("kind", "") == "native") {
    const auto payload = dir / ("payload-" + request.arch);
    const auto staging = dir / ("payload-" + request.arch + ".tmp");
    fs::remove_all(staging);
    run_engine(engine,
               build_command(engine, spec, request.arch, "payload",
                             {"--output", "type=local,dest=" + staging.string()}),
               foreign);
    fs::remove_all(payload);
    fs::rename(staging, payload);
    check_payload_abi(payload, request.arch, err);
  }

  const auto id_file = dir / ("image-" + request.arch + ".id");
  const auto id_staging = dir / ("image-" + request.arch + ".id.tmp");
  fs::remove(id_staging);
  const auto tag = fmt::format("hubtel/{}:{}", name, request.arch);
  run_engine(engine,
             build_command(engine, spec, request.arch, "runtime",
                           {"--iidfile", id_staging.string(), "--tag", tag}),
             foreign);
  const auto id = trimmed(read_file(id_staging));
  fs::remove(id_staging);
  if (id.rfind("sha256:", 0) != 0) {
    throw Error(fmt::format("the engine wrote no image id for {} ({}) to {}", name, request.arch,
                            id_staging.string()));
  }
  write_file_if_changed(id_file, id + "\n");
  err << fmt::format("hubtel: {} ({}) is {} ({})\n", name, request.arch, tag, id.substr(0, 19));
  return 0;
}

}  // namespace hubtel::engine
