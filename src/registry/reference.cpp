// Registry names as the engines read them, and the digests they report.
#include "registry/reference.hpp"

#include "common/error.hpp"
#include "process/process.hpp"

#include <fmt/format.h>

#include <regex>

namespace fs = std::filesystem;

namespace hubtel::registry {

std::string registry_of(const std::string& repository) {
  const auto slash = repository.find('/');
  if (slash == std::string::npos) {
    return "docker.io";
  }
  const auto first = repository.substr(0, slash);
  // As the engines read a reference: a first part with '.' or ':' or "localhost" is a host.
  if (first.find_first_of(".:") != std::string::npos || first == "localhost") {
    return first;
  }
  return "docker.io";
}

std::string repository_path(const std::string& repository) {
  const auto registry = registry_of(repository);
  if (repository.compare(0, registry.size() + 1, registry + "/") == 0) {
    return repository.substr(registry.size() + 1);
  }
  return repository;
}

std::string repository_in(const std::string& reference) {
  auto repository = reference.substr(0, reference.find('@'));
  const auto slash = repository.rfind('/');
  if (const auto colon = repository.rfind(':');
      colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
    repository.resize(colon);
  }
  return repository;
}

std::string digest_in(const std::string& reference) {
  const auto at = reference.find('@');
  return at == std::string::npos ? std::string() : reference.substr(at + 1);
}

std::optional<EcrRegistry> ecr_registry(const std::string& repository) {
  static const std::regex pattern(
      "([0-9]{12})\\.dkr\\.ecr(-fips)?\\.([a-z0-9-]+)\\.amazonaws\\.com(\\.cn)?");
  const auto host = registry_of(repository);
  std::smatch match;
  if (!std::regex_match(host, match, pattern)) {
    return std::nullopt;
  }
  return EcrRegistry{host, match[1].str(), match[3].str()};
}

std::string push_tag(const spec::ImageSpec& spec, const std::string& arch,
                     const std::optional<std::string>& revision) {
  std::string tag = spec.tag ? *spec.tag : revision ? *revision : "latest";
  if (spec.architectures.size() > 1) {
    tag += "-" + arch;
  }
  return tag;
}

std::optional<std::string> git_revision(const fs::path& context) {
  try {
    const auto result =
        process::run({{"git", "-C", context.string(), "rev-parse", "--short=12", "HEAD"}, {}});
    static const std::regex hex("[0-9a-f]{4,64}");
    auto text = process::last_line(result.out);
    if (result.ok() && std::regex_match(text, hex)) {
      return text;
    }
  } catch (const Error&) {
    // No git on PATH: the tag falls back to "latest".
  }
  return std::nullopt;
}

std::string digest_of_reference(const std::string& reference) {
  static const std::regex pattern(
      "(([A-Za-z0-9.-]+(:[0-9]+)?/)?[a-z0-9]+([._-]+[a-z0-9]+)*(/[a-z0-9]+([._-]+[a-z0-9]+)*)*)@"
      "(sha256:[0-9a-f]{64})");
  std::smatch match;
  if (!std::regex_match(reference, match, pattern)) {
    throw Error(fmt::format("'{}' is not <repository>@sha256:<digest>", reference));
  }
  return match[match.size() - 1].str();
}

std::string pushed_digest(const std::string& push_output) {
  static const std::regex pattern("digest: (sha256:[0-9a-f]{64})");
  std::string digest;
  for (auto it = std::sregex_iterator(push_output.begin(), push_output.end(), pattern);
       it != std::sregex_iterator(); ++it) {
    digest = (*it)[1].str();  // the last one: the tag just pushed
  }
  return digest;
}

std::optional<CacheRefs> cache_refs(const spec::ImageSpec& spec, const std::string& arch) {
  if (!spec.registry_cache || !spec.repository) {
    return std::nullopt;
  }
  return CacheRefs{*spec.repository + ":hubtel-cache-" + arch,
                   *spec.repository + ":hubtel-cache-build-" + arch};
}

}  // namespace hubtel::registry
