// The deploy step: compare with what Lambda has, change only what differs, wait for each change to
// land, publish a version, and record it, so a rerun after any failure converges.
#include "deploy/deploy.hpp"

#include "common/error.hpp"
#include "common/files.hpp"
#include "deploy/aws.hpp"
#include "deploy/gc.hpp"
#include "deploy/release.hpp"
#include "registry/gate.hpp"
#include "registry/reference.hpp"
#include "spec/image_spec.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <ostream>

namespace fs = std::filesystem;

namespace hubtel::deploy {
namespace {

using nlohmann::json;

json optional_env(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? json(value) : json(nullptr);
}

json environment_of(const spec::ImageSpec& spec) {
  json variables = json::object();
  for (const auto& [key, value] : spec.environment) {
    variables[key] = value;
  }
  return variables;
}

// The values of the secret variables, read now and held in memory only: a file's content (its
// final line break dropped) or an SSM parameter, decrypted.
json secret_values(const spec::ImageSpec& spec, Aws& aws, const std::string& step) {
  json values = json::object();
  for (const auto& [key, reference] : spec.secret_environment) {
    const auto colon = reference.find(':');
    const auto source = reference.substr(colon + 1);
    if (reference.rfind("file:", 0) == 0) {
      try {
        values[key] = read_secret_file(source);
      } catch (const Error& e) {
        throw Error(fmt::format("{}: SECRET_ENVIRONMENT {}: {}", step, key, e.what()));
      }
    } else {
      const auto answer =
          aws.call(fmt::format("{}: reading SSM parameter {} for {}", step, source, key), "ssm",
                   "get-parameter", json{{"Name", source}, {"WithDecryption", true}});
      values[key] = answer.value(json::json_pointer("/Parameter/Value"), std::string());
    }
  }
  return values;
}

// Creates the alias at `version`, or moves it there.
void move_alias(Aws& aws, const std::string& step, const std::string& function,
                const std::string& alias, const std::string& version, std::ostream& err) {
  const json names{{"FunctionName", function}, {"Name", alias}};
  const auto current = aws.call_unless(fmt::format("{}: reading the alias {}", step, alias),
                                       "lambda", "get-alias", names, "ResourceNotFoundException");
  auto input = names;
  input["FunctionVersion"] = version;
  if (!current) {
    aws.call(fmt::format("{}: creating the alias {}", step, alias), "lambda", "create-alias",
             input);
    err << fmt::format("hubtel-ai: alias {} of {} created at version {}\n", alias, function,
                       version);
  } else if (current->value("FunctionVersion", std::string()) != version) {
    aws.call(fmt::format("{}: moving the alias {}", step, alias), "lambda", "update-alias", input);
    err << fmt::format("hubtel-ai: alias {} of {} moved from version {} to {}\n", alias, function,
                       current->value("FunctionVersion", std::string()), version);
  }
}

}  // namespace

// What a deploy prints: the function, its version, the image by digest, and the alias.
std::string deployed_line(const std::string& function, const std::string& version,
                          const std::string& image_uri, const std::optional<std::string>& alias) {
  return fmt::format("{} version {} {}{}\n", function, version, image_uri,
                     alias ? " alias " + *alias : std::string());
}

std::string function_of(const spec::ImageSpec& spec, const std::string& command) {
  if (!spec.function_name) {
    throw Error(
        fmt::format("{} {}: the spec '{}' names no function; add FUNCTION_NAME <name> to "
                    "hubtel_add_lambda_image({})",
                    command, spec.name, spec.file.string(), spec.name));
  }
  return *spec.function_name;
}

AwsOptions function_aws_options(const spec::ImageSpec& spec, const std::string& program,
                                int max_attempts, std::ostream& err) {
  AwsOptions options;
  options.program = program;
  options.max_attempts = max_attempts;
  // A Lambda function runs images of its own region only, so an ECR repository fixes the region.
  if (const auto ecr = spec.repository ? registry::ecr_registry(*spec.repository) : std::nullopt) {
    options.region = ecr->region;
  }
  options.on_retry = [&err, attempts = options.max_attempts](const std::string& what,
                                                             const AwsError& error, int attempt,
                                                             std::chrono::milliseconds delay) {
    err << fmt::format("hubtel-ai: {}: {}; attempt {} of {} in {:.1f} s\n", what, error.code,
                       attempt, attempts, static_cast<double>(delay.count()) / 1000);
  };
  return options;
}

namespace {

// What a deploy did to one function, for the summary of a deploy of several.
struct Outcome {
  std::string function;
  std::string what;
  bool ok = true;
};

// Puts back what a failed deploy changed of $LATEST (its code, by the digest Lambda resolved, and
// its configuration), so a failure leaves the function as it was. The alias moves last, so it
// never points at a failed deploy; a version published before a later step failed stays, and
// nothing points at it.
class Restore {
 public:
  Restore(Aws& aws, std::string step, std::string function, std::chrono::seconds timeout,
          std::ostream& err)
      : aws_(aws),
        step_(std::move(step)),
        function_(std::move(function)),
        timeout_(timeout),
        err_(err) {}
  Restore(const Restore&) = delete;
  Restore& operator=(const Restore&) = delete;
  ~Restore() = default;

  void code_changed(json previous) { code_ = std::move(previous); }
  void configuration_changed(json previous) { configuration_ = std::move(previous); }

  // Called on failure; says what it put back, or what it could not.
  void undo() noexcept {
    // Each part on its own: a configuration that cannot be put back does not keep the code.
    bool put_back = false;
    bool failed = false;
    const auto attempt = [this, &put_back, &failed](const char* what, json& input,
                                                    const char* operation) {
      if (input.is_null()) {
        return;
      }
      try {
        input["FunctionName"] = function_;
        aws_.call(fmt::format("{}: putting the {} back", step_, what), "lambda", operation, input);
        aws_.wait(fmt::format("{}: waiting for the {} to be put back", step_, what),
                  "function-updated-v2", function_, timeout_);
        put_back = true;
      } catch (const std::exception& e) {
        failed = true;
        err_ << fmt::format(
            "hubtel-ai: {}: failed, and putting the {} back failed too: {}; deploy again\n", step_,
            what, e.what());
      } catch (...) {
        failed = true;
        err_ << "hubtel-ai: " << step_ << ": failed, and putting the " << what
             << " back failed too; deploy again\n";
      }
    };
    try {
      if (!code_.is_null()) {
        code_["Publish"] = false;
      }
      attempt("configuration", configuration_, "update-function-configuration");
      attempt("code", code_, "update-function-code");
      if (put_back && !failed) {
        err_ << fmt::format("hubtel-ai: {}: failed; the function is as it was before\n", step_);
      }
    } catch (...) {
      // Nothing more can be said.
    }
  }

 private:
  Aws& aws_;
  std::string step_;
  std::string function_;
  std::chrono::seconds timeout_;
  std::ostream& err_;
  json code_;
  json configuration_;
};

Outcome deploy_one(const DeployRequest& request, const fs::path& spec_file, std::ostream& out,
                   std::ostream& err) {
  const auto spec = spec::read(spec_file);
  const auto function = function_of(spec, "deploy");
  const std::string step = "deploy " + function;
  const auto arch = request.arch ? *request.arch : spec.architectures.front();
  if (!spec.has_architecture(arch)) {
    throw Error(fmt::format("{}: the image {} is not built for {}; add it to ARCHITECTURES", step,
                            spec.name, arch));
  }
  const auto ref_file = spec::push_ref_file(spec, arch);
  if (!fs::exists(ref_file)) {
    throw Error(fmt::format("{}: no pushed image for {}: '{}' is missing; run {}-push first", step,
                            arch, ref_file.string(), spec.name));
  }
  auto image_uri = read_line_file(ref_file);
  std::string digest;
  try {
    digest = registry::digest_of_reference(image_uri);
  } catch (const Error& e) {
    throw Error(fmt::format("{}: '{}' is damaged: {}; run {}-push again", step, ref_file.string(),
                            e.what(), spec.name));
  }
  const auto ecr = spec.repository ? registry::ecr_registry(*spec.repository) : std::nullopt;
  // A Lambda function runs images of its own region only, so an ECR repository fixes the region.
  const json region = ecr ? json(ecr->region) : json(nullptr);
  const json desired{{"function_name", function},
                     {"image_uri", image_uri},
                     {"architecture", arch},
                     {"role", spec.role ? json(*spec.role) : json(nullptr)},
                     {"memory", spec.memory_or_default()},
                     {"timeout", spec.timeout_or_default()},
                     {"environment", environment_of(spec)},
                     {"secret_environment", spec.secret_environment},
                     {"publish", spec.publish},
                     {"alias", spec.alias ? json(*spec.alias) : json(nullptr)},
                     {"region", region.is_null() ? optional_env("AWS_REGION").is_null()
                                                       ? optional_env("AWS_DEFAULT_REGION")
                                                       : optional_env("AWS_REGION")
                                                 : region},
                     {"profile", optional_env("AWS_PROFILE")},
                     {"endpoint", optional_env("AWS_ENDPOINT_URL")}};

  const auto record_file = spec::deploy_file(spec);
  // With secrets, what Lambda holds is compared every time: their values are in no record.
  if (!request.force && spec.secret_environment.empty() && fs::exists(record_file)) {
    try {
      const auto record = json::parse(read_file(record_file));
      if (record.value("desired", json()) == desired && record.contains("version")) {
        err << fmt::format("hubtel-ai: {} is already deployed; nothing to do\n", function);
        const auto version = record["version"].get<std::string>();
        write_release(spec, nullptr, &record);
        out << deployed_line(function, version, record.value("image_uri", image_uri), spec.alias);
        return {function, "unchanged, version " + version};
      }
    } catch (const json::exception&) {
      // A damaged record: deploy again and rewrite it.
    }
  }

  // What Lambda would refuse is refused here, before any call changes the function; an index is
  // replaced by its manifest for the function's architecture.
  image_uri = registry::pass_lambda_gate(image_uri, arch, request.aws, step, err);
  digest = registry::digest_of_reference(image_uri);

  auto options = function_aws_options(spec, request.aws, request.max_attempts, err);
  options.base_delay = request.base_delay;
  Aws aws(options);
  auto environment = desired["environment"];
  environment.update(secret_values(spec, aws, step));

  const auto current =
      aws.call_unless(step + ": reading the function", "lambda", "get-function",
                      json{{"FunctionName", function}}, "ResourceNotFoundException");
  Restore restore(aws, step, function, request.wait_timeout, err);
  std::string version = "$LATEST";
  std::string arn;
  try {
    if (!current) {
      if (!spec.role) {
        throw Error(fmt::format(
            "{}: the function does not exist yet, and creating it needs a role; add ROLE "
            "<arn:aws:iam::<account>:role/<name>> to hubtel_add_lambda_image({})",
            step, spec.name));
      }
      err << fmt::format("hubtel-ai: creating Lambda function {} from {}\n", function, image_uri);
      json input{{"FunctionName", function},
                 {"PackageType", "Image"},
                 {"Code", {{"ImageUri", image_uri}}},
                 {"Role", *spec.role},
                 {"Architectures", {arch}},
                 {"MemorySize", desired["memory"]},
                 {"Timeout", desired["timeout"]},
                 {"Environment", {{"Variables", environment}}},
                 {"Publish", false}};
      aws.call(step + ": creating the function", "lambda", "create-function", input);
      aws.wait(step + ": waiting for the new function", "function-active-v2", function,
               request.wait_timeout);
    } else {
      const auto& config = (*current)["Configuration"];
      if (config.value("PackageType", "Image") != "Image") {
        throw Error(fmt::format(
            "{}: the function exists as a .zip package, and Lambda cannot change a function's "
            "package type; delete it or choose another FUNCTION_NAME",
            step));
      }
      if (config.value("LastUpdateStatus", "") == "InProgress") {
        aws.wait(step + ": waiting for an update already in progress", "function-updated-v2",
                 function, request.wait_timeout);
      }
      const auto current_uri = current->value(json::json_pointer("/Code/ImageUri"), std::string());
      // What runs now, by digest, for putting it back: a tag may have moved since.
      auto running_uri = current_uri;
      if (running_uri.find('@') == std::string::npos) {
        running_uri = current->value(json::json_pointer("/Code/ResolvedImageUri"), current_uri);
      }
      const auto current_archs = config.value("Architectures", json::array({"x86_64"}));
      if (current_uri != image_uri || current_archs != json::array({arch})) {
        err << fmt::format("hubtel-ai: updating the code of Lambda function {} to {}\n", function,
                           image_uri);
        restore.code_changed({{"ImageUri", running_uri}, {"Architectures", current_archs}});
        aws.call(step + ": updating the function's code", "lambda", "update-function-code",
                 json{{"FunctionName", function},
                      {"ImageUri", image_uri},
                      {"Architectures", {arch}},
                      {"Publish", false}});
        aws.wait(step + ": waiting for the code update", "function-updated-v2", function,
                 request.wait_timeout);
      }
      json changes = json::object();
      if (spec.role && config.value("Role", "") != *spec.role) {
        changes["Role"] = *spec.role;
      }
      if (config.value("MemorySize", spec::ImageSpec::default_memory) !=
          desired["memory"].get<std::int64_t>()) {
        changes["MemorySize"] = desired["memory"];
      }
      if (config.value("Timeout", spec::ImageSpec::default_timeout) !=
          desired["timeout"].get<std::int64_t>()) {
        changes["Timeout"] = desired["timeout"];
      }
      const auto current_env =
          config.value(json::json_pointer("/Environment/Variables"), json::object());
      if (current_env != environment) {
        changes["Environment"] = {{"Variables", environment}};
      }
      if (!changes.empty()) {
        std::string keys;
        json previous = json::object();
        for (const auto& [key, value] : changes.items()) {
          keys += (keys.empty() ? "" : ", ") + key;
          previous[key] = key == "Environment" ? json{{"Variables", current_env}} : config[key];
        }
        restore.configuration_changed(previous);
        err << fmt::format("hubtel-ai: updating the configuration of Lambda function {} ({})\n",
                           function, keys);
        changes["FunctionName"] = function;
        aws.call(step + ": updating the function's configuration", "lambda",
                 "update-function-configuration", changes);
        aws.wait(step + ": waiting for the configuration update", "function-updated-v2", function,
                 request.wait_timeout);
      }
    }

    if (spec.publish) {
      // The version says what it runs: the image by digest (the digest alone when the whole
      // reference is longer than a description holds), and the source revision when there is one.
      const auto revision = registry::git_revision(spec.context);
      const auto suffix = revision ? " rev " + *revision : std::string();
      const auto description =
          image_uri.size() + suffix.size() <= 256 ? image_uri + suffix : digest + suffix;
      const auto published =
          aws.call(step + ": publishing a version", "lambda", "publish-version",
                   json{{"FunctionName", function}, {"Description", description}});
      version = published.value("Version", std::string());
      if (version.empty()) {
        throw Error(fmt::format("{}: aws lambda publish-version returned no version", step));
      }
      arn = published.value("FunctionArn", std::string());
      if (const auto colon = arn.rfind(':' + version);
          colon != std::string::npos && colon + version.size() + 1 == arn.size()) {
        arn.resize(colon);
      }
    } else {
      arn = aws.call(step + ": reading the function's configuration", "lambda",
                     "get-function-configuration", json{{"FunctionName", function}})
                .value("FunctionArn", std::string());
    }
    if (spec.alias) {
      move_alias(aws, step, function, *spec.alias, version, err);
    }
  } catch (const std::exception&) {
    restore.undo();
    throw;
  }
  const json record{{"function_name", function}, {"function_arn", arn},    {"version", version},
                    {"alias", desired["alias"]}, {"image_uri", image_uri}, {"digest", digest},
                    {"architecture", arch},      {"desired", desired}};
  write_file_if_changed(record_file, record.dump(2) + "\n");
  write_release(spec, nullptr, &record);
  out << deployed_line(function, version, image_uri, spec.alias);
  if (spec.keep_images) {
    try {
      run_gc(GcRequest{spec.file, request.aws, std::nullopt, false}, err, err);
    } catch (const std::exception& e) {
      throw Error(
          fmt::format("{} is deployed (version {}), but the clean-up after it failed: {}; "
                      "run {}-gc to clean up",
                      function, version, e.what(), spec.name));
    }
  }
  return {function, "deployed, version " + version};
}

}  // namespace

std::optional<std::string> deployed_image(const spec::ImageSpec& spec, const std::string& arch) {
  const auto record_file = spec::deploy_file(spec);
  std::error_code error;
  if (!fs::exists(record_file, error)) {
    return std::nullopt;
  }
  json record;
  try {
    record = json::parse(read_file(record_file));
  } catch (const json::exception&) {
    throw Error(fmt::format("'{}' is damaged (not JSON); run {}-deploy again", record_file.string(),
                            spec.name));
  }
  const auto uri = record.is_object() ? record.value("image_uri", json()) : json();
  if (!uri.is_string() || record.value("architecture", json()) != json(arch)) {
    return std::nullopt;
  }
  return uri.get<std::string>();
}

int run_deploy(const DeployRequest& request, std::ostream& out, std::ostream& err) {
  if (request.specs.size() == 1) {
    deploy_one(request, request.specs.front(), out, err);
    return 0;
  }
  // Each function on its own: a failure leaves the others deployed and itself as it was.
  std::vector<Outcome> outcomes;
  for (const auto& spec_file : request.specs) {
    try {
      outcomes.push_back(deploy_one(request, spec_file, out, err));
    } catch (const std::exception& e) {
      err << "hubtel-ai: error: " << e.what() << "\n";
      std::string function = spec_file.parent_path().filename().string();
      try {
        function = function_of(spec::read(spec_file), "deploy");
      } catch (const Error&) {
        // The spec cannot name it: its folder does.
      }
      outcomes.push_back({function, std::string("failed: ") + e.what(), false});
    }
  }
  const auto failed = std::count_if(outcomes.begin(), outcomes.end(),
                                    [](const Outcome& outcome) { return !outcome.ok; });
  err << fmt::format("hubtel-ai: deployed {} of {} functions:\n", outcomes.size() - failed,
                     outcomes.size());
  for (const auto& outcome : outcomes) {
    err << fmt::format("  {}: {}\n", outcome.function, outcome.what);
  }
  return failed == 0 ? 0 : 1;
}

}  // namespace hubtel::deploy
