// A tiny Lambda runtime for invoke's end-to-end tests: speaks the Runtime API over raw sockets so
// it links statically and runs FROM scratch on any architecture.
//
// The event picks what it does: {"action":"error"} posts a function error, {"action":"sleep"}
// never answers, {"action":"exit"} exits with status 3, {"action":"big"} answers 7 MiB,
// {"action":"env"} answers what Lambda told it; any other event comes back upper-cased.
// HUBTEL_TEST_INIT_ERROR=1 posts an init error instead of asking for events;
// HUBTEL_TEST_EXIT_AT_START=<n> exits with status n without calling the API.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <thread>

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
