// Builds one architecture of a Lambda image in one engine call (its build stage checks the ABI).
#include "engine/build.hpp"

#include "common/error.hpp"
#include "common/files.hpp"
#include "engine/base_folders.hpp"
#include "engine/bases.hpp"
#include "engine/builder_packages.hpp"
#include "engine/buildx.hpp"
#include "engine/context_inputs.hpp"
#include "inspect/budget.hpp"
#include "inspect/compare.hpp"
#include "inspect/image.hpp"
#include "inspect/report.hpp"
#include "process/process.hpp"
#include "registry/reference.hpp"
#include "registry/remote_image.hpp"

#include <fmt/format.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <ostream>
#include <sstream>

namespace fs = std::filesystem;

namespace hubtel::engine {
namespace {

const char* const kNoEngine =
    "no container engine that can build images was found: install Debian's docker.io "
    "(apt-get install docker.io; its /usr/bin/docker has BuildKit built in) and start dockerd, "
    "or install podman or buildah; a docker client of version 23 or later needs the buildx "
    "plugin. Then configure again, or set HUBTEL_ENGINE to the client";

// What templates/hubtel-build.sh says when the project's tests fail.
constexpr std::string_view kTestsFailed = "): the project's tests failed (ctest's output is above)";

// All an engine build said: its stdout, then its stderr (where BuildKit writes the steps).
std::string output_of(const process::Result& result) {
  return result.out + (result.steps.empty() ? "" : result.steps.front().err);
}

// An engine command whose output is kept, not shown (probes and queries).
process::Result query(const Engine& engine, const std::vector<std::string>& argv) {
  return process::run({argv, environment_of(engine)});
}

// The local image of `ref` for the architecture, pulled when the engine does not have it yet.
void ensure_local_image(const Engine& engine, const std::string& ref, const std::string& arch) {
  const auto inspect =
      query(engine, {engine.program, "image", "inspect", "--format", "{{.Architecture}}", ref});
  const std::string wanted = arch == "arm64" ? "arm64" : "amd64";
  if (inspect.ok() && inspect.out.rfind(wanted, 0) == 0) {
    return;
  }
  run_engine(engine, {engine.program, "pull", "--platform", platform_of(arch), ref});
}

std::uint64_t image_bytes(const Engine& engine, const std::string& ref) {
  const std::vector<std::string> argv{engine.program, "image",     "inspect",
                                      "--format",     "{{.Size}}", ref};
  const auto result = query(engine, argv);
  try {
    if (result.ok()) {
      return std::stoull(result.out);
    }
  } catch (const std::exception&) {
    // Not a number: reported below.
  }
  throw Error(fmt::format("the engine command failed: {}: {}", process::shown_command(argv),
                          process::last_line(result.steps.front().err + result.out)));
}

std::string mib(std::uint64_t bytes) {
  return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
}

// Removes the archives the size step saves, on every path out.
struct RemovedFiles {
  std::vector<fs::path> paths;
  explicit RemovedFiles(std::vector<fs::path> files) : paths(std::move(files)) {}
  RemovedFiles(const RemovedFiles&) = delete;
  RemovedFiles& operator=(const RemovedFiles&) = delete;
  ~RemovedFiles() {
    for (const auto& path : paths) {
      std::error_code ignored;
      fs::remove(path, ignored);
    }
  }
};

// The size report of the built image against its runtime base, from archives the engine saves,
// checked against the spec's budget; then what the multi-stage build saved against shipping the
// builder.
int measure(const BuildRequest& request, const spec::ImageSpec& spec, std::ostream& out,
            std::ostream& err) {
  const auto& engine = request.engine;
  const auto& arch = request.arch;
  const auto image = fmt::format("hubtel/{}:{}", spec.name, arch);
  if (!engine.builder.empty()) {
    // Pushed from the builder: measured here, from the registry's copy.
    make_image_local(engine.program, spec, arch, err);
  }
  // The runtime base the image was built on, as the lock pins it: by the architecture's own
  // manifest (an engine keeps one image under a digest, so an index's serves one architecture).
  auto base = spec.runtime_image;
  std::error_code missing;
  if (fs::exists(spec::bases_lock_file(spec), missing)) {
    const auto lock = read_lock(spec::bases_lock_file(spec));
    if (const auto* locked = lock.find(base); locked != nullptr && locked->kind == "registry") {
      base = registry::repository_in(base) + "@" + base_digest_for(*locked, arch);
    }
  }
  const auto image_tar = spec::image_archive(spec, arch);
  const auto base_tar = spec::base_archive(spec, arch);
  const RemovedFiles removed{{image_tar, base_tar}};
  // By id: the tag may since name another build tree's image of the same name.
  const auto id = read_line_file(spec::image_id_file(spec, arch));
  std::istringstream no_input;
  inspect::ReadOptions base_options;
  base_options.summarise_layers = false;
  // Built on an engine of HUBTEL_ENGINE_HOSTS and pushed from there: read from the registry by
  // the digest the push recorded (as `hubtel-ai size <reference>` reads it), so the image is not
  // saved by that engine and sent here. Else saved by the engine that holds it; the base (for
  // what the image adds to it) always by the image's engine.
  const auto reference =
      engine.host && engine.builder.empty() ? pushed_reference(spec, arch) : std::string();
  registry::RegistryReadOptions registry_options;
  registry_options.platform = platform_of(arch);
  inspect::Image built;
  if (!reference.empty()) {
    err << fmt::format(
        "hubtel: {} ({}) was built on engine {} and pushed: reading {} from the registry\n",
        spec.name, arch, engine.host->address, reference);
    err.flush();
    built = registry::read_image_input(reference, no_input, registry_options, {});
  } else {
    run_engine(engine, {engine.program, "save", "--output", image_tar.string(), id});
    built = inspect::read_image(image_tar.string(), no_input);
  }
  auto report = inspect::analyse(built);
  report.source = image;
  ensure_local_image(engine, base, arch);
  run_engine(engine, {engine.program, "save", "--output", base_tar.string(), base});
  inspect::apply_base(report, inspect::read_image(base_tar.string(), no_input, base_options));
  if (request.compare_with) {
    report.compare = inspect::compare_images(built, *request.compare_with);
    report.compare->source = request.compare_source;
  }
  out << inspect::format_text(report, false);
  out.flush();
  int code = 0;
  inspect::Budget budget;
  budget.max_bytes = spec.max_size_bytes;
  for (const auto& failure : inspect::check_budget(report, budget)) {
    err << "hubtel-ai: error: budget failed: " << failure << '\n';
    code = static_cast<int>(ExitCode::budget);
  }

  // What shipping the builder would have cost: its stage as an image of its own.
  if (spec.native()) {
    // Measured by the id this build wrote: another build tree may move the tag meanwhile.
    const auto builder = fmt::format("hubtel/{}:build-{}", spec.name, arch);
    const auto builder_id_file = spec::builder_id_file(spec, arch);
    const RemovedFiles removed_id{{builder_id_file}};
    auto extra = deps_args(engine, spec, arch, err);
    extra.insert(extra.end(), {"--iidfile", builder_id_file.string(), "--tag", builder});
    // Its log would bury the report: it is shown only when the build fails.
    err << fmt::format("hubtel: building the builder stage of {} ({}) to compare, quietly\n",
                       spec.name, arch);
    err.flush();
    run_engine(engine, build_command(engine, spec, arch, "build", extra), {}, true);
    const auto builder_bytes = image_bytes(engine, read_line_file(builder_id_file));
    const auto runtime_bytes = image_bytes(engine, id);
    // A cross builder runs on the build platform: its size is that platform's toolchain.
    const auto builder_platform =
        arch != host_arch() && spec.cross
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
  return code;
}

// What pip says when no file of a requirement fits the platform (for a cross install: no binary
// wheel for the target), before the requirement.
constexpr std::string_view kNoDistribution = "No matching distribution found for ";

// Whether python_deps_args finds out how a Python image's requirements are installed: for another
// architecture, with requirements, on an engine that picks a stage by a build argument.
bool python_deps_decided(const Engine& engine, const spec::ImageSpec& spec,
                         const std::string& arch) {
  return (engine.kind == "docker-buildkit" || engine.kind == "docker-buildx") &&
         arch != host_arch() && (spec.requirements || spec.pyproject);
}

// The build argument that picks a Python image's deps stage (HUBTEL_PYTHON_DEPS): "cross" (pip on
// the build platform, binary wheels of the target only) unless the image is for another
// architecture and pip finds no binary wheel of a requirement, then "emulated" (pip on the target
// platform, through QEMU). It finds out by building the deps-cross stage first (its output kept:
// shown when it succeeds; the image's own build then takes the stage from the cache).
std::vector<std::string> python_deps_args(const Engine& engine, const spec::ImageSpec& spec,
                                          const std::string& arch, std::ostream& err) {
  const std::vector<std::string> cross{"--build-arg", "HUBTEL_PYTHON_DEPS=cross"};
  if (!python_deps_decided(engine, spec, arch)) {
    return cross;
  }
  err << fmt::format(
      "hubtel: {} ({}): installing the requirements on the build platform from binary wheels for "
      "{}, first\n",
      spec.name, arch, platform_of(arch));
  err.flush();
  const auto result = process::run(
      {build_command(engine, spec, arch, "deps-cross", cross), environment_of(engine)});
  const auto output = output_of(result);
  if (result.ok()) {
    // As run_engine shows a build: long lines (HubtelAI's own RUN instructions) cut short.
    std::istringstream lines(output);
    for (std::string line; std::getline(lines, line);) {
      err << (line.size() > 400 ? line.substr(0, 400) + " [...]" : line) << '\n';
    }
    err << fmt::format(
        "hubtel: {} ({}): every requirement has a binary wheel for {}: installed on the build "
        "platform, nothing emulated\n",
        spec.name, arch, arch);
    return cross;
  }
  const auto found = output.rfind(kNoDistribution);
  if (found == std::string::npos) {
    // Another failure: the image's own build fails the same way, and shows it.
    return cross;
  }
  auto requirement = output.substr(found + kNoDistribution.size(), 200);
  requirement = requirement.substr(0, requirement.find_first_of("\r\n"));
  err << fmt::format(
      "hubtel: {} ({}): {} has no binary wheel for {}; installing the requirements under "
      "emulation (QEMU)\n",
      spec.name, arch, requirement, arch);
  return {"--build-arg", "HUBTEL_PYTHON_DEPS=emulated"};
}

}  // namespace

std::vector<std::string> deps_args(const Engine& engine, const spec::ImageSpec& spec,
                                   const std::string& arch, std::ostream& err) {
  if (engine.kind != "docker-buildkit" && engine.kind != "docker-buildx") {
    return {};
  }
  if (!spec.native()) {
    return python_deps_args(engine, spec, arch, err);
  }
  // Always given, never the Dockerfile's default: every build of the image (its own, the size
  // step's, the registry cache's) picks the same stage, and so shares its cache.
  const bool present = builder_has_every_package(engine, spec, arch, err);
  return {"--build-arg", present ? "HUBTEL_DEPS=present" : "HUBTEL_DEPS=install"};
}

std::pair<Host, std::vector<std::string>> assigned_host(const fs::path& engines_file,
                                                        const std::string& address) {
  parse_host(address);
  const auto assignment = read_assignment(engines_file);
  const auto* found = find_engine(assignment, address);
  if (found == nullptr) {
    throw Error(
        fmt::format("engine {} is not in '{}' (HUBTEL_ENGINE_HOSTS); configure the project "
                    "again",
                    address, engines_file.string()));
  }
  return {found->host, found->images};
}

void attach_host(Engine& engine, const fs::path& engines_file, const std::string& address) {
  if (address.empty()) {
    return;
  }
  auto [host, images] = assigned_host(engines_file, address);
  engine.host = std::move(host);
  engine.host_images = std::move(images);
}

fs::path image_engine_file(const spec::ImageSpec& spec, const std::string& arch) {
  return spec.dir / ("image-" + arch + ".engine");
}

std::string pushed_reference(const spec::ImageSpec& spec, const std::string& arch) {
  const auto state_file = spec::push_state_file(spec, arch);
  const auto ref_file = spec::push_ref_file(spec, arch);
  const auto id_file = spec::image_id_file(spec, arch);
  std::error_code missing;
  if (!fs::is_regular_file(state_file, missing) || !fs::is_regular_file(ref_file, missing) ||
      !fs::is_regular_file(id_file, missing)) {
    return {};
  }
  try {
    if (nlohmann::json::parse(read_file(state_file)).value("image_id", "") ==
        read_line_file(id_file)) {
      return read_line_file(ref_file);
    }
  } catch (const nlohmann::json::exception&) {
    return {};
  }
  return {};
}

void make_image_local(const std::string& program, const spec::ImageSpec& spec,
                      const std::string& arch, std::ostream& err) {
  const auto engine_file = image_engine_file(spec, arch);
  std::error_code missing;
  if (!fs::is_regular_file(engine_file, missing)) {
    return;
  }
  const auto id = read_line_file(spec::image_id_file(spec, arch));
  if (process::run({{program, "image", "inspect", "--format", "{{.Id}}", id}, {}}).ok()) {
    return;
  }
  Host host;
  try {
    const auto record = nlohmann::json::parse(read_file(engine_file));
    if (record.contains("builder")) {
      // Pushed from a buildx builder: the registry serves it (below), nothing else holds it.
      host.address = "buildx builder " + record.at("builder").get<std::string>();
      host.kind = Host::Kind::context;
    } else {
      host = parse_host(record.at("address").get<std::string>());
    }
    host.cert_path = record.value("cert_path", "");
  } catch (const nlohmann::json::exception& e) {
    throw Error(fmt::format("'{}' is not what a build writes ({}); build {}-image again",
                            engine_file.string(), e.what(), spec.name));
  }
  // Pushed from the engine that built it: the registry has it, by the digest recorded.
  const auto reference = pushed_reference(spec, arch);
  Engine local{program, "docker-buildkit", {}};
  if (!reference.empty()) {
    err << fmt::format(
        "hubtel: {} ({}) was built on engine {}: pulling {} from the registry to this machine's "
        "engine\n",
        spec.name, arch, host.address, reference);
    err.flush();
    run_engine(local, {program, "pull", "--platform", platform_of(arch), reference});
  } else if (host.address.rfind("buildx builder ", 0) == 0) {
    throw Error(
        fmt::format("{} ({}) was built on {} and its push record is gone; build "
                    "{}-image again",
                    spec.name, arch, host.address, spec.name));
  } else {
    err << fmt::format(
        "hubtel: {} ({}) was built on engine {} and not pushed: copying it to this machine's "
        "engine (push it, and the registry serves it instead)\n",
        spec.name, arch, host.address);
    err.flush();
    process::Options options;
    options.capture = true;
    const auto copied = process::run_pipeline(
        {{{program, "save", id}, host_environment(host)}, {{program, "load", "--quiet"}, {}}},
        options);
    if (!copied.ok()) {
      std::string said;
      for (const auto& step : copied.steps) {
        said += step.err;
      }
      throw Error(fmt::format("copying {} ({}) from engine {} failed: {}", spec.name, arch,
                              host.address, process::last_line(said)));
    }
  }
  if (!process::run({{program, "image", "inspect", "--format", "{{.Id}}", id}, {}}).ok()) {
    throw Error(fmt::format(
        "{} ({}): this machine's engine still has no image {} after the {}; build {}-image again",
        spec.name, arch, id, reference.empty() ? "copy" : "pull of " + reference, spec.name));
  }
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

std::string host_arch() {
  utsname name{};
  ::uname(&name);
  const std::string machine = name.machine;
  return machine == "aarch64" || machine == "arm64" ? "arm64" : "x86_64";
}

fs::path user_cache_file(const spec::ImageSpec& spec, const std::string& folder,
                         const std::string& name) {
  for (const auto* variable : {"XDG_CACHE_HOME", "HOME"}) {
    const char* value = std::getenv(variable);
    if (value != nullptr && fs::path(value).is_absolute()) {
      const auto base = std::string(variable) == "HOME" ? fs::path(value) / ".cache" : value;
      return base / "hubtel-ai" / folder / name;
    }
  }
  return spec.dir.parent_path() / folder / name;
}

std::vector<std::pair<std::string, std::string>> environment_of(const Engine& engine) {
  auto environment = engine.environment;
  if (engine.host) {
    const auto reach = host_environment(*engine.host);
    environment.insert(environment.end(), reach.begin(), reach.end());
  }
  if (engine.kind == "docker-buildkit") {
    environment.emplace_back("DOCKER_BUILDKIT", "1");
  }
  return environment;
}

bool needs_sources_stamp(const Engine& engine, const spec::ImageSpec& spec) {
  return (engine.kind == "buildah" || engine.kind == "podman") && spec.native();
}

void renew_sources_stamp(const spec::ImageSpec& spec, const std::string& arch,
                         const std::optional<std::string>& stage) {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  write_file_atomically(
      spec::sources_stamp_file(spec, arch, stage),
      fmt::format("{}-{}\n", std::chrono::duration_cast<std::chrono::nanoseconds>(now).count(),
                  ::getpid()));
}

std::vector<std::string> network_args(const std::string& kind, const spec::ImageSpec& spec) {
  const bool buildx = kind == "docker-buildx" || kind == "buildx";
  const auto network = spec.build_network.value_or(buildx ? "default" : "host");
  if (network == "default") {
    return {};
  }
  std::vector<std::string> args{"--network=" + network};
  if (buildx && network == "host") {
    args.emplace_back("--allow=network.host");
  }
  return args;
}

std::vector<std::string> build_command(const Engine& engine, const spec::ImageSpec& spec,
                                       const std::string& arch, const std::string& stage,
                                       const std::vector<std::string>& extra) {
  std::vector<std::string> argv{engine.program};
  if (engine.kind == "docker-buildx") {
    argv.insert(argv.end(), {"buildx", "build", "--load", "--provenance=false", "--sbom=false"});
  } else if (engine.kind == "buildah") {
    argv.insert(argv.end(), {"bud", "--layers"});
  } else {
    argv.emplace_back("build");
  }
  // The Dockerfile with the runtime base mounted as its library folders (base_folders.hpp), else
  // with its bases pinned by the lock, when the lock pins any to a digest.
  const auto narrowed = spec::narrowed_dockerfile(spec, arch);
  const auto locked = spec::locked_dockerfile(spec);
  std::error_code missing;
  const auto dockerfile = fs::exists(narrowed, missing) ? narrowed
                          : fs::exists(locked, missing) ? locked
                                                        : spec::dockerfile(spec);
  argv.insert(argv.end(),
              {"--platform", platform_of(arch), "--file", dockerfile.string(), "--target", stage});
  if (engine.kind == "podman" || engine.kind == "buildah") {
    argv.insert(argv.end(), {"--ignorefile", spec::dockerignore(spec).string()});
    // These engines leave BUILDARCH unset, and the builder tells a cross build by it.
    const auto build_platform = platform_of(host_arch());
    argv.insert(argv.end(), {"--build-arg", "BUILDARCH=" + build_platform.substr(6)});
    if (needs_sources_stamp(engine, spec)) {
      const auto extra =
          stage == "dev" || stage == "debug" ? std::optional<std::string>(stage) : std::nullopt;
      const auto stamp = spec::sources_stamp_file(spec, arch, extra);
      std::error_code error;
      if (!fs::exists(stamp, error)) {
        renew_sources_stamp(spec, arch, extra);
      }
      argv.insert(argv.end(), {"--build-arg", "HUBTEL_SOURCES_STAMP=" + read_line_file(stamp)});
    }
  }
  const auto network = network_args(engine.kind, spec);
  argv.insert(argv.end(), network.begin(), network.end());
  for (const auto& [key, value] : spec.build_args) {
    argv.insert(argv.end(), {"--build-arg", key + "=" + value});
  }
  if (const auto cache = registry::cache_refs(spec, arch)) {
    argv.insert(argv.end(), {"--cache-from", cache->build, "--cache-from", cache->runtime,
                             "--build-arg", "BUILDKIT_INLINE_CACHE=1"});
  }
  for (const auto& secret : spec.secrets) {
    argv.insert(argv.end(), {"--secret", "id=" + secret.id + ",src=" + secret.path.string()});
  }
  // Every build of the image (its own, the size step's, the registry cache's) the same: each
  // hits the others' cache.
  const auto provenance = provenance_args(spec, arch);
  argv.insert(argv.end(), provenance.begin(), provenance.end());
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.push_back(spec.context.string());
  return argv;
}

namespace {

// The image a BuildKit build could not resolve, from the error of its output (the last one it
// names), if any.
std::optional<std::string> unresolved_image(std::string_view output) {
  std::optional<std::string> found;
  std::size_t found_at = 0;
  for (const std::string_view marker : {std::string_view("failed to resolve source metadata for "),
                                        std::string_view(" > [internal] load metadata for ")}) {
    const auto at = output.rfind(marker);
    if (at == std::string_view::npos || (found && at < found_at)) {
      continue;
    }
    const auto start = at + marker.size();
    const auto end = output.find_first_of(" \n", start);
    auto image =
        std::string(output.substr(start, end == std::string_view::npos ? end : end - start));
    while (!image.empty() && image.back() == ':') {
      image.pop_back();
    }
    if (!image.empty() && image.size() <= 512) {
      found = image;
      found_at = at;
    }
  }
  return found;
}

}  // namespace

void run_engine(const Engine& engine, const std::vector<std::string>& argv, std::string_view also,
                bool quiet) {
  process::Options options;
  options.echo = !quiet;
  options.max_line = 400;
  options.capture = quiet;
  // After the failing step the engine echoes the step's whole command, often tens of KiB, twice.
  options.keep_tail = std::size_t{1} << 20U;
  const auto result = process::run({argv, environment_of(engine)}, options);
  if (result.ok()) {
    return;
  }
  // The project's tests failed in the builder (TESTS ON): its line names the image and says how
  // to see more, and is the error, rather than the engine's command.
  const auto tail = output_of(result);
  if (quiet) {
    // Its own output, kept until now (the end of its stderr, where the failing step is).
    std::cerr << tail;
    std::cerr.flush();
  }
  const auto marker = tail.rfind(kTestsFailed);
  if (marker != std::string::npos) {
    const auto start = tail.rfind("hubtel: ", marker);
    const auto end = tail.find('\n', marker);
    if (start != std::string::npos) {
      throw Error("Lambda image " +
                  tail.substr(start + 8, end == std::string::npos ? end : end - start - 8));
    }
  }
  std::string hint = "the failing step is in the output above";
  if (!also.empty()) {
    hint += fmt::format("; {}", also);
  } else if (const auto base = unresolved_image(tail)) {
    hint = fmt::format(
        "the engine cannot get the base image {}: pull it or log in to its registry, or name an "
        "image the engine has (RUNTIME_IMAGE and BUILDER_IMAGE of hubtel_add_lambda_image(), or "
        "HUBTEL_RUNTIME_IMAGE_<RUNTIME> and HUBTEL_BUILDER_IMAGE_<RUNTIME> for every image of a "
        "runtime)",
        *base);
  }
  try {
    require_answer(engine);
  } catch (const Error& e) {
    hint = e.what();
  }
  throw Error(fmt::format("the engine command failed with exit code {}: {}\n{}", result.exit_code(),
                          process::shown_command(argv), hint));
}

void require_answer(const Engine& engine) {
  if (engine.host) {
    try {
      probe(engine.program, *engine.host);
    } catch (const Error& e) {
      throw Error(fmt::format(
          "{}; the images HUBTEL_ENGINE_HOSTS gives it: {} (the other engines' images still "
          "build with ninja -k 0)",
          e.what(), fmt::join(engine.host_images, ", ")));
    }
  } else if (engine.kind.rfind("docker", 0) == 0 && !query(engine, {engine.program, "info"}).ok()) {
    throw Error(
        "the Docker daemon does not answer: start it (systemctl start docker, or dockerd &)");
  }
}

namespace {

// A build on the buildx builder: the image pushed from the builder when it has a repository (its
// id, pushed digest and push record written from the metadata file, so <name>-push has nothing
// left to send), else loaded; an extra stage always loaded (it is for this machine).
int build_with_buildx(const Engine& engine, const spec::ImageSpec& spec, const std::string& arch,
                      const std::optional<std::string>& stage,
                      const std::vector<std::string>& extra, std::string_view foreign,
                      std::ostream& err) {
  const auto id_file = spec::image_id_file(spec, arch);
  const auto metadata = spec.dir / fmt::format("buildx-{}.json", arch);
  fs::remove(metadata);
  std::string target;
  if (spec.repository) {
    const auto revision = spec.tag ? std::nullopt : registry::git_revision(spec.context);
    target = *spec.repository + ":" + registry::push_tag(spec, arch, revision);
  }
  const auto plan = buildx_plan(engine.builder, spec, target, stage.has_value(), metadata);
  auto more = extra;
  if (stage) {
    more.insert(more.end(), {"--tag", fmt::format("hubtel/{}:{}-{}", spec.name, *stage, arch)});
  } else if (plan.push_target.empty()) {
    more.insert(more.end(), {"--tag", fmt::format("hubtel/{}:{}", spec.name, arch)});
  }
  // A client without the buildx plugin, or a builder it does not know, fails before building.
  auto also = fmt::format(
      "HUBTEL_BUILDX_BUILDER names the builder {}: the engine client {} needs the buildx plugin "
      "(`docker buildx version`) and a builder of that name (`docker buildx ls`)",
      engine.builder, engine.program);
  if (!foreign.empty()) {
    also = fmt::format("{}; {}", foreign, also);
  }
  run_engine(engine,
             buildx_command(engine.program, spec, arch, stage.value_or("runtime"), plan, more),
             also);
  if (stage) {
    err << fmt::format("hubtel: {} stage {} ({}) built on buildx builder {}\n", spec.name, *stage,
                       arch, engine.builder);
    return 0;
  }
  const auto result = read_buildx_metadata(read_file(metadata), metadata.string());
  fs::remove(metadata);
  write_file_if_changed(id_file, result.image_id + "\n");
  write_file_atomically(spec::built_file(spec, arch), result.image_id + "\n");
  if (!plan.push_target.empty()) {
    if (result.digest.empty()) {
      throw Error(
          fmt::format("buildx pushed {} ({}) to {} but its metadata names no "
                      "containerimage.digest",
                      spec.name, arch, plan.push_target));
    }
    const auto reference = *spec.repository + "@" + result.digest;
    write_file_if_changed(spec::push_ref_file(spec, arch), reference + "\n");
    write_file_if_changed(
        spec::push_state_file(spec, arch),
        nlohmann::json{
            {"image_id", result.image_id}, {"target", plan.push_target}, {"reference", reference}}
                .dump(2) +
            "\n");
    write_file_if_changed(image_engine_file(spec, arch),
                          nlohmann::json{{"builder", engine.builder}}.dump() + "\n");
    err << fmt::format("hubtel: {} ({}) built on buildx builder {} and pushed from it: {}\n",
                       spec.name, arch, engine.builder, reference);
    return 0;
  }
  fs::remove(image_engine_file(spec, arch));
  err << fmt::format("hubtel: {} ({}) built on buildx builder {} and loaded: {}\n", spec.name, arch,
                     engine.builder, result.image_id.substr(0, 19));
  return 0;
}

}  // namespace

int run_build(const BuildRequest& request, const spec::ImageSpec& spec, std::ostream& out,
              std::ostream& err) {
  const auto& arch = request.arch;
  if (!spec.has_architecture(arch)) {
    throw Error(fmt::format("image '{}' is not built for {} (its architectures: {})", spec.name,
                            arch, fmt::join(spec.architectures, ", ")));
  }
  // A bad SOURCE_DATE_EPOCH is said before anything is built or written.
  source_date_epoch(spec.context);
  if (request.engine.program.empty() || request.engine.kind == "none") {
    throw Error(kNoEngine);
  }
  const Engine& engine = request.engine;
  if (request.size) {
    return measure(request, spec, out, err);
  }
  if (needs_sources_stamp(engine, spec)) {
    renew_sources_stamp(spec, arch, request.stage);
  }
  prepare_locked_build(engine, spec, err);
  prepare_narrowed_build(engine, spec, arch);

  // A foreign architecture's build fails at once when a base image has no variant for it: the
  // engine then looks the name up in a registry, and says only that the lookup failed.
  std::string foreign;
  if (arch != host_arch()) {
    foreign = fmt::format(
        "building for {}: a base image with no {} variant (a single-architecture image) fails "
        "this way; give RUNTIME_IMAGE and BUILDER_IMAGE a multi-architecture index, or make one "
        "call per architecture with that architecture's images",
        platform_of(arch), arch);
    if (!spec.native() && python_deps_decided(engine, spec, arch)) {
      // Said by deps_args, which finds out whether the requirements need emulation.
    } else if (spec.cross || !spec.native()) {
      err << fmt::format(
          "hubtel: {} ({}): the builder runs on the build platform and cross-builds for {}\n",
          spec.name, arch, platform_of(arch));
    } else {
      err << fmt::format(
          "hubtel: {} ({}): emulating {} with QEMU: the builder {} cannot cross-compile (a "
          "Debian BUILDER_IMAGE cross-compiles instead)\n",
          spec.name, arch, platform_of(arch), spec.builder_image);
    }
  }
  auto extra = deps_args(engine, spec, arch, err);
  err.flush();
  if (!engine.builder.empty()) {
    return build_with_buildx(engine, spec, arch, request.stage, extra, foreign, err);
  }
  if (request.stage) {
    const auto tag = fmt::format("hubtel/{}:{}-{}", spec.name, *request.stage, arch);
    extra.insert(extra.end(), {"--tag", tag});
    run_engine(engine, build_command(engine, spec, arch, *request.stage, extra), foreign);
    err << fmt::format("hubtel: {} stage {} ({}) is {}\n", spec.name, *request.stage, arch, tag);
    return 0;
  }

  // One engine call: a native image's build stage checks the ABI of what the runtime stage takes
  // (templates/hubtel-abi.sh) before the runtime stage exists.
  const auto id_file = spec::image_id_file(spec, arch);
  const auto id_staging = spec::staging(id_file);
  fs::remove(id_staging);
  const auto tag = fmt::format("hubtel/{}:{}", spec.name, arch);
  extra.insert(extra.end(), {"--iidfile", id_staging.string(), "--tag", tag});
  run_engine(engine, build_command(engine, spec, arch, "runtime", extra), foreign);
  std::error_code missing;
  if (!fs::is_regular_file(id_staging, missing)) {
    throw Error(fmt::format(
        "the engine {} ended well but wrote no image id for {} ({}) to {}: is it docker, podman "
        "or buildah? (HUBTEL_ENGINE names it)",
        engine.program, spec.name, arch, id_staging.string()));
  }
  const auto id = read_line_file(id_staging);
  fs::remove(id_staging);
  if (id.rfind("sha256:", 0) != 0) {
    throw Error(fmt::format("the engine wrote no image id for {} ({}) to {}", spec.name, arch,
                            id_staging.string()));
  }
  if (spec.native() && depfile_can_name(spec.context)) {
    write_file_atomically(spec::depfile(spec, arch), depfile_text(id_file, context_inputs(spec)));
  }
  if (request.always_write_id) {
    write_file_atomically(id_file, id + "\n");
  } else {
    write_file_if_changed(id_file, id + "\n");
  }
  write_file_atomically(spec::built_file(spec, arch), id + "\n");
  const auto engine_file = image_engine_file(spec, arch);
  if (engine.host) {
    write_file_if_changed(engine_file,
                          nlohmann::json{{"address", engine.host->address},
                                         {"cert_path", engine.host->cert_path.string()}}
                                  .dump() +
                              "\n");
    err << fmt::format("hubtel: {} ({}) is {} ({}) on engine {}\n", spec.name, arch, tag,
                       id.substr(0, 19), engine.host->address);
    return 0;
  }
  fs::remove(engine_file);
  err << fmt::format("hubtel: {} ({}) is {} ({})\n", spec.name, arch, tag, id.substr(0, 19));
  return 0;
}

}  // namespace hubtel::engine
