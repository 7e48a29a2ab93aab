// The registry client: log in to ECR through a pipe into a private engine configuration, create
// the repository if asked, tag, push, and record the manifest digest the registry now serves.
#include "registry/push.hpp"

#include "common/error.hpp"
#include "common/files.hpp"
#include "common/temporary_dir.hpp"
#include "deploy/aws.hpp"
#include "process/process.hpp"
#include "registry/reference.hpp"
#include "spec/image_spec.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <ostream>
#include <regex>

namespace fs = std::filesystem;

namespace hubtel::registry {
namespace {

using nlohmann::json;

fs::path user_docker_config() {
  if (const char* dir = std::getenv("DOCKER_CONFIG"); dir != nullptr && *dir != '\0') {
    return fs::path(dir) / "config.json";
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    return fs::path(home) / ".docker" / "config.json";
  }
  return {};
}

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

// One repository as the engine reaches it: for ECR, logged in through a private engine
// configuration that lives as long as this client (and no longer than the process, even when a
// signal ends it), never in the user's configuration (which parallel pushes would race on) nor in
// the build tree.
class Client {
 public:
  Client(const PushRequest& request, const spec::ImageSpec& spec, std::string step)
      : request_(request),
        repository_(*spec.repository),
        ecr_(ecr_registry(repository_)),
        step_(std::move(step)),
        environment_(engine::environment_of(request.engine)) {}

  // Logs in when the registry needs it (ECR), creating the repository first when asked.
  void log_in(std::ostream& err) {
    if (!ecr_ || config_) {
      return;
    }
    deploy::AwsOptions aws_options;
    aws_options.program = request_.aws;
    aws_options.region = ecr_->region;
    deploy::Aws aws(aws_options);
    if (request_.create_repository) {
      const auto path = repository_path(repository_);
      const auto found =
          aws.call_unless(step_ + ": checking the ECR repository", "ecr", "describe-repositories",
                          json{{"registryId", ecr_->account}, {"repositoryNames", {path}}},
                          "RepositoryNotFoundException");
      if (!found) {
        err << fmt::format("hubtel-ai: creating ECR repository {} in {}\n", path, ecr_->region);
        aws.call(step_ + ": creating the ECR repository", "ecr", "create-repository",
                 json{{"registryId", ecr_->account}, {"repositoryName", path}});
      }
    }
    config_.emplace("hubtel-docker-");
    write_private_config();
    environment_.emplace_back("DOCKER_CONFIG", config_->path().string());
    // The password goes from one program to the other through a pipe: never on a command line,
    // in a file, or through this process.
    process::Options options;
    options.timeout = std::chrono::minutes(2);
    const auto login = process::run_pipeline(
        {{aws.login_password_command(), {}},
         {{request_.engine.program, "login", "--username", "AWS", "--password-stdin", ecr_->host},
          environment_}},
        options);
    if (login.ok()) {
      return;
    }
    if (login.timed_out) {
      throw Error(
          fmt::format("{}: logging in to {} did not finish within 2 minutes", step_, ecr_->host));
    }
    if (login.steps[0].exit_code != 0) {
      const auto error = deploy::parse_aws_error(login.steps[0].err);
      throw deploy::AwsFailure(
          fmt::format("{}: aws ecr get-login-password failed: {}{}", step_, error.message,
                      error.code == "NoCredentials"
                          ? "; give the AWS CLI credentials (AWS_PROFILE, or "
                            "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)"
                          : ""),
          error);
    }
    const auto output = process::last_line(login.steps[1].err);
    throw Error(fmt::format("{}: {} login {} failed: {}{}", step_, request_.engine.program,
                            ecr_->host, output, hint_for_push(output, true)));
  }

  // Tags `image` as `target` (when they differ) and pushes it; returns what the push printed.
  std::string push(const std::string& image, const std::string& target, const std::string& step) {
    const auto& program = request_.engine.program;
    if (image != target) {
      const auto tag = process::run({{program, "tag", image, target}, environment_});
      if (!tag.ok()) {
        throw Error(fmt::format("{}: {} tag {} {} failed: {}", step, program, image, target,
                                process::last_line(tag.steps[0].err)));
      }
    }
    process::Options options;
    options.echo = true;
    const auto push = process::run({{program, "push", target}, environment_}, options);
    if (!push.ok()) {
      const auto output = push.out + push.steps[0].err;
      throw Error(fmt::format("{}: {} push {} failed: {}{}", step, program, target,
                              process::last_line(push.steps[0].err),
                              hint_for_push(output, ecr_.has_value())));
    }
    return push.out;
  }

  // The digest the registry gave `image`, from its RepoDigests (for engines that print none).
  std::string recorded_digest(const std::string& image) {
    const auto inspect = process::run(
        {{request_.engine.program, "image", "inspect", "--format", "{{json .RepoDigests}}", image},
         environment_});
    if (!inspect.ok()) {
      return {};
    }
    try {
      std::string digest;
      for (const auto& entry : json::parse(inspect.out)) {
        const auto text = entry.get<std::string>();
        if (text.rfind(repository_ + "@", 0) == 0) {
          digest = text.substr(repository_.size() + 1);
        }
      }
      return digest;
    } catch (const json::exception&) {
      return {};
    }
  }

 private:
  // Keeps the user's helpers, contexts and proxies; drops stored credentials and the store, so
  // the login stays in the private folder.
  void write_private_config() {
    json config = json::object();
    if (const auto user = user_docker_config(); !user.empty() && fs::exists(user)) {
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
    write_file_atomically(config_->path() / "config.json", config.dump(2) + "\n");
  }

  const PushRequest& request_;
  std::string repository_;
  std::optional<EcrRegistry> ecr_;
  std::string step_;
  std::vector<std::pair<std::string, std::string>> environment_;
  std::optional<TemporaryDir> config_;
};

struct Plan {
  std::string arch;
  std::string image_id;
  std::string target;  // repository:tag
  bool needed = true;
};

Plan plan_of(const PushRequest& request, const spec::ImageSpec& spec, const std::string& arch,
             const std::optional<std::string>& revision, const std::string& step) {
  static const std::regex id_pattern("sha256:[0-9a-f]{64}");
  Plan plan{arch, {}, *spec.repository + ":" + push_tag(spec, arch, revision)};
  const auto id_file = spec::image_id_file(spec, arch);
  if (!fs::exists(id_file)) {
    throw Error(fmt::format("{} ({}): no built image: '{}' is missing; build {}-image first", step,
                            arch, id_file.string(), spec.name));
  }
  plan.image_id = read_line_file(id_file);
  if (!std::regex_match(plan.image_id, id_pattern)) {
    throw Error(
        fmt::format("{} ({}): '{}' holds no image id (sha256:<64 hex>); build {}-image again", step,
                    arch, id_file.string(), spec.name));
  }
  // The records say this very image already went to this very tag: nothing to send.
  const auto state_file = spec::push_state_file(spec, arch);
  const auto ref_file = spec::push_ref_file(spec, arch);
  if (!request.force && fs::exists(state_file) && fs::exists(ref_file)) {
    try {
      const auto state = json::parse(read_file(state_file));
      plan.needed = state.value("image_id", "") != plan.image_id ||
                    state.value("target", "") != plan.target ||
                    state.value("reference", "") != read_line_file(ref_file);
    } catch (const json::exception&) {
      plan.needed = true;
    }
  }
  return plan;
}

// Pushes the registry build cache of one architecture: both builds are cache hits of the image
// just built, so they only tag, with the inline cache.
void push_cache(const PushRequest& request, const spec::ImageSpec& spec, const std::string& arch,
                Client& client, std::ostream& err) {
  const auto refs = cache_refs(spec, arch);
  const auto& engine = request.engine;
  engine::run_engine(engine,
                     engine::build_command(engine, spec, arch, "build", {"--tag", refs->build}));
  engine::run_engine(
      engine, engine::build_command(engine, spec, arch, "runtime", {"--tag", refs->runtime}));
  const auto step = fmt::format("push {} ({}): the registry build cache", spec.name, arch);
  for (const auto& ref : {refs->build, refs->runtime}) {
    client.push(ref, ref, step);
  }
  err << fmt::format("hubtel: pushed the build cache of {} ({}) to {} and {}\n", spec.name, arch,
                     refs->build, refs->runtime);
}

}  // namespace

int run_push(const PushRequest& request, std::ostream& out, std::ostream& err) {
  const auto spec = spec::read(request.spec);
  const std::string step = "push " + spec.name;
  if (!spec.repository) {
    throw Error(
        fmt::format("{}: the spec '{}' has no repository; add REPOSITORY "
                    "<registry/repository> to hubtel_add_lambda_image({})",
                    step, spec.file.string(), spec.name));
  }
  const auto revision = spec.tag ? std::nullopt : git_revision(spec.context);
  std::vector<Plan> plans;
  for (const auto& arch : spec.architectures) {
    plans.push_back(plan_of(request, spec, arch, revision, step));
  }

  Client client(request, spec, step);
  for (const auto& plan : plans) {
    const auto ref_file = spec::push_ref_file(spec, plan.arch);
    if (!plan.needed) {
      err << fmt::format("hubtel-ai: {} ({}) is already in {}\n", spec.name, plan.arch,
                         plan.target);
      out << read_line_file(ref_file) << '\n';
      continue;
    }
    client.log_in(err);
    const auto arch_step = fmt::format("{} ({})", step, plan.arch);
    auto digest = pushed_digest(client.push(plan.image_id, plan.target, arch_step));
    if (digest.empty()) {
      digest = client.recorded_digest(plan.image_id);
    }
    const auto reference = *spec.repository + "@" + digest;
    try {
      digest_of_reference(reference);
    } catch (const Error&) {
      throw Error(fmt::format("{}: {} push {} reported no manifest digest", arch_step,
                              request.engine.program, plan.target));
    }
    write_file_if_changed(ref_file, reference + "\n");
    write_file_if_changed(
        spec::push_state_file(spec, plan.arch),
        json{{"image_id", plan.image_id}, {"target", plan.target}, {"reference", reference}}.dump(
            2) +
            "\n");
    out << reference << '\n';
    if (spec.registry_cache) {
      push_cache(request, spec, plan.arch, client, err);
    }
  }
  return 0;
}

}  // namespace hubtel::registry
