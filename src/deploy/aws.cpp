// The AWS CLI driver: requests through /proc/self/fd/<memfd>, so nothing (environment values
// included) shows on a command line and parallel deploys share no temporary file.
#include "deploy/aws.hpp"

#include "process/process.hpp"

#include <fmt/format.h>

#include <regex>
#include <thread>

namespace hubtel::deploy {
namespace {

std::string hint_for(const AwsError& error) {
  if (error.code == "NoCredentials") {
    return "; give the AWS CLI credentials (AWS_PROFILE, or AWS_ACCESS_KEY_ID and "
           "AWS_SECRET_ACCESS_KEY, or 'aws configure')";
  }
  if (error.code == "EndpointConnection") {
    return "; check the network, the region and AWS_ENDPOINT_URL";
  }
  if (error.code == "NoRegion") {
    return "; set AWS_REGION (or AWS_DEFAULT_REGION) or a region in the AWS profile";
  }
  return "";
}

}  // namespace

AwsError parse_aws_error(const std::string& stderr_text) {
  static const std::regex service_error("An error occurred \\(([A-Za-z0-9_.]+)\\)");
  std::smatch match;
  AwsError error;
  error.message = process::last_line(stderr_text);
  if (std::regex_search(stderr_text, match, service_error)) {
    error.code = match[1].str();
    const auto line_start = stderr_text.rfind('\n', static_cast<std::size_t>(match.position(0)));
    const auto from = line_start == std::string::npos ? 0 : line_start + 1;
    const auto line_end = stderr_text.find('\n', from);
    error.message = stderr_text.substr(
        from, line_end == std::string::npos ? std::string::npos : line_end - from);
  } else if (stderr_text.find("Unable to locate credentials") != std::string::npos ||
             stderr_text.find("NoCredentialsError") != std::string::npos) {
    error.code = "NoCredentials";
  } else if (stderr_text.find("Could not connect to the endpoint URL") != std::string::npos ||
             stderr_text.find("Connect timeout on endpoint URL") != std::string::npos) {
    error.code = "EndpointConnection";
  } else if (stderr_text.find("You must specify a region") != std::string::npos) {
    error.code = "NoRegion";
  }
  if (error.message.empty()) {
    error.message = "no error message";
  }
  return error;
}

bool is_retryable(const AwsError& error) {
  if (error.code == "ResourceConflictException") {
    // "Function already exist" is a conflict no wait resolves.
    return error.message.find("already exist") == std::string::npos;
  }
  return error.code == "TooManyRequestsException" || error.code == "ThrottlingException" ||
         error.code == "Throttling" || error.code == "ThrottledException" ||
         error.code == "RequestLimitExceeded" || error.code == "ServiceUnavailableException";
}

std::chrono::milliseconds backoff_delay(int attempt, std::chrono::milliseconds base,
                                        std::chrono::milliseconds cap) {
  auto delay = base;
  for (int i = 1; i < attempt && delay < cap; ++i) {
    delay *= 2;
  }
  return std::min(delay, cap);
}

Aws::Aws(AwsOptions options) : options_(std::move(options)) {
  if (!options_.sleep) {
    options_.sleep = [](std::chrono::milliseconds delay) { std::this_thread::sleep_for(delay); };
  }
}

std::vector<std::string> Aws::base_command(const std::string& service,
                                           const std::string& operation) const {
  std::vector<std::string> argv{options_.program, service, operation};
  if (options_.region) {
    argv.insert(argv.end(), {"--region", *options_.region});
  }
  return argv;
}

std::optional<nlohmann::json> Aws::call_unless(const std::string& step, const std::string& service,
                                               const std::string& operation,
                                               const nlohmann::json& input,
                                               const std::string& tolerated) {
  const std::string shown = fmt::format("aws {} {}", service, operation);
  for (int attempt = 1;; ++attempt) {
    const process::InputFile request(input.dump());
    auto argv = base_command(service, operation);
    argv.insert(argv.end(), {"--cli-input-json", "file://" + request.path(), "--output", "json"});
    process::Options run;
    run.inherited_fds = {request.fd()};
    run.timeout = options_.call_timeout;
    const auto result = process::run({argv, {{"AWS_PAGER", ""}}}, run);
    if (result.ok()) {
      if (result.out.find_first_not_of(" \t\r\n") == std::string::npos) {
        return nlohmann::json::object();
      }
      try {
        return nlohmann::json::parse(result.out);
      } catch (const nlohmann::json::exception& e) {
        throw Error(fmt::format("{}: {} printed no JSON ({})", step, shown, e.what()));
      }
    }
    if (result.timed_out) {
      throw AwsFailure(fmt::format("{}: {} did not finish within {} s", step, shown,
                                   options_.call_timeout.count() / 1000),
                       AwsError{"Timeout", "timed out"});
    }
    auto error = parse_aws_error(result.steps.front().err);
    if (!tolerated.empty() && error.code == tolerated) {
      return std::nullopt;
    }
    if (is_retryable(error) && attempt < options_.max_attempts) {
      const auto delay = backoff_delay(attempt, options_.base_delay, options_.max_delay);
      if (options_.on_retry) {
        options_.on_retry(fmt::format("{}: {}", step, shown), error, attempt + 1, delay);
      }
      options_.sleep(delay);
      continue;
    }
    const auto attempts =
        attempt > 1 ? fmt::format(" (after {} attempts with backoff)", attempt) : std::string();
    throw AwsFailure(
        fmt::format("{}: {} failed{}: {}{}", step, shown, attempts, error.message, hint_for(error)),
        error);
  }
}

nlohmann::json Aws::call(const std::string& step, const std::string& service,
                         const std::string& operation, const nlohmann::json& input) {
  return *call_unless(step, service, operation, input, "");
}

void Aws::wait(const std::string& step, const std::string& waiter, const std::string& function,
               std::chrono::seconds timeout) {
  std::string name = waiter;
  for (;;) {
    auto argv = base_command("lambda", "wait");
    argv.insert(argv.begin() + 3, name);
    // Joined with '=': a function's name may start with '-', which the CLI would read as an option.
    argv.push_back("--function-name=" + function);
    process::Options run;
    run.timeout = timeout;
    const auto result = process::run({argv, {}}, run);
    if (result.ok()) {
      return;
    }
    if (result.timed_out) {
      throw Error(fmt::format(
          "{}: 'aws lambda wait {}' gave up after {} s; the update may still be running: check "
          "'aws lambda get-function-configuration --function-name {}' and run the deploy again",
          step, name, timeout.count(), function));
    }
    const auto& err = result.steps.front().err;
    const auto v2 = name.rfind("-v2");
    if (err.find("Invalid choice") != std::string::npos && v2 != std::string::npos &&
        v2 + 3 == name.size()) {
      name = name.substr(0, v2);
      continue;
    }
    const auto error = parse_aws_error(err);
    throw AwsFailure(fmt::format("{}: 'aws lambda wait {}' failed: {}{}", step, name, error.message,
                                 hint_for(error)),
                     error);
  }
}

AwsFailure login_password_failure(const std::string& step, const std::string& stderr_text) {
  const auto error = parse_aws_error(stderr_text);
  return {
      fmt::format("{}: aws ecr get-login-password failed: {}{}", step, error.message,
                  error.code == "NoCredentials" ? "; give the AWS CLI credentials (AWS_PROFILE, or "
                                                  "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)"
                                                : ""),
      error};
}

std::vector<std::string> Aws::login_password_command() const {
  return base_command("ecr", "get-login-password");
}

}  // namespace hubtel::deploy
