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
#include <functional>
#include <map>
#include <ostream>
#include <set>

namespace hubtel::deploy {
namespace {

using nlohmann::json;

const std::string kNoDigest = "sha256:" + std::string(64, '0');

// The images of `dated`, newest first by their time (ties keep their order).
template <typename When>
std::vector<GcImage> newest_first(std::vector<std::pair<When, GcImage>> dated) {
  std::stable_sort(dated.begin(), dated.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<GcImage> images;
  for (auto& [when, image] : dated) {
    images.push_back(std::move(image));
  }
  return images;
}

std::string plural(std::size_t count, const std::string& word) {
  const auto* ending = word.back() == 'h' ? "es" : "s";
  return fmt::format("{} {}{}", count, word, count == 1 ? "" : ending);
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
  return newest_first(std::move(dated));
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
      const auto got =
          aws.call(step + ": reading an index", "ecr", "batch-get-image",
                   json{{"registryId", ecr.account},
                        {"repositoryName", path},
                        {"imageIds", {{{"imageDigest", image.digest}}}},
                        {"acceptedMediaTypes", {registry::kOciIndex, registry::kDockerList}}});
      const auto text = got.value(json::json_pointer("/images/0/imageManifest"), std::string());
      if (text.empty()) {
        throw Error(fmt::format("{}: ECR did not give the index {}; nothing is deleted", step,
                                image.digest));
      }
      try {
        const auto index = json::parse(text);
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
  return newest_first(std::move(dated));
}

}  // namespace

GcPlan plan_gc(const std::vector<GcVersion>& versions, const std::vector<std::string>& latest,
               const std::vector<GcImage>& images, std::int64_t keep, std::int64_t architectures) {
  GcPlan plan;
  std::map<std::string, std::string> in_use;  // digest -> who runs it
  for (const auto& digest : latest) {
    in_use.emplace(digest, "$LATEST runs it");
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
      for (const auto& digest : version.digests) {
        in_use.emplace(digest, "version " + version.number + " runs it");
      }
    }
    ++newest;
    plan.versions.push_back(std::move(item));
  }
  // A push of several architectures is one image a architecture.
  const auto newest_images = keep * std::max<std::int64_t>(architectures, 1);
  const auto newest_why =
      architectures > 1
          ? fmt::format("among the {} newest images ({} of {} architectures)", newest_images,
                        plural(static_cast<std::size_t>(keep), "push"), architectures)
          : fmt::format("among the {} newest pushes", keep);
  std::set<std::string> children;
  for (const auto& image : images) {
    children.insert(image.children.begin(), image.children.end());
  }
  // Images first, then the manifests of indexes, which go or stay with what holds them.
  std::set<std::string> kept;
  std::set<std::string> run;  // the manifests of indexes in use
  std::int64_t pushed = 0;
  std::map<std::string, GcItem> decided;
  for (const auto& image : images) {
    if (children.count(image.digest) != 0) {
      continue;
    }
    GcItem item{"image " + image.digest, true, ""};
    const bool cache = std::any_of(image.tags.begin(), image.tags.end(), [](const auto& tag) {
      return tag.rfind("hubtel-cache-", 0) == 0;
    });
    if (const auto user = in_use.find(image.digest); user != in_use.end()) {
      item.why = user->second;
      item.in_use = true;
      run.insert(image.children.begin(), image.children.end());
    } else if (cache) {
      item.why = "a registry build cache";
    } else if (pushed < newest_images) {
      item.why = newest_why;
    } else {
      item.keep = false;
      item.why = fmt::format("nothing runs it, and it is not {}", newest_why);
    }
    if (!cache) {
      ++pushed;
    }
    if (item.keep) {
      kept.insert(image.children.begin(), image.children.end());
    }
    decided.emplace(image.digest, std::move(item));
  }
  for (const auto& image : images) {
    if (children.count(image.digest) == 0) {
      continue;
    }
    GcItem item{"image " + image.digest, true, ""};
    if (const auto user = in_use.find(image.digest); user != in_use.end()) {
      item.why = user->second;
      item.in_use = true;
    } else if (kept.count(image.digest) != 0) {
      item.why = "an index that is kept holds it";
      item.in_use = run.count(image.digest) != 0;
    } else {
      item.keep = false;
      item.why = "nothing runs it, and every index that holds it is deleted";
    }
    decided.emplace(image.digest, std::move(item));
  }
  for (const auto& image : images) {
    auto found = decided.find(image.digest);
    if (found == decided.end()) {
      continue;
    }
    auto item = std::move(found->second);
    decided.erase(found);
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
  // What runs is what Lambda resolved, by digest; a version's description is read too, and both
  // are kept.
  const auto resolved = [&](const std::optional<std::string>& qualifier) {
    json input{{"FunctionName", function}};
    if (qualifier) {
      input["Qualifier"] = *qualifier;
    }
    const auto code = aws.call(
        fmt::format("{}: reading {}", step, qualifier ? "version " + *qualifier : "$LATEST"),
        "lambda", "get-function", input);
    // An image given by digest runs that digest; one given by tag runs what Lambda resolved.
    auto uri = code.value(json::json_pointer("/Code/ImageUri"), std::string());
    if (uri.find('@') == std::string::npos) {
      uri = code.value(json::json_pointer("/Code/ResolvedImageUri"), std::string());
    }
    return uri;
  };
  const auto latest_uri = resolved(std::nullopt);

  // Only a repository the function runs images from is cleaned: another one's images are not
  // known to be unused.
  std::set<std::string> used_repositories;
  std::vector<std::string> latest;
  std::vector<GcVersion> gc_versions;
  std::vector<std::string> digests;
  const auto add = [&](const std::string& uri, std::vector<std::string>& into) {
    if (uri.empty()) {
      return;
    }
    used_repositories.insert(registry::repository_in(uri));
    if (registry::repository_in(uri) == repository && !registry::digest_in(uri).empty()) {
      into.push_back(registry::digest_in(uri));
      digests.push_back(registry::digest_in(uri));
    }
  };
  add(latest_uri, latest);
  for (const auto& version : versions) {
    GcVersion gc_version{version.number, {}, version.aliases};
    const auto uri = resolved(version.number);
    add(version.image_uri, gc_version.digests);
    add(uri, gc_version.digests);
    // A digest the description names is kept whatever repository it seems to be in: keeping one
    // too many is safe.
    if (!version.digest.empty()) {
      gc_version.digests.push_back(version.digest);
      digests.push_back(version.digest);
    }
    if (registry::digest_in(uri).empty() && version.digest.empty()) {
      throw Error(
          fmt::format("{}: cannot tell which image version {} runs (Lambda gives '{}'); "
                      "nothing is deleted",
                      step, version.number, uri));
    }
    gc_versions.push_back(std::move(gc_version));
  }
  if (registry::digest_in(latest_uri).empty()) {
    throw Error(
        fmt::format("{}: cannot tell which image $LATEST runs (Lambda gives '{}'); "
                    "nothing is deleted",
                    step, latest_uri));
  }
  if (used_repositories.count(repository) == 0) {
    throw Error(
        fmt::format("{}: {} runs no image from {} (it runs images from {}); nothing is "
                    "deleted",
                    step, function, repository, fmt::join(used_repositories, ", ")));
  }

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
  const auto plan = plan_gc(gc_versions, latest, images, *keep,
                            static_cast<std::int64_t>(spec.architectures.size()));
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
  // ECR: a lifecycle policy for untagged images past the count, unless the repository has one of
  // its own; untagged images in use get a tag, which the policy leaves alone.
  const json lifecycle{
      {"rules",
       {{{"rulePriority", 1},
         {"description", fmt::format("HubtelAI: expire untagged images past {}", *keep)},
         {"selection",
          {{"tagStatus", "untagged"}, {"countType", "imageCountMoreThan"}, {"countNumber", *keep}}},
         {"action", {{"type", "expire"}}}}}}};
  bool set_policy = false;
  std::vector<std::string> to_tag;
  if (ecr) {
    const auto current =
        aws.call_unless(step + ": reading the lifecycle policy", "ecr", "get-lifecycle-policy",
                        json{{"registryId", ecr->account}, {"repositoryName", path}},
                        "LifecyclePolicyNotFoundException");
    const auto text = current ? current->value("lifecyclePolicyText", std::string()) : "";
    set_policy = text.empty() || text.find("HubtelAI: ") != std::string::npos;
    out << (set_policy ? fmt::format("{} the lifecycle policy of {}: expire untagged images past "
                                     "{}\n",
                                     request.dry_run ? "would set" : "set", path, *keep)
                       : fmt::format("keep the lifecycle policy of {}: the repository has one of "
                                     "its own\n",
                                     path));
    std::set<std::string> untagged;
    for (const auto& image : images) {
      if (image.tags.empty()) {
        untagged.insert(image.digest);
      }
    }
    for (const auto& item : plan.images) {
      const auto digest = item.what.substr(6);
      if (set_policy && item.in_use && untagged.count(digest) != 0) {
        to_tag.push_back(digest);
        out << fmt::format(
            "{} image {}: hubtel-in-use-{}, so the lifecycle policy cannot expire "
            "it\n",
            request.dry_run ? "would tag" : "tag", digest, digest.substr(7, 12));
      }
    }
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
  } else if (image_deletes != 0) {
    try {
      api->delete_manifest(kNoDigest);
    } catch (const Error& e) {
      throw Error(fmt::format("{}; nothing is deleted", e.what()));
    }
  }

  // From here each step stands alone: one that fails is told at the end, and the others go on.
  std::vector<std::string> failures;
  const auto attempt = [&failures, &err](const std::function<void()>& action) {
    try {
      action();
      return true;
    } catch (const std::exception& e) {
      failures.emplace_back(e.what());
      err << "hubtel-ai: error: " << e.what() << "\n";
      return false;
    }
  };
  bool tagged = true;
  if (ecr) {
    for (const auto& digest : to_tag) {
      tagged &= attempt([&] {
        const json ids{{"registryId", ecr->account},
                       {"repositoryName", path},
                       {"imageIds", {{{"imageDigest", digest}}}},
                       {"acceptedMediaTypes",
                        {registry::kDockerManifest, registry::kOciManifest, registry::kDockerList,
                         registry::kOciIndex}}};
        const auto got = aws.call(fmt::format("{}: reading image {}", step, digest), "ecr",
                                  "batch-get-image", ids);
        const auto& image = got.value(json::json_pointer("/images/0"), json::object());
        if (!image.contains("imageManifest")) {
          throw Error(fmt::format("{}: ECR did not give image {} to tag", step, digest));
        }
        json input{{"registryId", ecr->account},
                   {"repositoryName", path},
                   {"imageManifest", image["imageManifest"]},
                   {"imageTag", "hubtel-in-use-" + digest.substr(7, 12)},
                   {"imageDigest", digest}};
        if (image.contains("imageManifestMediaType")) {
          input["imageManifestMediaType"] = image["imageManifestMediaType"];
        }
        aws.call(fmt::format("{}: tagging image {}", step, digest), "ecr", "put-image", input);
      });
    }
    // Without the tags, the policy could expire an image in use.
    if (set_policy && tagged) {
      attempt([&] {
        aws.call(step + ": setting the lifecycle policy", "ecr", "put-lifecycle-policy",
                 json{{"registryId", ecr->account},
                      {"repositoryName", path},
                      {"lifecyclePolicyText", lifecycle.dump()}});
      });
    }
  }
  // A version that could not be deleted keeps the images it runs.
  std::set<std::string> still_run;
  for (std::size_t i = 0; i < plan.versions.size(); ++i) {
    const auto& item = plan.versions[i];
    if (!item.keep && !attempt([&] {
          aws.call(fmt::format("{}: deleting {}", step, item.what), "lambda", "delete-function",
                   json{{"FunctionName", function}, {"Qualifier", item.what.substr(8)}});
        })) {
      still_run.insert(gc_versions[i].digests.begin(), gc_versions[i].digests.end());
    }
  }
  // Indexes before the manifests they hold: a registry refuses to delete a manifest an index
  // still names.
  std::set<std::string> children;
  for (const auto& image : images) {
    children.insert(image.children.begin(), image.children.end());
  }
  std::vector<const GcItem*> deletes;
  for (const bool child_pass : {false, true}) {
    for (const auto& item : plan.images) {
      if (!item.keep && (children.count(item.what.substr(6)) != 0) == child_pass) {
        deletes.push_back(&item);
      }
    }
  }
  for (const auto* deleted : deletes) {
    const auto& item = *deleted;
    const auto digest = item.what.substr(6);
    if (still_run.count(digest) != 0) {
      failures.push_back(
          fmt::format("{}: kept {}, as a version that runs it was not deleted", step, item.what));
      err << "hubtel-ai: error: " << failures.back() << "\n";
      continue;
    }
    attempt([&] {
      if (!ecr) {
        api->delete_manifest(digest);
        return;
      }
      const auto answer =
          aws.call(fmt::format("{}: deleting {}", step, item.what), "ecr", "batch-delete-image",
                   json{{"registryId", ecr->account},
                        {"repositoryName", path},
                        {"imageIds", {{{"imageDigest", digest}}}}});
      const auto refused = answer.value("failures", json::array());
      if (!refused.empty() && refused[0].value("failureCode", "") != "ImageNotFound") {
        throw Error(fmt::format("{}: ECR did not delete {}: {}", step, digest,
                                refused[0].value("failureReason", std::string())));
      }
    });
  }
  if (!failures.empty()) {
    throw Error(
        fmt::format("{}: {} of the clean-up's steps failed (each is told above), the "
                    "others are done; run gc again",
                    step, failures.size()));
  }
  err << fmt::format("hubtel-ai: {}: deleted {} and {}; kept {} and {}\n", step,
                     plural(version_deletes, "version"), plural(image_deletes, "image"),
                     plural(plan.versions.size() - version_deletes, "version"),
                     plural(plan.images.size() - image_deletes, "image"));
  return 0;
}

}  // namespace hubtel::deploy
