// Unit tests of the Docker API asked on a unix socket: a daemon stand-in on a real socket answers
// as the daemon does, and every answer the reader cannot trust sends the question to the client.
#include "engine/docker_api.hpp"
#include "common/encoding.hpp"
#include "common/error.hpp"
#include "spec/spec_fixture.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

using namespace hubtel;
using namespace hubtel::test;

namespace {

// Listens on `path`, reads one request and writes `answer` to it, then closes; keeps the request.
class OneAnswer {
 public:
  OneAnswer(const std::string& path, std::string answer) : answer_(std::move(answer)) {
    listener_ = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
    if (::bind(listener_, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0 ||
        ::listen(listener_, 1) != 0) {
      throw std::runtime_error("cannot listen on " + path);
    }
    thread_ = std::thread([this] {
      const int client = ::accept(listener_, nullptr, nullptr);
      if (client < 0) {
        return;
      }
      char buffer[4096];
      while (request_.find("\r\n\r\n") == std::string::npos) {
        const auto n = ::recv(client, buffer, sizeof(buffer), 0);
        if (n <= 0) {
          break;
        }
        request_.append(buffer, static_cast<std::size_t>(n));
      }
      std::size_t sent = 0;
      while (sent < answer_.size()) {
        const auto n = ::send(client, answer_.data() + sent, answer_.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) {
          break;
        }
        sent += static_cast<std::size_t>(n);
      }
      ::close(client);
    });
  }
  OneAnswer(const OneAnswer&) = delete;
  OneAnswer& operator=(const OneAnswer&) = delete;
  ~OneAnswer() {
    ::shutdown(listener_, SHUT_RDWR);
    thread_.join();
    ::close(listener_);
  }
  std::string request() {
    thread_.join();
    thread_ = std::thread([] {});
    return request_;
  }

 private:
  int listener_ = -1;
  std::string answer_;
  std::string request_;
  std::thread thread_;
};

// Answers one connection after another on `path`, each with the next of `answers`; keeps the
// requests (their head and what of the body came with it).
class Answers {
 public:
  Answers(const std::string& path, std::vector<std::string> answers)
      : answers_(std::move(answers)) {
    listener_ = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
    if (::bind(listener_, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0 ||
        ::listen(listener_, 4) != 0) {
      throw std::runtime_error("cannot listen on " + path);
    }
    thread_ = std::thread([this] {
      for (const auto& answer : answers_) {
        const int client = ::accept(listener_, nullptr, nullptr);
        if (client < 0) {
          return;
        }
        std::string request;
        char buffer[4096];
        while (request.find("\r\n\r\n") == std::string::npos) {
          const auto n = ::recv(client, buffer, sizeof(buffer), 0);
          if (n <= 0) {
            break;
          }
          request.append(buffer, static_cast<std::size_t>(n));
        }
        requests_.push_back(request.substr(0, request.find("\r\n")));
        ::send(client, answer.data(), answer.size(), MSG_NOSIGNAL);
        ::close(client);
      }
    });
  }
  Answers(const Answers&) = delete;
  Answers& operator=(const Answers&) = delete;
  ~Answers() {
    ::shutdown(listener_, SHUT_RDWR);
    if (thread_.joinable()) {
      thread_.join();
    }
    ::close(listener_);
  }
  // The request lines, once every answer was given.
  std::vector<std::string> requests() {
    thread_.join();
    return requests_;
  }

 private:
  int listener_ = -1;
  std::vector<std::string> answers_;
  std::vector<std::string> requests_;
  std::thread thread_;
};

std::string stat_header(const std::string& json) {
  return "X-Docker-Container-Path-Stat: " + base64(json) + "\r\n";
}

// A file read out of an image: probes a process left behind long ago are removed first, the
// file's kind is asked, its tar read, and the container removed.
TEST(DockerApi, ReadsAFileOfAnImageThroughAContainer) {
  const TempDir temp;
  const auto socket = (temp.path() / "d.sock").string();
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  std::string tar(1024 + 512, '\0');  // a ustar header, 5 bytes of data, the end blocks
  const std::string name = "status";
  tar.replace(0, name.size(), name);
  tar.replace(100, 7, "0000644");
  tar.replace(124, 11, "00000000005");
  tar[156] = '0';
  tar.replace(257, 6, std::string("ustar\0", 6));
  tar.replace(263, 2, "00");
  tar.replace(148, 8, "        ");
  unsigned sum = 0;
  for (std::size_t i = 0; i < 512; ++i) {
    sum += static_cast<unsigned char>(tar[i]);
  }
  const auto checksum = fmt::format("{:06o}", sum);
  tar.replace(148, 8, checksum + std::string("\0 ", 2));
  tar.replace(512, 5, "dpkg\n");
  const auto old_probe =
      fmt::format(R"([{{"Id":"aaa1","Created":1}},{{"Id":"bbb2","Created":{}}}])", now);
  Answers daemon(
      socket, {"HTTP/1.1 200 OK\r\n\r\n" + old_probe, "HTTP/1.1 204 No Content\r\n\r\n",
               "HTTP/1.1 201 Created\r\n\r\n{\"Id\":\"c0ffee\"}",
               "HTTP/1.1 200 OK\r\n" +
                   stat_header(R"({"name":"status","size":5,"mode":420,"linkTarget":""})") + "\r\n",
               "HTTP/1.1 200 OK\r\n\r\n" + tar, "HTTP/1.1 204 No Content\r\n\r\n"});
  {
    engine::ApiContainer container(socket, "sha256:1");
    EXPECT_EQ(container.regular_file("/var/lib/dpkg/status", 1024), "dpkg\n");
  }
  const auto requests = daemon.requests();
  ASSERT_EQ(requests.size(), 6U);
  EXPECT_EQ(requests[0].rfind("GET /containers/json?all=1&filters=", 0), 0U) << requests[0];
  EXPECT_EQ(requests[1], "DELETE /containers/aaa1?force=1&v=1 HTTP/1.0");
  EXPECT_EQ(requests[2], "POST /containers/create HTTP/1.0");
  EXPECT_EQ(requests[3], "HEAD /containers/c0ffee/archive?path=/var/lib/dpkg/status HTTP/1.0");
  EXPECT_EQ(requests[4], "GET /containers/c0ffee/archive?path=/var/lib/dpkg/status HTTP/1.0");
  EXPECT_EQ(requests[5], "DELETE /containers/c0ffee?force=1&v=1 HTTP/1.0");
}

// What is not a regular file, or is over the bound, is refused; the container is removed.
TEST(DockerApi, AFileOfAnImageThatIsNotOneIsRefused) {
  const TempDir temp;
  const auto socket = (temp.path() / "d.sock").string();
  for (const char* mode : {"2147484141", "134218239", "67109280"}) {  // dir, link, device
    std::filesystem::remove(socket);
    Answers daemon(socket,
                   {"HTTP/1.1 200 OK\r\n\r\n[]", "HTTP/1.1 201 Created\r\n\r\n{\"Id\":\"ab\"}",
                    "HTTP/1.1 200 OK\r\n" +
                        stat_header(std::string(R"({"name":"x","mode":)") + mode +
                                    R"(,"linkTarget":"etc/passwd"})") +
                        "\r\n",
                    "HTTP/1.1 204 No Content\r\n\r\n"});
    {
      engine::ApiContainer container(socket, "sha256:1");
      EXPECT_THROW(container.regular_file("/x", 1024), Error) << mode;
    }
    const auto requests = daemon.requests();
    EXPECT_EQ(requests.back(), "DELETE /containers/ab?force=1&v=1 HTTP/1.0") << mode;
  }
  // Missing: none.
  std::filesystem::remove(socket);
  Answers daemon(socket,
                 {"HTTP/1.1 200 OK\r\n\r\n[]", "HTTP/1.1 201 Created\r\n\r\n{\"Id\":\"ab\"}",
                  "HTTP/1.1 404 Not Found\r\n\r\n{}", "HTTP/1.1 204 No Content\r\n\r\n"});
  {
    engine::ApiContainer container(socket, "sha256:1");
    EXPECT_EQ(container.regular_file("/x", 1024), std::nullopt);
  }
  EXPECT_EQ(daemon.requests().size(), 4U);
}

TEST(DockerApi, ReadsTheStatusAndBodyOfAnAnswer) {
  const TempDir temp;
  const auto socket = (temp.path() / "d.sock").string();
  OneAnswer daemon(
      socket, "HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n{\"Id\":\"sha256:1\"}");
  const auto answer = engine::api_get(socket, "/images/hubtel-test/bookworm:amd64/json");
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->status, 200);
  EXPECT_EQ(answer->body, "{\"Id\":\"sha256:1\"}");
  EXPECT_EQ(daemon.request(),
            "GET /images/hubtel-test/bookworm:amd64/json HTTP/1.0\r\nHost: docker\r\n\r\n");
}

TEST(DockerApi, SendsAJsonBodyAndReadsHeaders) {
  const TempDir temp;
  const auto socket = (temp.path() / "d.sock").string();
  OneAnswer daemon(socket,
                   "HTTP/1.1 201 Created\r\nX-Docker-Container-Path-Stat:  e30=\r\n"
                   "content-type: application/json\r\n\r\n{\"Id\":\"ab\"}");
  const auto answer = engine::api_request(socket, "POST", "/containers/create", "{\"Image\":1}");
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->status, 201);
  EXPECT_EQ(answer->header("x-docker-container-path-stat"), "e30=");
  EXPECT_EQ(answer->header("Content-Type"), "application/json");
  EXPECT_EQ(answer->header("Content"), "");
  EXPECT_EQ(answer->header("Missing"), "");
  EXPECT_EQ(daemon.request(),
            "POST /containers/create HTTP/1.0\r\nHost: docker\r\nContent-Type: "
            "application/json\r\nContent-Length: 11\r\n\r\n{\"Image\":1}");
  // A method that is not one word of capitals is never sent.
  EXPECT_FALSE(engine::api_request(socket, "GET /x HTTP/1.0\r\n", "/y").has_value());
  EXPECT_FALSE(engine::api_request(socket, "", "/y").has_value());
}

TEST(DockerApi, ANotFoundIsAnAnswer) {
  const TempDir temp;
  const auto socket = (temp.path() / "d.sock").string();
  OneAnswer daemon(socket, "HTTP/1.1 404 Not Found\r\n\r\n{\"message\":\"No such image: x\"}");
  const auto answer = engine::api_get(socket, "/images/x/json");
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->status, 404);
}

// What the reader cannot trust is no answer: the client is asked instead.
TEST(DockerApi, AnUntrustworthyAnswerIsNone) {
  const TempDir temp;
  const auto socket = (temp.path() / "d.sock").string();
  EXPECT_FALSE(engine::api_get(socket, "/images/x/json").has_value());  // nobody listens
  for (const std::string& answer :
       {std::string("SSH-2.0-OpenSSH\r\n"), std::string("HTTP/1.1 2x0 OK\r\n\r\n{}"),
        std::string("HTTP/1.1 200 OK\r\n"),  // no end of the headers
        std::string("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"),
        std::string("HTTP/1.1 200 OK\r\n\r\n") + std::string(5000, 'x')}) {
    std::filesystem::remove(socket);
    OneAnswer daemon(socket, answer);
    EXPECT_FALSE(engine::api_get(socket, "/images/x/json", 4096).has_value()) << answer;
  }
  // A path that would split the request line is never sent.
  EXPECT_FALSE(engine::api_get(socket, "/images/a b/json").has_value());
  EXPECT_FALSE(engine::api_get(socket, "/images/a\r\nX: y/json").has_value());
  EXPECT_FALSE(engine::api_get(std::string(200, 'a'), "/images/x/json").has_value());
}

TEST(DockerApi, EscapesANameAsOnePathSegment) {
  EXPECT_EQ(engine::api_escape("127.0.0.1:5000/team/hello@sha256:ab"),
            "127.0.0.1:5000/team/hello@sha256:ab");
  EXPECT_EQ(engine::api_escape("a b?c#d%e"), "a%20b%3Fc%23d%25e");
}

// Only where Debian's client would reach that same socket.
TEST(DockerApi, AsksTheSocketOnlyWhereTheClientWouldReachIt) {
  const TempDir temp;
  const engine::Engine debian{"/usr/bin/docker", "docker-buildkit", {}};
  // The environment this test changes, put back when it ends.
  struct Restored {
    std::optional<std::string> home;
    ~Restored() {
      if (home) {
        ::setenv("HOME", home->c_str(), 1);
      } else {
        ::unsetenv("HOME");
      }
      ::unsetenv("DOCKER_HOST");
      ::unsetenv("DOCKER_CONTEXT");
    }
  } restored{std::getenv("HOME") != nullptr ? std::optional<std::string>(std::getenv("HOME"))
                                            : std::nullopt};
  ::setenv("HOME", temp.path().c_str(), 1);
  ::unsetenv("DOCKER_CONFIG");
  ::unsetenv("DOCKER_CONTEXT");
  const auto socket = (temp.path() / "d.sock").string();
  ::setenv("DOCKER_HOST", ("unix://" + socket).c_str(), 1);
  {
    OneAnswer daemon(socket, "HTTP/1.0 200 OK\r\n\r\n{}");
    EXPECT_EQ(engine::direct_socket(debian), socket);
    EXPECT_FALSE(engine::direct_socket({"/usr/bin/podman", "podman", {}}).has_value());
    EXPECT_FALSE(engine::direct_socket({"/opt/shim/docker", "docker-buildkit", {}}).has_value());
    EXPECT_FALSE(engine::direct_socket({"docker", "docker-buildkit", {}}).has_value());
    EXPECT_FALSE(
        engine::direct_socket({"/usr/bin/docker", "docker-buildkit", {{"DOCKER_CONFIG", "/x"}}})
            .has_value());
    engine::Engine remote = debian;
    remote.host = engine::Host{"tcp://127.0.0.1:2376", engine::Host::Kind::tcp, temp.path()};
    EXPECT_FALSE(engine::direct_socket(remote).has_value());
    ::setenv("DOCKER_CONTEXT", "remote", 1);
    EXPECT_FALSE(engine::direct_socket(debian).has_value());
    ::unsetenv("DOCKER_CONTEXT");
    std::filesystem::create_directories(temp.path() / ".docker");
    std::ofstream(temp.path() / ".docker" / "config.json") << R"({"currentContext": "remote"})";
    EXPECT_FALSE(engine::direct_socket(debian).has_value());
    std::ofstream(temp.path() / ".docker" / "config.json") << R"({"currentContext": "default"})";
    EXPECT_EQ(engine::direct_socket(debian), socket);
    // A configuration past 1 MiB is not read here: the client reads it.
    std::ofstream(temp.path() / ".docker" / "config.json")
        << R"({"currentContext": "default", "pad": ")" << std::string(std::size_t{1} << 20U, 'x')
        << R"("})";
    EXPECT_FALSE(engine::direct_socket(debian).has_value());
    std::ofstream(temp.path() / ".docker" / "config.json") << R"({"currentContext": "default"})";
    EXPECT_EQ(engine::direct_socket(debian), socket);
    ::setenv("DOCKER_HOST", "tcp://127.0.0.1:2375", 1);
    EXPECT_FALSE(engine::direct_socket(debian).has_value());
  }
  // No socket there: the client is asked.
  ::setenv("DOCKER_HOST", ("unix://" + (temp.path() / "none.sock").string()).c_str(), 1);
  EXPECT_FALSE(engine::direct_socket(debian).has_value());
  ::unsetenv("DOCKER_HOST");
}

}  // namespace
