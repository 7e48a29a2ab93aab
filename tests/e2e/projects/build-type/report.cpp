// Answers every event with {"ndebug":<bool>,"built_as":"<build type>"}, over the Runtime API on
// plain sockets (no library the runtime base lacks).
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <string>

namespace {

// One HTTP/1.0 exchange with the Runtime API; the whole response, headers included.
std::string exchange(const std::string& method, const std::string& path,
                     const std::string& body = "") {
  const char* api_env = std::getenv("AWS_LAMBDA_RUNTIME_API");
  if (api_env == nullptr) {
    std::exit(2);
  }
  const std::string api = api_env;
  const auto colon = api.find(':');
  const auto slash = api.find('/');
  const auto host = api.substr(0, colon);
  const auto port = api.substr(colon + 1, slash == std::string::npos ? slash : slash - colon - 1);
  const auto prefix = slash == std::string::npos ? std::string() : api.substr(slash);
  addrinfo* address = nullptr;
  if (getaddrinfo(host.c_str(), port.c_str(), nullptr, &address) != 0) {
    std::exit(1);
  }
  const int fd = socket(address->ai_family, SOCK_STREAM, 0);
  if (fd < 0 || connect(fd, address->ai_addr, address->ai_addrlen) != 0) {
    std::exit(1);
  }
  freeaddrinfo(address);
  const auto request = method + " " + prefix + "/2018-06-01/runtime/invocation/" + path +
                       " HTTP/1.0\r\nHost: " + host +
                       "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  for (std::size_t sent = 0; sent < request.size();) {
    const auto n = write(fd, request.data() + sent, request.size() - sent);
    if (n <= 0) {
      std::exit(1);
    }
    sent += static_cast<std::size_t>(n);
  }
  std::string response;
  char chunk[4096];
  for (ssize_t n; (n = read(fd, chunk, sizeof chunk)) > 0;) {
    response.append(chunk, static_cast<std::size_t>(n));
  }
  close(fd);
  return response;
}

}  // namespace

int main() {
#ifdef NDEBUG
  const std::string ndebug = "true";
#else
  const std::string ndebug = "false";
#endif
  const std::string answer = "{\"ndebug\":" + ndebug + ",\"built_as\":\"" BUILT_AS "\"}";
  for (;;) {
    const auto next = exchange("GET", "next");
    const std::string header = "lambda-runtime-aws-request-id: ";
    std::string lower = next;
    for (auto& c : lower) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    const auto at = lower.find(header);
    if (at == std::string::npos) {
      return 1;
    }
    const auto start = at + header.size();
    const auto id = next.substr(start, next.find('\r', start) - start);
    exchange("POST", id + "/response", answer);
  }
}
