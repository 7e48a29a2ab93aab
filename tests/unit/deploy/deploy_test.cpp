// Unit tests of the deploy concern: AWS error reading and the bounded backoff, the function
// members of a spec, and SAM templates.
#include "deploy/aws.hpp"
#include "deploy/sam.hpp"
#include "spec/image_spec.hpp"
#include "spec/spec_fixture.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <unistd.h>
#include <filesystem>
#include <sstream>

namespace fs = std::filesystem;
using namespace hubtel;
using namespace hubtel::deploy;
using hubtel::test::error_of;
using hubtel::test::TempDir;
using namespace std::chrono_literals;

namespace {

nlohmann::json base_spec(const fs::path& dir) {
  auto spec = test::native_spec(dir);
  spec.update({{"repository", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/hello"},
               {"tag", "v1"},
               {"function_name", "hello-fn"},
               {"role", "arn:aws:iam::123456789012:role/lambda"},
               {"memory", 512},
               {"timeout", 30},
               {"environment", {{"K", "V"}}}});
  return spec;
}

fs::path write_spec(const TempDir& temp, const nlohmann::json& spec) {
  return test::write_spec(temp.path(), spec);
}

// An AWS CLI stand-in for the retry test: fails with `code` the first `failures` calls, then
// answers {}. It counts its calls in a file beside it.
fs::path flaky_aws(const TempDir& temp, const std::string& code, int failures) {
  const auto script = temp.path() / "aws";
  write_file_atomically(
      script,
      fmt::format("#!/bin/sh\n"
                  "count=$(cat '{0}/calls' 2>/dev/null || echo 0)\n"
                  "echo $((count + 1)) > '{0}/calls'\n"
                  "if [ \"$count\" -lt {1} ]; then\n"
                  "  echo >&2\n"
                  "  echo 'An error occurred ({2}) when calling the UpdateFunctionCode operation: "
                  "An update is in progress for resource' >&2\n"
                  "  exit 255\n"
                  "fi\n"
                  "echo '{{\"Args\": \"'\"$*\"'\"}}'\n",
                  temp.path().string(), failures, code));
  fs::permissions(script, fs::perms::owner_all);
  return script;
}

}  // namespace

TEST(AwsErrors, ReadsTheCodeOfAServiceError) {
  const auto error = parse_aws_error(
      "\nAn error occurred (ResourceConflictException) when calling the UpdateFunctionCode "
      "operation: The operation cannot be performed at this time.\n");
  EXPECT_EQ(error.code, "ResourceConflictException");
  EXPECT_EQ(error.message,
            "An error occurred (ResourceConflictException) when calling the UpdateFunctionCode "
            "operation: The operation cannot be performed at this time.");
  EXPECT_EQ(parse_aws_error("Unable to locate credentials. You can configure ...").code,
            "NoCredentials");
  EXPECT_EQ(parse_aws_error("\nCould not connect to the endpoint URL: \"http://x/\"\n").code,
            "EndpointConnection");
}

TEST(AwsErrors, TheEcrLoginSaysWhatFailedAndWhatToDo) {
  // The push and size <ECR reference> log in the same way, and fail with the same words.
  const auto missing = login_password_failure("size 1.dkr.ecr.us-east-1.amazonaws.com/app:v1",
                                              "\nUnable to locate credentials. You can configure "
                                              "credentials by running \"aws configure\".\n");
  EXPECT_STREQ(missing.what(),
               "size 1.dkr.ecr.us-east-1.amazonaws.com/app:v1: aws ecr get-login-password failed: "
               "Unable to locate credentials. You can configure credentials by running \"aws "
               "configure\".; give the AWS CLI credentials (AWS_PROFILE, or AWS_ACCESS_KEY_ID and "
               "AWS_SECRET_ACCESS_KEY)");
  EXPECT_EQ(missing.error().code, "NoCredentials");
  const auto denied =
      login_password_failure("push app",
                             "\nAn error occurred (AccessDeniedException) when calling the "
                             "GetAuthorizationToken operation: not authorized\n");
  EXPECT_STREQ(denied.what(),
               "push app: aws ecr get-login-password failed: An error occurred "
               "(AccessDeniedException) when calling the GetAuthorizationToken operation: not "
               "authorized");
  EXPECT_EQ(denied.error().code, "AccessDeniedException");
}

TEST(AwsErrors, RetriesThrottlingAndConflictsOnly) {
  EXPECT_TRUE(is_retryable({"ResourceConflictException", "An update is in progress"}));
  EXPECT_TRUE(is_retryable({"TooManyRequestsException", "Rate exceeded"}));
  EXPECT_TRUE(is_retryable({"ThrottlingException", "Rate exceeded"}));
  EXPECT_FALSE(is_retryable({"ResourceConflictException", "Function already exist: x"}));
  EXPECT_FALSE(is_retryable({"ResourceNotFoundException", "Function not found"}));
  EXPECT_FALSE(is_retryable({"NoCredentials", ""}));
}

TEST(AwsErrors, BacksOffExponentiallyUpToACap) {
  EXPECT_EQ(backoff_delay(1, 1000ms, 16000ms), 1000ms);
  EXPECT_EQ(backoff_delay(2, 1000ms, 16000ms), 2000ms);
  EXPECT_EQ(backoff_delay(4, 1000ms, 16000ms), 8000ms);
  EXPECT_EQ(backoff_delay(9, 1000ms, 16000ms), 16000ms);
}

TEST(Aws, RetriesAConflictWithBackoffThenSucceeds) {
  const TempDir temp;
  std::vector<std::chrono::milliseconds> slept;
  AwsOptions options;
  options.program = flaky_aws(temp, "ResourceConflictException", 2).string();
  options.region = "eu-west-1";
  options.sleep = [&slept](std::chrono::milliseconds delay) { slept.push_back(delay); };
  Aws aws(options);
  const auto answer =
      aws.call("deploy f", "lambda", "update-function-code", nlohmann::json{{"FunctionName", "f"}});
  EXPECT_EQ(slept, (std::vector<std::chrono::milliseconds>{1000ms, 2000ms}));
  EXPECT_EQ(read_file(temp.path() / "calls"), "3\n");
  const auto args = answer.at("Args").get<std::string>();
  EXPECT_NE(args.find("lambda update-function-code --region eu-west-1 --cli-input-json "
                      "file:///proc/self/fd/"),
            std::string::npos)
      << args;
}

TEST(Aws, GivesUpAfterABoundedNumberOfAttempts) {
  const TempDir temp;
  std::vector<std::chrono::milliseconds> slept;
  AwsOptions options;
  options.program = flaky_aws(temp, "TooManyRequestsException", 100).string();
  options.max_attempts = 4;
  options.sleep = [&slept](std::chrono::milliseconds delay) { slept.push_back(delay); };
  Aws aws(options);
  const auto what = error_of([&] {
    aws.call("deploy f: updating the function's code", "lambda", "update-function-code",
             nlohmann::json::object());
  });
  EXPECT_EQ(slept.size(), 3U);
  EXPECT_EQ(read_file(temp.path() / "calls"), "4\n");
  EXPECT_NE(what.find("deploy f: updating the function's code: aws lambda update-function-code "
                      "failed (after 4 attempts with backoff): An error occurred "
                      "(TooManyRequestsException)"),
            std::string::npos)
      << what;
}

TEST(Aws, DoesNotRetryOtherErrors) {
  const TempDir temp;
  int sleeps = 0;
  AwsOptions options;
  options.program = flaky_aws(temp, "ResourceNotFoundException", 1).string();
  options.sleep = [&sleeps](std::chrono::milliseconds) { ++sleeps; };
  Aws aws(options);
  EXPECT_FALSE(aws.call_unless("s", "lambda", "get-function", nlohmann::json::object(),
                               "ResourceNotFoundException"));
  EXPECT_EQ(sleeps, 0);
}

TEST(Spec, ReadsAndChecksTheDeployMembers) {
  const TempDir temp;
  const auto spec = spec::read(write_spec(temp, base_spec(temp.path())));
  EXPECT_EQ(spec.name, "hello");
  EXPECT_EQ(spec.function_name, "hello-fn");
  EXPECT_EQ(spec.memory, 512);
  EXPECT_EQ(spec.environment.at("K"), "V");
}

TEST(Sam, QuotesEveryValue) {
  EXPECT_EQ(yaml_quoted("plain"), "\"plain\"");
  EXPECT_EQ(yaml_quoted("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(yaml_quoted("x\ny"), "\"x\\x0ay\"");
  EXPECT_EQ(logical_id("hello-world_fn"), "HelloWorldFn");
  EXPECT_EQ(logical_id("9lives"), "Image9lives");
}

TEST(Sam, PinsTheImageByThePushedDigest) {
  const TempDir temp;
  const auto path = write_spec(temp, base_spec(temp.path()));
  const std::string reference =
      "123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/hello@sha256:" + std::string(64, 'c');
  write_file_atomically(temp.path() / "push-x86_64.ref", reference + "\n");
  const auto text = sam_template({path});
  EXPECT_NE(text.find("ImageUri: \"" + reference + "\""), std::string::npos) << text;
  EXPECT_NE(text.find("PackageType: Image"), std::string::npos);
  EXPECT_NE(text.find("HelloFnFunction:"), std::string::npos);
  EXPECT_NE(text.find("Dockerfile: \"Dockerfile\""), std::string::npos);
  EXPECT_NE(text.find("\"K\": \"V\""), std::string::npos);
}

TEST(Aws, WaitsForAFunctionWhoseNameStartsWithADash) {
  const TempDir temp;
  const auto script = temp.path() / "aws";
  write_file_atomically(script,
                        fmt::format("#!/bin/sh\necho \"$*\" > '{}/args'\n", temp.path().string()));
  fs::permissions(script, fs::perms::owner_all);
  AwsOptions options;
  options.program = script.string();
  Aws aws(options);
  aws.wait("deploy f", "function-updated-v2", "-fn", 10s);
  EXPECT_NE(read_file(temp.path() / "args").find("--function-name=-fn"), std::string::npos)
      << read_file(temp.path() / "args");
}
