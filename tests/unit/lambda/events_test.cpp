// Unit tests of the sample events: every kind, where each carries a body, and --set.
#include "lambda/events.hpp"

#include "common/encoding.hpp"
#include "common/gunzip_fixture.hpp"
#include "spec/spec_fixture.hpp"

#include <gtest/gtest.h>

namespace hubtel::lambda {
namespace {

using json = nlohmann::ordered_json;
using test::error_of;
using test::gunzip;

std::string unbase64(const std::string& text) {
  auto bytes = from_base64(text);
  EXPECT_TRUE(bytes) << text;
  return bytes.value_or(std::string());
}

TEST(Events, EveryKindTheContractNames) {
  std::vector<std::string> names;
  for (const auto& kind : event_kinds()) {
    names.emplace_back(kind.name);
    EXPECT_TRUE(make_event(kind.name, std::nullopt, {}).is_object()) << kind.name;
  }
  EXPECT_EQ(names,
            (std::vector<std::string>{"apigw-rest", "apigw-http", "function-url", "alb", "s3-put",
                                      "s3-delete", "sqs", "sns", "eventbridge", "scheduled",
                                      "dynamodb-stream", "kinesis", "cloudwatch-logs"}));
}

TEST(Events, HttpKindsHaveTheirPayloadVersion) {
  const auto rest = make_event("apigw-rest", std::nullopt, {});
  EXPECT_EQ(rest["httpMethod"], "GET");
  EXPECT_EQ(rest["multiValueQueryStringParameters"]["name"], json::array({"Lambda"}));
  const auto http = make_event("apigw-http", std::nullopt, {});
  EXPECT_EQ(http["version"], "2.0");
  EXPECT_EQ(http["requestContext"]["http"]["method"], "GET");
  EXPECT_EQ(http["headers"]["user-agent"], "curl/8.4.0");  // lower-case in 2.0
  const auto url = make_event("function-url", std::nullopt, {});
  EXPECT_NE(url["requestContext"]["domainName"].get<std::string>().find(".lambda-url."),
            std::string::npos);
  EXPECT_TRUE(make_event("alb", std::nullopt, {})["requestContext"].contains("elb"));
}

TEST(Events, ABodyGoesWhereTheKindCarriesIt) {
  EXPECT_EQ(make_event("apigw-http", std::string("{\"a\":1}"), {})["body"], "{\"a\":1}");
  const auto binary = make_event("alb", std::string("\xff\x00\x01", 3), {});
  EXPECT_EQ(binary["isBase64Encoded"], true);
  EXPECT_EQ(unbase64(binary["body"]), std::string("\xff\x00\x01", 3));
  const auto sqs = make_event("sqs", std::string("Hello from SQS!"), {});
  EXPECT_EQ(sqs["Records"][0]["body"], "Hello from SQS!");
  EXPECT_EQ(sqs["Records"][0]["md5OfBody"], "7b270e59b47ff90a553787216d55d91d");
  EXPECT_EQ(make_event("sns", std::string("m"), {})["Records"][0]["Sns"]["Message"], "m");
  EXPECT_EQ(make_event("eventbridge", std::string("{\"k\":2}"), {})["detail"]["k"], 2);
  EXPECT_EQ(make_event("dynamodb-stream", std::string("{\"Id\":{\"N\":\"7\"}}"),
                       {})["Records"][0]["dynamodb"]["NewImage"]["Id"]["N"],
            "7");
  EXPECT_EQ(unbase64(make_event("kinesis", std::string("k"), {})["Records"][0]["kinesis"]["data"]),
            "k");
}

TEST(Events, CloudWatchLogsDataIsGzipThenBase64) {
  const auto event = make_event("cloudwatch-logs", std::string("a log line"),
                                {parse_event_setting("/logGroup=\"/aws/lambda/mine\"")});
  const auto inner = json::parse(gunzip(unbase64(event["awslogs"]["data"])));
  EXPECT_EQ(inner["messageType"], "DATA_MESSAGE");
  EXPECT_EQ(inner["logGroup"], "/aws/lambda/mine");
  EXPECT_EQ(inner["logEvents"][0]["message"], "a log line");
}

TEST(Events, SettingsTakeJsonOrElseAString) {
  const auto event = make_event("apigw-rest", std::nullopt,
                                {parse_event_setting("/queryStringParameters/name=\"you\""),
                                 parse_event_setting("/requestContext/requestTimeEpoch=5"),
                                 parse_event_setting("/body=plain words"),
                                 parse_event_setting("/stageVariables={\"env\":\"test\"}")});
  EXPECT_EQ(event["queryStringParameters"]["name"], "you");
  EXPECT_EQ(event["requestContext"]["requestTimeEpoch"], 5);
  EXPECT_EQ(event["body"], "plain words");
  EXPECT_EQ(event["stageVariables"]["env"], "test");
  // SQS's digest follows a body set with --set too.
  EXPECT_EQ(make_event("sqs", std::nullopt,
                       {parse_event_setting("/Records/0/body=\"\"")})["Records"][0]["md5OfBody"],
            "d41d8cd98f00b204e9800998ecf8427e");
}

TEST(Events, BadInputSaysWhatAndHow) {
  EXPECT_NE(error_of([] {
              make_event("java", std::nullopt, {});
            }).find("there is no event kind \"java\" (kinds: apigw-rest,"),
            std::string::npos);
  EXPECT_NE(error_of([] {
              make_event("s3-put", std::string("x"), {});
            }).find("an s3-put event carries no body; change it with --set"),
            std::string::npos);
  EXPECT_NE(
      error_of([] { make_event("eventbridge", std::string("not json"), {}); }).find("must be JSON"),
      std::string::npos);
  EXPECT_NE(error_of([] {
              make_event("dynamodb-stream", std::string("[1]"), {});
            }).find("NewImage: a JSON object"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_event_setting("name=1"); }).find("the pointer starts with '/'"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_event_setting("/a~2=1"); }).find("is not a JSON pointer"),
            std::string::npos);
  EXPECT_NE(
      error_of([] { make_event("sqs", std::nullopt, {parse_event_setting("/Records/x/y=1")}); })
          .find("--set /Records/x/y: the sqs event has no place there (unresolved reference "
                "token 'x')"),
      std::string::npos);
}

}  // namespace
}  // namespace hubtel::lambda
