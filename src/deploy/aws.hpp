// Calls the AWS CLI: requests as JSON through an in-memory file, errors read back into codes, and
// the bounded exponential backoff AWS documents for throttling and conflicting updates.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.hpp"

namespace hubtel::deploy {

// An AWS error as the CLI reports it: "An error occurred (<code>) when calling ...".
struct AwsError {
  std::string code;     // e.g. ResourceNotFoundException; NoCredentials, EndpointConnection
  std::string message;  // the CLI's last line
};

// Reads the CLI's stderr into an error code and message.
AwsError parse_aws_error(const std::string& stderr_text);

// True for the errors AWS says to retry with backoff: throttling, and ResourceConflictException
// while another update of the function is in progress.
bool is_retryable(const AwsError& error);

// The delay before retry `attempt` (1, 2, ...): base * 2^(attempt-1), at most `cap`.
std::chrono::milliseconds backoff_delay(int attempt, std::chrono::milliseconds base,
                                        std::chrono::milliseconds cap);

// A failed AWS call: what step, which command, the AWS error.
class AwsFailure : public Error {
 public:
  AwsFailure(const std::string& what, AwsError error) : Error(what), error_(std::move(error)) {}
  [[nodiscard]] const AwsError& error() const { return error_; }

 private:
  AwsError error_;
};

// Why `aws ecr get-login-password` failed, from its stderr, with what to do when it had no
// credentials; `step` names what the login was for.
AwsFailure login_password_failure(const std::string& step, const std::string& stderr_text);

struct AwsOptions {
  std::string program = "aws";
  std::optional<std::string> region;  // --region, when the registry names one
  int max_attempts = 6;
  std::chrono::milliseconds base_delay{1000};
  std::chrono::milliseconds max_delay{16000};
  std::chrono::milliseconds call_timeout{std::chrono::minutes(5)};
  // How to wait between attempts (tests pass one that records instead of sleeping).
  std::function<void(std::chrono::milliseconds)> sleep;
  // Told of each retry before its wait, so a user sees why a step takes long: what failed (the
  // step and the command), the error, the coming attempt and the delay.
  std::function<void(const std::string&, const AwsError&, int, std::chrono::milliseconds)> on_retry;
};

class Aws {
 public:
  explicit Aws(AwsOptions options);

  // Runs `aws <service> <operation>` with `input` as its request; retries what is retryable and
  // returns the response. Throws AwsFailure naming `step` when the call fails.
  nlohmann::json call(const std::string& step, const std::string& service,
                      const std::string& operation, const nlohmann::json& input);

  // As call, but returns the error instead of throwing when its code is `tolerated`.
  std::optional<nlohmann::json> call_unless(const std::string& step, const std::string& service,
                                            const std::string& operation,
                                            const nlohmann::json& input,
                                            const std::string& tolerated);

  // Runs `aws lambda wait <waiter>` (falling back to the v1 name without "-v2") for a function,
  // killed after `timeout`. Throws Error naming `step` on failure.
  void wait(const std::string& step, const std::string& waiter, const std::string& function,
            std::chrono::seconds timeout);

  // `aws ecr get-login-password`: the first program of the push's login pipeline, and what the
  // registry reader runs to log in the same way.
  [[nodiscard]] std::vector<std::string> login_password_command() const;

  [[nodiscard]] const AwsOptions& options() const { return options_; }

 private:
  std::vector<std::string> base_command(const std::string& service,
                                        const std::string& operation) const;

  AwsOptions options_;
};

}  // namespace hubtel::deploy
