// libFuzzer target: any bytes sent to the local Runtime API as a runtime's HTTP requests (several
// may follow each other on the connection), with events queued and a secret set. The server must
// answer or close, never crash, leak, hang or store more than its limits.
#include "lambda/runtime_api.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace {

// Sends the input, then reads until the server closes or stays quiet for a moment (a request
// still waiting for its body, or a /next waiting for an event).
void exchange(std::uint16_t port, const std::uint8_t* data, std::size_t size) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return;
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0) {
    std::size_t sent = 0;
    while (sent < size) {
      const auto n = ::send(fd, data + sent, size - sent, MSG_NOSIGNAL);
      if (n <= 0) {
        break;
      }
      sent += static_cast<std::size_t>(n);
    }
    ::shutdown(fd, SHUT_WR);
    char buffer[65536];
    pollfd waiting{fd, POLLIN, 0};
    while (::poll(&waiting, 1, 20) > 0 && ::recv(fd, buffer, sizeof buffer, 0) > 0) {
    }
  }
  ::close(fd);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  hubtel::lambda::FunctionConfig config;
  config.timeout = std::chrono::seconds(3);
  // The secret of the seeds and the dictionary, so the fuzzer reaches the routes behind it.
  hubtel::lambda::RuntimeApi api(config, "0123456789abcdef0123456789abcdef");
  const auto port = api.start();
  for (int i = 0; i < 4; ++i) {
    (void)api.invoke(R"({"n":1})");
  }
  exchange(port, data, size);
  api.stop();
  return 0;
}
