// The local Docker daemon's API on its unix socket.
#include "engine/docker_api.hpp"

#include "common/encoding.hpp"
#include "common/error.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fmt/format.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>

namespace fs = std::filesystem;

namespace hubtel::engine {
namespace {

// Closes the socket on every path out.
struct Socket {
  int fd = -1;
  ~Socket() {
    if (fd >= 0) {
      ::close(fd);
    }
  }
};

bool send_all(int fd, const std::string& text) {
  std::size_t sent = 0;
  while (sent < text.size()) {
    const auto n = ::send(fd, text.data() + sent, text.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return false;
    }
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

std::string ApiAnswer::header(std::string_view name) const {
  const auto lower = [](std::string_view text) {
    std::string out(text.size(), ' ');
    std::transform(text.begin(), text.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
  };
  const auto wanted = lower(name) + ":";
  std::size_t start = head.find("\r\n");
  while (start != std::string::npos) {
    start += 2;
    const auto stop = head.find("\r\n", start);
    const auto line = std::string_view(head).substr(start, stop - start);
    if (line.size() >= wanted.size() && lower(line.substr(0, wanted.size())) == wanted) {
      auto value = line.substr(wanted.size());
      while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
        value.remove_prefix(1);
      }
      return std::string(value);
    }
    start = stop;
  }
  return {};
}

std::optional<ApiAnswer> api_get(const std::string& socket_path, const std::string& path,
                                 std::size_t max_bytes) {
  return api_request(socket_path, "GET", path, {}, max_bytes);
}

std::optional<ApiAnswer> api_request(const std::string& socket_path, const std::string& method,
                                     const std::string& path, const std::string& body,
                                     std::size_t max_bytes) {
  sockaddr_un address{};
  if (socket_path.empty() || socket_path.size() >= sizeof(address.sun_path) ||
      path.find_first_of("\r\n ") != std::string::npos ||
      method.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") != std::string::npos ||
      method.empty()) {
    return std::nullopt;
  }
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, socket_path.c_str(), socket_path.size() + 1);
  Socket socket{::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)};
  if (socket.fd < 0) {
    return std::nullopt;
  }
  // A daemon that hangs costs at most these, then the client is asked instead.
  timeval limit{10, 0};
  ::setsockopt(socket.fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit));
  ::setsockopt(socket.fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof(limit));
  if (::connect(socket.fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
    return std::nullopt;
  }
  auto request = fmt::format("{} {} HTTP/1.0\r\nHost: docker\r\n", method, path);
  if (!body.empty()) {
    request += fmt::format("Content-Type: application/json\r\nContent-Length: {}\r\n", body.size());
  }
  request += "\r\n";
  request += body;
  if (!send_all(socket.fd, request)) {
    return std::nullopt;
  }
  // HTTP/1.0: the daemon closes the connection after its answer.
  std::string answer;
  char buffer[16384];
  for (;;) {
    const auto n = ::recv(socket.fd, buffer, sizeof(buffer), 0);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      return std::nullopt;
    }
    if (n == 0) {
      break;
    }
    if (static_cast<std::size_t>(n) > max_bytes - answer.size()) {
      return std::nullopt;
    }
    answer.append(buffer, static_cast<std::size_t>(n));
  }
  // "HTTP/1.x NNN ...", headers, a blank line, the body.
  const auto head_end = answer.find("\r\n\r\n");
  if (answer.rfind("HTTP/1.", 0) != 0 || answer.size() < 12 || head_end == std::string::npos ||
      answer[8] != ' ') {
    return std::nullopt;
  }
  const auto code = answer.substr(9, 3);
  if (code.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  // A chunked answer (which an HTTP/1.0 request never gets) is not read here.
  const auto head = answer.substr(0, head_end);
  std::string lowered(head.size(), ' ');
  std::transform(head.begin(), head.end(), lowered.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lowered.find("transfer-encoding: chunked") != std::string::npos) {
    return std::nullopt;
  }
  return ApiAnswer{std::stoi(code), head, answer.substr(head_end + 4)};
}

std::string api_escape(const std::string& name) {
  std::string out;
  for (const unsigned char c : name) {
    if (std::isalnum(c) != 0 || std::strchr("-._~:@/", c) != nullptr) {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

std::optional<std::string> direct_socket(const Engine& engine) {
  if (engine.kind != "docker-buildkit" || engine.host || !engine.builder.empty()) {
    return std::nullopt;
  }
  for (const auto& [name, value] : engine.environment) {
    if (name.rfind("DOCKER_", 0) == 0 && name != "DOCKER_BUILDKIT") {
      return std::nullopt;  // DOCKER_CONFIG (a private login), DOCKER_HOST, ...
    }
  }
  // Debian's client: what it asks and where is known.
  std::error_code error;
  if (engine.program.empty() || engine.program.front() != '/' ||
      fs::canonical(engine.program, error) != "/usr/bin/docker" || error) {
    return std::nullopt;
  }
  std::string socket_path = "/var/run/docker.sock";
  if (const char* host = std::getenv("DOCKER_HOST"); host != nullptr && *host != '\0') {
    const std::string value = host;
    if (value.rfind("unix://", 0) != 0) {
      return std::nullopt;
    }
    socket_path = value.substr(7);
  }
  if (const char* context = std::getenv("DOCKER_CONTEXT"); context != nullptr && *context != '\0') {
    return std::nullopt;
  }
  // A current context in the client's configuration points it elsewhere.
  fs::path config;
  if (const char* dir = std::getenv("DOCKER_CONFIG"); dir != nullptr && *dir != '\0') {
    config = fs::path(dir) / "config.json";
  } else if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    config = fs::path(home) / ".docker" / "config.json";
  }
  if (!config.empty() && fs::exists(config, error)) {
    // A client configuration is a few KiB: one past 1 MiB is left to the client to read.
    if (fs::file_size(config, error) > (std::uintmax_t{1} << 20U) || error) {
      return std::nullopt;
    }
    std::ifstream in(config);
    const auto document = nlohmann::json::parse(in, nullptr, false);
    if (!document.is_object()) {
      return std::nullopt;
    }
    const auto current = document.find("currentContext");
    if (current != document.end() && !(current->is_string() && *current == "default")) {
      return std::nullopt;
    }
  }
  if (!fs::is_socket(socket_path, error)) {
    return std::nullopt;
  }
  return socket_path;
}

ApiContainer::ApiContainer(std::string socket, const std::string& image_id)
    : socket_(std::move(socket)) {
  // A probe lives for a fraction of a second; one ten minutes old was left by a process that was
  // interrupted (Ctrl-C during a build) and would keep its image from being removed.
  const auto listed = api_get(
      socket_, "/containers/json?all=1&filters=" + api_escape(R"({"label":["hubtel-ai.probe=1"]})"),
      std::size_t{1} << 20U);
  const auto probes = listed && listed->status == 200
                          ? nlohmann::json::parse(listed->body, nullptr, false)
                          : nlohmann::json();
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  for (const auto& probe : probes.is_array() ? probes : nlohmann::json::array()) {
    if (!probe.is_object() || !probe.contains("Id") || !probe["Id"].is_string() ||
        !probe.contains("Created") || !probe["Created"].is_number_integer()) {
      continue;
    }
    const auto id = probe["Id"].get<std::string>();
    if (now - probe["Created"].get<std::int64_t>() > 600 && !id.empty() &&
        id.find_first_not_of("0123456789abcdef") == std::string::npos) {
      api_request(socket_, "DELETE", "/containers/" + id + "?force=1&v=1");
    }
  }
  const nlohmann::json request = {{"Image", image_id},
                                  {"Cmd", {"/hubtel-probe"}},
                                  {"Labels", {{"hubtel-ai.probe", "1"}}},
                                  {"NetworkDisabled", true}};
  const auto answer = api_request(socket_, "POST", "/containers/create", request.dump());
  if (!answer || answer->status != 201) {
    throw Error("the engine created no container of " + image_id);
  }
  const auto created = nlohmann::json::parse(answer->body, nullptr, false);
  const auto id = created.is_object() && created.contains("Id") && created["Id"].is_string()
                      ? created["Id"].get<std::string>()
                      : std::string();
  if (id.empty() || id.find_first_not_of("0123456789abcdef") != std::string::npos) {
    throw Error("the engine's answer to creating a container of " + image_id + " names none");
  }
  id_ = id;
}

ApiContainer::~ApiContainer() {
  api_request(socket_, "DELETE", "/containers/" + id_ + "?force=1&v=1");
}

std::optional<PathKind> ApiContainer::stat(const std::string& path) {
  if (const auto known = known_.find(path); known != known_.end()) {
    return known->second;
  }
  const auto answer =
      api_request(socket_, "HEAD", "/containers/" + id_ + "/archive?path=" + api_escape(path));
  if (!answer || (answer->status != 200 && answer->status != 404)) {
    throw Error("the engine did not say whether " + path + " is in the image");
  }
  std::optional<PathKind> kind;
  if (answer->status == 200) {
    // Base64 of {"name":..,"size":..,"mode":..,"mtime":..,"linkTarget":..}; the mode is Go's
    // os.FileMode, whose type bits (ModeType) are 0 for a regular file.
    const auto decoded = from_base64(answer->header("X-Docker-Container-Path-Stat"));
    const auto stat = decoded ? nlohmann::json::parse(*decoded, nullptr, false) : nlohmann::json();
    if (!stat.is_object() || !stat.contains("mode") || !stat["mode"].is_number_unsigned()) {
      throw Error("the engine's answer about " + path + " in the image is not a stat");
    }
    const auto mode = stat["mode"].get<std::uint64_t>();
    const auto bit = [](unsigned n) { return std::uint64_t{1} << n; };
    const auto directory = bit(31);
    const auto symlink = bit(27);
    // Directory, link, device, named pipe, socket, character device, irregular.
    const auto type = directory | symlink | bit(26) | bit(25) | bit(24) | bit(21) | bit(19);
    const auto target = stat.contains("linkTarget") && stat["linkTarget"].is_string()
                            ? stat["linkTarget"].get<std::string>()
                            : std::string();
    kind = PathKind{(mode & directory) != 0, (mode & symlink) != 0, (mode & type) == 0, target};
  }
  known_[path] = kind;
  return kind;
}

std::optional<std::string> ApiContainer::regular_file(const std::string& path,
                                                      std::size_t max_bytes) {
  // Links are followed here, as the engine resolves each one inside the image, a few at most.
  std::string wanted = path;
  std::optional<PathKind> kind;
  for (int links = 0;; ++links) {
    kind = stat(wanted);
    if (!kind) {
      return std::nullopt;
    }
    if (!kind->symlink) {
      break;
    }
    if (links == 8 || kind->link_target.empty() || kind->link_target.front() != '/') {
      throw Error(path + " in the image is a link that does not lead to a file");
    }
    wanted = kind->link_target;
  }
  if (!kind->regular) {
    throw Error(path + " in the image is not a regular file");
  }
  // A tar of the one file: its header, its bytes and the end blocks.
  const auto answer =
      api_request(socket_, "GET", "/containers/" + id_ + "/archive?path=" + api_escape(wanted), {},
                  max_bytes + 64 * 1024);
  if (!answer || answer->status != 200) {
    throw Error("the engine did not give " + path + " of the image (over " +
                std::to_string(max_bytes) + " bytes?)");
  }
  std::unique_ptr<archive, decltype(&archive_read_free)> reader(archive_read_new(),
                                                                &archive_read_free);
  archive_read_support_format_tar(reader.get());
  archive_entry* entry = nullptr;
  if (archive_read_open_memory(reader.get(), answer->body.data(), answer->body.size()) !=
          ARCHIVE_OK ||
      archive_read_next_header(reader.get(), &entry) != ARCHIVE_OK ||
      archive_entry_filetype(entry) != AE_IFREG || archive_entry_size(entry) < 0 ||
      static_cast<std::uint64_t>(archive_entry_size(entry)) > max_bytes) {
    throw Error("the engine's copy of " + path + " in the image is not one regular file");
  }
  std::string bytes(static_cast<std::size_t>(archive_entry_size(entry)), '\0');
  if (!bytes.empty() && archive_read_data(reader.get(), bytes.data(), bytes.size()) !=
                            static_cast<la_ssize_t>(bytes.size())) {
    throw Error("the engine's copy of " + path + " in the image is cut short");
  }
  return bytes;
}

}  // namespace hubtel::engine
