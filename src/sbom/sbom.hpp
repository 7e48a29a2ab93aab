// The SBOM of one architecture of a built image (what <name>-sbom runs), and its attachment to the
// pushed image as an OCI referrer (what <name>-push does with it).
#pragma once

#include "engine/build.hpp"
#include "registry/api.hpp"

#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>

namespace hubtel::sbom {

struct SbomRequest {
  std::filesystem::path spec;
  std::string arch;
  engine::Engine engine;
  std::string tool_version;
};

// Saves the image the build recorded (image-<arch>.id) from the engine, reads it, and writes
// hubtel/<name>/sbom-<arch>.spdx.json (or .cdx.json, as the spec's sbom_format says) atomically.
// The base's name and digest come from the image's org.opencontainers.image.base.* labels when it
// has them, else from the engine (the runtime base's registry digest, or its image id when it has
// none); its layers, which are the base's, from the engine too. Prints the file's path on `out`.
int run_sbom(const SbomRequest& request, std::ostream& out, std::ostream& err);

// What an attachment made.
struct Attached {
  std::string digest;  // of the SBOM's artifact manifest
  std::string how;     // "referrer" or the fallback tag it went to
};

// Attaches the SBOM file of `format` to the manifest `image_digest` of the repository `api` talks
// to: an OCI artifact manifest (artifactType the SBOM's media type, the SBOM its one layer) whose
// subject is the image, found through the registry's referrers API; where the registry has none,
// the same manifest is tagged sha256-<hex>.sbom. The image's own manifest is left as it is.
Attached attach(registry::Api& api, const std::string& image_digest,
                const std::filesystem::path& sbom_file, const std::string& format);

// The image id an SBOM file of `format` names for its image (SPDX: the SPDXRef-Image package's
// versionInfo; CycloneDX: metadata.component.version); empty when it names none or is no SBOM.
std::string image_id_in(const std::filesystem::path& sbom_file, const std::string& format);

// The spec's SBOM file of the architecture.
std::filesystem::path sbom_file(const spec::ImageSpec& spec, const std::string& arch);

}  // namespace hubtel::sbom
