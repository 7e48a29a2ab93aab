// Reads the deploy-side members of an image spec and checks each against what AWS and registries
// accept, so no value can smuggle a flag, a newline or YAML into what is built from it.
#include "deploy/spec.hpp"

#include "common/error.hpp"
#include "common/files.hpp"
#include "deploy/pipeline.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <regex>

namespace fs = std::filesystem;

namespace hubtel::deploy {
namespace {

using nlohmann::json;

[[noreturn]] void bad(const DeploySpec& spec, const std::string& key, const std::string& what) {
  throw Error(fmt::format("the image spec '{}' has a bad '{}': {}; configure the project again",
                          spec.path.string(), key, what));
}

bool has_control(const std::string& text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

std::string text_member(const DeploySpec& spec, const json& object, const std::string& key) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_string()) {
    bad(spec, key, "expected a string");
  }
  auto value = it->get<std::string>();
  if (value.empty() || has_control(value)) {
    bad(spec, key, "empty or holds a control character");
  }
  return value;
}

std::optional<std::string> optional_text(const DeploySpec& spec, const json& object,
                                         const std::string& key, const std::regex& pattern,
                                         const std::string& expected) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) {
    return std::nullopt;
  }
  if (!it->is_string()) {
    bad(spec, key, "expected a string or null");
  }
  auto value = it->get<std::string>();
  if (!std::regex_match(value, pattern)) {
    bad(spec, key, fmt::format("\"{}\" is not {}", json(value).get<std::string>(), expected));
  }
  return value;
}

std::optional<std::int64_t> optional_integer(const DeploySpec& spec, const json& object,
                                             const std::string& key, std::int64_t low,
                                             std::int64_t high) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) {
    return std::nullopt;
  }
  if (!it->is_number_integer()) {
    bad(spec, key, "expected an integer or null");
  }
  const auto value = it->get<std::int64_t>();
  if (value < low || value > high) {
    bad(spec, key, fmt::format("{} is outside {}..{}", value, low, high));
  }
  return value;
}

std::map<std::string, std::string> string_map(const DeploySpec& spec, const json& object,
                                              const std::string& key,
                                              const std::regex& key_pattern) {
  std::map<std::string, std::string> result;
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) {
    return result;
  }
  if (!it->is_object()) {
    bad(spec, key, "expected an object");
  }
  for (const auto& [name, value] : it->items()) {
    if (!std::regex_match(name, key_pattern)) {
      bad(spec, key, fmt::format("the key \"{}\" is not a valid name", name));
    }
    if (!value.is_string() || has_control(value.get<std::string>())) {
      bad(spec, key,
          fmt::format("the value of \"{}\" is not a string free of control characters", name));
    }
    result.emplace(name, value.get<std::string>());
  }
  return result;
}

fs::path absolute_path(const DeploySpec& spec, const json& object, const std::string& key) {
  fs::path value = text_member(spec, object, key);
  if (!value.is_absolute()) {
    bad(spec, key, "expected an absolute path");
  }
  return value;
}

const std::regex& repository_pattern() {
  static const std::regex pattern(
      "([A-Za-z0-9.-]+(:[0-9]+)?/)?[a-z0-9]+([._-]+[a-z0-9]+)*(/[a-z0-9]+([._-]+[a-z0-9]+)*)*");
  return pattern;
}

}  // namespace

DeploySpec read_deploy_spec(const fs::path& path) {
  DeploySpec spec;
  spec.path = path;
  json object;
  try {
    object = json::parse(read_file(path));
  } catch (const json::exception& e) {
    throw Error(
        fmt::format("the image spec '{}' is not valid JSON ({}); configure the project again",
                    path.string(), e.what()));
  }
  if (!object.is_object() || object.value("spec_version", 0) != 1) {
    throw Error(
        fmt::format("the image spec '{}' is not a version 1 spec; configure the project "
                    "again with this HubtelAI",
                    path.string()));
  }
  spec.name = text_member(spec, object, "name");
  static const std::regex name_pattern("[A-Za-z0-9][A-Za-z0-9_.+-]*");
  if (!std::regex_match(spec.name, name_pattern)) {
    bad(spec, "name", "expected letters, digits, '_', '.', '+' and '-'");
  }
  spec.kind = text_member(spec, object, "kind");
  const auto archs = object.find("architectures");
  if (archs == object.end() || !archs->is_array() || archs->empty()) {
    bad(spec, "architectures", "expected a non-empty list");
  }
  for (const auto& arch : *archs) {
    if (!arch.is_string() || (arch != "x86_64" && arch != "arm64")) {
      bad(spec, "architectures", "expected x86_64 or arm64");
    }
    if (std::find(spec.architectures.begin(), spec.architectures.end(), arch) !=
        spec.architectures.end()) {
      bad(spec, "architectures", "an architecture is listed twice");
    }
    spec.architectures.push_back(arch.get<std::string>());
  }
  spec.dir = absolute_path(spec, object, "dir");
  spec.dockerfile = absolute_path(spec, object, "dockerfile");
  spec.context = absolute_path(spec, object, "context");
  static const std::regex any_key("[A-Za-z_][A-Za-z0-9_.-]*");
  spec.build_args = string_map(spec, object, "build_args", any_key);
  spec.repository = optional_text(spec, object, "repository", repository_pattern(),
                                  "registry/repository (e.g. 123456789012.dkr.ecr.us-east-1."
                                  "amazonaws.com/hello)");
  static const std::regex tag_pattern("[A-Za-z0-9_][A-Za-z0-9_.-]{0,119}");
  spec.tag = optional_text(spec, object, "tag", tag_pattern, "a tag of letters, digits, _.-");
  static const std::regex function_pattern("[A-Za-z0-9_-]{1,64}");
  spec.function_name = optional_text(spec, object, "function_name", function_pattern,
                                     "a function name of letters, digits, '-' and '_'");
  static const std::regex role_pattern("arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+");
  spec.role = optional_text(spec, object, "role", role_pattern, "an IAM role ARN");
  spec.memory = optional_integer(spec, object, "memory", 128, 10240);
  spec.timeout = optional_integer(spec, object, "timeout", 1, 900);
  static const std::regex env_key("[A-Za-z][A-Za-z0-9_]*");
  spec.environment = string_map(spec, object, "environment", env_key);
  return spec;
}

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

std::string push_tag(const DeploySpec& spec, const std::string& arch,
                     const std::optional<std::string>& revision) {
  std::string tag = spec.tag ? *spec.tag : revision ? *revision : "latest";
  if (spec.architectures.size() > 1) {
    tag += "-" + arch;
  }
  return tag;
}

std::optional<std::string> git_revision(const fs::path& context) {
  try {
    const auto result = run_pipeline(
        {Step{{"git", "-C", context.string(), "rev-parse", "--short=12", "HEAD"}, {}}});
    static const std::regex hex("[0-9a-f]{4,64}");
    auto text = last_line(result.out);
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

std::string function_of(const DeploySpec& spec) {
  if (!spec.function_name) {
    throw Error(
        fmt::format("deploy {}: the spec '{}' names no function; add FUNCTION_NAME <name> to "
                    "hubtel_add_lambda_image({})",
                    spec.name, spec.path.string(), spec.name));
  }
  return *spec.function_name;
}

fs::path image_id_file(const DeploySpec& spec, const std::string& arch) {
  return spec.dir / ("image-" + arch + ".id");
}
fs::path push_ref_file(const DeploySpec& spec, const std::string& arch) {
  return spec.dir / ("push-" + arch + ".ref");
}
fs::path push_state_file(const DeploySpec& spec, const std::string& arch) {
  return spec.dir / ("push-" + arch + ".json");
}
fs::path deploy_file(const DeploySpec& spec) {
  return spec.dir / "deploy.json";
}

std::string read_line_file(const fs::path& path) {
  auto text = read_file(path);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
    text.pop_back();
  }
  return text;
}

}  // namespace hubtel::deploy
