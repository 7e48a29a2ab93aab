// A function on the Lambda Runtime API with nothing but sockets: it answers {"function": NAME}.
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <string>

namespace {

// One HTTP/1.0 exchange with the Runtime API at host:port; returns the whole answer, headers
// included.
std::string exchange(const std::string& api, const std::string& request) {
  const auto colon = api.rfind(':');
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(api.substr(0, colon).c_str(), api.substr(colon + 1).c_str(), &hints, &found) !=
      0) {
    std::exit(1);
  }
  const int fd = socket(found->ai_family, found->ai_socktype, found->ai_protocol);
  if (fd < 0 || connect(fd, found->ai_addr, found->ai_addrlen) != 0) {
    std::exit(1);
  }
  freeaddrinfo(found);
  for (std::size_t sent = 0; sent < request.size();) {
    const auto n = write(fd, request.data() + sent, request.size() - sent);
    if (n <= 0) {
      std::exit(1);
    }
    sent += static_cast<std::size_t>(n);
  }
  std::string answer;
  char buffer[4096];
  for (ssize_t n; (n = read(fd, buffer, sizeof buffer)) > 0;) {
    answer.append(buffer, static_cast<std::size_t>(n));
  }
  close(fd);
  return answer;
}

}  // namespace

int main() {
  const char* variable = std::getenv("AWS_LAMBDA_RUNTIME_API");
  if (variable == nullptr) {
    return 1;
  }
  // host:port, then maybe a path the URLs start with.
  const std::string whole = variable;
  const auto slash = whole.find('/');
  const auto api = whole.substr(0, slash);
  const auto prefix = slash == std::string::npos ? std::string() : whole.substr(slash);
  for (;;) {
    const auto next =
        exchange(api, "GET " + prefix + "/2018-06-01/runtime/invocation/next HTTP/1.0\r\n\r\n");
    const std::string marker = "\r\nlambda-runtime-aws-request-id: ";
    std::string lower = next;
    for (auto& c : lower) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    const auto at = lower.find(marker);
    if (at == std::string::npos) {
      return 1;
    }
    const auto start = at + marker.size();
    const auto id = next.substr(start, next.find("\r\n", start) - start);
    const std::string body = std::string("{\"function\": \"") + FUNCTION + "\"}";
    exchange(api, "POST " + prefix + "/2018-06-01/runtime/invocation/" + id +
                      "/response HTTP/1.0\r\nContent-Type: application/json\r\nContent-Length: " +
                      std::to_string(body.size()) + "\r\n\r\n" + body);
  }
}
