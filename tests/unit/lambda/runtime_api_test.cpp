// The local Runtime API driven by an httplib client acting as a Lambda runtime.
#include "lambda/runtime_api.hpp"

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <future>
#include <regex>
#include <string>
#include <thread>

using hubtel::lambda::FunctionConfig;
using hubtel::lambda::Outcome;
using hubtel::lambda::RuntimeApi;
using namespace std::chrono_literals;

namespace {

const std::string next_path = "/2018-06-01/runtime/invocation/next";

std::string invocation_path(const std::string& id, const std::string& what) {
  return "/2018-06-01/runtime/invocation/" + id + "/" + what;
}

std::int64_t epoch_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A started API with one queued event and a client to play the runtime.
class RuntimeApiTest : public ::testing::Test {
 protected:
  RuntimeApiTest() : api_(config()), client_("127.0.0.1", api_.start()) {
    client_.set_read_timeout(10, 0);
  }

  static FunctionConfig config() {
    FunctionConfig result;
    result.name = "hello";
    result.region = "eu-west-1";
    result.timeout = std::chrono::seconds(42);
    return result;
  }

  // Hands the event out with /next; returns its request id.
  std::string take(const std::string& event) {
    const auto id = api_.invoke(event);
    const auto next = client_.Get(next_path.c_str());
    EXPECT_TRUE(next);
    EXPECT_EQ(next->status, 200);
    EXPECT_EQ(next->body, event);
    EXPECT_EQ(next->get_header_value("Lambda-Runtime-Aws-Request-Id"), id);
    return id;
  }

  Outcome outcome(const std::string& id) {
    const auto status = api_.wait(id, 5s);
    EXPECT_TRUE(status.outcome);
    return status.outcome.value_or(Outcome{});
  }

  // Posts one byte over Lambda's limit to `path`; the runtime hears 413, the outcome is `id`'s.
  Outcome outcome_of_oversized(const std::string& id, const std::string& path) {
    const std::string body(hubtel::lambda::max_payload_bytes + 1, 'x');
    const auto posted = client_.Post(path.c_str(), body, "application/json");
    EXPECT_TRUE(posted);
    EXPECT_EQ(posted->status, 413);
    EXPECT_EQ(json_of(posted)["errorType"], "RequestEntityTooLarge");
    return outcome(id);
  }

  static nlohmann::json json_of(const httplib::Result& result) {
    return nlohmann::json::parse(result->body, nullptr, false);
  }

  RuntimeApi api_;
  httplib::Client client_;
};

TEST_F(RuntimeApiTest, ResponseIsTheOutcome) {
  const auto id = take(R"({"key":"value"})");
  EXPECT_FALSE(api_.wait(id, 10ms).outcome);
  const auto posted =
      client_.Post(invocation_path(id, "response").c_str(), R"({"ok":true})", "application/json");
  ASSERT_TRUE(posted);
  EXPECT_EQ(posted->status, 202);
  EXPECT_EQ(json_of(posted), (nlohmann::json{{"status", "OK"}}));
  const auto result = outcome(id);
  EXPECT_EQ(result.kind, Outcome::Kind::response);
  EXPECT_EQ(result.payload, R"({"ok":true})");
}

TEST_F(RuntimeApiTest, NextHasTheInvocationHeaders) {
  const auto id = api_.invoke("{}");
  const auto before = epoch_ms();
  const auto next = client_.Get(next_path.c_str());
  const auto after = epoch_ms();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
  EXPECT_EQ(next->body, "{}");
  EXPECT_EQ(next->get_header_value("Content-Type"), "application/json");

  const auto request_id = next->get_header_value("Lambda-Runtime-Aws-Request-Id");
  EXPECT_EQ(request_id, id);
  EXPECT_TRUE(std::regex_match(
      request_id,
      std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")))
      << request_id;

  const auto deadline = std::stoll(next->get_header_value("Lambda-Runtime-Deadline-Ms"));
  EXPECT_GE(deadline, before + 42'000);
  EXPECT_LE(deadline, after + 42'000);

  EXPECT_EQ(next->get_header_value("Lambda-Runtime-Invoked-Function-Arn"),
            "arn:aws:lambda:eu-west-1:000000000000:function:hello");

  const auto trace = next->get_header_value("Lambda-Runtime-Trace-Id");
  std::smatch parts;
  ASSERT_TRUE(std::regex_match(
      trace, parts, std::regex("Root=1-([0-9a-f]{8})-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0")))
      << trace;
  // The root's first part is the epoch second the trace started.
  EXPECT_NEAR(static_cast<double>(std::stoll(parts[1].str(), nullptr, 16)),
              static_cast<double>(before) / 1000, 2.0);

  EXPECT_TRUE(api_.wait(id, 10ms).handed_out);
}

TEST_F(RuntimeApiTest, EachInvocationHasItsOwnIds) {
  const auto first = take("1");
  ASSERT_EQ(client_.Post(invocation_path(first, "response").c_str(), "1", "text/plain")->status,
            202);
  const auto second = take("2");
  EXPECT_NE(first, second);
  EXPECT_NE(hubtel::lambda::make_trace_id(), hubtel::lambda::make_trace_id());
}

TEST_F(RuntimeApiTest, FunctionErrorKeepsTheDocumentAndType) {
  const auto id = take("{}");
  const std::string document =
      R"({"errorMessage":"boom","errorType":"ValueError","stackTrace":["a.py:1"]})";
  const auto posted = client_.Post(invocation_path(id, "error").c_str(),
                                   {{"Lambda-Runtime-Function-Error-Type", "Unhandled"}}, document,
                                   "application/vnd.aws.lambda.error+json");
  ASSERT_TRUE(posted);
  EXPECT_EQ(posted->status, 202);
  const auto result = outcome(id);
  EXPECT_EQ(result.kind, Outcome::Kind::function_error);
  EXPECT_EQ(result.payload, document);
  EXPECT_EQ(result.error_type, "ValueError");
}

TEST_F(RuntimeApiTest, FunctionErrorWithoutADocumentUsesTheHeader) {
  const auto id = take("{}");
  const auto posted = client_.Post(invocation_path(id, "error").c_str(),
                                   {{"Lambda-Runtime-Function-Error-Type", "Runtime.Crash"}},
                                   "not json", "text/plain");
  ASSERT_TRUE(posted);
  EXPECT_EQ(posted->status, 202);
  const auto result = outcome(id);
  EXPECT_EQ(result.kind, Outcome::Kind::function_error);
  EXPECT_EQ(result.error_type, "Runtime.Crash");
  const auto document = nlohmann::json::parse(result.payload);
  EXPECT_EQ(document["errorType"], "Runtime.Crash");
  EXPECT_EQ(document["errorMessage"], "not json");
}

TEST_F(RuntimeApiTest, FunctionErrorTypeWithoutTheHeader) {
  const auto id = take("{}");
  ASSERT_EQ(client_
                .Post(invocation_path(id, "error").c_str(),
                      R"({"errorMessage":"m","errorType":"KeyError"})", "application/json")
                ->status,
            202);
  EXPECT_EQ(outcome(id).error_type, "KeyError");
}

TEST_F(RuntimeApiTest, InitErrorEndsTheInvocation) {
  const auto id = api_.invoke("{}");
  const std::string document = R"({"errorMessage":"no module","errorType":"ModuleNotFoundError"})";
  const auto posted =
      client_.Post("/2018-06-01/runtime/init/error",
                   {{"Lambda-Runtime-Function-Error-Type", "Runtime.ImportModuleError"}}, document,
                   "application/json");
  ASSERT_TRUE(posted);
  EXPECT_EQ(posted->status, 202);
  const auto status = api_.wait(id, 5s);
  ASSERT_TRUE(status.outcome);
  EXPECT_FALSE(status.handed_out);
  EXPECT_EQ(status.outcome->kind, Outcome::Kind::init_error);
  EXPECT_EQ(status.outcome->payload, document);
  EXPECT_EQ(status.outcome->error_type, "Runtime.ImportModuleError");
}

TEST_F(RuntimeApiTest, InitErrorAfterInitIsForbidden) {
  take("{}");
  const auto posted = client_.Post("/2018-06-01/runtime/init/error", "{}", "application/json");
  ASSERT_TRUE(posted);
  EXPECT_EQ(posted->status, 403);
  EXPECT_EQ(json_of(posted)["errorType"], "InvalidStateTransition");
}

TEST_F(RuntimeApiTest, UnknownRequestIdIsABadRequest) {
  const auto id = take("{}");
  const auto stranger = hubtel::lambda::make_request_id();
  for (const char* what : {"response", "error"}) {
    const auto posted =
        client_.Post(invocation_path(stranger, what).c_str(), "{}", "application/json");
    ASSERT_TRUE(posted);
    EXPECT_EQ(posted->status, 400) << what;
    EXPECT_EQ(json_of(posted), (nlohmann::json{{"errorMessage", "Invalid request ID"},
                                               {"errorType", "InvalidRequestID"}}));
  }
  // The right id is still answerable.
  EXPECT_FALSE(api_.wait(id, 10ms).outcome);
  EXPECT_EQ(client_.Post(invocation_path(id, "response").c_str(), "{}", "application/json")->status,
            202);
}

TEST_F(RuntimeApiTest, UnknownRequestIdWithNothingRunningIsABadRequest) {
  const auto posted =
      client_.Post(invocation_path("no-such-id", "response").c_str(), "{}", "application/json");
  ASSERT_TRUE(posted);
  EXPECT_EQ(posted->status, 400);
  EXPECT_EQ(json_of(posted)["errorType"], "InvalidRequestID");
}

TEST_F(RuntimeApiTest, SecondAnswerIsForbidden) {
  const auto id = take("{}");
  ASSERT_EQ(client_.Post(invocation_path(id, "response").c_str(), "1", "text/plain")->status, 202);
  const auto again = client_.Post(invocation_path(id, "error").c_str(), "{}", "application/json");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 403);
  EXPECT_EQ(json_of(again)["errorType"], "InvalidStateTransition");
  EXPECT_EQ(outcome(id).payload, "1");
}

TEST_F(RuntimeApiTest, NextWhileAnInvocationRunsIsForbidden) {
  take("{}");
  const auto next = client_.Get(next_path.c_str());
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 403);
  EXPECT_EQ(json_of(next)["errorType"], "InvalidStateTransition");
}

TEST_F(RuntimeApiTest, PayloadOverSixMebibytesIsTooLarge) {
  const auto id = take("{}");
  const auto result = outcome_of_oversized(id, invocation_path(id, "response"));
  EXPECT_EQ(result.kind, Outcome::Kind::function_error);
  EXPECT_EQ(result.error_type, "Function.ResponseSizeTooLarge");
  EXPECT_NE(result.payload.find("6291457 bytes"), std::string::npos) << result.payload;
}

TEST_F(RuntimeApiTest, PayloadOfSixMebibytesIsAccepted) {
  const auto id = take("{}");
  const std::string payload(hubtel::lambda::max_payload_bytes, 'x');
  const auto posted =
      client_.Post(invocation_path(id, "response").c_str(), payload, "application/json");
  ASSERT_TRUE(posted);
  EXPECT_EQ(posted->status, 202);
  EXPECT_EQ(outcome(id).payload.size(), hubtel::lambda::max_payload_bytes);
}

TEST_F(RuntimeApiTest, NextWaitsForAnEvent) {
  auto next = std::async(std::launch::async, [this] { return client_.Get(next_path.c_str()); });
  EXPECT_EQ(next.wait_for(200ms), std::future_status::timeout);
  const auto id = api_.invoke(R"("late")");
  const auto result = next.get();
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(result->body, R"("late")");
  EXPECT_EQ(result->get_header_value("Lambda-Runtime-Aws-Request-Id"), id);
}

TEST_F(RuntimeApiTest, StopReleasesAWaitingRuntime) {
  auto next = std::async(std::launch::async, [this] { return client_.Get(next_path.c_str()); });
  EXPECT_EQ(next.wait_for(100ms), std::future_status::timeout);
  const auto started = std::chrono::steady_clock::now();
  api_.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 8s);
  const auto result = next.get();
  EXPECT_TRUE(!result || result->status == 500);
}

TEST_F(RuntimeApiTest, WakeEndsAWait) {
  const auto id = api_.invoke("{}");
  auto waiter = std::async(std::launch::async, [&] { return api_.wait(id, 30s); });
  std::this_thread::sleep_for(50ms);
  api_.wake();
  ASSERT_EQ(waiter.wait_for(5s), std::future_status::ready);
  EXPECT_FALSE(waiter.get().outcome);
}

TEST(RuntimeApiIds, RequestIdsAreVersionFourUuids) {
  const std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  for (int i = 0; i < 100; ++i) {
    const auto id = hubtel::lambda::make_request_id();
    EXPECT_TRUE(std::regex_match(id, uuid)) << id;
  }
  EXPECT_NE(hubtel::lambda::make_request_id(), hubtel::lambda::make_request_id());
}

TEST(RuntimeApiIds, FunctionArn) {
  FunctionConfig config;
  config.name = "fn";
  config.region = "ap-south-1";
  EXPECT_EQ(hubtel::lambda::function_arn(config),
            "arn:aws:lambda:ap-south-1:000000000000:function:fn");
}

}  // namespace

namespace {

TEST_F(RuntimeApiTest, ErrorDocumentsOverSixMebibytesAreCountedNotKept) {
  const auto id = take("{}");
  const auto result = outcome_of_oversized(id, invocation_path(id, "error"));
  EXPECT_EQ(result.kind, Outcome::Kind::function_error);
  EXPECT_EQ(result.error_type, "Function.ResponseSizeTooLarge");
  EXPECT_LT(result.payload.size(), 256U);
  EXPECT_NE(result.payload.find("Error document size (6291457 bytes) exceeded maximum allowed "
                                "payload size (6291456 bytes)."),
            std::string::npos)
      << result.payload;
}

TEST_F(RuntimeApiTest, InitErrorDocumentsOverSixMebibytesAreCountedNotKept) {
  const auto result = outcome_of_oversized(api_.invoke("{}"), "/2018-06-01/runtime/init/error");
  EXPECT_EQ(result.kind, Outcome::Kind::init_error);
  EXPECT_LT(result.payload.size(), 256U);
  EXPECT_NE(result.payload.find("Init error document size (6291457 bytes)"), std::string::npos)
      << result.payload;
}

TEST(RuntimeApiSecret, RequestsWithoutTheSecretAreRefused) {
  const auto secret = hubtel::lambda::make_secret();
  EXPECT_TRUE(std::regex_match(secret, std::regex("[0-9a-f]{32}"))) << secret;
  EXPECT_NE(secret, hubtel::lambda::make_secret());
  RuntimeApi api(FunctionConfig{}, secret);
  httplib::Client client("127.0.0.1", api.start());
  client.set_read_timeout(10, 0);
  const auto id = api.invoke(R"({"for":"the container"})");
  // Another local process, without the secret, can neither take the event nor answer it.
  for (const auto& path : {next_path, "/x" + next_path, "/" + secret.substr(1) + next_path}) {
    const auto refused = client.Get(path.c_str());
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 403) << path;
    EXPECT_EQ(nlohmann::json::parse(refused->body)["errorType"], "AccessDenied");
  }
  const auto forged = client.Post(invocation_path(id, "response").c_str(), "forged", "text/plain");
  ASSERT_TRUE(forged);
  EXPECT_EQ(forged->status, 403);
  EXPECT_FALSE(api.wait(id, 10ms).handed_out);
  // The container, with it, can.
  const auto next = client.Get(("/" + secret + next_path).c_str());
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
  EXPECT_EQ(next->body, R"({"for":"the container"})");
  const auto posted =
      client.Post(("/" + secret + invocation_path(id, "response")).c_str(), "42", "text/plain");
  ASSERT_TRUE(posted);
  EXPECT_EQ(posted->status, 202);
  const auto status = api.wait(id, 5s);
  ASSERT_TRUE(status.outcome);
  EXPECT_EQ(status.outcome->payload, "42");
}

}  // namespace
