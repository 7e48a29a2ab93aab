// Versions and rollback: what Lambda holds is read from Lambda (never from the build tree alone),
// and going back changes an alias or the function's code to an image already in the registry.
#include "deploy/versions.hpp"

#include "common/error.hpp"
#include "deploy/aws.hpp"
#include "deploy/deploy.hpp"
#include "registry/reference.hpp"
#include "spec/image_spec.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <ostream>
#include <regex>

namespace hubtel::deploy {
namespace {

using nlohmann::json;

}  // namespace

std::vector<Version> list_versions(Aws& aws, const std::string& step, const spec::ImageSpec& spec,
                                   const std::string& function) {
  const json names{{"FunctionName", function}};
  const auto found =
      aws.call_unless(step + ": listing the function's versions", "lambda",
                      "list-versions-by-function", names, "ResourceNotFoundException");
  const auto found_aliases =
      found ? aws.call_unless(step + ": listing the function's aliases", "lambda", "list-aliases",
                              names, "ResourceNotFoundException")
            : std::nullopt;
  if (!found_aliases) {
    throw Error(fmt::format("{}: the function does not exist; deploy it first ({}-deploy)", step,
                            spec.name));
  }
  const auto& listed = *found;
  const auto& aliases = *found_aliases;
  std::vector<Version> versions;
  for (const auto& item : listed.value("Versions", json::array())) {
    Version version;
    version.number = item.value("Version", std::string());
    // $LATEST is no version; a number past 19 digits is none Lambda makes.
    static const std::regex number("[0-9]{1,19}");
    if (!std::regex_match(version.number, number)) {
      continue;
    }
    version.last_modified = item.value("LastModified", std::string());
    // A deploy describes a version as "[<repository>@]<digest>[ rev <revision>]"; the code of
    // others, and the repository when the description lacks it, are asked for.
    static const std::regex described("(([^ @]+)@)?(sha256:[0-9a-f]{64})( rev ([0-9A-Za-z._-]+))?");
    std::smatch match;
    const auto description = item.value("Description", std::string());
    if (std::regex_match(description, match, described)) {
      version.digest = match[3];
      if (match[2].matched) {
        version.image_uri = match[2].str() + "@" + version.digest;
      }
      if (match[5].matched) {
        version.revision = match[5];
      }
    }
    if (version.image_uri.empty()) {
      const auto code =
          aws.call(fmt::format("{}: reading version {}", step, version.number), "lambda",
                   "get-function", json{{"FunctionName", function}, {"Qualifier", version.number}});
      const auto uri = code.value(json::json_pointer("/Code/ImageUri"), std::string());
      if (version.digest.empty()) {
        version.digest = registry::digest_in(uri);
      }
      version.image_uri = uri.substr(0, uri.find('@')) + "@" + version.digest;
    }
    // An alias points at its version, and at the versions it routes a share of calls to.
    for (const auto& alias : aliases.value("Aliases", json::array())) {
      const auto& weights = alias.value(
          json::json_pointer("/RoutingConfig/AdditionalVersionWeights"), json::object());
      if (alias.value("FunctionVersion", std::string()) == version.number ||
          (weights.is_object() && weights.contains(version.number))) {
        version.aliases.push_back(alias.value("Name", std::string()));
      }
    }
    versions.push_back(std::move(version));
  }
  std::sort(versions.begin(), versions.end(), [](const Version& a, const Version& b) {
    return std::stoull(a.number) > std::stoull(b.number);
  });
  return versions;
}

namespace {

// The function's published versions, newest first; throws Error when it has none (saying why,
// when PUBLISH is off).
std::vector<Version> read_versions(Aws& aws, const std::string& step, const spec::ImageSpec& spec,
                                   const std::string& function) {
  auto versions = list_versions(aws, step, spec, function);
  if (versions.empty()) {
    throw Error(spec.publish ? fmt::format("{}: no version is published yet; deploy it first "
                                           "({}-deploy), which publishes one",
                                           step, spec.name)
                             : fmt::format("{}: no version is published, as PUBLISH is OFF for "
                                           "hubtel_add_lambda_image({}); set PUBLISH ON and deploy",
                                           step, spec.name));
  }
  return versions;
}

std::string listed(const std::vector<Version>& versions) {
  std::string numbers;
  for (const auto& version : versions) {
    numbers += (numbers.empty() ? "" : ", ") + version.number;
  }
  return numbers.empty() ? "none" : numbers;
}

}  // namespace

int run_versions(const VersionsRequest& request, std::ostream& out, std::ostream& err) {
  const auto spec = spec::read(request.spec);
  const auto function = function_of(spec, "versions");
  Aws aws(function_aws_options(spec, request.aws, AwsOptions{}.max_attempts, err));
  const auto versions = read_versions(aws, "versions " + function, spec, function);
  if (request.format == "json") {
    auto list = json::array();
    for (const auto& version : versions) {
      list.push_back({{"version", version.number},
                      {"last_modified", version.last_modified},
                      {"digest", version.digest},
                      {"image_uri", version.image_uri},
                      {"revision", version.revision ? json(*version.revision) : json(nullptr)},
                      {"aliases", version.aliases}});
    }
    out << json{{"function_name", function}, {"versions", list}}.dump(2) << "\n";
    return 0;
  }
  out << fmt::format("{:<8} {:<30} {:<71} {:<12} {}\n", "version", "last modified", "digest",
                     "revision", "aliases");
  for (const auto& version : versions) {
    out << fmt::format("{:<8} {:<30} {:<71} {:<12} {}\n", version.number, version.last_modified,
                       version.digest, version.revision.value_or("-"),
                       fmt::join(version.aliases, ","));
  }
  return 0;
}

int run_rollback(const RollbackRequest& request, std::ostream& out, std::ostream& err) {
  const auto spec = spec::read(request.spec);
  const auto function = function_of(spec, "rollback");
  const std::string step = "rollback " + function;
  Aws aws(function_aws_options(spec, request.aws, AwsOptions{}.max_attempts, err));
  const auto versions = read_versions(aws, step, spec, function);
  const auto by_number = [&](const std::string& number) {
    return std::find_if(versions.begin(), versions.end(),
                        [&](const Version& v) { return v.number == number; });
  };

  // Where the function stands: the alias's version, else the newest version of the running code
  // (a change of configuration alone publishes a version of the same image).
  std::string current;
  std::string running;
  if (spec.alias) {
    const auto alias = aws.call_unless(
        fmt::format("{}: reading the alias {}", step, *spec.alias), "lambda", "get-alias",
        json{{"FunctionName", function}, {"Name", *spec.alias}}, "ResourceNotFoundException");
    if (!alias) {
      throw Error(fmt::format("{}: the alias {} does not exist yet; deploy {} first", step,
                              *spec.alias, spec.name));
    }
    current = alias->value("FunctionVersion", std::string());
  } else {
    const auto code = aws.call(step + ": reading the function", "lambda", "get-function",
                               json{{"FunctionName", function}});
    running = registry::digest_in(code.value(json::json_pointer("/Code/ImageUri"), ""));
    const auto newest = std::find_if(versions.begin(), versions.end(),
                                     [&](const Version& v) { return v.digest == running; });
    if (newest != versions.end()) {
      current = newest->number;
    }
  }

  auto target = versions.end();
  if (!request.to) {
    // Without an alias only the image goes back: the newest older version of another image.
    target = std::find_if(versions.begin(), versions.end(), [&](const Version& v) {
      return (current.empty() || std::stoull(v.number) < std::stoull(current)) &&
             (spec.alias || v.digest != running);
    });
    if (target == versions.end()) {
      throw Error(fmt::format(
          "{}: no published version {}is older than {} (versions: {}); nothing to roll back to",
          step, spec.alias ? "" : "of another image ",
          current.empty() ? "the running code" : "version " + current, listed(versions)));
    }
  } else if (request.to->rfind("sha256:", 0) == 0) {
    target = std::find_if(versions.begin(), versions.end(),
                          [&](const Version& v) { return v.digest == *request.to; });
    if (target == versions.end()) {
      throw Error(fmt::format("{}: no published version runs {}; `hubtel-ai versions` lists them",
                              step, *request.to));
    }
  } else {
    target = by_number(*request.to);
    if (target == versions.end()) {
      throw Error(fmt::format("{}: {} is not a published version (versions: {})", step, *request.to,
                              listed(versions)));
    }
  }

  const auto& image_uri = target->image_uri;
  if (spec.alias ? target->number == current : target->digest == running) {
    err << fmt::format("hubtel-ai: {} runs version {}{} already; nothing to do\n", function,
                       target->number, spec.alias ? "" : "'s image");
  } else if (spec.alias) {
    aws.call(fmt::format("{}: moving the alias {}", step, *spec.alias), "lambda", "update-alias",
             json{{"FunctionName", function},
                  {"Name", *spec.alias},
                  {"FunctionVersion", target->number}});
    err << fmt::format("hubtel-ai: alias {} of {} moved from version {} to {}\n", *spec.alias,
                       function, current, target->number);
  } else {
    aws.call(step + ": updating the function's code", "lambda", "update-function-code",
             json{{"FunctionName", function}, {"ImageUri", image_uri}, {"Publish", false}});
    aws.wait(step + ": waiting for the code update", "function-updated-v2", function,
             request.wait_timeout);
    err << fmt::format(
        "hubtel-ai: the code of {} is version {}'s image again (its configuration "
        "stays as it is)\n",
        function, target->number);
  }
  out << deployed_line(function, target->number, image_uri, spec.alias);
  return 0;
}

}  // namespace hubtel::deploy
