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
  bool in_use = false;  // kept because something runs it (or an index that is run holds it)
};

// The plan's pure part. `versions` newest first, each with the digests it runs in this repository
// (from its description and from Lambda) and the aliases that point at it; `latest` the digests
// $LATEST runs; `images` the repository's images, newest push first, each a digest with its tags
// and, for an index, its manifests. Keeps the `keep` newest versions and every one an alias needs;
// then keeps every image a kept version, an alias or $LATEST runs, the registry caches (tags
// hubtel-cache-*), the newest `keep` pushes (of `architectures` images each), and the manifests of
// every index it keeps; deletes the rest.
struct GcVersion {
  std::string number;
  std::vector<std::string> digests;
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
GcPlan plan_gc(const std::vector<GcVersion>& versions, const std::vector<std::string>& latest,
               const std::vector<GcImage>& images, std::int64_t keep,
               std::int64_t architectures = 1);

struct GcRequest {
  std::filesystem::path spec;
  std::string aws = "aws";
  std::optional<std::int64_t> keep;  // default: the spec's KEEP_IMAGES
  bool dry_run = false;
};

// Reads the function's versions and aliases from Lambda and the repository's images from the
// registry (ECR through the AWS CLI, others through the registry API), prints the plan on `out`
// ("delete version 3: ..." / "keep image sha256:...: ..."), and unless `dry_run` carries it out:
// first the versions, then the images. For ECR it also sets a lifecycle policy expiring untagged
// images past `keep` (unless the repository has a policy of its own) and tags each untagged image
// in use hubtel-in-use-<digest>, so that the policy cannot expire it. A registry that refuses
// deletes is found out before anything is deleted; a version whose image cannot be told stops the
// plan; a delete that fails does not stop the others, and the error names how many failed.
int run_gc(const GcRequest& request, std::ostream& out, std::ostream& err);

}  // namespace hubtel::deploy
