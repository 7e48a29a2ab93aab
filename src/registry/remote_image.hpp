// Images read straight from a registry for the size report: a reference's manifest (an index's
// image picked by platform), its config and layer blobs streamed over the registry's HTTP API.
#pragma once

#include "inspect/image.hpp"

#include <iosfwd>
#include <optional>
#include <string>

namespace hubtel::registry {

// [host[:port]/]path(:tag | @sha256:<hex> | :tag@sha256:<hex>), as engines read references.
struct ImageReference {
  std::string repository;  // [host[:port]/]path, as given
  std::string tag;         // empty when a digest is given
  std::string digest;      // sha256:<hex>, or empty
  // The tag or digest the registry is asked for (the digest when both are given).
  [[nodiscard]] const std::string& reference() const { return digest.empty() ? tag : digest; }
};

// The reference `text` names, or nothing when it is none. A tag or a digest is required: a bare
// name ("image.tar") is a file that is missing, not docker.io/library/image.tar:latest.
std::optional<ImageReference> parse_image_reference(const std::string& text);

// An image platform, "os/arch[/variant]"; arch may be given as HubtelAI names it (x86_64 for
// amd64, aarch64 for arm64). Throws Error (usage) naming the expected form.
struct Platform {
  std::string os;
  std::string architecture;
  std::string variant;
  [[nodiscard]] std::string text() const;
};
Platform parse_platform(const std::string& text);

struct RegistryReadOptions {
  std::string platform;  // "os/arch[/variant]"; empty: an index must hold one image
  std::string aws = "aws";
};

// The image `reference` names, read over the registry's HTTP API with the credentials an engine
// would use (ECR through `aws ecr get-authorization-token`). Throws Error naming the reference,
// the registry and what to do.
inspect::Image read_registry_image(const ImageReference& reference,
                                   const RegistryReadOptions& registry_options,
                                   const inspect::ReadOptions& options);

// The image an input names, decided here alone: "-" is an archive on `stdin_stream`, an existing
// path an archive or OCI layout, anything else a registry reference; neither is an Error saying
// so.
inspect::Image read_image_input(const std::string& input, std::istream& stdin_stream,
                                const RegistryReadOptions& registry_options,
                                const inspect::ReadOptions& options);

}  // namespace hubtel::registry
