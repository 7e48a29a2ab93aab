// A tiny Lambda runtime for invoke's end-to-end tests: speaks the Runtime API over raw sockets so
// it links statically and runs FROM scratch on any architecture.
//
// The event picks what it does: {"action":"error"} posts a function error, {"action":"sleep"}
// never answers, {"action":"exit"} exits with status 3, {"action":"big"} answers 7 MiB,
// {"action":"env"} answers what Lambda told it, {"action":"http"} (?action=http through an HTTP
// front) answers as an HTTP function does; any other event comes back upper-cased.
// The "http" answer: status 201, the request's X-Echo header back as x-echo, each request cookie
// back as a Set-Cookie (with "; Path=/") and one more, "served=yes; Max-Age=60", in `cookies` for
// payload 2.0 and in `multiValueHeaders` otherwise, and the request's body bytes, Base64-encoded.
// HUBTEL_TEST_INIT_ERROR=1 posts an init error instead of asking for events;
// HUBTEL_TEST_EXIT_AT_START=<n> exits with status n without calling the API.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace {

struct Reply {
  int status = 0;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
};

std::string api() {
  const char* value = std::getenv("AWS_LAMBDA_RUNTIME_API");
  if (value == nullptr) {
    std::fprintf(stderr, "test-runtime: AWS_LAMBDA_RUNTIME_API is not set\n");
    std::exit(2);
  }
  return value;
}

Reply call(const std::string& method, const std::string& path, const std::string& body = "",
           const std::string& extra_headers = "") {
  // host:port, then the path every request starts with (the per-invoke secret), as a client that
  // builds http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/... sends it.
  const auto endpoint = api();
  const auto slash = endpoint.find('/');
  const auto address = endpoint.substr(0, slash);
  const auto prefix = slash == std::string::npos ? std::string() : endpoint.substr(slash);
  const auto colon = address.rfind(':');
  // invoke serves on 127.0.0.1: an IPv4 address, so no resolver is linked into this program.
  sockaddr_in server{};
  server.sin_family = AF_INET;
  server.sin_port = htons(static_cast<std::uint16_t>(std::atoi(address.c_str() + colon + 1)));
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (inet_pton(AF_INET, address.substr(0, colon).c_str(), &server.sin_addr) != 1 || fd < 0 ||
      connect(fd, reinterpret_cast<const sockaddr*>(&server), sizeof server) != 0) {
    std::fprintf(stderr, "test-runtime: cannot connect to %s\n", address.c_str());
    std::exit(2);
  }
  std::string request =
      method + " " + prefix + "/2018-06-01/runtime" + path + " HTTP/1.1\r\nHost: " + address +
      "\r\nConnection: close\r\nContent-Type: application/json\r\n" + extra_headers +
      "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  for (std::size_t sent = 0; sent < request.size();) {
    const auto n = write(fd, request.data() + sent, request.size() - sent);
    if (n <= 0) {
      std::exit(2);
    }
    sent += static_cast<std::size_t>(n);
  }
  std::string text;
  char buffer[65536];
  for (;;) {
    const auto n = read(fd, buffer, sizeof buffer);
    if (n <= 0) {
      break;
    }
    text.append(buffer, static_cast<std::size_t>(n));
  }
  close(fd);
  Reply reply;
  const auto end = text.find("\r\n\r\n");
  if (text.size() < 12 || end == std::string::npos) {
    std::fprintf(stderr, "test-runtime: bad reply to %s %s\n", method.c_str(), path.c_str());
    std::exit(2);
  }
  reply.status = std::atoi(text.substr(9, 3).c_str());
  for (auto line = text.find("\r\n") + 2; line < end;) {
    const auto next = text.find("\r\n", line);
    const auto header = text.substr(line, next - line);
    auto name = header.substr(0, header.find(':'));
    for (auto& c : name) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    auto value = header.substr(header.find(':') + 1);
    value.erase(0, value.find_first_not_of(' '));
    reply.headers[name] = value;
    line = next + 2;
  }
  reply.body = text.substr(end + 4);
  return reply;
}

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? "" : value;
}

// Just enough JSON for the "http" action, whose event nlohmann::json wrote (serve's fronts).

std::size_t skip_space(const std::string& text, std::size_t at) {
  while (at < text.size() && std::isspace(static_cast<unsigned char>(text[at])) != 0) {
    ++at;
  }
  return at;
}

// Where the JSON value that starts at `at` ends.
std::size_t skip_value(const std::string& text, std::size_t at) {
  int depth = 0;
  for (bool quoted = false; at < text.size(); ++at) {
    const char c = text[at];
    if (quoted) {
      if (c == '\\') {
        ++at;
      } else if (c == '"') {
        quoted = false;
        if (depth == 0) {
          return at + 1;
        }
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (--depth <= 0) {
        return depth == 0 ? at + 1 : at;
      }
    } else if (depth == 0 && (c == ',' || std::isspace(static_cast<unsigned char>(c)) != 0)) {
      return at;
    }
  }
  return at;
}

void append_utf8(std::string& out, unsigned long code) {
  if (code < 0x80) {
    out += static_cast<char>(code);
    return;
  }
  static const unsigned char kLead[] = {0, 0xC0, 0xE0, 0xF0};
  const int extra = code < 0x800 ? 1 : code < 0x10000 ? 2 : 3;
  out += static_cast<char>(kLead[extra] | (code >> (6 * extra)));
  for (int shift = 6 * (extra - 1); shift >= 0; shift -= 6) {
    out += static_cast<char>(0x80 | ((code >> shift) & 0x3F));
  }
}

// The text of a JSON string (quotes included); an empty text for anything else (null).
std::string unquote(const std::string& json) {
  std::string out;
  if (json.size() < 2 || json.front() != '"') {
    return out;
  }
  for (std::size_t i = 1; i + 1 < json.size(); ++i) {
    if (json[i] != '\\') {
      out += json[i];
      continue;
    }
    switch (const char c = json[++i]) {
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'u': {
        auto code = std::stoul(json.substr(i + 1, 4), nullptr, 16);
        i += 4;
        if (code >= 0xD800 && code < 0xDC00 && json.compare(i + 1, 2, "\\u") == 0) {
          code = 0x10000 + ((code - 0xD800) << 10) +
                 (std::stoul(json.substr(i + 3, 4), nullptr, 16) - 0xDC00);
          i += 6;
        }
        append_utf8(out, code);
        break;
      }
      default:  // \" \\ \/
        out += c;
    }
  }
  return out;
}

std::string quote(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(c));
      out += escaped;
    } else {
      out += c;
    }
  }
  return out + '"';
}

std::string lower(std::string text) {
  for (auto& c : text) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return text;
}

// The JSON text of the member `name` (any case) of a JSON object; empty when there is none.
std::string member(const std::string& object, const std::string& name) {
  auto at = skip_space(object, 0);
  if (at == object.size() || object[at] != '{') {
    return "";
  }
  for (at = skip_space(object, at + 1); at < object.size() && object[at] == '"';) {
    const auto key_end = skip_value(object, at);
    const auto value = skip_space(object, skip_space(object, key_end) + 1);
    const auto value_end = skip_value(object, value);
    if (lower(unquote(object.substr(at, key_end - at))) == lower(name)) {
      return object.substr(value, value_end - value);
    }
    at = skip_space(object, value_end);
    at = at < object.size() && object[at] == ',' ? skip_space(object, at + 1) : object.size();
  }
  return "";
}

// The JSON texts of a JSON array's items.
std::vector<std::string> items(const std::string& array) {
  std::vector<std::string> out;
  auto at = skip_space(array, 0);
  if (at == array.size() || array[at] != '[') {
    return out;
  }
  for (at = skip_space(array, at + 1); at < array.size() && array[at] != ']';) {
    const auto end = skip_value(array, at);
    out.push_back(array.substr(at, end - at));
    at = skip_space(array, end);
    at = at < array.size() && array[at] == ',' ? skip_space(array, at + 1) : array.size();
  }
  return out;
}

const char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string to_base64(const std::string& bytes) {
  std::string out;
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    std::uint32_t group = static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16;
    if (i + 1 < bytes.size()) {
      group |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8;
    }
    if (i + 2 < bytes.size()) {
      group |= static_cast<unsigned char>(bytes[i + 2]);
    }
    out += kBase64[(group >> 18) & 63];
    out += kBase64[(group >> 12) & 63];
    out += i + 1 < bytes.size() ? kBase64[(group >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? kBase64[group & 63] : '=';
  }
  return out;
}

std::optional<std::string> from_base64(const std::string& text) {
  std::string out;
  std::uint32_t bits = 0;
  int count = 0;
  std::size_t i = 0;
  for (; i < text.size() && text[i] != '='; ++i) {
    const char* digit = text[i] == '\0' ? nullptr : std::strchr(kBase64, text[i]);
    if (digit == nullptr) {
      return std::nullopt;
    }
    bits = (bits << 6) | static_cast<std::uint32_t>(digit - kBase64);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out += static_cast<char>((bits >> count) & 0xFF);
    }
  }
  if (text.size() % 4 != 0 || text.find_first_not_of('=', i) != std::string::npos) {
    return std::nullopt;
  }
  return out;
}

// The "http" action's answer to an event of an HTTP front; nullopt when its body is not Base64
// although it says so.
std::optional<std::string> http_answer(const std::string& event) {
  auto body = unquote(member(event, "body"));
  if (member(event, "isBase64Encoded") == "true") {
    const auto bytes = from_base64(body);
    if (!bytes) {
      return std::nullopt;
    }
    body = *bytes;
  }
  const auto headers = member(event, "headers");
  const bool version_2 = member(event, "version") == R"("2.0")";
  // Payload 2.0 lists the cookies; 1.0 and an ALB pass the Cookie header.
  std::vector<std::string> cookies;
  if (version_2) {
    for (const auto& item : items(member(event, "cookies"))) {
      cookies.push_back(unquote(item));
    }
  } else {
    const auto header = unquote(member(headers, "cookie"));
    for (std::size_t start = 0; start < header.size();) {
      const auto stop = std::min(header.find(';', start), header.size());
      const auto first = header.find_first_not_of(' ', start);
      if (first < stop) {
        cookies.push_back(header.substr(first, stop - first));
      }
      start = stop + 1;
    }
  }
  std::string set_cookies;
  for (const auto& cookie : cookies) {
    set_cookies += quote(cookie + "; Path=/") + ",";
  }
  set_cookies += R"("served=yes; Max-Age=60")";
  return R"({"statusCode":201,"headers":{"content-type":"application/octet-stream","x-echo":)" +
         quote(unquote(member(headers, "x-echo"))) + "}," +
         (version_2 ? R"("cookies":[)" + set_cookies + "]"
                    : R"("multiValueHeaders":{"set-cookie":[)" + set_cookies + "]}") +
         R"(,"body":)" + quote(to_base64(body)) + R"(,"isBase64Encoded":true})";
}

}  // namespace

int main() {
  if (const auto code = env("HUBTEL_TEST_EXIT_AT_START"); !code.empty()) {
    return std::atoi(code.c_str());
  }
  if (env("HUBTEL_TEST_INIT_ERROR") == "1") {
    std::fprintf(stderr, "test-runtime: failing init as asked\n");
    call(
        "POST", "/init/error",
        R"({"errorMessage":"init failed as asked","errorType":"Runtime.TestInitError","stackTrace":[]})",
        "Lambda-Runtime-Function-Error-Type: Runtime.TestInitError\r\n");
    return 1;
  }
  for (;;) {
    const auto next = call("GET", "/invocation/next");
    if (next.status != 200) {
      return 2;
    }
    const auto id = next.headers.at("lambda-runtime-aws-request-id");
    const auto& event = next.body;
    std::fprintf(stderr, "test-runtime: request %s event %s\n", id.c_str(), event.c_str());
    const auto path = "/invocation/" + id;
    if (event.find(R"("action":"error")") != std::string::npos) {
      call(
          "POST", path + "/error",
          R"({"errorMessage":"the event asked for an error","errorType":"TestError","stackTrace":["runtime.cpp"]})",
          "Lambda-Runtime-Function-Error-Type: TestError\r\n");
    } else if (event.find(R"("action":"sleep")") != std::string::npos) {
      std::this_thread::sleep_for(std::chrono::hours(1));
    } else if (event.find(R"("action":"exit")") != std::string::npos) {
      return 3;
    } else if (event.find(R"("action":"big")") != std::string::npos) {
      const auto reply = call("POST", path + "/response", std::string(7 << 20, 'x'));
      std::fprintf(stderr, "test-runtime: big response answered %d\n", reply.status);
    } else if (event.find(R"("action":"http")") != std::string::npos) {
      if (const auto answer = http_answer(event)) {
        call("POST", path + "/response", *answer);
      } else {
        call("POST", path + "/error",
             R"({"errorMessage":"the body is not Base64","errorType":"TestError","stackTrace":[]})",
             "Lambda-Runtime-Function-Error-Type: TestError\r\n");
      }
    } else if (event.find(R"("action":"env")") != std::string::npos) {
      const auto deadline = std::stoll(next.headers.at("lambda-runtime-deadline-ms"));
      const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
      const auto body = "{\"function\":\"" + env("AWS_LAMBDA_FUNCTION_NAME") + "\",\"memory\":\"" +
                        env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE") + "\",\"version\":\"" +
                        env("AWS_LAMBDA_FUNCTION_VERSION") + "\",\"region\":\"" +
                        env("AWS_REGION") + "\",\"value\":\"" + env("HUBTEL_TEST_VALUE") +
                        "\",\"arn\":\"" + next.headers.at("lambda-runtime-invoked-function-arn") +
                        "\",\"trace\":\"" + next.headers.at("lambda-runtime-trace-id") +
                        "\",\"remaining_s\":" + std::to_string((deadline - now + 500) / 1000) + "}";
      call("POST", path + "/response", body);
    } else {
      std::string upper = event;
      for (auto& c : upper) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      }
      call("POST", path + "/response", upper);
    }
  }
}
