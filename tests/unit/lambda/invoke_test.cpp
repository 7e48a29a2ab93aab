// The checks and command line around an invoke: --env, function names, events, the run command.
#include "lambda/invoke.hpp"

#include "common/error.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace fs = std::filesystem;
using hubtel::Error;
using hubtel::lambda::environment_problem;
using hubtel::lambda::function_name_of;
using hubtel::lambda::function_name_problem;
using hubtel::lambda::read_event;

namespace {

// One folder per test process (CTest runs the discovered tests as parallel processes), removed at
// the end.
const fs::path& work_dir() {
  static const fs::path dir =
      fs::temp_directory_path() / ("hubtel-invoke-test-" + std::to_string(::getpid()));
  return dir;
}

class CleanUp : public ::testing::Environment {
 public:
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(work_dir(), ignored);
  }
};

const auto* const clean_up = ::testing::AddGlobalTestEnvironment(new CleanUp);

fs::path write_temporary(const std::string& name, const std::string& content) {
  fs::create_directories(work_dir());
  const auto path = work_dir() / name;
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const Error& error) {
    return error.what();
  }
  return "no error";
}

TEST(InvokeEnvironment, AcceptsNamesAndValues) {
  EXPECT_EQ(environment_problem("KEY=value"), "");
  EXPECT_EQ(environment_problem("_k1=a=b c"), "");
  EXPECT_EQ(environment_problem("EMPTY="), "");
  EXPECT_EQ(environment_problem("UTF8=\xc3\xa9t\xc3\xa9"), "");
}

TEST(InvokeEnvironment, RejectsBadNamesAndControlCharacters) {
  EXPECT_EQ(environment_problem("NOVALUE"), "\"NOVALUE\" is not KEY=VALUE");
  EXPECT_EQ(environment_problem("1KEY=v"),
            "\"1KEY\" is not a variable name (expected [A-Za-z_][A-Za-z0-9_]*)");
  EXPECT_EQ(environment_problem("=v"),
            "\"\" is not a variable name (expected [A-Za-z_][A-Za-z0-9_]*)");
  EXPECT_EQ(environment_problem("A-B=v"),
            "\"A-B\" is not a variable name (expected [A-Za-z_][A-Za-z0-9_]*)");
  EXPECT_EQ(environment_problem("K=line\nnext"),
            "the value of K has a control character (a newline, a tab...)");
  EXPECT_EQ(environment_problem("K=a\tb"),
            "the value of K has a control character (a newline, a tab...)");
  EXPECT_EQ(environment_problem("K=a\x7f"),
            "the value of K has a control character (a newline, a tab...)");
  EXPECT_NE(environment_problem("AWS_LAMBDA_RUNTIME_API=1.2.3.4:9"), "");
}

TEST(InvokeFunctionName, FromTheImageReference) {
  EXPECT_EQ(function_name_of("hubtel/hello:x86_64"), "hello");
  EXPECT_EQ(function_name_of("registry.local:5000/team/api-fn:v1"), "api-fn");
  EXPECT_EQ(function_name_of("registry.local:5000/team/api_fn"), "api_fn");
  EXPECT_EQ(function_name_of("hello@sha256:0123456789abcdef"), "hello");
  EXPECT_EQ(function_name_of("my.fn:latest"), "my-fn");
  EXPECT_EQ(
      function_name_of("sha256:8b8d07287e3fb34d4fa857a791aa5c67ea2eeb7f203151dce57aae05be51d36f"),
      "function");
  EXPECT_EQ(function_name_of("8b8d07287e3f"), "function");
  EXPECT_EQ(function_name_problem(function_name_of(std::string(100, 'a'))), "");
}

TEST(InvokeFunctionName, Problems) {
  EXPECT_EQ(function_name_problem("hello-world_2"), "");
  EXPECT_NE(function_name_problem(""), "");
  EXPECT_NE(function_name_problem("a b"), "");
  EXPECT_NE(function_name_problem(std::string(65, 'a')), "");
}

TEST(InvokeEvent, DefaultIsAnEmptyObject) {
  std::istringstream in("ignored");
  EXPECT_EQ(read_event("", in), "{}");
}

TEST(InvokeEvent, FileBytesAreKeptExactly) {
  const std::string event = "{ \"a\" : [1, 2],\n \"b\": \"\xc3\xa9\" }\n";
  std::istringstream in;
  EXPECT_EQ(read_event(write_temporary("event.json", event).string(), in), event);
}

TEST(InvokeEvent, StandardInput) {
  std::istringstream in("[1,2,3]");
  EXPECT_EQ(read_event("-", in), "[1,2,3]");
}

TEST(InvokeEvent, NotJsonNamesTheFile) {
  const auto path = write_temporary("bad.json", "{\"a\": }");
  std::istringstream in;
  const auto message = error_of([&] { (void)read_event(path.string(), in); });
  EXPECT_EQ(message.rfind("event file '" + path.string() + "' is not valid JSON: parse error", 0),
            0U)
      << message;
}

TEST(InvokeEvent, NotJsonOnStandardInput) {
  std::istringstream in("hello");
  const auto message = error_of([&] { (void)read_event("-", in); });
  EXPECT_EQ(message.rfind("the event on standard input is not valid JSON: parse error", 0), 0U)
      << message;
}

TEST(InvokeEvent, EmptyIsNotJson) {
  std::istringstream in("");
  EXPECT_NE(error_of([&] { (void)read_event("-", in); }).find("is not valid JSON"),
            std::string::npos);
}

TEST(InvokeEvent, MissingFile) {
  std::istringstream in;
  EXPECT_EQ(error_of([&] { (void)read_event("/nonexistent/event.json", in); }),
            "--event: cannot read '/nonexistent/event.json': No such file or directory");
}

TEST(InvokeEvent, OverSixMebibytes) {
  std::istringstream in("\"" + std::string(6U << 20U, 'x') + "\"");
  EXPECT_EQ(error_of([&] { (void)read_event("-", in); }),
            "the event on standard input is 6291458 bytes; Lambda accepts at most 6291456 (6 MiB)");
}

TEST(InvokeRun, CommandLine) {
  hubtel::lambda::InvokeRequest request;
  request.image = "hubtel/hello:arm64";
  request.platform = "linux/arm64";
  request.environment = {"A=1", "AWS_REGION=eu-west-3"};
  request.engine = "/usr/bin/docker";
  const auto argv =
      hubtel::lambda::run_command_line(request, "hubtel-invoke-x", {"AWS_REGION=us-east-1"});
  const std::vector<std::string> expected{"/usr/bin/docker",
                                          "run",
                                          "--rm",
                                          "--network",
                                          "host",
                                          "--name",
                                          "hubtel-invoke-x",
                                          "--platform",
                                          "linux/arm64",
                                          "--env",
                                          "AWS_REGION=us-east-1",
                                          "--env",
                                          "A=1",
                                          "--env",
                                          "AWS_REGION=eu-west-3",
                                          "hubtel/hello:arm64"};
  EXPECT_EQ(argv, expected);
}

TEST(InvokeRun, MissingEngineSaysWhatToInstall) {
  hubtel::lambda::InvokeRequest request;
  request.image = "hubtel/hello:x86_64";
  request.engine = "no-such-engine-program";
  std::istringstream in;
  std::ostringstream out;
  std::ostringstream err;
  const auto message = error_of([&] { hubtel::lambda::invoke(request, in, out, err); });
  EXPECT_EQ(message.rfind("cannot run the container engine 'no-such-engine-program': no such "
                          "program on PATH; install Debian's docker.io",
                          0),
            0U)
      << message;
  EXPECT_EQ(out.str(), "");
}

TEST(InvokeErrors, LongErrorDocumentsAreShownCutShort) {
  EXPECT_EQ(hubtel::lambda::error_excerpt(R"({"errorType":"E"})"), R"({"errorType":"E"})");
  const std::string exact(hubtel::lambda::max_shown_error_bytes, 'a');
  EXPECT_EQ(hubtel::lambda::error_excerpt(exact), exact);
  const auto shown = hubtel::lambda::error_excerpt(std::string(6U << 20, 'b'));
  EXPECT_EQ(shown.size(), hubtel::lambda::max_shown_error_bytes + 57);
  EXPECT_TRUE(shown.ends_with("\n... (6275072 more bytes of the error document not shown)"))
      << shown.substr(shown.size() - 80);
}

}  // namespace
