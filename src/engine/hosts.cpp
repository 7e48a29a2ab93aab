// Engine addresses: parsed, reached through the client's environment, probed; the assignment file.
#include "engine/hosts.hpp"

#include "common/error.hpp"
#include "common/files.hpp"
#include "common/sha256.hpp"
#include "process/process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <regex>

namespace fs = std::filesystem;

namespace hubtel::engine {
namespace {

constexpr std::string_view kForms =
    "an engine address is unix:///<socket>, tcp://<host>:<port> (with TLS), ssh://[<user>@]<host>"
    "[:<port>], or the name of a docker context";

[[noreturn]] void malformed(const std::string& address, std::string_view why) {
  throw Error(fmt::format("engine address '{}' is malformed: {}; {}", address, why, kForms));
}

// Host and port of a tcp:// or ssh:// address's authority.
struct Authority {
  std::string host;
  int port = 0;
};

Authority tcp_authority(const std::string& address) {
  static const std::regex pattern(
      R"(^tcp://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?):(0|[1-9][0-9]{0,4})/?$)");
  std::smatch match;
  if (!std::regex_match(address, match, pattern)) {
    malformed(address, "a tcp:// address is tcp://<host>:<port>, its port given");
  }
  const int port = std::stoi(match[3].str());
  if (port < 1 || port > 65535) {
    malformed(address, fmt::format("port {} is not between 1 and 65535", port));
  }
  return {match[1].str(), port};
}

// Whether something accepts a connection at the address (unix:// and tcp:// only), with errno's
// words when nothing does.
std::optional<std::string> refused(const Host& host) {
  int fd = -1;
  std::string where;
  if (host.kind == Host::Kind::unix_socket) {
    const auto path = host.address.substr(7);
    where = path;
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) {
      return fmt::format("{}: {}", path, std::strerror(errno));
    }
    if (!S_ISSOCK(info.st_mode)) {
      return std::nullopt;  // something is there: the client says what it is not
    }
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (path.size() >= sizeof(address.sun_path)) {
      return fmt::format("{}: the path is longer than a socket's path may be", path);
    }
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
    fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
      const auto text = fmt::format("{}: {}", path, std::strerror(errno));
      if (fd >= 0) {
        ::close(fd);
      }
      return text;
    }
    ::close(fd);
    return std::nullopt;
  }
  if (host.kind != Host::Kind::tcp) {
    return std::nullopt;
  }
  auto [name, port] = tcp_authority(host.address);
  if (name.front() == '[') {
    name = name.substr(1, name.size() - 2);
  }
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const auto service = std::to_string(port);
  if (const int code = ::getaddrinfo(name.c_str(), service.c_str(), &hints, &found); code != 0) {
    return fmt::format("{}: {}", name, ::gai_strerror(code));
  }
  std::string failure = "no address";
  for (auto* entry = found; entry != nullptr; entry = entry->ai_next) {
    fd = ::socket(entry->ai_family, entry->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
                  entry->ai_protocol);
    if (fd < 0) {
      failure = std::strerror(errno);
      continue;
    }
    int code = ::connect(fd, entry->ai_addr, entry->ai_addrlen);
    if (code != 0 && errno == EINPROGRESS) {
      pollfd wait{fd, POLLOUT, 0};
      code = ::poll(&wait, 1, 10000);
      if (code == 0) {
        errno = ETIMEDOUT;
        code = -1;
      } else if (code > 0) {
        int error = 0;
        socklen_t length = sizeof(error);
        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
        errno = error;
        code = error == 0 ? 0 : -1;
      }
    }
    if (code == 0) {
      ::close(fd);
      ::freeaddrinfo(found);
      return std::nullopt;
    }
    failure = std::strerror(errno);
    ::close(fd);
  }
  ::freeaddrinfo(found);
  return fmt::format("{}:{}: {}", name, port, failure);
}

}  // namespace

Host parse_host(const std::string& address) {
  if (address.empty()) {
    malformed(address, "it is empty");
  }
  if (std::any_of(address.begin(), address.end(),
                  [](unsigned char c) { return c < 0x20 || c == 0x7f; })) {
    malformed(address, "it holds a control character");
  }
  Host host;
  host.address = address;
  const auto scheme_end = address.find("://");
  if (scheme_end == std::string::npos) {
    // Docker's rule for context names.
    static const std::regex context("^[A-Za-z0-9][A-Za-z0-9_.+-]*$");
    if (!std::regex_match(address, context)) {
      malformed(address,
                "it has no scheme (unix://, tcp://, ssh://) and is no context name (letters, "
                "digits and _ . + -, starting with a letter or digit)");
    }
    host.kind = Host::Kind::context;
    return host;
  }
  const auto scheme = address.substr(0, scheme_end);
  if (scheme == "unix") {
    const auto path = address.substr(7);
    if (path.empty() || path.front() != '/') {
      malformed(address, "a unix:// address names a socket by its absolute path, unix:///<path>");
    }
    host.kind = Host::Kind::unix_socket;
  } else if (scheme == "tcp") {
    tcp_authority(address);
    host.kind = Host::Kind::tcp;
  } else if (scheme == "ssh") {
    static const std::regex pattern(
        R"(^ssh://([A-Za-z0-9._-]+@)?[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:(0|[1-9][0-9]{0,4}))?/?$)");
    if (address.find(':', 6) != std::string::npos && address.find('@') != std::string::npos &&
        address.find(':', 6) < address.find('@')) {
      malformed(address, "a password does not belong in an address: use an ssh key or agent");
    }
    std::smatch match;
    if (!std::regex_match(address, match, pattern)) {
      malformed(address, "an ssh:// address is ssh://[<user>@]<host>[:<port>]");
    }
    if (match[4].matched && (match[4].str() == "0" || std::stoi(match[4].str()) > 65535)) {
      malformed(address, fmt::format("port {} is not between 1 and 65535", match[4].str()));
    }
    host.kind = Host::Kind::ssh;
  } else {
    malformed(address, fmt::format("scheme '{}://' is not unix://, tcp:// or ssh://", scheme));
  }
  return host;
}

fs::path tls_folder(const Host& host, const fs::path& cert_root) {
  if (host.kind != Host::Kind::tcp) {
    return {};
  }
  if (cert_root.empty()) {
    throw Error(fmt::format(
        "engine {} is reached over TCP, which needs TLS: set HUBTEL_ENGINE_CERT_PATH (for "
        "`hubtel-ai engines --host`: --cert-path) to a folder holding {} (or a folder {}:{} in it "
        "for this engine alone)",
        host.address, fmt::join(kTlsFiles, ", "), tcp_authority(host.address).host,
        tcp_authority(host.address).port));
  }
  const auto authority = tcp_authority(host.address);
  auto folder = cert_root / fmt::format("{}:{}", authority.host, authority.port);
  std::error_code error;
  if (!fs::is_directory(folder, error)) {
    folder = cert_root;
  }
  std::vector<std::string> missing;
  for (const auto& name : kTlsFiles) {
    if (!fs::is_regular_file(folder / name, error)) {
      missing.push_back(name);
    }
  }
  if (!missing.empty()) {
    throw Error(fmt::format(
        "engine {}: TLS file{} missing in {}: {} (a tcp:// engine is reached with TLS: the CA "
        "that signed its certificate as ca.pem, this client's certificate and key as cert.pem "
        "and key.pem, in HUBTEL_ENGINE_CERT_PATH or its folder {}:{})",
        host.address, missing.size() == 1 ? "" : "s", folder.string(), fmt::join(missing, ", "),
        authority.host, authority.port));
  }
  return folder;
}

std::vector<std::pair<std::string, std::string>> host_environment(const Host& host) {
  if (host.kind == Host::Kind::context) {
    // DOCKER_HOST would win over the context, even set to nothing: removed.
    return {{"DOCKER_CONTEXT", host.address},
            {"-DOCKER_HOST", ""},
            {"DOCKER_TLS_VERIFY", ""},
            {"DOCKER_CERT_PATH", ""}};
  }
  const bool tls = host.kind == Host::Kind::tcp;
  return {{"DOCKER_HOST", host.address},
          {"DOCKER_CONTEXT", ""},
          {"DOCKER_TLS_VERIFY", tls ? "1" : ""},
          {"DOCKER_CERT_PATH", tls ? host.cert_path.string() : ""}};
}

std::string probe(const std::string& program, const Host& host) {
  if (host.kind == Host::Kind::tcp) {
    // Throws when a TLS file is missing.
    tls_folder(host, host.cert_path);
  }
  if (const auto failure = refused(host)) {
    throw Error(
        fmt::format("engine {} does not answer: nothing accepts a connection there ({}); start "
                    "its dockerd, or remove it from HUBTEL_ENGINE_HOSTS",
                    host.address, *failure));
  }
  process::Options options;
  options.timeout = std::chrono::seconds(30);
  const std::vector<std::string> argv{program, "version", "--format", "{{.Server.Version}}"};
  const auto result = process::run({argv, host_environment(host)}, options);
  auto version = result.out;
  while (!version.empty() && (version.back() == '\n' || version.back() == '\r')) {
    version.pop_back();
  }
  if (result.ok() && !version.empty()) {
    return version;
  }
  const auto said = process::last_line(result.steps.front().err + "\n" + result.out);
  if (result.timed_out) {
    throw Error(fmt::format("engine {} does not answer: {} gave no answer in 30 s", host.address,
                            process::shown_command(argv)));
  }
  if (host.kind == Host::Kind::unix_socket || host.kind == Host::Kind::tcp) {
    // Something accepted the connection, yet the client got no engine's answer.
    throw Error(fmt::format(
        "engine {} is not a Docker engine: something answers there, but not the Docker API{} "
        "(the client said: {}); name the engine's own socket or port in HUBTEL_ENGINE_HOSTS",
        host.address, host.kind == Host::Kind::tcp ? " over TLS" : "", said));
  }
  if (host.kind == Host::Kind::context && (said.find("context not found") != std::string::npos ||
                                           said.find("does not exist") != std::string::npos)) {
    throw Error(fmt::format(
        "engine {} is no docker context here (`docker context ls` lists them; `docker context "
        "create {} --docker host=...` makes it): {}",
        host.address, host.address, said));
  }
  throw Error(fmt::format("engine {} does not answer: {}", host.address, said));
}

Assignment read_assignment(const fs::path& file) {
  const auto fail = [&file](const std::string& why) {
    return Error(fmt::format("the engine assignment '{}' {}; configure the project again",
                             file.string(), why));
  };
  std::error_code error;
  if (!fs::is_regular_file(file, error)) {
    throw Error(fmt::format(
        "the engine assignment '{}' is missing (HUBTEL_ENGINE_HOSTS writes it when it names "
        "engines): run this in the project's build folder, name the file with --engines, or "
        "configure the project again",
        file.string()));
  }
  Assignment assignment;
  try {
    const auto json = nlohmann::json::parse(read_file(file));
    for (const auto& entry : json.at("engines")) {
      Assignment::Engine engine;
      engine.host = parse_host(entry.at("address").get<std::string>());
      engine.host.cert_path = entry.value("cert_path", "");
      engine.images = entry.at("images").get<std::vector<std::string>>();
      assignment.engines.push_back(std::move(engine));
    }
  } catch (const nlohmann::json::exception& e) {
    throw fail(fmt::format("is not what configure writes: {}", e.what()));
  }
  return assignment;
}

const Assignment::Engine* find_engine(const Assignment& assignment, const std::string& address) {
  for (const auto& engine : assignment.engines) {
    if (engine.host.address == address) {
      return &engine;
    }
  }
  return nullptr;
}

std::string assign(const std::vector<std::string>& addresses, const std::string& image) {
  std::string best;
  std::string best_weight;
  for (const auto& address : addresses) {
    Sha256 hash;
    hash.update(address + "\n" + image);
    const auto weight = hash.finish();
    if (best.empty() || weight > best_weight) {
      best = address;
      best_weight = weight;
    }
  }
  return best;
}

}  // namespace hubtel::engine
