// Registry clean-up that never breaks a version: old published versions no alias needs go first,
// then the images no remaining version, alias or $LATEST runs, past the newest pushes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace hubtel::deploy {

// What the clean-up does with one version or image, and why.
struct GcItem {
  std::string what;  // "version 3" or "image sha256:..."
  bool keep = false;
  std::string why;
};

// The plan's pure part. `versions` newest first, each with its digest and whether an alias points
// at it; `latest` is the digest $LATEST runs; `images` are the repository's images, newest push
// first, each a digest with its tags. Keeps the `keep` newest versions and every one an alias
// needs; then keeps every image a kept version, an alias or $LATEST runs, the `keep` newest, and
// the registry caches (tags hubtel-cache-*); deletes the rest.
struct GcVersion {
  std::string number;
  std::string digest;
  std::vector<std::string> aliases;
};
struct GcImage {
  std::string digest;
  std::vector<std::string> tags;
  std::vector<std::string> children;  // an index's manifests
};
struct GcPlan {
  std::vector<GcItem> versions;
  std::vector<GcItem> images;
};
GcPlan plan_gc(const std::vector<GcVersion>& versions, const std::string& latest,
               const std::vector<GcImage>& images, std::int64_t keep);

struct GcRequest {
  std::filesystem::path spec;
  std::string aws = "aws";
  std::optional<std::int64_t> keep;  // default: the spec's KEEP_IMAGES
  bool dry_run = false;
};

// Reads the function's versions and aliases from Lambda and the repository's images from the
// registry (ECR through the AWS CLI, others through the registry API), prints the plan on `out`
// ("delete version 3: ..." / "keep image sha256:...: ..."), and unless `dry_run` carries it out:
// first the versions, then the images; for ECR it also sets a lifecycle policy expiring untagged
// images past `keep`. A registry that refuses deletes is found out before anything is deleted.
int run_gc(const GcRequest& request, std::ostream& out, std::ostream& err);

}  // namespace hubtel::deploy
