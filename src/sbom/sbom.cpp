// The SBOM of a built image from the engine's saved copy, and its attachment as an OCI referrer.
#include "sbom/sbom.hpp"

#include "common/error.hpp"
#include "common/files.hpp"
#include "common/sha256.hpp"
#include "deploy/release.hpp"
#include "process/process.hpp"
#include "sbom/formats.hpp"
#include "sbom/inventory.hpp"

#include <fmt/format.h>

#include <regex>
#include <sstream>

namespace fs = std::filesystem;

namespace hubtel::sbom {
namespace {

using nlohmann::json;

// What the engine says of an image, as JSON; nothing when it has no such image.
std::optional<json> inspect_image(const engine::Engine& engine, const std::string& ref) {
  const auto result =
      process::run({{engine.program, "image", "inspect", "--format", "{{json .}}", ref},
                    engine::environment_of(engine)});
  if (!result.ok()) {
    return std::nullopt;
  }
  try {
    auto document = json::parse(result.out);
    return document.is_array() && !document.empty() ? document[0] : document;
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

std::string text_at(const json& document, const char* pointer) {
  const auto value = document.value(json::json_pointer(pointer), json());
  return value.is_string() ? value.get<std::string>() : std::string();
}

// The repository a reference names, without its tag or digest.
std::string repository_of(const std::string& ref) {
  auto name = ref.substr(0, ref.find('@'));
  const auto slash = name.rfind('/');
  if (const auto colon = name.find(':', slash == std::string::npos ? 0 : slash + 1);
      colon != std::string::npos) {
    name.resize(colon);
  }
  return name;
}

// The digest the engine knows the base by: the registry digest of its repository, else its id.
std::string engine_digest(const json& base, const std::string& ref) {
  const auto wanted = repository_of(ref);
  const auto digests = base.value("RepoDigests", json::array());
  for (const auto& item : digests.is_array() ? digests : json::array()) {
    if (!item.is_string()) {
      continue;
    }
    const auto text = item.get<std::string>();
    const auto at = text.find('@');
    if (at == std::string::npos) {
      continue;
    }
    const auto repository = text.substr(0, at);
    // The engine spells Docker Hub's images in full (docker.io/library/name).
    if (repository == wanted || repository == "docker.io/library/" + wanted ||
        repository == "docker.io/" + wanted) {
      return text.substr(at + 1);
    }
  }
  return text_at(base, "/Id");
}

struct RemovedFile {
  fs::path path;
  explicit RemovedFile(fs::path file) : path(std::move(file)) {}
  RemovedFile(const RemovedFile&) = delete;
  RemovedFile& operator=(const RemovedFile&) = delete;
  ~RemovedFile() {
    std::error_code ignored;
    fs::remove(path, ignored);
  }
};

}  // namespace

fs::path sbom_file(const spec::ImageSpec& spec, const std::string& arch) {
  return spec.dir / file_name(arch, spec.sbom_format);
}

int run_sbom(const SbomRequest& request, std::ostream& out, std::ostream& err) {
  const auto spec = spec::read(request.spec);
  const auto& arch = request.arch;
  const auto step = fmt::format("sbom {} ({})", spec.name, arch);
  if (!spec.has_architecture(arch)) {
    throw Error(fmt::format("image '{}' is not built for {} (its architectures: {})", spec.name,
                            arch, fmt::join(spec.architectures, ", ")));
  }
  const auto id_file = spec::image_id_file(spec, arch);
  std::error_code error;
  if (!fs::exists(id_file, error)) {
    throw Error(fmt::format("{}: no built image: '{}' is missing; build {}-image first", step,
                            id_file.string(), spec.name));
  }
  const auto id = read_line_file(id_file);
  static const std::regex id_pattern("sha256:[0-9a-f]{64}");
  if (!std::regex_match(id, id_pattern)) {
    throw Error(fmt::format("{}: '{}' holds no image id (sha256:<64 hex>); build {}-image again",
                            step, id_file.string(), spec.name));
  }
  const auto& engine = request.engine;
  const auto image = inspect_image(engine, id);
  if (!image) {
    throw Error(
        fmt::format("{}: the engine {} has no image {} (removed since the build?); build "
                    "{}-image again",
                    step, engine.program, id, spec.name));
  }

  // The base: by the labels the build gave the image, else the spec's runtime image.
  ReadRequest read;
  read.name = spec.name;
  read.architecture = arch;
  read.image_id = id;
  const auto label_name = text_at(*image, "/Config/Labels/org.opencontainers.image.base.name");
  const auto label_digest = text_at(*image, "/Config/Labels/org.opencontainers.image.base.digest");
  read.base.name = label_name.empty() ? spec.runtime_image : label_name;
  std::vector<std::string> candidates;
  if (!label_digest.empty()) {
    candidates.push_back(repository_of(read.base.name) + "@" + label_digest);
  }
  candidates.push_back(read.base.name);
  candidates.push_back(spec.runtime_image);
  // The engine keeps one platform's image under a tag: the base of another architecture (a
  // multi-architecture index) is pulled for this one, as the build and the size step do.
  const std::string platform_arch = arch == "arm64" ? "arm64" : "amd64";
  std::optional<json> base;
  for (const auto& candidate : candidates) {
    if ((base = inspect_image(engine, candidate))) {
      if (text_at(*base, "/Architecture") != platform_arch) {
        engine::run_engine(
            engine, {engine.program, "pull", "--platform", engine::platform_of(arch), candidate});
        base = inspect_image(engine, candidate);
      }
      break;
    }
  }
  if (!base) {
    // BuildKit keeps the bases it pulls to itself: the engine pulls its own copy, as the size
    // step does.
    engine::run_engine(engine, {engine.program, "pull", "--platform", engine::platform_of(arch),
                                candidates.front()});
    base = inspect_image(engine, candidates.front());
  }
  if (!base) {
    throw Error(
        fmt::format("{}: the engine {} has no runtime base {}, whose layers the SBOM "
                    "tells apart from the image's own; pull it or build {}-image again",
                    step, engine.program, read.base.name, spec.name));
  }
  read.base.digest = label_digest.empty() ? engine_digest(*base, read.base.name) : label_digest;
  const auto base_layers = base->value(json::json_pointer("/RootFS/Layers"), json::array());
  const auto image_layers = image->value(json::json_pointer("/RootFS/Layers"), json::array());
  std::size_t shared = 0;
  while (shared < base_layers.size() && shared < image_layers.size() &&
         base_layers[shared] == image_layers[shared]) {
    ++shared;
  }
  if (shared < base_layers.size()) {
    throw Error(
        fmt::format("{}: the image is not built on the runtime base {} the engine has now "
                    "(their layers differ); build {}-image again",
                    step, read.base.name, spec.name));
  }
  read.base_layers = shared;

  const auto archive = spec.dir / fmt::format("sbom-{}.tar", arch);
  const RemovedFile removed(archive);
  engine::run_engine(engine, {engine.program, "save", "--output", archive.string(), id});
  read.input = archive.string();
  std::istringstream no_input;
  auto inventory = read_inventory(read, no_input);
  inventory.tool_version = request.tool_version;
  const auto text = render(inventory, spec.sbom_format);
  const auto file = sbom_file(spec, arch);
  write_file_if_changed(file, text);
  // release.json names it, by its digest, while the image stays this one; the push adds where
  // it attached it.
  Sha256 sha;
  sha.update(text);
  // The whole record first (image id, base, labels, locked bases, revision; the pushed digest
  // once there is one), then its SBOM.
  deploy::write_release(spec, &engine, nullptr);
  deploy::record_sbom(spec, arch, id,
                      json{{"file", file.filename().string()},
                           {"format", spec.sbom_format},
                           {"digest", sha.finish()},
                           {"attached", nullptr}});
  err << fmt::format(
      "hubtel: {} ({}): {} packages ({}), {} Python distributions, {} files added "
      "over {}\n",
      spec.name, arch, inventory.os_packages.size(),
      inventory.os_manager.empty() ? "no package database" : inventory.os_manager,
      inventory.python.size(), inventory.files.size(), read.base.name);
  out << file.string() << '\n';
  return 0;
}

std::string image_id_in(const fs::path& sbom_file, const std::string& format) {
  json document;
  try {
    document = json::parse(read_file(sbom_file));
  } catch (const json::exception&) {
    return {};
  }
  if (!document.is_object()) {
    return {};
  }
  if (format == "cyclonedx") {
    const auto version = document.value(json::json_pointer("/metadata/component/version"), json());
    return version.is_string() ? version.get<std::string>() : std::string();
  }
  for (const auto& package : document.value("packages", json::array())) {
    if (package.is_object() && package.value("SPDXID", json()) == "SPDXRef-Image") {
      const auto version = package.value("versionInfo", json());
      return version.is_string() ? version.get<std::string>() : std::string();
    }
  }
  return {};
}

Attached attach(registry::Api& api, const std::string& image_digest, const fs::path& sbom_file,
                const std::string& format) {
  const auto sbom = read_file(sbom_file);
  const auto image = api.manifest(image_digest);
  if (image.document.contains("manifests")) {
    throw Error(
        fmt::format("the manifest {} is an index; an SBOM is attached to one image's "
                    "manifest",
                    image_digest));
  }
  const std::string empty = "{}";
  const auto config_digest = api.put_blob(empty);
  const auto sbom_digest = api.put_blob(sbom);
  const auto type = media_type(format);
  nlohmann::ordered_json manifest;
  manifest["schemaVersion"] = 2;
  manifest["mediaType"] = "application/vnd.oci.image.manifest.v1+json";
  manifest["artifactType"] = type;
  manifest["config"] = {{"mediaType", "application/vnd.oci.empty.v1+json"},
                        {"digest", config_digest},
                        {"size", empty.size()}};
  manifest["layers"] = {
      {{"mediaType", type},
       {"digest", sbom_digest},
       {"size", sbom.size()},
       {"annotations", {{"org.opencontainers.image.title", sbom_file.filename().string()}}}}};
  manifest["subject"] = {
      {"mediaType", image.media_type}, {"digest", image.digest}, {"size", image.body.size()}};
  const auto body = manifest.dump();
  Sha256 sha;
  sha.update(body);
  Attached attached{sha.finish(), "referrer"};
  const bool indexed =
      api.put_manifest(attached.digest, "application/vnd.oci.image.manifest.v1+json", body);
  if (indexed) {
    return attached;
  }
  // Registries that index subjects without saying so answer the referrers API with it.
  if (const auto referrers = api.referrers(image.digest)) {
    for (const auto& descriptor : referrers->value("manifests", json::array())) {
      if (descriptor.is_object() && descriptor.value("digest", "") == attached.digest) {
        return attached;
      }
    }
  }
  // No referrers API: the tag scheme that names the subject's digest.
  attached.how = fmt::format("sha256-{}.sbom", image.digest.substr(7));
  api.put_manifest(attached.how, "application/vnd.oci.image.manifest.v1+json", body);
  return attached;
}

}  // namespace hubtel::sbom
