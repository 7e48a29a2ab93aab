// The Lambda gate: what Lambda accepts of a pushed image, judged from the documents the registry
// serves for it, before any CreateFunction or UpdateFunctionCode sees it.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <iosfwd>
#include <string>

namespace hubtel::registry {

// The media types of the documents a registry serves for a reference.
inline constexpr const char* kDockerManifest =
    "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr const char* kDockerList =
    "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr const char* kOciManifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr const char* kOciIndex = "application/vnd.oci.image.index.v1+json";

// Lambda's limit on an image's size (uncompressed; the compressed layers are a lower bound).
inline constexpr std::uint64_t kLambdaImageLimit = 10ULL * 1024 * 1024 * 1024;

// What to deploy for `reference`, whose registry served `document` of `media_type`:
//  - an image manifest (Docker v2 schema 2 or OCI) is deployed as it is: returns "";
//  - an index or manifest list holding exactly one image manifest for linux/`arch` (attestation
//    manifests aside) gives that manifest's digest, which is deployed instead;
//  - anything else throws Error naming the cause and the fix: another media type, an index
//    without the architecture or with it twice, a manifest of the wrong schema.
std::string lambda_manifest_digest(const nlohmann::json& document, const std::string& media_type,
                                   const std::string& arch, const std::string& reference);

// Checks an image manifest and its config blob as Lambda will: the config's architecture is the
// function's, it has an Entrypoint or a Cmd, and its layers stay under Lambda's 10 GiB. Throws
// Error naming the cause and the fix.
void check_lambda_image(const nlohmann::json& manifest, const nlohmann::json& config,
                        const std::string& arch, const std::string& reference);

// The gate itself: reads what `image_uri` (<repository>@sha256:<digest>) names from its registry
// (the AWS CLI `aws` gives ECR credentials) and judges it as above. Returns the reference Lambda is
// given: `image_uri`, or, when it names an index, <repository>@<the linux/`arch` manifest's
// digest>, which it says on `err`. Throws Error prefixed with `step` when Lambda would refuse it or
// the registry cannot tell.
std::string pass_lambda_gate(const std::string& image_uri, const std::string& arch,
                             const std::string& aws, const std::string& step, std::ostream& err);

}  // namespace hubtel::registry
