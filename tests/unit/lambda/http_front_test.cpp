// Unit tests of the HTTP fronts: requests as each front's event, responses back as HTTP.
#include "lambda/http_front.hpp"

#include "lambda/events.hpp"

#include "spec/spec_fixture.hpp"

#include <gtest/gtest.h>

namespace hubtel::lambda {
namespace {

using json = nlohmann::ordered_json;
using test::error_of;

// 2026-12-01 12:00:00.250 UTC.
const auto kNow = std::chrono::system_clock::time_point(std::chrono::milliseconds(1796126400250));

HttpRequest sample_request() {
  HttpRequest request;
  request.method = "POST";
  request.target = "/a%20b/c?x=1&x=2&name=J%C3%BCrgen+M&flag";
  request.headers = {{"Host", "localhost:9000"}, {"User-Agent", "curl/8.4.0"},
                     {"X-Multi", "one"},         {"Cookie", "a=1; b=2"},
                     {"x-multi", "two"},         {"Content-Type", "text/plain"}};
  request.body = "hello";
  request.source_ip = "127.0.0.1";
  return request;
}

TEST(HttpFront, NamesTheFourFronts) {
  for (const auto* name : {"function-url", "apigw-http", "apigw-rest", "alb"}) {
    const auto front = parse_http_front(name);
    ASSERT_TRUE(front) << name;
    EXPECT_EQ(http_front_name(*front), name);
  }
  EXPECT_FALSE(parse_http_front("s3-put"));
  EXPECT_FALSE(parse_http_front(""));
}

TEST(HttpFront, FunctionUrlEventIsPayload2) {
  const auto event = request_event(HttpFront::function_url, sample_request(), "req-1", kNow);
  EXPECT_EQ(event["version"], "2.0");
  EXPECT_EQ(event["routeKey"], "$default");
  EXPECT_EQ(event["rawPath"], "/a%20b/c");
  EXPECT_EQ(event["rawQueryString"], "x=1&x=2&name=J%C3%BCrgen+M&flag");
  EXPECT_EQ(event["queryStringParameters"],
            (json{{"x", "1,2"}, {"name", "J\xC3\xBCrgen M"}, {"flag", ""}}));
  EXPECT_EQ(event["cookies"], (json{"a=1", "b=2"}));
  const auto& headers = event["headers"];
  EXPECT_EQ(headers["host"], "localhost:9000");
  EXPECT_EQ(headers["x-multi"], "one,two");
  EXPECT_EQ(headers["x-forwarded-for"], "127.0.0.1");
  EXPECT_EQ(headers["x-forwarded-proto"], "http");
  EXPECT_FALSE(headers.contains("cookie"));
  EXPECT_FALSE(headers.contains("Host"));
  const auto& context = event["requestContext"];
  EXPECT_EQ(context["accountId"], "anonymous");
  EXPECT_EQ(context["domainName"], "localhost:9000");
  EXPECT_EQ(context["http"]["method"], "POST");
  EXPECT_EQ(context["http"]["path"], "/a%20b/c");
  EXPECT_EQ(context["http"]["sourceIp"], "127.0.0.1");
  EXPECT_EQ(context["http"]["userAgent"], "curl/8.4.0");
  EXPECT_EQ(context["requestId"], "req-1");
  EXPECT_EQ(context["time"], "01/Dec/2026:12:00:00 +0000");
  EXPECT_EQ(context["timeEpoch"], 1796126400250U);
  EXPECT_EQ(event["body"], "hello");
  EXPECT_EQ(event["isBase64Encoded"], false);
}

TEST(HttpFront, HttpApiEventWithoutBodyQueryOrCookies) {
  HttpRequest request;
  request.method = "GET";
  request.target = "/";
  const auto event = request_event(HttpFront::apigw_http, request, "req-2", kNow);
  EXPECT_EQ(event["rawPath"], "/");
  EXPECT_EQ(event["rawQueryString"], "");
  EXPECT_FALSE(event.contains("queryStringParameters"));
  EXPECT_FALSE(event.contains("cookies"));
  EXPECT_FALSE(event.contains("body"));
  EXPECT_EQ(event["isBase64Encoded"], false);
  EXPECT_EQ(event["requestContext"]["accountId"], "123456789012");
  EXPECT_EQ(event["requestContext"]["stage"], "$default");
}

TEST(HttpFront, BodyThatIsNotTextIsBase64) {
  auto request = sample_request();
  request.body = std::string("\x89PNG\0\x01", 6);
  for (const auto front : {HttpFront::function_url, HttpFront::apigw_rest, HttpFront::alb}) {
    const auto event = request_event(front, request, "req", kNow);
    EXPECT_EQ(event["body"], "iVBORwAB") << http_front_name(front);
    EXPECT_EQ(event["isBase64Encoded"], true) << http_front_name(front);
  }
}

TEST(HttpFront, RestApiEventIsPayload1) {
  const auto event = request_event(HttpFront::apigw_rest, sample_request(), "req-3", kNow);
  EXPECT_FALSE(event.contains("version"));
  EXPECT_EQ(event["resource"], "/{proxy+}");
  EXPECT_EQ(event["path"], "/a b/c");
  EXPECT_EQ(event["httpMethod"], "POST");
  EXPECT_EQ(event["headers"]["Host"], "localhost:9000");
  EXPECT_EQ(event["headers"]["Cookie"], "a=1; b=2");
  EXPECT_EQ(event["headers"]["x-multi"], "two");
  EXPECT_EQ(event["multiValueHeaders"]["X-Multi"], (json{"one"}));
  EXPECT_EQ(event["multiValueHeaders"]["X-Forwarded-For"], (json{"127.0.0.1"}));
  EXPECT_EQ(event["queryStringParameters"],
            (json{{"x", "2"}, {"name", "J\xC3\xBCrgen M"}, {"flag", ""}}));
  EXPECT_EQ(event["multiValueQueryStringParameters"]["x"], (json{"1", "2"}));
  EXPECT_EQ(event["pathParameters"], (json{{"proxy", "a b/c"}}));
  const auto& context = event["requestContext"];
  EXPECT_EQ(context["path"], "/prod/a b/c");
  EXPECT_EQ(context["httpMethod"], "POST");
  EXPECT_EQ(context["requestId"], "req-3");
  EXPECT_EQ(context["requestTime"], "01/Dec/2026:12:00:00 +0000");
  EXPECT_EQ(context["requestTimeEpoch"], 1796126400250U);
  EXPECT_EQ(context["identity"]["sourceIp"], "127.0.0.1");
  EXPECT_EQ(context["identity"]["userAgent"], "curl/8.4.0");
  EXPECT_EQ(event["body"], "hello");

  HttpRequest bare;
  bare.method = "GET";
  bare.target = "/";
  const auto root = request_event(HttpFront::apigw_rest, bare, "req-4", kNow);
  EXPECT_TRUE(root["queryStringParameters"].is_null());
  EXPECT_TRUE(root["multiValueQueryStringParameters"].is_null());
  EXPECT_TRUE(root["pathParameters"].is_null());
  EXPECT_TRUE(root["body"].is_null());
}

TEST(HttpFront, LoadBalancerEventKeepsTheQueryAsSent) {
  const auto event = request_event(HttpFront::alb, sample_request(), "req-5", kNow);
  EXPECT_EQ(event["path"], "/a%20b/c");
  EXPECT_EQ(event["queryStringParameters"],
            (json{{"x", "2"}, {"name", "J%C3%BCrgen+M"}, {"flag", ""}}));
  EXPECT_EQ(event["headers"]["cookie"], "a=1; b=2");
  EXPECT_EQ(event["headers"]["x-multi"], "two");
  EXPECT_TRUE(event["requestContext"]["elb"]["targetGroupArn"].is_string());

  HttpRequest bare;
  bare.method = "GET";
  bare.target = "/";
  const auto root = request_event(HttpFront::alb, bare, "req-6", kNow);
  EXPECT_EQ(root["queryStringParameters"], json::object());
  EXPECT_EQ(root["body"], "");
}

TEST(HttpFront, DecodesPercentEscapes) {
  EXPECT_EQ(percent_decode("a%20b+c", false), "a b+c");
  EXPECT_EQ(percent_decode("a%20b+c", true), "a b c");
  EXPECT_EQ(percent_decode("%zz%4", true), "%zz%4");
  EXPECT_EQ(percent_decode("%41%62", false), "Ab");
  EXPECT_EQ(request_time(std::chrono::system_clock::time_point{}), "01/Jan/1970:00:00:00 +0000");
}

// The samples' epoch times and their text say the same moment.
TEST(HttpFront, SampleEventTimesAgree) {
  const auto at = [](std::uint64_t milliseconds) {
    return request_time(std::chrono::system_clock::time_point(
        std::chrono::milliseconds(static_cast<std::int64_t>(milliseconds))));
  };
  for (const auto* kind : {"apigw-http", "function-url"}) {
    const auto context = make_event(kind, std::nullopt, {})["requestContext"];
    EXPECT_EQ(at(context["timeEpoch"].get<std::uint64_t>()), context["time"]) << kind;
  }
  const auto context = make_event("apigw-rest", std::nullopt, {})["requestContext"];
  EXPECT_EQ(at(context["requestTimeEpoch"].get<std::uint64_t>()), context["requestTime"]);
}

TEST(HttpFront, ResponseWithoutStatusCodeIsJsonFor2) {
  for (const auto front : {HttpFront::function_url, HttpFront::apigw_http}) {
    for (const std::string payload : {R"({"message":"hi"})", R"("text")", "[1,2]", "null"}) {
      const auto response = http_response(front, payload);
      EXPECT_EQ(response.status, 200);
      EXPECT_EQ(response.body, payload);
      EXPECT_EQ(response.headers, (HttpFields{{"content-type", "application/json"}}));
    }
  }
}

TEST(HttpFront, StructuredResponse) {
  const auto response =
      http_response(HttpFront::function_url,
                    R"({"statusCode": 201, "headers": {"Content-Type": "text/plain", "X-Count": 3},
          "cookies": ["a=1; Path=/", "b=2"], "body": "aGk=", "isBase64Encoded": true})");
  EXPECT_EQ(response.status, 201);
  EXPECT_EQ(response.body, "hi");
  const HttpFields expected{{"Content-Type", "text/plain"},
                            {"X-Count", "3"},
                            {"set-cookie", "a=1; Path=/"},
                            {"set-cookie", "b=2"}};
  EXPECT_EQ(response.headers, expected);

  const auto text = http_response(HttpFront::apigw_http, R"({"statusCode": "404"})");
  EXPECT_EQ(text.status, 404);
  EXPECT_EQ(text.body, "");
  EXPECT_TRUE(text.headers.empty());
}

TEST(HttpFront, MultiValueHeadersFor1AndLoadBalancer) {
  for (const auto front : {HttpFront::apigw_rest, HttpFront::alb}) {
    const auto response = http_response(
        front, R"({"statusCode": 200, "multiValueHeaders": {"Set-Cookie": ["a=1", "b=2"],
                   "X-Same": ["x"]}, "headers": {"X-Same": "x", "X-One": "1"},
                   "body": {"not": "a string"}})");
    const HttpFields expected{
        {"Set-Cookie", "a=1"}, {"Set-Cookie", "b=2"}, {"X-Same", "x"}, {"X-One", "1"}};
    EXPECT_EQ(response.headers, expected) << http_front_name(front);
    EXPECT_EQ(response.body, R"({"not":"a string"})");
  }
  // Payload 2.0 has no multiValueHeaders.
  const auto two = http_response(HttpFront::apigw_http,
                                 R"({"statusCode": 200, "multiValueHeaders": {"A": ["1"]}})");
  EXPECT_TRUE(two.headers.empty());
}

TEST(HttpFront, TheServerFramesTheMessage) {
  const auto response = http_response(
      HttpFront::function_url,
      R"({"statusCode": 200, "headers": {"Content-Length": "1", "Transfer-Encoding": "chunked",
          "Connection": "close", "X-Kept": "yes"}, "body": "hello world"})");
  EXPECT_EQ(response.headers, (HttpFields{{"X-Kept", "yes"}}));
  EXPECT_EQ(response.body, "hello world");
}

TEST(HttpFront, RefusesResponsesTheFrontAnswers502To) {
  EXPECT_EQ(error_of([] {
              http_response(HttpFront::function_url,
                            R"({"statusCode": 200, "headers": {"x": "a\r\nInjected: yes"}})");
            }),
            "the response's header 'x' holds a line break or NUL");
  EXPECT_EQ(error_of([] {
              http_response(HttpFront::function_url,
                            R"({"statusCode": 200, "headers": {"bad name": "1"}})");
            }),
            "the response has a header named \"bad name\", which is not an HTTP token");
  EXPECT_EQ(error_of([] {
              http_response(HttpFront::apigw_http,
                            R"({"statusCode": 200, "cookies": ["a=1\nb: 2"]})");
            }),
            "the response's header 'set-cookie' holds a line break or NUL");
  EXPECT_EQ(error_of([] { http_response(HttpFront::function_url, "not json"); }),
            "the function's response is not JSON");
  EXPECT_EQ(error_of([] { http_response(HttpFront::apigw_rest, R"({"body": "x"})"); }),
            "the function's response has no statusCode, which a REST API proxy needs (a JSON "
            "object with statusCode, headers, body)");
  EXPECT_EQ(error_of([] { http_response(HttpFront::alb, R"("x")"); }),
            "the function's response has no statusCode, which an Application Load Balancer "
            "needs (a JSON object with statusCode, headers, body)");
  EXPECT_EQ(error_of([] { http_response(HttpFront::apigw_http, R"({"statusCode": 600})"); }),
            "the function's response has statusCode 600, not an HTTP status from 100 to 599");
  EXPECT_EQ(error_of([] { http_response(HttpFront::apigw_http, R"({"statusCode": "2x0"})"); }),
            "the function's response has statusCode \"2x0\", not an HTTP status from 100 to 599");
  EXPECT_EQ(error_of([] {
              http_response(HttpFront::apigw_http, R"({"statusCode": 200, "headers": {"a": {}}})");
            }),
            "the response's header 'a' is object, not a string");
  EXPECT_EQ(error_of([] {
              http_response(HttpFront::apigw_rest,
                            R"({"statusCode": 200, "multiValueHeaders": {"a": "1"}})");
            }),
            "the response's multiValueHeaders 'a' is not a list");
  EXPECT_EQ(error_of([] {
              http_response(HttpFront::function_url,
                            R"({"statusCode": 200, "body": "a b", "isBase64Encoded": true})");
            }),
            "the function's response says isBase64Encoded, but its body is not Base64");
  EXPECT_EQ(error_of([] {
              http_response(HttpFront::function_url, R"({"statusCode": 200, "cookies": "a=1"})");
            }),
            "the function's response has cookies that is not a list");
}

}  // namespace
}  // namespace hubtel::lambda
