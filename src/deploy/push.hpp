// Pushes each architecture of a built image to its repository and records the pushed digests.
#pragma once

#include <filesystem>
#include <iosfwd>
#include <string>

namespace hubtel::deploy {

struct PushRequest {
  std::filesystem::path spec;
  std::string engine = "/usr/bin/docker";
  std::string aws = "aws";
  bool create_repository = false;  // create a missing ECR repository first
  bool force = false;              // push even when the records say it is already there
};

// Tags and pushes each architecture's image; writes push-<arch>.ref (<repository>@sha256:<digest>)
// and push-<arch>.json only when they change. Prints each reference on `out`, progress on `err`.
// Throws Error naming the step that failed; a failed push leaves the old records in place.
int run_push(const PushRequest& request, std::ostream& out, std::ostream& err);

// The digest ("sha256:...") a `docker push` printed ("<tag>: digest: sha256:... size: N").
std::string pushed_digest(const std::string& push_output);

}  // namespace hubtel::deploy
