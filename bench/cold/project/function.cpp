// A Lambda function on the Runtime API that answers every event with itself, over plain sockets.
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

// One HTTP/1.0 exchange with the Runtime API: the whole response, headers included.
static std::string exchange(const std::string& method, const std::string& path,
                            const std::string& body = "") {
  const std::string api = std::getenv("AWS_LAMBDA_RUNTIME_API");
  const auto colon = api.find(':'), slash = api.find('/');
  const std::string host = api.substr(0, colon), port = api.substr(colon + 1, slash - colon - 1);
  const std::string prefix = slash == std::string::npos ? "" : api.substr(slash);
  addrinfo* address = nullptr;
  if (getaddrinfo(host.c_str(), port.c_str(), nullptr, &address) != 0) std::exit(1);
  const int fd = socket(address->ai_family, SOCK_STREAM, 0);
  if (connect(fd, address->ai_addr, address->ai_addrlen) != 0) std::exit(1);
  freeaddrinfo(address);
  const std::string request = method + " " + prefix + "/2018-06-01/runtime/invocation/" + path +
                              " HTTP/1.0\r\nContent-Length: " + std::to_string(body.size()) +
                              "\r\n\r\n" + body;
  write(fd, request.data(), request.size());
  std::string response;
  char chunk[4096];
  for (ssize_t n; (n = read(fd, chunk, sizeof chunk)) > 0;) response.append(chunk, n);
  close(fd);
  return response;
}

int main() {
  for (;;) {
    const std::string next = exchange("GET", "next");
    const auto id_at = next.find("Lambda-Runtime-Aws-Request-Id: ") + 31;
    const std::string id = next.substr(id_at, next.find('\r', id_at) - id_at);
    exchange("POST", id + "/response", next.substr(next.find("\r\n\r\n") + 4));
  }
}
