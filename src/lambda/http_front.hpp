// The HTTP fronts of Lambda functions, as `hubtel-ai serve` plays them: an HTTP request becomes the
// event a function URL, an API Gateway HTTP API (payload 2.0), a REST API proxy (payload 1.0) or an
// Application Load Balancer sends, and the function's response becomes the HTTP response that
// front returns.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hubtel::lambda {

enum class HttpFront { function_url, apigw_http, apigw_rest, alb };

// "function-url", "apigw-http", "apigw-rest" or "alb"; nullopt for anything else.
std::optional<HttpFront> parse_http_front(std::string_view name);
std::string_view http_front_name(HttpFront front);

// Fields in the order received; names as the client spelled them.
using HttpFields = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method;
  std::string target;  // the raw path and query, as on the request line: /a%20b?x=1&x=2
  HttpFields headers;
  std::string body;
  std::string source_ip = "127.0.0.1";
};

// The event the front sends for the request, in the shape of `hubtel-ai event <front>`: method,
// raw path and query (decoded into parameters, as each front decodes them; multi-value for payload
// 1.0), headers (lowercased for payload 2.0 and ALB, multi-value for 1.0), cookies (2.0), the
// request context with `request_id` and `now`, and the body, Base64-encoded when it is not text.
nlohmann::ordered_json request_event(HttpFront front, const HttpRequest& request,
                                     const std::string& request_id,
                                     std::chrono::system_clock::time_point now);

struct HttpResponse {
  int status = 200;
  HttpFields headers;  // Set-Cookie once per cookie
  std::string body;
};

// The HTTP response the front makes of the function's response payload: statusCode, headers,
// multiValueHeaders (1.0 and ALB), cookies (2.0) and the body, decoded when isBase64Encoded. For
// payload 2.0 and function URLs a response without statusCode is a 200 with the payload as its
// JSON body. Throws Error saying what is wrong with a response the front would answer 502 to:
// not JSON, no statusCode (1.0, ALB), a status outside 100-599, a header or body of the wrong
// type, a body that is not Base64 when it says it is.
HttpResponse http_response(HttpFront front, std::string_view payload);

// The time as API Gateway writes it in requestContext: 01/Dec/2026:12:00:00 +0000.
std::string request_time(std::chrono::system_clock::time_point now);

// %XX escapes decoded; with `plus_is_space`, '+' too (query strings). Bad escapes stay as they are.
std::string percent_decode(std::string_view text, bool plus_is_space);

}  // namespace hubtel::lambda
