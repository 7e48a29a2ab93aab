// The clean-up: what is in use is read from Lambda; the plan is worked out before anything is
// deleted, and a registry that refuses deletes is found out first.
#include "deploy/gc.hpp"

#include "common/error.hpp"
#include "deploy/aws.hpp"
#include "deploy/deploy.hpp"
#include "deploy/versions.hpp"
#include "registry/api.hpp"
#include "registry/gate.hpp"
#include "registry/reference.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <ostream>
#include <set>

namespace hubtel::deploy {
namespace {

using nlohmann::json;

const std::string kNoDigest = "sha256:" + std::string(64, '0');

std::string repository_of(const std::string& uri) {
  return uri.substr(0, uri.find('@'));
}

std::string digest_of(const std::string& uri) {
  const auto at = uri.find('@');
  return at == std::string::npos ? std::string() : uri.substr(at + 1);
}

std::string plural(std::size_t count, const char* word) {
  return fmt::format("{} {}{}", count, word, count == 1 ? "" : "s");
}

// The repository's images through the registry API: every tag's, and those the versions run
// (which a moved tag no longer names), newest first by the time in their config.
std::vector<GcImage> registry_images(registry::Api& api, const std::vector<std::string>& extra) {
  std::map<std::string, GcImage> by_digest;
  for (const auto& tag : api.tags()) {
    if (const auto digest = api.tag_digest(tag)) {
      auto& image = by_digest[*digest];
      image.digest = *digest;
      image.tags.push_back(tag);
    }
  }
  for (const auto& digest : extra) {
    if (by_digest.count(digest) == 0) {
      try {
        api.manifest(digest);
        by_digest[digest].digest = digest;
      } catch (const Error&) {
        // Not in this registry (any more): nothing to delete.
      }
    }
  }
  std::vector<std::pair<std::string, GcImage>> dated;
  for (auto& [digest, image] : by_digest) {
    const auto manifest = api.manifest(digest);
    auto config_of = manifest.document;
    for (const auto& entry : manifest.document.value("manifests", json::array())) {
      image.children.push_back(entry.value("digest", std::string()));
    }
    if (!image.children.empty()) {
      config_of = api.manifest(image.children.front()).document;
    }
    std::string when;
    const auto config_digest = config_of.value(json::json_pointer("/config/digest"), std::string());
    if (config_digest.rfind("sha256:", 0) == 0) {
      when = api.json_blob(config_digest).value("created", std::string());
    }
    dated.emplace_back(when, image);
  }
  std::stable_sort(dated.begin(), dated.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<GcImage> images;
  for (auto& [when, image] : dated) {
    images.push_back(std::move(image));
  }
  return images;
}

// The repository's images in ECR, newest push first, with an index's manifests.
std::vector<GcImage> ecr_images(Aws& aws, const std::string& step, const registry::EcrRegistry& ecr,
                                const std::string& path) {
  const auto answer = aws.call(step + ": listing the repository's images", "ecr", "describe-images",
                               json{{"registryId", ecr.account}, {"repositoryName", path}});
  std::vector<std::pair<json, GcImage>> dated;
  for (const auto& detail : answer.value("imageDetails", json::array())) {
    GcImage image;
    image.digest = detail.value("imageDigest", std::string());
    for (const auto& tag : detail.value("imageTags", json::array())) {
      image.tags.push_back(tag.get<std::string>());
    }
    const auto type = detail.value("imageManifestMediaType", std::string());
    if (type == registry::kOciIndex || type == registry::kDockerList) {
      const auto got = aws.call(step + ": reading an index", "ecr", "batch-get-image",
                                json{{"registryId", ecr.account},
                                     {"repositoryName", path},
                                     {"imageIds", {{{"imageDigest", image.digest}}}}});
      try {
        const auto index = json::parse(
            got.value(json::json_pointer("/images/0/imageManifest"), std::string("{}")));
        for (const auto& entry : index.value("manifests", json::array())) {
          image.children.push_back(entry.value("digest", std::string()));
        }
      } catch (const json::exception&) {
        throw Error(fmt::format("{}: ECR served an index {} that is not JSON", step, image.digest));
      }
    }
    dated.emplace_back(detail.value("imagePushedAt", json()), image);
  }
  // The CLI prints times as ISO text or as seconds; either orders as it reads.
  std::stable_sort(dated.begin(), dated.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<GcImage> images;
  for (auto& [when, image] : dated) {
    images.push_back(std::move(image));
  }
  return images;
}

}  // namespace

GcPlan plan_gc(const std::vector<GcVersion>& versions, const std::string& latest,
               const std::vector<GcImage>& images, std::int64_t keep) {
  GcPlan plan;
  std::map<std::string, std::string> in_use;  // digest -> who runs it
  if (!latest.empty()) {
    in_use.emplace(latest, "$LATEST runs it");
  }
  std::int64_t newest = 0;
  for (const auto& version : versions) {
    GcItem item{"version " + version.number, true, ""};
    if (!version.aliases.empty()) {
      item.why = fmt::format("alias {} points at it", fmt::join(version.aliases, ", "));
    } else if (newest < keep) {
      item.why = fmt::format("among the {} newest", keep);
    } else {
      item.keep = false;
      item.why = fmt::format("beyond the {} newest, and no alias points at it", keep);
    }
    if (item.keep) {
      in_use.emplace(version.digest, "version " + version.number + " runs it");
    }
    ++newest;
    plan.versions.push_back(std::move(item));
  }
  // An index in use keeps its manifests.
  for (const auto& image : images) {
    if (const auto user = in_use.find(image.digest); user != in_use.end()) {
      for (const auto& child : image.children) {
        in_use.emplace(child, "an index in use holds it");
      }
    }
  }
  std::int64_t pushed = 0;
  for (const auto& image : images) {
    GcItem item{"image " + image.digest, true, ""};
    const bool cache = std::any_of(image.tags.begin(), image.tags.end(), [](const auto& tag) {
      return tag.rfind("hubtel-cache-", 0) == 0;
    });
    if (const auto user = in_use.find(image.digest); user != in_use.end()) {
      item.why = user->second;
    } else if (cache) {
      item.why = "a registry build cache";
    } else if (pushed < keep) {
      item.why = fmt::format("among the {} newest pushes", keep);
    } else {
      item.keep = false;
      item.why = fmt::format("nothing runs it, and it is not among the {} newest pushes", keep);
    }
    if (!cache) {
      ++pushed;
    }
    if (!image.tags.empty()) {
      item.why += fmt::format(" (tags {})", fmt::join(image.tags, ", "));
    }
    plan.images.push_back(std::move(item));
  }
  return plan;
}

int run_gc(const GcRequest& request, std::ostream& out, std::ostream& err) {
  const auto spec = spec::read(request.spec);
  const auto function = function_of(spec, "gc");
  const std::string step = "gc " + function;
  if (!spec.repository) {
    throw Error(
        fmt::format("{}: the spec '{}' names no REPOSITORY to clean", step, spec.file.string()));
  }
  const auto& repository = *spec.repository;
  const auto keep = request.keep ? request.keep : spec.keep_images;
  if (!keep) {
    throw Error(
        fmt::format("{}: how many images to keep? pass --keep <n>, or add KEEP_IMAGES <n> "
                    "to hubtel_add_lambda_image({})",
                    step, spec.name));
  }

  Aws aws(function_aws_options(spec, request.aws, AwsOptions{}.max_attempts, err));
  const auto versions = list_versions(aws, step, spec, function);
  const auto code = aws.call(step + ": reading the function", "lambda", "get-function",
                             json{{"FunctionName", function}});
  const auto latest_uri = code.value(json::json_pointer("/Code/ImageUri"), std::string());

  // Only a repository the function runs images from is cleaned: another one's images are not
  // known to be unused.
  std::set<std::string> used_repositories{repository_of(latest_uri)};
  std::vector<GcVersion> gc_versions;
  std::vector<std::string> digests;
  for (const auto& version : versions) {
    used_repositories.insert(repository_of(version.image_uri));
    // A version of another repository's image keeps nothing here.
    const auto here = repository_of(version.image_uri) == repository;
    gc_versions.push_back({version.number, here ? version.digest : "", version.aliases});
    if (here) {
      digests.push_back(version.digest);
    }
  }
  if (used_repositories.count(repository) == 0) {
    throw Error(
        fmt::format("{}: {} runs no image from {} (it runs images from {}); nothing is "
                    "deleted",
                    step, function, repository, fmt::join(used_repositories, ", ")));
  }
  const auto latest = repository_of(latest_uri) == repository ? digest_of(latest_uri) : "";

  const auto ecr = registry::ecr_registry(repository);
  const auto path = registry::repository_path(repository);
  std::optional<registry::Api> api;
  std::vector<GcImage> images;
  if (ecr) {
    images = ecr_images(aws, step, *ecr, path);
  } else {
    api.emplace(repository, request.aws, step);
    images = registry_images(*api, digests);
  }
  const auto plan = plan_gc(gc_versions, latest, images, *keep);
  const auto verb = request.dry_run ? "would delete" : "delete";
  std::size_t version_deletes = 0;
  std::size_t image_deletes = 0;
  for (const auto& item : plan.versions) {
    out << fmt::format("{} {}: {}\n", item.keep ? "keep" : verb, item.what, item.why);
    version_deletes += item.keep ? 0 : 1;
  }
  for (const auto& item : plan.images) {
    out << fmt::format("{} {}: {}\n", item.keep ? "keep" : verb, item.what, item.why);
    image_deletes += item.keep ? 0 : 1;
  }
  const json lifecycle{
      {"rules",
       {{{"rulePriority", 1},
         {"description", fmt::format("HubtelAI: expire untagged images past {}", *keep)},
         {"selection",
          {{"tagStatus", "untagged"}, {"countType", "imageCountMoreThan"}, {"countNumber", *keep}}},
         {"action", {{"type", "expire"}}}}}}};
  if (ecr) {
    out << fmt::format("{} the lifecycle policy of {}: expire untagged images past {}\n",
                       request.dry_run ? "would set" : "set", path, *keep);
  }
  if (request.dry_run) {
    err << fmt::format("hubtel-ai: {}: dry run; would delete {} and {}\n", step,
                       plural(version_deletes, "version"), plural(image_deletes, "image"));
    return 0;
  }

  // Whether the registry lets us delete, asked with a digest it cannot hold: a refusal changes
  // nothing.
  if (ecr) {
    try {
      aws.call(step + ": checking that ECR allows deletes", "ecr", "batch-delete-image",
               json{{"registryId", ecr->account},
                    {"repositoryName", path},
                    {"imageIds", {{{"imageDigest", kNoDigest}}}}});
    } catch (const AwsFailure& e) {
      throw Error(
          fmt::format("{}; nothing is deleted (the role needs ecr:BatchDeleteImage)", e.what()));
    }
    aws.call(step + ": setting the lifecycle policy", "ecr", "put-lifecycle-policy",
             json{{"registryId", ecr->account},
                  {"repositoryName", path},
                  {"lifecyclePolicyText", lifecycle.dump()}});
  } else if (image_deletes != 0) {
    try {
      api->delete_manifest(kNoDigest);
    } catch (const Error& e) {
      throw Error(fmt::format("{}; nothing is deleted", e.what()));
    }
  }
  for (const auto& item : plan.versions) {
    if (!item.keep) {
      aws.call(fmt::format("{}: deleting {}", step, item.what), "lambda", "delete-function",
               json{{"FunctionName", function}, {"Qualifier", item.what.substr(8)}});
    }
  }
  for (const auto& item : plan.images) {
    if (item.keep) {
      continue;
    }
    const auto digest = item.what.substr(6);
    if (ecr) {
      const auto answer =
          aws.call(fmt::format("{}: deleting {}", step, item.what), "ecr", "batch-delete-image",
                   json{{"registryId", ecr->account},
                        {"repositoryName", path},
                        {"imageIds", {{{"imageDigest", digest}}}}});
      const auto failures = answer.value("failures", json::array());
      if (!failures.empty() && failures[0].value("failureCode", "") != "ImageNotFound") {
        throw Error(fmt::format("{}: ECR did not delete {}: {}", step, digest,
                                failures[0].value("failureReason", std::string())));
      }
    } else {
      api->delete_manifest(digest);
    }
  }
  err << fmt::format("hubtel-ai: {}: deleted {} and {}; kept {} and {}\n", step,
                     plural(version_deletes, "version"), plural(image_deletes, "image"),
                     plural(plan.versions.size() - version_deletes, "version"),
                     plural(plan.images.size() - image_deletes, "image"));
  return 0;
}

}  // namespace hubtel::deploy
