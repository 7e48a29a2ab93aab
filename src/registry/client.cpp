// The registry client: ECR logins through a pipe into a private engine configuration, repository
// creation, tags, pushes, and the digests the registry serves.
#include "registry/client.hpp"

#include "common/error.hpp"
#include "common/files.hpp"
#include "deploy/aws.hpp"
#include "process/process.hpp"
#include "registry/api.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <ostream>

namespace fs = std::filesystem;

namespace hubtel::registry {
namespace {

using nlohmann::json;

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

}  // namespace

std::vector<std::string> ecr_reads_of(const spec::ImageSpec& spec) {
  std::vector<std::string> reads;
  auto add = [&reads](const std::string& reference) {
    if (ecr_registry(reference) &&
        std::find(reads.begin(), reads.end(), reference) == reads.end()) {
      reads.push_back(reference);
    }
  };
  add(spec.builder_image);
  add(spec.runtime_image);
  if (spec.registry_cache && spec.repository) {
    add(*spec.repository);
  }
  return reads;
}

Client::Client(engine::Engine engine, std::string aws, std::string step)
    : engine_(std::move(engine)), aws_(std::move(aws)), step_(std::move(step)) {}

void Client::log_in(const std::string& repository, bool create, std::ostream& err) {
  const auto ecr = ecr_registry(repository);
  if (!ecr) {
    return;
  }
  if (create) {
    create_repository(*ecr, repository, err);
  }
  if (logged_in_.count(ecr->host) != 0) {
    return;
  }
  if (!config_) {
    config_.emplace("hubtel-docker-");
    write_private_config();
    engine_.environment.emplace_back("DOCKER_CONFIG", config_->path().string());
  }
  deploy::AwsOptions aws_options;
  aws_options.program = aws_;
  aws_options.region = ecr->region;
  const deploy::Aws aws(aws_options);
  // The password goes from one program to the other through a pipe: never on a command line,
  // in a file, or through this process.
  process::Options options;
  options.timeout = std::chrono::minutes(2);
  const auto login = process::run_pipeline(
      {{aws.login_password_command(), {}},
       {{engine_.program, "login", "--username", "AWS", "--password-stdin", ecr->host},
        engine::environment_of(engine_)}},
      options);
  if (login.ok()) {
    logged_in_.insert(ecr->host);
    return;
  }
  if (login.timed_out) {
    throw Error(
        fmt::format("{}: logging in to {} did not finish within 2 minutes", step_, ecr->host));
  }
  if (login.steps[0].exit_code != 0) {
    throw deploy::login_password_failure(step_, login.steps[0].err);
  }
  const auto output = process::last_line(login.steps[1].err);
  throw Error(fmt::format("{}: {} login {} failed: {}{}", step_, engine_.program, ecr->host, output,
                          hint_for_push(output, true)));
}

void Client::create_repository(const EcrRegistry& ecr, const std::string& repository,
                               std::ostream& err) {
  deploy::AwsOptions aws_options;
  aws_options.program = aws_;
  aws_options.region = ecr.region;
  deploy::Aws aws(aws_options);
  const auto path = repository_path(repository);
  const auto found =
      aws.call_unless(step_ + ": checking the ECR repository", "ecr", "describe-repositories",
                      json{{"registryId", ecr.account}, {"repositoryNames", {path}}},
                      "RepositoryNotFoundException");
  if (!found) {
    err << fmt::format("hubtel-ai: creating ECR repository {} in {}\n", path, ecr.region);
    aws.call(step_ + ": creating the ECR repository", "ecr", "create-repository",
             json{{"registryId", ecr.account}, {"repositoryName", path}});
  }
}

std::string Client::push(const std::string& image, const std::string& target,
                         const std::string& step) {
  const auto& program = engine_.program;
  const auto environment = engine::environment_of(engine_);
  if (image != target) {
    const auto tag = process::run({{program, "tag", image, target}, environment});
    if (!tag.ok()) {
      throw Error(fmt::format("{}: {} tag {} {} failed: {}", step, program, image, target,
                              process::last_line(tag.steps[0].err)));
    }
  }
  process::Options options;
  options.echo = true;
  const auto push = process::run({{program, "push", target}, environment}, options);
  if (!push.ok()) {
    const auto output = push.out + push.steps[0].err;
    throw Error(fmt::format("{}: {} push {} failed: {}{}", step, program, target,
                            process::last_line(push.steps[0].err),
                            hint_for_push(output, ecr_registry(target).has_value())));
  }
  return push.out;
}

std::string Client::recorded_digest(const std::string& image, const std::string& repository) {
  const auto inspect = process::run(
      {{engine_.program, "image", "inspect", "--format", "{{json .RepoDigests}}", image},
       engine::environment_of(engine_)});
  if (!inspect.ok()) {
    return {};
  }
  try {
    std::string digest;
    for (const auto& entry : json::parse(inspect.out)) {
      const auto text = entry.get<std::string>();
      if (text.rfind(repository + "@", 0) == 0) {
        digest = text.substr(repository.size() + 1);
      }
    }
    return digest;
  } catch (const json::exception&) {
    return {};
  }
}

// Keeps the user's helpers, contexts, proxies and the logins stored in the file (a build may read
// from other private registries too); drops the credential store, so that the ECR login stays in
// the private folder instead of reaching the user's store.
void Client::write_private_config() {
  json config = json::object();
  if (const auto user = engine_config_file(); !user.empty() && fs::exists(user)) {
    try {
      config = json::parse(read_file(user));
    } catch (const std::exception&) {
      config = json::object();
    }
    if (!config.is_object()) {
      config = json::object();
    }
    config.erase("credsStore");
  }
  write_file_atomically(config_->path() / "config.json", config.dump(2) + "\n");
  // Docker contexts live beside the configuration: an engine named by its context is found
  // through the private one too.
  if (const auto user = engine_config_file(); !user.empty()) {
    std::error_code error;
    const auto contexts = user.parent_path() / "contexts";
    if (fs::is_directory(contexts, error)) {
      fs::create_directory_symlink(contexts, config_->path() / "contexts", error);
    }
  }
}

}  // namespace hubtel::registry
