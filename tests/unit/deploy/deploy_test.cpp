// Unit tests of the deploy concern: pipelines of real programs, AWS error reading and the bounded
// backoff, spec checks, registry names, SAM quoting, and project scaffolding.
#include "common/error.hpp"
#include "common/files.hpp"
#include "deploy/aws.hpp"
#include "deploy/init.hpp"
#include "deploy/pipeline.hpp"
#include "deploy/push.hpp"
#include "deploy/sam.hpp"
#include "deploy/spec.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <unistd.h>
#include <filesystem>
#include <sstream>

namespace fs = std::filesystem;
using namespace hubtel;
using namespace hubtel::deploy;
using namespace std::chrono_literals;

namespace {

// A fresh folder per test, removed afterwards.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "hubtel-deploy-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("mkdtemp failed");
    }
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  [[nodiscard]] const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

nlohmann::json base_spec(const fs::path& dir) {
  return {{"spec_version", 1},
          {"name", "hello"},
          {"kind", "native"},
          {"architectures", {"x86_64"}},
          {"dir", dir.string()},
          {"dockerfile", (dir / "Dockerfile").string()},
          {"context", dir.string()},
          {"build_args", nlohmann::json::object()},
          {"repository", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/hello"},
          {"tag", "v1"},
          {"function_name", "hello-fn"},
          {"role", "arn:aws:iam::123456789012:role/lambda"},
          {"memory", 512},
          {"timeout", 30},
          {"environment", {{"K", "V"}}}};
}

fs::path write_spec(const TempDir& temp, const nlohmann::json& spec) {
  const auto path = temp.path() / "spec.json";
  write_file_atomically(path, spec.dump());
  return path;
}

std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
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

TEST(Pipeline, PipesOneProgramIntoTheNext) {
  const auto result = run_pipeline({Step{{"printf", "%s", "secret"}, {}}, Step{{"cat"}, {}}});
  EXPECT_TRUE(result.ok());
  EXPECT_EQ(result.out, "secret");
  ASSERT_EQ(result.steps.size(), 2U);
}

TEST(Pipeline, ReportsEachExitCodeAndStderr) {
  const auto result =
      run_pipeline({Step{{"sh", "-c", "echo first failed >&2; exit 3"}, {}},
                    Step{{"sh", "-c", "cat; echo second >&2; exit 0"}, {{"HUBTEL_X", "1"}}}});
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.steps[0].exit_code, 3);
  EXPECT_EQ(result.steps[0].err, "first failed\n");
  EXPECT_EQ(result.steps[1].exit_code, 0);
  EXPECT_EQ(result.steps[1].err, "second\n");
}

TEST(Pipeline, PassesTheExtraEnvironment) {
  const auto result =
      run_pipeline({Step{{"sh", "-c", "printf %s \"$HUBTEL_X\""}, {{"HUBTEL_X", "v"}}}});
  EXPECT_EQ(result.out, "v");
}

TEST(Pipeline, KillsWhatRunsPastItsTimeout) {
  PipelineOptions options;
  options.timeout = 300ms;
  const auto start = std::chrono::steady_clock::now();
  const auto result = run_pipeline({Step{{"sleep", "30"}, {}}}, options);
  EXPECT_TRUE(result.timed_out);
  EXPECT_FALSE(result.ok());
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
}

TEST(Pipeline, AMissingProgramIsAnError) {
  EXPECT_THROW(run_pipeline({Step{{"/nonexistent/program"}, {}}}), Error);
}

TEST(Pipeline, AnInputFileIsReadableByAChildOnly) {
  const InputFile input("{\"a\": 1}");
  PipelineOptions options;
  options.inherited_fds = {input.fd()};
  const auto result = run_pipeline({Step{{"cat", input.path()}, {}}}, options);
  EXPECT_TRUE(result.ok());
  EXPECT_EQ(result.out, "{\"a\": 1}");
  // Read twice (the AWS CLI does): the same content again.
  const auto again =
      run_pipeline({Step{{"sh", "-c", "cat \"$0\"; cat \"$0\"", input.path()}, {}}}, options);
  EXPECT_EQ(again.out, "{\"a\": 1}{\"a\": 1}");
}

TEST(Pipeline, LastLineSkipsBlankLines) {
  EXPECT_EQ(last_line("one\ntwo\n\n"), "two");
  EXPECT_EQ(last_line(""), "");
}

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
  const auto spec = read_deploy_spec(write_spec(temp, base_spec(temp.path())));
  EXPECT_EQ(spec.name, "hello");
  EXPECT_EQ(spec.function_name, "hello-fn");
  EXPECT_EQ(spec.memory, 512);
  EXPECT_EQ(spec.environment.at("K"), "V");
}

TEST(Spec, RejectsValuesThatCouldInjectSomething) {
  const TempDir temp;
  const std::vector<std::pair<std::string, nlohmann::json>> cases{
      {"repository", "registry.example/Bad Repo"},
      {"repository", "--help"},
      {"tag", "-v1"},
      {"tag", "v1\nx"},
      {"function_name", "a;b"},
      {"role", "arn:aws:iam::123:role/x"},
      {"memory", 64},
      {"timeout", 901},
      {"environment", {{"1BAD", "v"}}},
      {"environment", {{"K", "line\nbreak"}}},
      {"architectures", {"sparc"}},
  };
  for (const auto& [key, value] : cases) {
    auto spec = base_spec(temp.path());
    spec[key] = value;
    const auto what = error_of([&] { read_deploy_spec(write_spec(temp, spec)); });
    EXPECT_NE(what.find(fmt::format("has a bad '{}'", key)), std::string::npos)
        << key << ": " << what;
  }
}

TEST(Spec, NamesRegistriesAndTags) {
  EXPECT_EQ(registry_of("127.0.0.1:5000/a/b"), "127.0.0.1:5000");
  EXPECT_EQ(registry_of("library/hello"), "docker.io");
  EXPECT_EQ(registry_of("localhost/hello"), "localhost");
  EXPECT_EQ(repository_path("127.0.0.1:5000/a/b"), "a/b");
  const auto ecr = ecr_registry("123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/hello");
  ASSERT_TRUE(ecr);
  EXPECT_EQ(ecr->account, "123456789012");
  EXPECT_EQ(ecr->region, "eu-west-1");
  EXPECT_FALSE(ecr_registry("127.0.0.1:5000/hello"));
  EXPECT_FALSE(ecr_registry("123456789012.dkr.ecr.eu-west-1.amazonaws.com.evil.example/x"));

  DeploySpec spec;
  spec.architectures = {"x86_64"};
  EXPECT_EQ(push_tag(spec, "x86_64", std::nullopt), "latest");
  EXPECT_EQ(push_tag(spec, "x86_64", std::string("0123abcd")), "0123abcd");
  spec.tag = "v1";
  spec.architectures = {"x86_64", "arm64"};
  EXPECT_EQ(push_tag(spec, "arm64", std::string("0123abcd")), "v1-arm64");
}

TEST(Spec, ChecksPushedReferences) {
  const std::string digest = "sha256:" + std::string(64, 'a');
  EXPECT_EQ(digest_of_reference("127.0.0.1:5000/a/b@" + digest), digest);
  EXPECT_THROW(digest_of_reference("127.0.0.1:5000/a/b:v1"), Error);
  EXPECT_THROW(digest_of_reference("a@sha256:abc"), Error);
}

TEST(Push, ReadsTheDigestDockerPrints) {
  const std::string digest = "sha256:" + std::string(64, 'b');
  EXPECT_EQ(pushed_digest("The push refers to repository [x]\nabc: Pushed\nv1: digest: " + digest +
                          " size: 523\n"),
            digest);
  EXPECT_EQ(pushed_digest("nothing here"), "");
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

TEST(Init, WritesAProjectAndRefusesToOverwrite) {
  const TempDir temp;
  std::ostringstream out;
  run_init({temp.path() / "my-fn", "python", std::nullopt, std::nullopt}, out);
  EXPECT_TRUE(fs::exists(temp.path() / "my-fn" / "app.py"));
  const auto cmake = read_file(temp.path() / "my-fn" / "CMakeLists.txt");
  EXPECT_NE(cmake.find("find_package(HubtelAI 0.1 REQUIRED)"), std::string::npos);
  EXPECT_NE(cmake.find("hubtel_add_lambda_image(\n  my-fn"), std::string::npos) << cmake;
  EXPECT_NE(out.str().find("--target my-fn-deploy"), std::string::npos);
  const auto what = error_of([&] {
    run_init({temp.path() / "my-fn", "cpp", std::nullopt, std::nullopt}, out);
  });
  EXPECT_NE(what.find("is not empty"), std::string::npos) << what;
  EXPECT_THROW(check_project_name("a b"), Error);
  EXPECT_THROW(check_project_name(std::string(65, 'a')), Error);
  EXPECT_NO_THROW(check_project_name("a_b-9"));
}

// The printed configure command names the installed package, quoted for the shell when needed.
TEST(Init, PrintsThePackageFolderQuoted) {
  const TempDir temp;
  std::ostringstream out;
  run_init({temp.path() / "with space", "cpp", std::string("fn"),
            fs::path("/opt/hubtel ai/lib/cmake/HubtelAI")},
           out);
  EXPECT_NE(out.str().find("-G Ninja '-DHubtelAI_DIR=/opt/hubtel ai/lib/cmake/HubtelAI'\n"),
            std::string::npos)
      << out.str();
  EXPECT_NE(out.str().find("cmake --build '" + (temp.path() / "with space" / "build").string() +
                           "' --target fn-image"),
            std::string::npos)
      << out.str();
}
