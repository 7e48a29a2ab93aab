// The push step: log in to ECR through a pipe, create the repository if asked, tag, push, and
// record the manifest digest the registry now serves.
#include "deploy/push.hpp"

#include "common/error.hpp"
#include "common/files.hpp"
#include "deploy/aws.hpp"
#include "deploy/pipeline.hpp"
#include "deploy/spec.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <ostream>
#include <regex>
#include <system_error>

namespace fs = std::filesystem;

namespace hubtel::deploy {
namespace {

using nlohmann::json;
using Environment = std::vector<std::pair<std::string, std::string>>;

// A private engine configuration for one invocation: the ECR login lands here, never in the
// user's configuration (which parallel pushes would race on) nor in the build tree, and it is
// removed, credentials and all, when the push ends.
class PrivateDockerConfig {
 public:
  PrivateDockerConfig() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern =
        std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/hubtel-docker-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw Error(fmt::format("push: cannot create a private engine configuration folder '{}': {}",
                              pattern, std::strerror(errno)));
    }
    dir_ = pattern;
    // Keep the user's helpers, contexts and proxies; drop stored credentials and the store, so
    // the login stays in this folder.
    json config = json::object();
    if (const auto user = user_config(); !user.empty() && fs::exists(user)) {
      try {
        config = json::parse(read_file(user));
      } catch (const std::exception&) {
        config = json::object();
      }
      if (!config.is_object()) {
        config = json::object();
      }
      config.erase("auths");
      config.erase("credsStore");
    }
    write_file_atomically(dir_ / "config.json", config.dump(2) + "\n");
  }
  PrivateDockerConfig(const PrivateDockerConfig&) = delete;
  PrivateDockerConfig& operator=(const PrivateDockerConfig&) = delete;
  ~PrivateDockerConfig() {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
  [[nodiscard]] const fs::path& dir() const { return dir_; }

 private:
  static fs::path user_config() {
    if (const char* dir = std::getenv("DOCKER_CONFIG"); dir != nullptr && *dir != '\0') {
      return fs::path(dir) / "config.json";
    }
    if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
      return fs::path(home) / ".docker" / "config.json";
    }
    return {};
  }

  fs::path dir_;
};

std::string hint_for_push(const std::string& output, bool ecr) {
  if (output.find("does not exist") != std::string::npos ||
      output.find("name unknown") != std::string::npos) {
    return ecr ? "; create the repository, or configure with -DHUBTEL_CREATE_REPOSITORIES=ON"
               : "; create the repository in the registry";
  }
  if (output.find("connection refused") != std::string::npos ||
      output.find("no such host") != std::string::npos ||
      output.find("i/o timeout") != std::string::npos) {
    return "; is the registry running and reachable from here?";
  }
  if (output.find("unauthorized") != std::string::npos ||
      output.find("denied") != std::string::npos ||
      output.find("no basic auth credentials") != std::string::npos) {
    return "; log in to the registry (docker login) or check the permissions";
  }
  return "";
}

struct Plan {
  std::string arch;
  std::string image_id;
  std::string target;  // repository:tag
  bool needed = true;
};

}  // namespace

std::string pushed_digest(const std::string& push_output) {
  static const std::regex pattern("digest: (sha256:[0-9a-f]{64})");
  std::string digest;
  for (auto it = std::sregex_iterator(push_output.begin(), push_output.end(), pattern);
       it != std::sregex_iterator(); ++it) {
    digest = (*it)[1].str();  // the last one: the tag just pushed
  }
  return digest;
}

int run_push(const PushRequest& request, std::ostream& out, std::ostream& err) {
  const auto spec = read_deploy_spec(request.spec);
  const std::string step = "push " + spec.name;
  if (!spec.repository) {
    throw Error(
        fmt::format("{}: the spec '{}' has no repository; add REPOSITORY "
                    "<registry/repository> to hubtel_add_lambda_image({})",
                    step, spec.path.string(), spec.name));
  }
  const auto& repository = *spec.repository;
  const auto revision = spec.tag ? std::nullopt : git_revision(spec.context);

  std::vector<Plan> plans;
  static const std::regex id_pattern("sha256:[0-9a-f]{64}");
  for (const auto& arch : spec.architectures) {
    Plan plan{arch, {}, repository + ":" + push_tag(spec, arch, revision)};
    const auto id_file = image_id_file(spec, arch);
    if (!fs::exists(id_file)) {
      throw Error(fmt::format("{} ({}): no built image: '{}' is missing; build {}-image first",
                              step, arch, id_file.string(), spec.name));
    }
    plan.image_id = read_line_file(id_file);
    if (!std::regex_match(plan.image_id, id_pattern)) {
      throw Error(
          fmt::format("{} ({}): '{}' holds no image id (sha256:<64 hex>); build {}-image "
                      "again",
                      step, arch, id_file.string(), spec.name));
    }
    // The records say this very image already went to this very tag: nothing to send.
    if (!request.force && fs::exists(push_state_file(spec, arch)) &&
        fs::exists(push_ref_file(spec, arch))) {
      try {
        const auto state = json::parse(read_file(push_state_file(spec, arch)));
        const auto reference = read_line_file(push_ref_file(spec, arch));
        plan.needed = state.value("image_id", "") != plan.image_id ||
                      state.value("target", "") != plan.target ||
                      state.value("reference", "") != reference;
      } catch (const json::exception&) {
        plan.needed = true;
      }
    }
    plans.push_back(plan);
  }

  const auto ecr = ecr_registry(repository);
  std::optional<PrivateDockerConfig> docker_config;
  Environment engine_env;
  const bool any_needed =
      std::any_of(plans.begin(), plans.end(), [](const Plan& plan) { return plan.needed; });
  if (any_needed && ecr) {
    AwsOptions aws_options;
    aws_options.program = request.aws;
    aws_options.region = ecr->region;
    Aws aws(aws_options);
    if (request.create_repository) {
      const auto path = repository_path(repository);
      const auto found =
          aws.call_unless(step + ": checking the ECR repository", "ecr", "describe-repositories",
                          json{{"registryId", ecr->account}, {"repositoryNames", {path}}},
                          "RepositoryNotFoundException");
      if (!found) {
        err << fmt::format("hubtel-ai: creating ECR repository {} in {}\n", path, ecr->region);
        aws.call(step + ": creating the ECR repository", "ecr", "create-repository",
                 json{{"registryId", ecr->account}, {"repositoryName", path}});
      }
    }
    docker_config.emplace();
    engine_env.emplace_back("DOCKER_CONFIG", docker_config->dir().string());
    // The password goes from one program to the other through a pipe: never on a command line,
    // in a file, or through this process.
    PipelineOptions options;
    options.timeout = std::chrono::minutes(2);
    const auto login = run_pipeline(
        {Step{aws.login_password_command(), {}},
         Step{{request.engine, "login", "--username", "AWS", "--password-stdin", ecr->host},
              engine_env}},
        options);
    if (!login.ok()) {
      if (login.timed_out) {
        throw Error(
            fmt::format("{}: logging in to {} did not finish within 2 minutes", step, ecr->host));
      }
      if (login.steps[0].exit_code != 0) {
        const auto error = parse_aws_error(login.steps[0].err);
        throw AwsFailure(
            fmt::format("{}: aws ecr get-login-password failed: {}{}", step, error.message,
                        error.code == "NoCredentials"
                            ? "; give the AWS CLI credentials (AWS_PROFILE, or "
                              "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)"
                            : ""),
            error);
      }
      const auto output = last_line(login.steps[1].err);
      throw Error(fmt::format("{}: {} login {} failed: {}{}", step, request.engine, ecr->host,
                              output, hint_for_push(output, true)));
    }
  }

  for (const auto& plan : plans) {
    const auto ref_file = push_ref_file(spec, plan.arch);
    if (!plan.needed) {
      err << fmt::format("hubtel-ai: {} ({}) is already in {}\n", spec.name, plan.arch,
                         plan.target);
      out << read_line_file(ref_file) << '\n';
      continue;
    }
    const std::string arch_step = fmt::format("{} ({})", step, plan.arch);
    const auto tag = run_pipeline({Step{{request.engine, "tag", plan.image_id, plan.target}, {}}});
    if (!tag.ok()) {
      throw Error(fmt::format("{}: {} tag {} {} failed: {}", arch_step, request.engine,
                              plan.image_id, plan.target, last_line(tag.steps[0].err)));
    }
    PipelineOptions options;
    options.echo = true;
    const auto push =
        run_pipeline({Step{{request.engine, "push", plan.target}, engine_env}}, options);
    if (!push.ok()) {
      const auto output = push.out + push.steps[0].err;
      throw Error(fmt::format("{}: {} push {} failed: {}{}", arch_step, request.engine, plan.target,
                              last_line(push.steps[0].err),
                              hint_for_push(output, ecr.has_value())));
    }
    auto digest = pushed_digest(push.out);
    if (digest.empty()) {
      // Engines that print no digest (podman) still record it in the image's RepoDigests.
      const auto inspect = run_pipeline({Step{
          {request.engine, "image", "inspect", "--format", "{{json .RepoDigests}}", plan.image_id},
          {}}});
      if (inspect.ok()) {
        try {
          for (const auto& entry : json::parse(inspect.out)) {
            const auto text = entry.get<std::string>();
            if (text.rfind(repository + "@", 0) == 0) {
              digest = text.substr(repository.size() + 1);
            }
          }
        } catch (const json::exception&) {
          digest.clear();
        }
      }
    }
    const auto reference = repository + "@" + digest;
    try {
      digest_of_reference(reference);
    } catch (const Error&) {
      throw Error(fmt::format("{}: {} push {} reported no manifest digest", arch_step,
                              request.engine, plan.target));
    }
    write_file_if_changed(ref_file, reference + "\n");
    write_file_if_changed(
        push_state_file(spec, plan.arch),
        json{{"image_id", plan.image_id}, {"target", plan.target}, {"reference", reference}}.dump(
            2) +
            "\n");
    out << reference << '\n';
  }
  return 0;
}

}  // namespace hubtel::deploy
