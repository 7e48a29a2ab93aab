// HTTP requests as the events of Lambda's HTTP fronts, and responses back: see http_front.hpp.
// Each event starts from the front's sample (events.cpp), so both have one shape.
#include "lambda/http_front.hpp"

#include "common/encoding.hpp"
#include "common/error.hpp"
#include "lambda/events.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <ctime>
#include <map>

namespace hubtel::lambda {
namespace {

using json = nlohmann::ordered_json;

std::string lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
           return std::tolower(x) == std::tolower(y);
         });
}

std::string field(const HttpFields& fields, std::string_view name) {
  for (const auto& [key, value] : fields) {
    if (same_name(key, name)) {
      return value;
    }
  }
  return {};
}

// The query's parameters in order, each decoded when `decode` (API Gateway decodes them; an
// Application Load Balancer passes them as sent).
std::vector<std::pair<std::string, std::string>> query_parameters(std::string_view query,
                                                                  bool decode) {
  std::vector<std::pair<std::string, std::string>> parameters;
  std::size_t start = 0;
  while (start < query.size()) {
    auto stop = query.find('&', start);
    if (stop == std::string_view::npos) {
      stop = query.size();
    }
    const auto part = query.substr(start, stop - start);
    if (!part.empty()) {
      const auto equals = part.find('=');
      auto key = std::string(part.substr(0, equals));
      auto value =
          equals == std::string_view::npos ? std::string() : std::string(part.substr(equals + 1));
      if (decode) {
        key = percent_decode(key, true);
        value = percent_decode(value, true);
      }
      parameters.emplace_back(std::move(key), std::move(value));
    }
    start = stop + 1;
  }
  return parameters;
}

// Single values: the last of each name (payload 1.0, ALB) or all joined with commas (2.0).
json single_values(const std::vector<std::pair<std::string, std::string>>& pairs, bool join) {
  json values = json::object();
  for (const auto& [key, value] : pairs) {
    if (join && values.contains(key)) {
      values[key] = values[key].get<std::string>() + "," + value;
    } else {
      values[key] = value;
    }
  }
  return values;
}

json multi_values(const std::vector<std::pair<std::string, std::string>>& pairs) {
  json values = json::object();
  for (const auto& [key, value] : pairs) {
    values[key].push_back(value);
  }
  return values;
}

// The request's headers as the event carries them, with what a front adds when the client did
// not send it.
HttpFields event_headers(const HttpRequest& request, bool lower, bool keep_cookie) {
  HttpFields headers;
  for (const auto& [name, value] : request.headers) {
    if (!keep_cookie && same_name(name, "cookie")) {
      continue;
    }
    headers.emplace_back(lower ? lowercase(name) : name, value);
  }
  const auto add = [&](std::string name, const std::string& value) {
    if (field(request.headers, name).empty()) {
      headers.emplace_back(lower ? lowercase(std::move(name)) : std::move(name), value);
    }
  };
  add("X-Forwarded-For", request.source_ip);
  add("X-Forwarded-Proto", "http");
  return headers;
}

// The Cookie headers' cookies, one string each, as payload 2.0 lists them.
json cookies_of(const HttpFields& headers) {
  json cookies = json::array();
  for (const auto& [name, value] : headers) {
    if (!same_name(name, "cookie")) {
      continue;
    }
    std::size_t start = 0;
    while (start < value.size()) {
      auto stop = value.find(';', start);
      if (stop == std::string::npos) {
        stop = value.size();
      }
      auto cookie = value.substr(start, stop - start);
      const auto first = cookie.find_first_not_of(' ');
      const auto last = cookie.find_last_not_of(' ');
      if (first != std::string::npos) {
        cookies.push_back(cookie.substr(first, last - first + 1));
      }
      start = stop + 1;
    }
  }
  return cookies;
}

std::uint64_t epoch_milliseconds(std::chrono::system_clock::time_point now) {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count());
}

// The body where the event carries it, as a string, Base64-encoded when it is not text; an
// empty body is `empty` (no key at all when that is absent).
void set_body(json& event, const std::string& body, const std::optional<json>& empty) {
  if (body.empty()) {
    if (empty) {
      event["body"] = *empty;
    } else {
      event.erase("body");
    }
    event["isBase64Encoded"] = false;
  } else if (is_text(body)) {
    event["body"] = body;
    event["isBase64Encoded"] = false;
  } else {
    event["body"] = base64(body);
    event["isBase64Encoded"] = true;
  }
}

json version_2_event(HttpFront front, const HttpRequest& request, const std::string& request_id,
                     std::chrono::system_clock::time_point now) {
  auto event = make_event(http_front_name(front), std::nullopt, {});
  const auto question = request.target.find('?');
  const auto raw_path = request.target.substr(0, question);
  const auto raw_query =
      question == std::string::npos ? std::string() : request.target.substr(question + 1);
  event["rawPath"] = raw_path;
  event["rawQueryString"] = raw_query;
  const auto cookies = cookies_of(request.headers);
  if (cookies.empty()) {
    event.erase("cookies");
  } else {
    event["cookies"] = cookies;
  }
  event["headers"] = single_values(event_headers(request, true, false), true);
  const auto parameters = query_parameters(raw_query, true);
  if (parameters.empty()) {
    event.erase("queryStringParameters");
  } else {
    event["queryStringParameters"] = single_values(parameters, true);
  }
  auto& context = event["requestContext"];
  const auto host = field(request.headers, "host");
  if (!host.empty()) {
    context["domainName"] = host;
    context["domainPrefix"] = host.substr(0, host.find('.'));
  }
  context["http"]["method"] = request.method;
  context["http"]["path"] = raw_path;
  context["http"]["sourceIp"] = request.source_ip;
  context["http"]["userAgent"] = field(request.headers, "user-agent");
  context["requestId"] = request_id;
  context["time"] = request_time(now);
  context["timeEpoch"] = epoch_milliseconds(now);
  set_body(event, request.body, std::nullopt);
  return event;
}

json version_1_event(const HttpRequest& request, const std::string& request_id,
                     std::chrono::system_clock::time_point now) {
  auto event = make_event("apigw-rest", std::nullopt, {});
  const auto question = request.target.find('?');
  const auto path = percent_decode(request.target.substr(0, question), false);
  const auto raw_query =
      question == std::string::npos ? std::string() : request.target.substr(question + 1);
  event["path"] = path;
  event["httpMethod"] = request.method;
  const auto headers = event_headers(request, false, true);
  event["headers"] = single_values(headers, false);
  event["multiValueHeaders"] = multi_values(headers);
  const auto parameters = query_parameters(raw_query, true);
  event["queryStringParameters"] = parameters.empty() ? json() : single_values(parameters, false);
  event["multiValueQueryStringParameters"] = parameters.empty() ? json() : multi_values(parameters);
  event["pathParameters"] = path.size() > 1 ? json{{"proxy", path.substr(1)}} : json();
  auto& context = event["requestContext"];
  context["httpMethod"] = request.method;
  context["path"] = fmt::format("/{}{}", context["stage"].get<std::string>(), path);
  context["requestTime"] = request_time(now);
  context["requestTimeEpoch"] = epoch_milliseconds(now);
  context["requestId"] = request_id;
  context["extendedRequestId"] = request_id;
  context["identity"]["sourceIp"] = request.source_ip;
  context["identity"]["userAgent"] = field(request.headers, "user-agent");
  const auto host = field(request.headers, "host");
  if (!host.empty()) {
    context["domainName"] = host;
    context["domainPrefix"] = host.substr(0, host.find('.'));
  }
  set_body(event, request.body, json());
  return event;
}

json alb_event(const HttpRequest& request) {
  auto event = make_event("alb", std::nullopt, {});
  const auto question = request.target.find('?');
  const auto raw_query =
      question == std::string::npos ? std::string() : request.target.substr(question + 1);
  event["httpMethod"] = request.method;
  event["path"] = request.target.substr(0, question);
  event["queryStringParameters"] = single_values(query_parameters(raw_query, false), false);
  event["headers"] = single_values(event_headers(request, true, true), false);
  set_body(event, request.body, json(""));
  return event;
}

// A header name of a response: an HTTP token (RFC 9110), else the response is refused.
void check_header_name(std::string_view name) {
  const bool token = !name.empty() && std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return std::isalnum(c) != 0 ||
           std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
  });
  if (!token) {
    throw Error(fmt::format("the response has a header named {}, which is not an HTTP token",
                            json(std::string(name)).dump()));
  }
}

// A header value of a response: strings as they are, numbers and booleans as JSON writes them;
// never a line break or NUL, which would end the header and start another.
std::string header_value(const json& value, std::string_view name) {
  check_header_name(name);
  std::string text;
  if (value.is_string()) {
    text = value.get<std::string>();
  } else if (value.is_number() || value.is_boolean()) {
    text = value.dump();
  } else {
    throw Error(
        fmt::format("the response's header '{}' is {}, not a string", name, value.type_name()));
  }
  if (text.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
    throw Error(fmt::format("the response's header '{}' holds a line break or NUL", name));
  }
  return text;
}

// Headers that frame the HTTP message: the server writes them, never the function.
bool frames_message(std::string_view name) {
  for (const auto* framing : {"content-length", "transfer-encoding", "connection", "keep-alive"}) {
    if (same_name(name, framing)) {
      return true;
    }
  }
  return false;
}

// A statusCode as a number (200) or a string of digits ("200"); -1 for anything else.
std::int64_t status_code(const json& status) {
  if (status.is_number_integer()) {
    return status.get<std::int64_t>();
  }
  if (status.is_string()) {
    const auto& text = status.get_ref<const std::string&>();
    if (!text.empty() && text.size() <= 3 &&
        std::all_of(text.begin(), text.end(),
                    [](unsigned char c) { return std::isdigit(c) != 0; })) {
      return std::stoll(text);
    }
  }
  return -1;
}

const json kNoHeaders = json::object();

}  // namespace

std::optional<HttpFront> parse_http_front(std::string_view name) {
  if (name == "function-url") {
    return HttpFront::function_url;
  }
  if (name == "apigw-http") {
    return HttpFront::apigw_http;
  }
  if (name == "apigw-rest") {
    return HttpFront::apigw_rest;
  }
  if (name == "alb") {
    return HttpFront::alb;
  }
  return std::nullopt;
}

std::string_view http_front_name(HttpFront front) {
  switch (front) {
    case HttpFront::function_url:
      return "function-url";
    case HttpFront::apigw_http:
      return "apigw-http";
    case HttpFront::apigw_rest:
      return "apigw-rest";
    case HttpFront::alb:
      return "alb";
  }
  return "function-url";
}

std::string percent_decode(std::string_view text, bool plus_is_space) {
  const auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  };
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2])));
      i += 2;
    } else if (plus_is_space && text[i] == '+') {
      out.push_back(' ');
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

std::string request_time(std::chrono::system_clock::time_point now) {
  static constexpr std::array<const char*, 12> kMonths{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const auto seconds = std::chrono::system_clock::to_time_t(now);
  std::tm utc{};
  ::gmtime_r(&seconds, &utc);
  return fmt::format("{:02}/{}/{:04}:{:02}:{:02}:{:02} +0000", utc.tm_mday,
                     kMonths.at(static_cast<std::size_t>(utc.tm_mon)), utc.tm_year + 1900,
                     utc.tm_hour, utc.tm_min, utc.tm_sec);
}

nlohmann::ordered_json request_event(HttpFront front, const HttpRequest& request,
                                     const std::string& request_id,
                                     std::chrono::system_clock::time_point now) {
  switch (front) {
    case HttpFront::function_url:
    case HttpFront::apigw_http:
      return version_2_event(front, request, request_id, now);
    case HttpFront::apigw_rest:
      return version_1_event(request, request_id, now);
    case HttpFront::alb:
      return alb_event(request);
  }
  return version_2_event(front, request, request_id, now);
}

HttpResponse http_response(HttpFront front, std::string_view payload) {
  const bool version_2 = front == HttpFront::function_url || front == HttpFront::apigw_http;
  json document;
  try {
    document = json::parse(payload);
  } catch (const json::exception&) {
    throw Error("the function's response is not JSON");
  }
  HttpResponse response;
  if (!document.is_object() || !document.contains("statusCode")) {
    if (!version_2) {
      throw Error(fmt::format(
          "the function's response has no statusCode, which {} needs (a JSON object with "
          "statusCode, headers, body)",
          front == HttpFront::alb ? "an Application Load Balancer" : "a REST API proxy"));
    }
    response.headers.emplace_back("content-type", "application/json");
    response.body = std::string(payload);
    return response;
  }
  const auto& status = document["statusCode"];
  const auto code = status_code(status);
  if (code < 100 || code > 599) {
    throw Error(
        fmt::format("the function's response has statusCode {}, not an HTTP status from "
                    "100 to 599",
                    status.dump()));
  }
  response.status = static_cast<int>(code);
  if (document.contains("multiValueHeaders") && !version_2) {
    const auto& headers = document["multiValueHeaders"];
    if (!headers.is_object() && !headers.is_null()) {
      throw Error("the function's response has multiValueHeaders that is not an object");
    }
    const auto& listed = headers.is_null() ? kNoHeaders : headers;
    for (const auto& [name, values] : listed.items()) {
      if (!values.is_array()) {
        throw Error(fmt::format("the response's multiValueHeaders '{}' is not a list", name));
      }
      for (const auto& value : values) {
        auto text = header_value(value, name);
        if (!frames_message(name)) {
          response.headers.emplace_back(name, std::move(text));
        }
      }
    }
  }
  if (document.contains("headers") && !document["headers"].is_null()) {
    const auto& headers = document["headers"];
    if (!headers.is_object()) {
      throw Error("the function's response has headers that is not an object");
    }
    for (const auto& item : headers.items()) {
      // Not a structured binding: a lambda below captures the name (clang 14 allows no such
      // capture).
      const std::string name = item.key();
      auto text = header_value(item.value(), name);
      if (frames_message(name)) {
        continue;
      }
      const bool listed =
          std::any_of(response.headers.begin(), response.headers.end(), [&](const auto& header) {
            return same_name(header.first, name) && header.second == text;
          });
      if (!listed) {
        response.headers.emplace_back(name, std::move(text));
      }
    }
  }
  if (version_2 && document.contains("cookies") && !document["cookies"].is_null()) {
    const auto& cookies = document["cookies"];
    if (!cookies.is_array()) {
      throw Error("the function's response has cookies that is not a list");
    }
    for (const auto& cookie : cookies) {
      if (!cookie.is_string()) {
        throw Error("the function's response has a cookie that is not a string");
      }
      response.headers.emplace_back("set-cookie", header_value(cookie, "set-cookie"));
    }
  }
  const auto& body = document.contains("body") ? document["body"] : json();
  if (body.is_string()) {
    response.body = body.get<std::string>();
  } else if (!body.is_null()) {
    response.body = body.dump();
  }
  const auto& encoded = document.contains("isBase64Encoded") ? document["isBase64Encoded"] : json();
  if (encoded.is_boolean() && encoded.get<bool>()) {
    auto bytes = from_base64(response.body);
    if (!bytes) {
      throw Error("the function's response says isBase64Encoded, but its body is not Base64");
    }
    response.body = std::move(*bytes);
  }
  return response;
}

}  // namespace hubtel::lambda
