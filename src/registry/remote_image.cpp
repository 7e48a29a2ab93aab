// Images read from a registry: the reference parsed as engines parse it, an index's image picked
// by platform, and the blobs streamed through the registry API into the readers archives use.
#include "registry/remote_image.hpp"

#include "common/error.hpp"
#include "registry/api.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <regex>
#include <vector>

namespace fs = std::filesystem;

namespace hubtel::registry {
namespace {

using nlohmann::json;

const char* const kReferenceForm =
    "host[:port]/repository:tag or host[:port]/repository@sha256:<digest>";

std::string string_member(const json& object, const char* key) {
  if (!object.is_object()) {
    return {};
  }
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string normal_architecture(const std::string& architecture) {
  if (architecture == "x86_64" || architecture == "x86-64") {
    return "amd64";
  }
  if (architecture == "aarch64") {
    return "arm64";
  }
  return architecture;
}

// arm64 images carry the variant v8 or none: the two are one platform.
std::string normal_variant(const std::string& architecture, const std::string& variant) {
  return architecture == "arm64" && variant == "v8" ? std::string() : variant;
}

bool is_index(const Manifest& manifest) {
  return manifest.media_type == "application/vnd.oci.image.index.v1+json" ||
         manifest.media_type == "application/vnd.docker.distribution.manifest.list.v2+json" ||
         (manifest.media_type.empty() && manifest.document.contains("manifests"));
}

// Adapts the registry API to the image readers.
class ApiFetcher : public inspect::BlobFetcher {
 public:
  explicit ApiFetcher(Api& api) : api_(api) {}
  void fetch(const std::string& digest, std::uint64_t size, bool verify,
             const std::function<void(std::string_view)>& sink) override {
    api_.stream_blob(digest, size, sink, verify);
  }

 private:
  Api& api_;
};

struct Candidate {
  Platform platform;
  std::string digest;
};

// The images an index offers, attestations and platform-less entries left out.
std::vector<Candidate> candidates_of(const json& index) {
  std::vector<Candidate> out;
  const auto manifests = index.find("manifests");
  if (manifests == index.end() || !manifests->is_array()) {
    return out;
  }
  for (const auto& descriptor : *manifests) {
    if (!descriptor.is_object()) {
      continue;
    }
    if (string_member(descriptor.value("annotations", json::object()),
                      "vnd.docker.reference.type") == "attestation-manifest") {
      continue;
    }
    const auto platform = descriptor.value("platform", json::object());
    Candidate candidate;
    candidate.platform.os = string_member(platform, "os");
    candidate.platform.architecture = normal_architecture(string_member(platform, "architecture"));
    candidate.platform.variant =
        normal_variant(candidate.platform.architecture, string_member(platform, "variant"));
    candidate.digest = string_member(descriptor, "digest");
    if (candidate.digest.empty() || candidate.platform.os.empty() ||
        candidate.platform.os == "unknown" || candidate.platform.architecture == "unknown") {
      continue;
    }
    out.push_back(std::move(candidate));
  }
  return out;
}

std::string listed(const std::vector<Candidate>& candidates) {
  std::string out;
  for (const auto& candidate : candidates) {
    out += (out.empty() ? "" : ", ") + candidate.platform.text();
  }
  return out;
}

}  // namespace

std::string Platform::text() const {
  return os + "/" + architecture + (variant.empty() ? "" : "/" + variant);
}

Platform parse_platform(const std::string& text) {
  static const std::regex pattern("([a-z0-9]+)/([a-z0-9_-]+)(/([a-z0-9]+))?");
  std::smatch match;
  if (text.size() > 100 || !std::regex_match(text, match, pattern)) {
    throw Error(fmt::format("--platform: '{}' is not os/arch[/variant] (e.g. linux/amd64, "
                            "linux/arm64)",
                            text),
                ExitCode::usage);
  }
  Platform platform;
  platform.os = match[1].str();
  platform.architecture = normal_architecture(match[2].str());
  platform.variant = normal_variant(platform.architecture, match[4].str());
  return platform;
}

std::optional<ImageReference> parse_image_reference(const std::string& text) {
  static const std::regex pattern(
      // [host[:port]/]
      "((([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?)(\\.([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?))*"
      "|\\[[0-9a-fA-F:]+\\])(:[0-9]+)?/)?"
      // path components
      "[a-z0-9]+(([._]|__|-+)[a-z0-9]+)*(/[a-z0-9]+(([._]|__|-+)[a-z0-9]+)*)*"
      // :tag, @digest
      "(:([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?(@(sha256:[0-9a-f]{64}))?");
  if (text.size() > 512) {
    return std::nullopt;
  }
  std::smatch match;
  if (!std::regex_match(text, match, pattern)) {
    return std::nullopt;
  }
  const auto tag = match[match.size() - 3];
  const auto digest = match[match.size() - 1];
  if (!tag.matched && !digest.matched) {
    return std::nullopt;
  }
  ImageReference reference;
  reference.tag = tag.matched ? tag.str() : std::string();
  reference.digest = digest.matched ? digest.str() : std::string();
  reference.repository = text.substr(0, text.size() - (tag.matched ? tag.length() + 1 : 0) -
                                            (digest.matched ? digest.length() + 1 : 0));
  return reference;
}

inspect::Image read_registry_image(const ImageReference& reference,
                                   const RegistryReadOptions& registry_options,
                                   const inspect::ReadOptions& options) {
  const auto where = reference.repository + (reference.tag.empty() ? "" : ":" + reference.tag) +
                     (reference.digest.empty() ? "" : "@" + reference.digest);
  const std::optional<Platform> wanted =
      registry_options.platform.empty() ? std::nullopt
                                        : std::optional(parse_platform(registry_options.platform));
  Api api(reference.repository, registry_options.aws, "size " + where);
  api.set_missing_hint("check the repository and tag (or digest), or push the image first");
  auto manifest = api.manifest(reference.reference());
  bool from_index = false;
  if (is_index(manifest)) {
    from_index = true;
    const auto candidates = candidates_of(manifest.document);
    if (candidates.empty()) {
      throw Error(fmt::format("size {}: the index names no image for any platform", where));
    }
    const Candidate* chosen = nullptr;
    if (wanted) {
      for (const auto& candidate : candidates) {
        if (candidate.platform.os == wanted->os &&
            candidate.platform.architecture == wanted->architecture &&
            (wanted->variant.empty() || candidate.platform.variant == wanted->variant)) {
          chosen = &candidate;
          break;
        }
      }
      if (chosen == nullptr) {
        throw Error(fmt::format(
            "size {}: the index has no image for {} (it holds {}); choose one of those with "
            "--platform",
            where, wanted->text(), listed(candidates)));
      }
    } else if (candidates.size() == 1) {
      chosen = &candidates.front();
    } else {
      throw Error(fmt::format(
          "size {}: the index holds images for {}; choose one with --platform (e.g. --platform "
          "{})",
          where, listed(candidates), candidates.front().platform.text()));
    }
    manifest = api.manifest(chosen->digest);
    if (is_index(manifest)) {
      throw Error(
          fmt::format("size {}: the index names another index ({}) for {}; name that "
                      "index's image by digest",
                      where, chosen->digest, chosen->platform.text()));
    }
  }
  // Schema 1 is Docker's own v1 media type; OCI's image manifest is "manifest.v1+json" too.
  if (manifest.document.value("schemaVersion", 0) == 1 ||
      manifest.media_type.rfind("application/vnd.docker.distribution.manifest.v1+", 0) == 0) {
    throw Error(fmt::format(
        "size {}: the registry holds a schema 1 manifest, which names no layer sizes or diff_ids; "
        "push the image again with a current engine",
        where));
  }
  if (!manifest.document.contains("layers") || !manifest.document.contains("config")) {
    throw Error(fmt::format("size {}: {} is not an image manifest (media type \"{}\")", where,
                            manifest.digest, manifest.media_type));
  }
  ApiFetcher fetcher(api);
  auto image = inspect::read_image(manifest.body, fetcher, where, options);
  if (wanted && !from_index && options.summarise_layers) {
    const Platform actual{image.os, normal_architecture(image.architecture), ""};
    if (actual.os != wanted->os || actual.architecture != wanted->architecture) {
      throw Error(fmt::format("size {}: the image is for {}, not {}; it names no other platform",
                              where, actual.text(), wanted->text()));
    }
  }
  return image;
}

inspect::Image read_image_input(const std::string& input, std::istream& stdin_stream,
                                const RegistryReadOptions& registry_options,
                                const inspect::ReadOptions& options) {
  std::error_code error;
  if (input == "-" || fs::exists(input, error)) {
    if (!registry_options.platform.empty()) {
      // An archive holds one image: --platform would be silently ignored.
      throw Error(
          fmt::format("--platform picks an image from a registry index; '{}' is a file", input),
          ExitCode::usage);
    }
    return inspect::read_image(input, stdin_stream, options);
  }
  if (std::any_of(input.begin(), input.end(),
                  [](unsigned char c) { return c < 0x20 || c == 0x7f; })) {
    throw Error(fmt::format(
        "{} holds a control character: it is no file name or registry reference this reads ({})",
        json(input).dump(), kReferenceForm));
  }
  if (const auto reference = parse_image_reference(input)) {
    return read_registry_image(*reference, registry_options, options);
  }
  if (input.find_first_of(":@") == std::string::npos) {
    throw Error(fmt::format("cannot read '{}': No such file or directory", input));
  }
  throw Error(fmt::format(
      "'{}' is no file, and no registry reference either ({}; repository names are lower case)",
      input, kReferenceForm));
}

}  // namespace hubtel::registry
