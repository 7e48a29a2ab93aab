// The registry's HTTP API through cpp-httplib: bounded reads, digests checked, token challenges
// answered, credentials found as an engine finds them and kept in memory.
#include "registry/api.hpp"

#include "common/encoding.hpp"
#include "common/error.hpp"
#include "common/files.hpp"
#include "common/sha256.hpp"
#include "deploy/aws.hpp"
#include "process/process.hpp"
#include "registry/reference.hpp"

#include <fmt/format.h>
#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <exception>
#include <regex>
#include <set>

namespace fs = std::filesystem;

namespace hubtel::registry {
namespace {

using nlohmann::json;

// Manifests are small; registries refuse those over 4 MiB.
constexpr std::size_t kManifestLimit = 4U << 20U;
constexpr int kMaxRedirects = 5;

std::string digest_of(const std::string& bytes) {
  Sha256 sha;
  sha.update(bytes);
  return sha.finish();
}

const char* const kAcceptManifests =
    "application/vnd.oci.image.index.v1+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json, "
    "application/vnd.oci.image.manifest.v1+json, "
    "application/vnd.docker.distribution.manifest.v2+json, "
    "application/vnd.docker.distribution.manifest.v1+prettyjws";

// localhost, [::1] and 127.0.0.0/8 written as an address (a name such as 127.example.com is not).
bool is_loopback(const std::string& host) {
  auto name = host;
  if (name.rfind('[', 0) == 0) {
    name = name.substr(1, name.find(']') - 1);
  } else if (const auto colon = name.rfind(':'); colon != std::string::npos) {
    name.resize(colon);
  }
  static const std::regex loopback_v4(R"(127\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3}))");
  std::smatch octets;
  if (std::regex_match(name, octets, loopback_v4)) {
    return std::stoi(octets[1]) < 256 && std::stoi(octets[2]) < 256 && std::stoi(octets[3]) < 256;
  }
  // Host names are read without regard to case, as DNS reads them.
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return name == "localhost" || name == "::1";
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// Splits "https://host:port/path?query" into the scheme and host, and the rest ("/" when none).
std::pair<std::string, std::string> split_url(const std::string& url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) {
    return {"", url};
  }
  const auto path = url.find('/', scheme_end + 3);
  if (path == std::string::npos) {
    return {url, "/"};
  }
  return {url.substr(0, path), url.substr(path)};
}

}  // namespace

fs::path engine_config_file() {
  if (const char* dir = std::getenv("DOCKER_CONFIG"); dir != nullptr && *dir != '\0') {
    return fs::path(dir) / "config.json";
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    return fs::path(home) / ".docker" / "config.json";
  }
  return {};
}

std::optional<Challenge> parse_challenge(const std::string& header) {
  static const std::regex scheme_pattern(R"(^\s*([A-Za-z]+)\s*)");
  static const std::regex pair_pattern(R"re(^\s*,?\s*([A-Za-z_]+)="([^"]*)"\s*)re");
  std::smatch match;
  if (!std::regex_search(header, match, scheme_pattern)) {
    return std::nullopt;
  }
  Challenge challenge{lower(match[1].str()), {}};
  auto rest = match.suffix().str();
  while (!rest.empty() && std::regex_search(rest, match, pair_pattern)) {
    challenge.parameters[lower(match[1].str())] = match[2].str();
    rest = match.suffix().str();
  }
  return challenge;
}

Api::Api(const std::string& repository, std::string aws, std::string step)
    : host_(registry_of(repository)),
      path_(repository_path(repository)),
      aws_(std::move(aws)),
      step_(std::move(step)) {
  if (host_ == "docker.io") {
    base_ = "https://registry-1.docker.io";
    if (path_.find('/') == std::string::npos) {
      path_ = "library/" + path_;
    }
  } else {
    base_ = (is_loopback(host_) ? "http://" : "https://") + host_;
  }
}

Api::Response Api::send(const std::string& base, const std::string& method,
                        const std::string& target,
                        const std::map<std::string, std::string>& headers, std::size_t limit,
                        const std::optional<std::string>& authorization, const Stream* stream,
                        const std::string* body) {
  httplib::Client client(base);
  client.set_connection_timeout(std::chrono::seconds(15));
  client.set_read_timeout(std::chrono::seconds(60));
  httplib::Headers sent(headers.begin(), headers.end());
  if (authorization) {
    sent.emplace("Authorization", *authorization);
  }
  Response response;
  bool too_big = false;
  // Every body, whatever the method, is read through this bounded receiver.
  httplib::Request request;
  request.method = method;
  request.path = target;
  request.headers = sent;
  if (body != nullptr) {
    request.body = *body;
    if (request.headers.find("Content-Length") == request.headers.end()) {
      request.headers.emplace("Content-Length", std::to_string(body->size()));
    }
  }
  // A streamed body is the 200 answer's alone: errors and redirects are read as usual.
  bool streaming = false;
  std::exception_ptr stream_failure;
  request.response_handler = [&](const httplib::Response& head) {
    streaming = stream != nullptr && head.status == 200;
    return true;
  };
  request.content_receiver = [&](const char* data, std::size_t length, std::uint64_t,
                                 std::uint64_t) {
    if (streaming) {
      try {
        (*stream)(std::string_view(data, length));
        return true;
      } catch (...) {
        stream_failure = std::current_exception();
        return false;
      }
    }
    if (length > limit - std::min(limit, response.body.size())) {
      too_big = true;
      return false;
    }
    response.body.append(data, length);
    return true;
  };
  const auto result = client.send(request);
  if (stream_failure) {
    std::rethrow_exception(stream_failure);
  }
  if (too_big) {
    // The host alone: a redirect's query may hold a signature.
    throw Error(fmt::format("{}: {} sent more than {} bytes for a {}; is this a registry?", step_,
                            base, limit, method));
  }
  if (!result) {
    throw Error(
        fmt::format("{}: cannot reach the registry at {} ({}); is it running and "
                    "reachable from here?",
                    step_, base, httplib::to_string(result.error())));
  }
  response.status = result->status;
  for (const auto& [name, value] : result->headers) {
    response.headers[lower(name)] = value;
  }
  return response;
}

Api::Response Api::request(const std::string& method, const std::string& target,
                           const std::map<std::string, std::string>& headers, std::size_t limit,
                           const Stream* stream, const std::string* body) {
  auto response = send(base_, method, target, headers, limit, authorization_, stream, body);
  if (response.status == 401) {
    authorize(response.headers["www-authenticate"]);
    response = send(base_, method, target, headers, limit, authorization_, stream, body);
  }
  // Blobs are often served from elsewhere (a CDN, S3 for ECR); the credentials stay here.
  for (int hop = 0; hop < kMaxRedirects && response.status >= 301 && response.status <= 308 &&
                    response.headers.count("location") != 0;
       ++hop) {
    auto [base, rest] = split_url(response.headers["location"]);
    if (base.empty()) {
      base = base_;
    }
    response = send(base, method, rest, {}, limit, std::nullopt, stream);
  }
  return response;
}

std::optional<std::string> Api::basic_credentials() {
  if (credentials_read_) {
    return basic_;
  }
  credentials_read_ = true;
  if (const auto ecr = ecr_registry(host_ + "/x")) {
    // The push's login: the password `aws ecr get-login-password` prints (the AWS CLI's own
    // credentials, the registry's region), for the user AWS. Read from the CLI's stdout by this
    // process alone and kept in its memory: never on a command line, in a file or the build tree.
    deploy::AwsOptions options;
    options.program = aws_;
    options.region = ecr->region;
    const deploy::Aws aws(options);
    process::Options run;
    run.timeout = std::chrono::minutes(2);
    const auto login = process::run({aws.login_password_command(), {{"AWS_PAGER", ""}}}, run);
    if (login.timed_out) {
      throw Error(
          fmt::format("{}: aws ecr get-login-password did not finish within 2 minutes", step_));
    }
    if (!login.ok()) {
      throw deploy::login_password_failure(step_, login.steps.front().err);
    }
    auto password = login.out;
    while (!password.empty() && (password.back() == '\n' || password.back() == '\r')) {
      password.pop_back();
    }
    if (password.empty() || password.find_first_of("\r\n") != std::string::npos) {
      throw Error(fmt::format(
          "{}: aws ecr get-login-password printed no password for {}; check the AWS CLI ({})",
          step_, host_, aws_));
    }
    basic_ = base64("AWS:" + password);
    return basic_;
  }
  const auto config_file = engine_config_file();
  if (config_file.empty() || !fs::exists(config_file)) {
    return basic_;
  }
  json config;
  try {
    config = json::parse(read_file(config_file));
  } catch (const std::exception&) {
    return basic_;
  }
  const auto key = host_ == "docker.io" ? std::string("https://index.docker.io/v1/") : host_;
  // Keys may hold '/', so they are looked up as keys, never as JSON pointers.
  const auto member = [&config](const char* section, const std::string& name) -> json {
    const auto found = config.find(section);
    if (found == config.end() || !found->is_object()) {
      return json();
    }
    for (const auto& candidate : {name, "https://" + name}) {
      if (const auto entry = found->find(candidate); entry != found->end()) {
        return *entry;
      }
    }
    return json();
  };
  const auto helper_entry = member("credHelpers", key);
  std::string helper = helper_entry.is_string() ? helper_entry.get<std::string>() : std::string();
  if (helper.empty()) {
    helper = config.value("credsStore", std::string());
  }
  if (!helper.empty() && helper.find('/') == std::string::npos) {
    // The helper reads the host on stdin and prints the secret to us alone.
    const auto result = process::run_pipeline(
        {{{"printf", "%s", key}, {}}, {{"docker-credential-" + helper, "get"}, {}}});
    if (result.ok()) {
      try {
        const auto secret = json::parse(result.out);
        basic_ = base64(secret.value("Username", std::string()) + ":" +
                        secret.value("Secret", std::string()));
        return basic_;
      } catch (const json::exception&) {
        // Fall through to the stored login.
      }
    }
  }
  const auto stored = member("auths", key);
  if (stored.is_object() && stored.value("auth", json()).is_string() &&
      !stored["auth"].get<std::string>().empty()) {
    basic_ = stored["auth"].get<std::string>();
  }
  return basic_;
}

void Api::authorize(const std::string& header) {
  const auto challenge = parse_challenge(header);
  const auto credentials = basic_credentials();
  if (challenge && challenge->scheme == "bearer" && challenge->parameters.count("realm") != 0) {
    const auto& realm = challenge->parameters.at("realm");
    auto [base, rest] = split_url(realm);
    // Credentials go to a token service over HTTPS, or to the registry itself, or (for a registry
    // on loopback) to a service on loopback too: never in clear text to another machine.
    const auto realm_host =
        base.substr(base.find("://") == std::string::npos ? 0 : base.find("://") + 3);
    const bool trusted =
        base.rfind("https://", 0) == 0 || base == base_ ||
        (is_loopback(host_) && base.rfind("http://", 0) == 0 && is_loopback(realm_host));
    httplib::Params query;
    for (const char* name : {"service", "scope"}) {
      if (challenge->parameters.count(name) != 0) {
        query.emplace(name, challenge->parameters.at(name));
      }
    }
    const auto target = httplib::append_query_params(rest, query);
    const auto answer =
        send(base, "GET", target, {}, 1U << 20U,
             credentials && trusted ? std::optional<std::string>("Basic " + *credentials)
                                    : std::nullopt);
    if (answer.status != 200) {
      throw Error(
          credentials && !trusted
              ? fmt::format("{}: the registry {} refused a token (HTTP {}); its token service "
                            "{} is not HTTPS, so no credentials were sent to it",
                            step_, host_, answer.status, base)
              : fmt::format(
                    "{}: the registry {} refused a token (HTTP {}); log in to it (docker login {})",
                    step_, host_, answer.status, host_));
    }
    try {
      const auto document = json::parse(answer.body);
      auto token = document.value("token", std::string());
      if (token.empty()) {
        token = document.value("access_token", std::string());
      }
      authorization_ = "Bearer " + token;
      return;
    } catch (const json::exception&) {
      throw Error(fmt::format("{}: the registry {} sent a token that is not JSON", step_, host_));
    }
  }
  if (!credentials) {
    throw Error(
        fmt::format("{}: the registry {} asks for credentials and none are stored; log in "
                    "to it (docker login {})",
                    step_, host_, host_));
  }
  authorization_ = "Basic " + *credentials;
}

void Api::fail_status(const std::string& what, const Response& response) {
  std::string detail;
  try {
    const auto document = json::parse(response.body);
    detail = document.value(json::json_pointer("/errors/0/message"), std::string());
  } catch (const json::exception&) {
  }
  std::string hint;
  if (response.status == 401) {
    hint = fmt::format(
        "; the registry refused the credentials stored for {}: log in again (docker login {}), or "
        "point DOCKER_CONFIG at the configuration that holds them",
        host_, host_);
  } else if (response.status == 403) {
    hint = fmt::format("; check the credentials and permissions for {}", host_);
  }
  throw Error(fmt::format("{}: {} in {}/{}: HTTP {}{}{}", step_, what, host_, path_,
                          response.status, detail.empty() ? "" : " (" + detail + ")", hint));
}

Manifest Api::manifest(const std::string& reference) {
  const auto response = request("GET", fmt::format("/v2/{}/manifests/{}", path_, reference),
                                {{"Accept", kAcceptManifests}}, kManifestLimit);
  if (response.status == 404) {
    throw Error(fmt::format("{}: {}/{} has no manifest {}; {}", step_, host_, path_, reference,
                            missing_hint_));
  }
  if (response.status != 200) {
    fail_status("reading the manifest " + reference, response);
  }
  Manifest manifest;
  auto type = response.headers.count("content-type") != 0 ? response.headers.at("content-type")
                                                          : std::string();
  manifest.media_type = type.substr(0, type.find(';'));
  manifest.digest = digest_of(response.body);
  if (reference.rfind("sha256:", 0) == 0 && manifest.digest != reference) {
    throw Error(
        fmt::format("{}: {}/{} served a manifest for {} whose digest is {}; the registry "
                    "is damaged or not what it claims",
                    step_, host_, path_, reference, manifest.digest));
  }
  manifest.body = response.body;
  try {
    manifest.document = json::parse(response.body);
  } catch (const json::exception&) {
    throw Error(
        fmt::format("{}: the manifest {} in {}/{} is not JSON", step_, reference, host_, path_));
  }
  if (manifest.media_type.empty() || manifest.media_type == "application/json") {
    manifest.media_type = manifest.document.value("mediaType", std::string());
  }
  return manifest;
}

std::optional<std::string> Api::tag_digest(const std::string& tag) {
  const auto response = request("HEAD", fmt::format("/v2/{}/manifests/{}", path_, tag),
                                {{"Accept", kAcceptManifests}}, kManifestLimit);
  if (response.status == 404) {
    return std::nullopt;
  }
  if (response.status != 200 || response.headers.count("docker-content-digest") == 0) {
    return manifest(tag).digest;
  }
  return response.headers.at("docker-content-digest");
}

json Api::json_blob(const std::string& digest, std::size_t limit) {
  const auto response = request("GET", fmt::format("/v2/{}/blobs/{}", path_, digest), {}, limit);
  if (response.status == 404) {
    throw Error(
        fmt::format("{}: {}/{} has no blob {}; push the image again", step_, host_, path_, digest));
  }
  if (response.status != 200) {
    fail_status("reading the blob " + digest, response);
  }
  if (digest_of(response.body) != digest) {
    throw Error(fmt::format("{}: the blob {} in {}/{} does not match its digest", step_, digest,
                            host_, path_));
  }
  try {
    return json::parse(response.body);
  } catch (const json::exception&) {
    throw Error(fmt::format("{}: the blob {} in {}/{} is not JSON", step_, digest, host_, path_));
  }
}

void Api::stream_blob(const std::string& digest, std::uint64_t size,
                      const std::function<void(std::string_view)>& sink, bool verify) {
  Sha256 sha;
  std::uint64_t received = 0;
  const Stream receive = [&](std::string_view chunk) {
    if (chunk.size() > size - received) {
      throw Error(
          fmt::format("{}: the blob {} in {}/{} is longer than the {} bytes its manifest "
                      "says; the registry is damaged or not what it claims",
                      step_, digest, host_, path_, size));
    }
    received += chunk.size();
    if (verify) {
      sha.update(chunk);
    }
    sink(chunk);
  };
  const auto response =
      request("GET", fmt::format("/v2/{}/blobs/{}", path_, digest), {}, kManifestLimit, &receive);
  if (response.status == 404) {
    throw Error(
        fmt::format("{}: {}/{} has no blob {}; {}", step_, host_, path_, digest, missing_hint_));
  }
  if (response.status != 200) {
    fail_status("reading the blob " + digest, response);
  }
  if (received != size) {
    throw Error(fmt::format("{}: the blob {} in {}/{} ended after {} of its {} bytes; try again",
                            step_, digest, host_, path_, received, size));
  }
  if (verify) {
    if (const auto actual = sha.finish(); actual != digest) {
      throw Error(
          fmt::format("{}: the blob {} in {}/{} does not match its digest (its content is "
                      "{}); the registry is damaged or not what it claims",
                      step_, digest, host_, path_, actual));
    }
  }
}

std::vector<std::string> Api::tags() {
  std::vector<std::string> tags;
  std::string target = fmt::format("/v2/{}/tags/list?n=1000", path_);
  std::set<std::string> seen;
  // A registry that links on without end, or in a circle, is not followed forever.
  constexpr std::size_t kMaxTags = 100000;
  while (!target.empty() && seen.insert(target).second && tags.size() < kMaxTags) {
    auto response = request("GET", target, {}, kManifestLimit);
    if (response.status == 404) {
      return tags;
    }
    if (response.status != 200) {
      fail_status("listing the tags", response);
    }
    try {
      const auto document = json::parse(response.body);
      const auto& list = document.value("tags", json::array());
      for (const auto& tag : list.is_array() ? list : json::array()) {
        if (tag.is_string()) {
          tags.push_back(tag.get<std::string>());
        }
      }
    } catch (const json::exception&) {
      throw Error(fmt::format("{}: the tag list of {}/{} is not JSON", step_, host_, path_));
    }
    target.clear();
    static const std::regex next(R"re(<([^>]+)>\s*;\s*rel="?next"?)re");
    std::smatch match;
    const auto& link = response.headers["link"];
    if (std::regex_search(link, match, next)) {
      target = split_url(match[1].str()).second;
      if (target.rfind("/v2/", 0) != 0) {
        target = match[1].str();
      }
    }
  }
  return tags;
}

std::string Api::put_blob(const std::string& bytes) {
  const auto digest = digest_of(bytes);
  const auto blob = fmt::format("/v2/{}/blobs/{}", path_, digest);
  if (request("HEAD", blob, {}, kManifestLimit).status == 200) {
    return digest;
  }
  const std::string nothing;
  auto started = request("POST", fmt::format("/v2/{}/blobs/uploads/", path_), {}, kManifestLimit,
                         nullptr, &nothing);
  if (started.status != 202 || started.headers.count("location") == 0) {
    fail_status("starting an upload", started);
  }
  auto [base, rest] = split_url(started.headers["location"]);
  if (base.empty()) {
    base = base_;
  }
  // Credentials go to the registry itself alone, never to where it sends the upload.
  const auto authorization = base == base_ ? authorization_ : std::nullopt;
  rest += fmt::format("{}digest={}", rest.find('?') == std::string::npos ? '?' : '&',
                      httplib::detail::encode_query_param(digest));
  const auto finished = send(base, "PUT", rest, {{"Content-Type", "application/octet-stream"}},
                             kManifestLimit, authorization, nullptr, &bytes);
  if (finished.status != 201) {
    fail_status("uploading the blob " + digest, finished);
  }
  return digest;
}

bool Api::put_manifest(const std::string& reference, const std::string& media_type,
                       const std::string& body) {
  auto response = request("PUT", fmt::format("/v2/{}/manifests/{}", path_, reference),
                          {{"Content-Type", media_type}}, kManifestLimit, nullptr, &body);
  if (response.status != 201 && response.status != 200) {
    fail_status("storing the manifest " + reference, response);
  }
  return response.headers.count("oci-subject") != 0;
}

std::optional<json> Api::referrers(const std::string& digest) {
  const auto response =
      request("GET", fmt::format("/v2/{}/referrers/{}", path_, digest),
              {{"Accept", "application/vnd.oci.image.index.v1+json"}}, kManifestLimit);
  if (response.status != 200) {
    return std::nullopt;  // 404: no referrers API (a registry with one answers an empty index)
  }
  try {
    auto document = json::parse(response.body);
    if (document.is_object() && document.contains("manifests")) {
      return document;
    }
  } catch (const json::exception&) {
  }
  return std::nullopt;
}

void Api::delete_manifest(const std::string& digest) {
  const auto response =
      request("DELETE", fmt::format("/v2/{}/manifests/{}", path_, digest), {}, kManifestLimit);
  if (response.status == 202 || response.status == 200 || response.status == 404) {
    return;
  }
  if (response.status == 405) {
    throw Error(
        fmt::format("{}: the registry {} does not allow deletes (HTTP 405); enable them "
                    "(REGISTRY_STORAGE_DELETE_ENABLED=true for a docker-registry)",
                    step_, host_));
  }
  fail_status("deleting " + digest, response);
}

}  // namespace hubtel::registry
