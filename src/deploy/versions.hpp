// The published versions of an image's function, and going back to one of them without building
// or pushing anything.
#pragma once

#include <chrono>
#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "spec/image_spec.hpp"

namespace hubtel::deploy {

// One published version, as Lambda holds it.
struct Version {
  std::string number;
  std::string last_modified;
  std::string digest;                   // sha256:..., from the version's description or its code
  std::string image_uri;                // <repository>@<digest>, when known
  std::optional<std::string> revision;  // the source revision a deploy recorded
  std::vector<std::string> aliases;     // the aliases that point at it
};

class Aws;

// The function's published versions, newest first, as Lambda lists them (none when nothing is
// published). Throws Error naming `step` when the function does not exist.
std::vector<Version> list_versions(Aws& aws, const std::string& step, const spec::ImageSpec& spec,
                                   const std::string& function);

struct VersionsRequest {
  std::filesystem::path spec;
  std::string aws = "aws";
  std::string format = "text";  // text or json
};

// Lists the function's published versions, newest first, with digest, date, revision and
// aliases: as lines of text, or as JSON {"function_name", "versions": [{"version",
// "last_modified", "digest", "image_uri", "revision", "aliases"}]}.
int run_versions(const VersionsRequest& request, std::ostream& out, std::ostream& err);

struct RollbackRequest {
  std::filesystem::path spec;
  std::string aws = "aws";
  std::optional<std::string> to;  // a version number or a sha256: digest; default the previous
  std::chrono::seconds wait_timeout{600};
};

// Points the spec's ALIAS (or, without one, the function's code) at an earlier published version:
// `to`, else the newest version older than the current one. Calls neither the engine nor the
// registry. Prints "<function> version <v> <image-uri>[ alias <alias>]" on `out`.
int run_rollback(const RollbackRequest& request, std::ostream& out, std::ostream& err);

}  // namespace hubtel::deploy
