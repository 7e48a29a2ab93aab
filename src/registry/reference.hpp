// Names in registries: which registry a repository lives in, ECR's parts, the tags and references
// an image is pushed under, and the digests pushes report.
#pragma once

#include "spec/image_spec.hpp"

#include <filesystem>
#include <optional>
#include <string>

namespace hubtel::registry {

// An ECR registry's parts, from <account>.dkr.ecr.<region>.amazonaws.com[.cn].
struct EcrRegistry {
  std::string host;
  std::string account;
  std::string region;
};

// The registry host of a repository reference ("docker.io" when it names none).
std::string registry_of(const std::string& repository);
// The repository's path inside its registry ("team/hello").
std::string repository_path(const std::string& repository);
// The ECR registry a repository lives in, if it is one.
std::optional<EcrRegistry> ecr_registry(const std::string& repository);

// The tag an architecture is pushed with: TAG, else the context's git revision, else "latest",
// with "-<arch>" when the spec has several architectures. `revision` is the git revision.
std::string push_tag(const spec::ImageSpec& spec, const std::string& arch,
                     const std::optional<std::string>& revision);

// The short git revision of the context, when it is in a git work tree.
std::optional<std::string> git_revision(const std::filesystem::path& context);

// The parts of <repository>[:<tag>][@<digest>]: the repository alone, and the digest ("" when
// there is none). Neither checks the reference; digest_of_reference does.
std::string repository_in(const std::string& reference);
std::string digest_in(const std::string& reference);

// Checks that a reference is <repository>@sha256:<64 hex>; returns the digest (sha256:...).
std::string digest_of_reference(const std::string& reference);

// The digest ("sha256:...") a `docker push` printed ("<tag>: digest: sha256:... size: N").
std::string pushed_digest(const std::string& push_output);

// The registry build cache of an image: the final stage's layers travel inline with
// <repository>:hubtel-cache-<arch>, and the builder stage's (which inline cache leaves out) with
// <repository>:hubtel-cache-build-<arch>.
struct CacheRefs {
  std::string runtime;
  std::string build;
};

// The cache references of an architecture; none when the spec asks for no registry cache.
std::optional<CacheRefs> cache_refs(const spec::ImageSpec& spec, const std::string& arch);

}  // namespace hubtel::registry
