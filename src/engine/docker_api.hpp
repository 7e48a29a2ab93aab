// The local Docker daemon's API, asked directly on its socket for what a client call would only
// print (an image's id, platform and digests): a client start costs about 0.1 s, the question
// itself a millisecond. Only where the client would reach that same socket: Debian's client,
// no other host or context named anywhere.
#pragma once

#include "engine/build.hpp"

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace hubtel::engine {

// An answer of the API: its HTTP status, its header lines and its body.
struct ApiAnswer {
  int status = 0;
  std::string head;
  std::string body;
  // The value of the header `name` (any case), or an empty string.
  [[nodiscard]] std::string header(std::string_view name) const;
};

// `method` `path` ("GET", "/images/<name>/json") on the unix socket `socket_path`, HTTP/1.0,
// with a JSON `body` when one is given; nullopt when the socket cannot be reached, the answer is
// not HTTP, or it is over `max_bytes`.
std::optional<ApiAnswer> api_request(const std::string& socket_path, const std::string& method,
                                     const std::string& path, const std::string& body = {},
                                     std::size_t max_bytes = std::size_t{8} << 20U);
std::optional<ApiAnswer> api_get(const std::string& socket_path, const std::string& path,
                                 std::size_t max_bytes = std::size_t{8} << 20U);

// The socket to ask instead of running `engine`'s client, or nullopt where the client might reach
// another daemon (another client program, a host of HUBTEL_ENGINE_HOSTS, DOCKER_HOST or
// DOCKER_CONTEXT set, a current context in the client's configuration) or none is there.
std::optional<std::string> direct_socket(const Engine& engine);

// A name as one segment of an API path: what is not a letter, digit or one of "-._~:@/" is
// percent-encoded.
std::string api_escape(const std::string& name);

// What the engine says of one path of an image (lstat: its last part is not followed).
struct PathKind {
  bool directory = false;
  bool symlink = false;
  bool regular = false;
  std::string link_target;  // a link's target, as the engine resolves it (absolute)
};

// A container of an image created through the API on `socket` to read its files, never started
// (labelled hubtel-ai.probe, should a signal end this process before it is removed), and removed
// again. Each call throws Error when the engine does not answer as it does.
class ApiContainer {
 public:
  ApiContainer(std::string socket, const std::string& image_id);
  ApiContainer(const ApiContainer&) = delete;
  ApiContainer& operator=(const ApiContainer&) = delete;
  ~ApiContainer();

  // The path's kind (its last part not followed), or nullopt when it does not exist.
  std::optional<PathKind> stat(const std::string& path);
  // A regular file's bytes, a link followed inside the image; nullopt when it does not exist.
  // Throws when it is something else or over `max_bytes`.
  std::optional<std::string> regular_file(const std::string& path, std::size_t max_bytes);

 private:
  std::string socket_;
  std::string id_;
  std::map<std::string, std::optional<PathKind>> known_;
};

}  // namespace hubtel::engine
