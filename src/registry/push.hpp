// Pushes each architecture of a built image, and its registry build cache, to the spec's
// repository, logged in to ECR through a private engine configuration; records the pushed digests.
#pragma once

#include "engine/build.hpp"

#include <filesystem>
#include <iosfwd>
#include <string>

namespace hubtel::registry {

struct PushRequest {
  std::filesystem::path spec;
  engine::Engine engine{"/usr/bin/docker", "docker-buildkit", {}};
  std::string aws = "aws";
  std::string engine_host;  // the engine of HUBTEL_ENGINE_HOSTS that built it, which pushes it
  std::filesystem::path engines_file = "hubtel/engines.json";
  bool create_repository = false;  // create a missing ECR repository first
  bool force = false;              // push even when the records say it is already there
};

// Tags and pushes each architecture's image; writes push-<arch>.ref (<repository>@sha256:<digest>)
// and push-<arch>.json only when they change; then, when the spec asks for a registry cache, tags
// and pushes each architecture's cache. Prints each reference on `out`, progress on `err`.
// Throws Error naming the step that failed; a failed push leaves the old records in place.
int run_push(const PushRequest& request, std::ostream& out, std::ostream& err);

}  // namespace hubtel::registry
