// The registry and Lambda side of an image spec, re-checked before any value reaches a command
// line or a YAML file, and the names derived from it (tags, ECR registries, push references).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hubtel::deploy {

struct DeploySpec {
  std::filesystem::path path;  // the spec file itself, for messages
  std::string name;
  std::string kind;  // native or python
  std::vector<std::string> architectures;
  std::filesystem::path dir;
  std::filesystem::path dockerfile;
  std::filesystem::path context;
  std::map<std::string, std::string> build_args;
  std::optional<std::string> repository;
  std::optional<std::string> tag;
  std::optional<std::string> function_name;
  std::optional<std::string> role;
  std::optional<std::int64_t> memory;
  std::optional<std::int64_t> timeout;
  std::map<std::string, std::string> environment;
};

// Reads and checks a spec; throws Error naming the file and the key of a bad value.
DeploySpec read_deploy_spec(const std::filesystem::path& path);

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
std::string push_tag(const DeploySpec& spec, const std::string& arch,
                     const std::optional<std::string>& revision);

// The short git revision of the context, when it is in a git work tree.
std::optional<std::string> git_revision(const std::filesystem::path& context);

// Checks that a reference is <repository>@sha256:<64 hex>; returns the digest (sha256:...).
std::string digest_of_reference(const std::string& reference);

// The Lambda function the spec deploys to; throws Error when it names none.
std::string function_of(const DeploySpec& spec);

// The files of one architecture in the image's folder.
std::filesystem::path image_id_file(const DeploySpec& spec, const std::string& arch);
std::filesystem::path push_ref_file(const DeploySpec& spec, const std::string& arch);
std::filesystem::path push_state_file(const DeploySpec& spec, const std::string& arch);
std::filesystem::path deploy_file(const DeploySpec& spec);

// A file's content without its trailing newline.
std::string read_line_file(const std::filesystem::path& path);

}  // namespace hubtel::deploy
