// The release record (hubtel/<name>/release.json): every digest a release pipeline archives.
#pragma once

#include "engine/build.hpp"
#include "spec/image_spec.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace hubtel::deploy {

// Writes release.json after a push (`function` null: the function does not run it yet) or a
// deploy (`function`: the deploy record, whose function, version and alias it names): per
// architecture the pushed image's reference and digest, its image id, its base (name and digest,
// from the image's labels when the engine can read them, else from the base lock) and its SBOM
// (null until one is made for that digest); every locked base; the source revision. Written
// atomically, and only when it changes.
void write_release(const spec::ImageSpec& spec, const engine::Engine* engine,
                   const nlohmann::json* function);

// Records the SBOM of one architecture's image (`image_id`, as image-<arch>.id holds it) in
// release.json, as `sbom` of that architecture (for example {"file": "sbom-x86_64.spdx.json",
// "digest": "sha256:..."}): later writes keep it while the image id stays the same.
void record_sbom(const spec::ImageSpec& spec, const std::string& arch, const std::string& image_id,
                 const nlohmann::json& sbom);

// The SBOM release.json records for the architecture's image `image_id`; null when it records
// none, or one of another image.
nlohmann::json recorded_sbom(const spec::ImageSpec& spec, const std::string& arch,
                             const std::string& image_id);

}  // namespace hubtel::deploy
