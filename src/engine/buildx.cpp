// buildx builds: command lines and the metadata they leave.
#include "engine/buildx.hpp"

#include "common/error.hpp"
#include "engine/build.hpp"
#include "registry/reference.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <regex>

namespace hubtel::engine {

void check_builder_name(const std::string& name) {
  static const std::regex pattern("^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$");
  if (!std::regex_match(name, pattern)) {
    throw Error(fmt::format(
        "buildx builder '{}' is no builder name (letters, digits and _ . -, starting with a "
        "letter or digit): set HUBTEL_BUILDX_BUILDER or BUILDX_BUILDER to a name `docker buildx "
        "ls` shows",
        name));
  }
}

BuildxPlan buildx_plan(const std::string& builder, const spec::ImageSpec& spec,
                       const std::string& push_target, bool needs_local,
                       const std::filesystem::path& metadata_file) {
  check_builder_name(builder);
  BuildxPlan plan{builder, {}, metadata_file};
  if (spec.repository && !needs_local) {
    plan.push_target = push_target;
  }
  return plan;
}

std::vector<std::string> buildx_command(const std::string& program, const spec::ImageSpec& spec,
                                        const std::string& arch, const std::string& stage,
                                        const BuildxPlan& plan,
                                        const std::vector<std::string>& extra) {
  check_builder_name(plan.builder);
  std::vector<std::string> argv{program,
                                "buildx",
                                "build",
                                "--builder",
                                plan.builder,
                                "--provenance=false",
                                "--sbom=false",
                                "--platform",
                                platform_of(arch),
                                "--file",
                                spec::dockerfile(spec).string(),
                                "--target",
                                stage};
  const auto network = network_args("buildx", spec);
  argv.insert(argv.end(), network.begin(), network.end());
  for (const auto& [key, value] : spec.build_args) {
    argv.insert(argv.end(), {"--build-arg", key + "=" + value});
  }
  if (const auto cache = registry::cache_refs(spec, arch)) {
    argv.insert(argv.end(), {"--cache-from", "type=registry,ref=" + cache->build});
    if (!plan.push_target.empty()) {
      argv.insert(argv.end(), {"--cache-to", "type=registry,ref=" + cache->build + ",mode=max"});
    }
  }
  for (const auto& secret : spec.secrets) {
    argv.insert(argv.end(), {"--secret", "id=" + secret.id + ",src=" + secret.path.string()});
  }
  if (plan.push_target.empty()) {
    argv.emplace_back("--load");
  } else {
    argv.insert(argv.end(), {"--tag", plan.push_target, "--push"});
  }
  argv.insert(argv.end(), {"--metadata-file", plan.metadata_file.string()});
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.push_back(spec.context.string());
  return argv;
}

BuildxResult read_buildx_metadata(const std::string& text, const std::string& where) {
  static const std::regex digest("sha256:[0-9a-f]{64}");
  BuildxResult result;
  try {
    const auto json = nlohmann::json::parse(text);
    result.image_id = json.value("containerimage.config.digest", "");
    result.digest = json.value("containerimage.digest", "");
  } catch (const nlohmann::json::exception& e) {
    throw Error(fmt::format("buildx's metadata file {} is not JSON: {}", where, e.what()));
  }
  if (!std::regex_match(result.image_id, digest)) {
    throw Error(fmt::format(
        "buildx's metadata file {} has no containerimage.config.digest (sha256:<64 hex>): is the "
        "builder's buildx recent enough to write --metadata-file?",
        where));
  }
  if (!result.digest.empty() && !std::regex_match(result.digest, digest)) {
    throw Error(
        fmt::format("buildx's metadata file {} has a containerimage.digest that is no "
                    "digest: '{}'",
                    where, result.digest));
  }
  return result;
}

}  // namespace hubtel::engine
