// The registry's HTTP API (the OCI distribution API) for what the engine cannot say: the manifest
// a reference names, an image's config, a repository's tags, and deletes by digest. Used by the
// Lambda gate before a deploy and by the clean-up.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hubtel::registry {

// A manifest as the registry served it: its media type, its digest, and the document.
struct Manifest {
  std::string media_type;
  std::string digest;
  nlohmann::json document;
  std::string body;  // as served: the bytes the digest is of
};

// Talks to the registry of one repository. Loopback registries (localhost, 127.0.0.0/8, [::1]) are
// reached over HTTP, as engines do; every other one over HTTPS with the system's certificates.
// Credentials are found as an engine finds them, and stay in this process's memory: for ECR, a
// token from `aws ecr get-authorization-token`; else the user's engine configuration (its
// credential helper, or its stored login); else none. Token challenges (Bearer) are answered.
class Api {
 public:
  // `step` names what the reads are for in errors ("deploy hello"); `aws` is the AWS CLI.
  Api(const std::string& repository, std::string aws, std::string step);

  // The manifest `reference` (a tag or a digest) names, any media type accepted. A manifest asked
  // for by digest is checked against it. Throws Error naming the cause (not found, refused,
  // unreachable) and what to do.
  Manifest manifest(const std::string& reference);

  // The digest a tag names, or nothing when the repository holds no such tag.
  std::optional<std::string> tag_digest(const std::string& tag);

  // The JSON blob `digest` names (an image config), checked against its digest and at most
  // `limit` bytes.
  nlohmann::json json_blob(const std::string& digest, std::size_t limit = 8U << 20U);

  // Streams the blob `digest`, `size` bytes long, to `sink` in chunks as it arrives (never held
  // whole), following the redirects registries answer blob reads with. Throws Error when the
  // registry sends more or fewer bytes than `size`, or (with `verify`) bytes whose SHA-256 is not
  // `digest`; the sink has then seen bytes that must be thrown away.
  void stream_blob(const std::string& digest, std::uint64_t size,
                   const std::function<void(std::string_view)>& sink, bool verify = true);

  // What a missing manifest's error tells the user to do ("push the image again" by default).
  void set_missing_hint(std::string hint) { missing_hint_ = std::move(hint); }

  // The repository's tags, every page of them (none for a repository the registry does not know).
  std::vector<std::string> tags();

  // Uploads `bytes` as a blob in one request, unless the repository has it already; returns its
  // digest.
  std::string put_blob(const std::string& bytes);

  // Stores the manifest `body` of `media_type` under `reference` (a tag, or its own digest).
  // Returns true when the registry answered with an OCI-Subject header: it indexed the manifest's
  // subject, as registries with the referrers API do.
  bool put_manifest(const std::string& reference, const std::string& media_type,
                    const std::string& body);

  // The referrers index of the manifest `digest` (OCI distribution 1.1), or nothing when the
  // registry has no referrers API.
  std::optional<nlohmann::json> referrers(const std::string& digest);

  // Deletes the manifest `digest` (and with it every tag that names it). Throws Error when the
  // registry refuses, saying why (deletes disabled, no permission).
  void delete_manifest(const std::string& digest);

  // The repository's path in the registry, and the registry's host.
  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] const std::string& host() const { return host_; }

 private:
  struct Response {
    int status = 0;
    std::string body;
    std::map<std::string, std::string> headers;  // lower-case names
  };
  // A 200 answer's body goes to `stream` when one is given (any other answer's is kept).
  using Stream = std::function<void(std::string_view)>;
  // `body`, when given, is sent as the request's body.
  Response request(const std::string& method, const std::string& target,
                   const std::map<std::string, std::string>& headers, std::size_t limit,
                   const Stream* stream = nullptr, const std::string* body = nullptr);
  Response send(const std::string& base, const std::string& method, const std::string& target,
                const std::map<std::string, std::string>& headers, std::size_t limit,
                const std::optional<std::string>& authorization, const Stream* stream = nullptr,
                const std::string* body = nullptr);
  void authorize(const std::string& challenge);
  std::optional<std::string> basic_credentials();
  [[noreturn]] void fail_status(const std::string& what, const Response& response);

  std::string host_;
  std::string path_;
  std::string base_;
  std::string aws_;
  std::string step_;
  std::optional<std::string> authorization_;
  bool credentials_read_ = false;
  std::optional<std::string> basic_;
  std::string missing_hint_ = "push the image again";
};

// The user's engine configuration file: $DOCKER_CONFIG/config.json, else
// ~/.docker/config.json (empty when neither can be told).
std::filesystem::path engine_config_file();

// The parameters of a WWW-Authenticate challenge: its scheme (lower-case) and its key="value"
// pairs. Returns nothing for a header it cannot read.
struct Challenge {
  std::string scheme;
  std::map<std::string, std::string> parameters;
};
std::optional<Challenge> parse_challenge(const std::string& header);

}  // namespace hubtel::registry
