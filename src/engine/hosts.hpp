// The engines images are built on (HUBTEL_ENGINE_HOSTS): their addresses checked, the environment
// the engine's client reaches each through, a probe that tells an engine that does not answer
// from something that is no engine, and the record of which image goes to which (engines.json).
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace hubtel::engine {

// An engine address as DOCKER_HOST takes it (unix://, tcp:// with TLS, ssh://) or a docker
// context's name.
struct Host {
  enum class Kind { unix_socket, tcp, ssh, context };
  std::string address;
  Kind kind = Kind::unix_socket;
  // tcp: the folder holding ca.pem, cert.pem and key.pem (as DOCKER_CERT_PATH takes it).
  std::filesystem::path cert_path;
};

// The TLS files a tcp:// engine is reached with, as DOCKER_CERT_PATH names them.
inline const std::vector<std::string> kTlsFiles{"ca.pem", "cert.pem", "key.pem"};

// Parses an address; throws Error naming it and saying what an address may be.
Host parse_host(const std::string& address);

// The folder of a tcp:// engine's TLS files under `cert_root` (HUBTEL_ENGINE_CERT_PATH):
// <cert_root>/<host>:<port> when that folder exists, else <cert_root> itself. Throws Error naming
// the engine and each missing file when one is missing.
std::filesystem::path tls_folder(const Host& host, const std::filesystem::path& cert_root);

// The environment that points the engine's client at the host, and at it alone: DOCKER_HOST,
// DOCKER_TLS_VERIFY and DOCKER_CERT_PATH, or DOCKER_CONTEXT (with DOCKER_HOST removed, which
// would win even set to nothing), the others emptied so the user's own settings do not win. Never a
// credential: TLS keys stay in their files.
std::vector<std::pair<std::string, std::string>> host_environment(const Host& host);

// Asks the engine for its version through `program`; returns it, or throws Error saying that the
// engine does not answer (nothing listens at its address), that what answers is no engine, or
// that its TLS files are missing, with the client's own words.
std::string probe(const std::string& program, const Host& host);

// Which engine builds which image: what configure writes to hubtel/engines.json.
struct Assignment {
  struct Engine {
    Host host;
    std::vector<std::string> images;
  };
  std::vector<Engine> engines;
};

// Reads hubtel/engines.json; throws Error naming the file and asking to configure again.
Assignment read_assignment(const std::filesystem::path& file);

// The engine of `address` in the assignment, or nullopt.
const Assignment::Engine* find_engine(const Assignment& assignment, const std::string& address);

// The engine an image is assigned to among `addresses` by highest-random-weight (rendezvous)
// hashing: the address whose SHA-256 of "<address>\n<image>" is highest. The same image goes to
// the same engine on every run, and adding an engine moves only the images it now wins. The CMake
// module computes the same; this is its reference, for tests and for `hubtel-ai engines`.
std::string assign(const std::vector<std::string>& addresses, const std::string& image);

}  // namespace hubtel::engine
