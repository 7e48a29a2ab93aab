// The Lambda gate's judgements, made on documents alone so each refusal is tested without a
// registry: the reads that fetch them belong to the registry client.
#include "registry/gate.hpp"

#include "common/error.hpp"
#include "registry/api.hpp"

#include <fmt/format.h>

#include <fmt/ranges.h>

#include <limits>
#include <ostream>
#include <regex>
#include <vector>

namespace hubtel::registry {
namespace {

using nlohmann::json;

// Lambda names architectures as Lambda does; registries as Go does.
std::string go_arch(const std::string& arch) {
  return arch == "arm64" ? "arm64" : "amd64";
}

bool is_attestation(const json& entry) {
  if (!entry.contains("platform") || !entry["platform"].is_object()) {
    return false;
  }
  const auto type =
      entry.value(json::json_pointer("/annotations/vnd.docker.reference.type"), std::string());
  const auto os = entry.value(json::json_pointer("/platform/os"), std::string());
  return type == "attestation-manifest" || os == "unknown";
}

}  // namespace

std::string lambda_manifest_digest(const json& document, const std::string& media_type,
                                   const std::string& arch, const std::string& reference) {
  if (!document.is_object()) {
    throw Error(
        fmt::format("{}: the registry served a manifest that is not a JSON object; push "
                    "the image again",
                    reference));
  }
  if (media_type == kDockerManifest || media_type == kOciManifest) {
    if (document.value("schemaVersion", 0) != 2) {
      throw Error(
          fmt::format("{} is a manifest of schema version {}, which Lambda refuses; push "
                      "it again with a current engine",
                      reference, document.value("schemaVersion", 0)));
    }
    return "";
  }
  if (media_type != kDockerList && media_type != kOciIndex) {
    throw Error(
        fmt::format("{} is served as {}, which Lambda refuses: it takes one Docker v2 "
                    "schema 2 or OCI image manifest; push it again with a current engine",
                    reference, media_type.empty() ? "(no media type)" : media_type));
  }
  std::string found;
  std::vector<std::string> platforms;
  const auto& manifests = document.value("manifests", json::array());
  for (const auto& entry : manifests.is_array() ? manifests : json::array()) {
    if (!entry.is_object() || is_attestation(entry)) {
      continue;
    }
    platforms.push_back(
        entry.value(json::json_pointer("/platform/os"), std::string("?")) + "/" +
        entry.value(json::json_pointer("/platform/architecture"), std::string("?")));
    if (entry.value(json::json_pointer("/platform/os"), std::string()) != "linux" ||
        entry.value(json::json_pointer("/platform/architecture"), std::string()) != go_arch(arch)) {
      continue;
    }
    if (!found.empty()) {
      throw Error(
          fmt::format("{} is an index with two manifests for linux/{}; Lambda takes one "
                      "image: push a single-platform image",
                      reference, go_arch(arch)));
    }
    found = entry.value("digest", std::string());
    static const std::regex digest("sha256:[0-9a-f]{64}");
    if (!std::regex_match(found, digest)) {
      throw Error(
          fmt::format("{} is an index whose linux/{} entry names no sha256 digest; push "
                      "the image again",
                      reference, go_arch(arch)));
    }
  }
  if (found.empty()) {
    throw Error(fmt::format(
        "{} is an index with no image for linux/{}, the function's architecture ({}); build the "
        "image for {} (ARCHITECTURES) and push it again",
        reference, go_arch(arch),
        platforms.empty() ? "it holds attestations alone"
                          : fmt::format("it holds {}", fmt::join(platforms, ", ")),
        arch));
  }
  return found;
}

void check_lambda_image(const json& manifest, const json& config, const std::string& arch,
                        const std::string& reference) {
  if (!manifest.is_object() || !config.is_object()) {
    throw Error(
        fmt::format("{} has a manifest or config that is not a JSON object, which Lambda "
                    "cannot read; push the image again",
                    reference));
  }
  const auto os = config.value("os", std::string());
  if (os != "linux") {
    throw Error(
        fmt::format("{} is an image for {}, and Lambda runs linux images alone; build it "
                    "for linux",
                    reference, os.empty() ? "no operating system" : os));
  }
  const auto architecture = config.value("architecture", std::string());
  if (architecture != go_arch(arch)) {
    throw Error(fmt::format(
        "{} is an image for {}, but the function runs on {}; build it for {} "
        "(ARCHITECTURES) or deploy another architecture (--arch)",
        reference, architecture.empty() ? "no architecture" : architecture, arch, arch));
  }
  const auto& settings = config.value("config", json::object());
  const auto has = [&](const char* key) {
    return settings.contains(key) && settings[key].is_array() && !settings[key].empty();
  };
  if (!has("Entrypoint") && !has("Cmd")) {
    throw Error(
        fmt::format("{} has neither an ENTRYPOINT nor a CMD, so Lambda cannot start it; "
                    "give the runtime stage one",
                    reference));
  }
  std::uint64_t total = 0;
  const auto& layers = manifest.value("layers", json::array());
  if (!layers.is_array()) {
    throw Error(fmt::format("{} lists its layers as no array; push the image again", reference));
  }
  for (const auto& layer : layers) {
    const auto sized =
        layer.is_object() && layer.contains("size") &&
        (layer["size"].is_number_unsigned() ||
         (layer["size"].is_number_integer() && layer["size"].get<std::int64_t>() >= 0));
    if (!sized) {
      throw Error(
          fmt::format("{} has a layer without a size in bytes; push the image again", reference));
    }
    const auto size = layer["size"].get<std::uint64_t>();
    if (size > std::numeric_limits<std::uint64_t>::max() - total) {
      total = std::numeric_limits<std::uint64_t>::max();
      break;
    }
    total += size;
  }
  if (total > kLambdaImageLimit) {
    throw Error(
        fmt::format("{} has {} bytes of layers, over Lambda's 10 GiB; make it smaller "
                    "(`hubtel-ai size` shows where the bytes went)",
                    reference, total));
  }
}

std::string pass_lambda_gate(const std::string& image_uri, const std::string& arch,
                             const std::string& aws, const std::string& step, std::ostream& err) {
  const auto at = image_uri.find('@');
  const auto repository = image_uri.substr(0, at);
  Api api(repository, aws, step);
  try {
    auto manifest = api.manifest(image_uri.substr(at + 1));
    auto deployed = image_uri;
    if (const auto platform =
            lambda_manifest_digest(manifest.document, manifest.media_type, arch, image_uri);
        !platform.empty()) {
      deployed = repository + "@" + platform;
      manifest = api.manifest(platform);
      if (!lambda_manifest_digest(manifest.document, manifest.media_type, arch, deployed).empty()) {
        throw Error(
            fmt::format("{} is an index inside an index, which Lambda refuses; push a "
                        "single-platform image",
                        deployed));
      }
      err << fmt::format(
          "hubtel-ai: {}: {} is an index, which Lambda refuses; deploying its linux/{} image {} "
          "instead\n",
          step, image_uri, go_arch(arch), deployed);
    }
    const auto config_digest =
        manifest.document.value(nlohmann::json::json_pointer("/config/digest"), std::string());
    if (config_digest.rfind("sha256:", 0) != 0) {
      throw Error(
          fmt::format("{} names no image config, so Lambda cannot read it; push the "
                      "image again with a current engine",
                      deployed));
    }
    check_lambda_image(manifest.document, api.json_blob(config_digest), arch, deployed);
    return deployed;
  } catch (const Error& e) {
    const std::string what = e.what();
    if (what.rfind(step + ":", 0) == 0) {
      throw;
    }
    throw Error(fmt::format("{}: {}", step, what));
  } catch (const nlohmann::json::exception& e) {
    throw Error(
        fmt::format("{}: the registry served documents for {} that Lambda could not read "
                    "({}); push the image again",
                    step, image_uri, e.what()));
  }
}

}  // namespace hubtel::registry
