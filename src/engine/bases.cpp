// The base lock: the FROM images of a rendered Dockerfile pinned by digest (or local image id),
// checked before each build, refreshed only when asked; and the provenance a build stamps.
#include "engine/bases.hpp"

#include "common/error.hpp"
#include "common/files.hpp"
#include "engine/docker_api.hpp"
#include "process/process.hpp"
#include "registry/api.hpp"
#include "registry/reference.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <ostream>
#include <regex>
#include <set>
#include <sstream>

namespace fs = std::filesystem;
using nlohmann::json;

namespace hubtel::engine {
namespace {

constexpr int kLockVersion = 1;

const std::regex& digest_pattern() {
  static const std::regex pattern("sha256:[0-9a-f]{64}");
  return pattern;
}

// An image id as engines print it: docker's with its algorithm, podman's and buildah's without.
const std::regex& id_pattern() {
  static const std::regex pattern("(sha256:)?[0-9a-f]{64}");
  return pattern;
}

// A reference as a FROM may name it: a registry host, a path, a tag and a digest, nothing else.
const std::regex& name_pattern() {
  static const std::regex pattern(
      "([A-Za-z0-9.-]+(:[0-9]+)?/)?[a-z0-9]+([._-]+[a-z0-9]+)*(/[a-z0-9]+([._-]+[a-z0-9]+)*)*"
      "(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[0-9a-f]{64})?");
  return pattern;
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// The words of a line, split at blanks.
std::vector<std::string> words_of(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> words;
  for (std::string word; in >> word;) {
    words.push_back(word);
  }
  return words;
}

// Calls `visit(line_index, word_index, image)` for each FROM of the Dockerfile's lines whose image
// is a base (not a stage, not scratch, not built from a variable).
template <typename Visit>
void for_each_base(const std::vector<std::string>& lines, Visit visit) {
  std::set<std::string> stages;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto words = words_of(lines[i]);
    if (words.empty() || lower(words[0]) != "from") {
      continue;
    }
    std::size_t at = 1;
    while (at < words.size() && words[at].rfind("--", 0) == 0) {
      ++at;
    }
    if (at >= words.size()) {
      continue;
    }
    const auto& image = words[at];
    if (at + 2 < words.size() && lower(words[at + 1]) == "as") {
      stages.insert(lower(words[at + 2]));
    }
    if (image.find('$') != std::string::npos || lower(image) == "scratch" ||
        stages.count(lower(image)) != 0) {
      continue;
    }
    visit(i, at, image);
  }
}

std::vector<std::string> lines_of(std::string_view text) {
  std::vector<std::string> lines;
  std::string line;
  std::istringstream in{std::string(text)};
  while (std::getline(in, line)) {
    lines.push_back(line);
  }
  return lines;
}

// The tag a reference names ("latest" when none), or its digest when it has one.
std::string tag_or_digest(const std::string& name) {
  if (const auto digest = registry::digest_in(name); !digest.empty()) {
    return digest;
  }
  const auto slash = name.rfind('/');
  const auto colon = name.rfind(':');
  if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
    return name.substr(colon + 1);
  }
  return "latest";
}

// The name as the engine records it in RepoDigests: without docker.io/ and library/.
std::string engine_repository(const std::string& name) {
  auto repository = registry::repository_in(name);
  for (const std::string prefix : {"docker.io/", "index.docker.io/"}) {
    if (repository.rfind(prefix, 0) == 0) {
      repository = repository.substr(prefix.size());
    }
  }
  if (repository.rfind("library/", 0) == 0) {
    repository = repository.substr(8);
  }
  return repository;
}

process::Result query(const Engine& engine, const std::vector<std::string>& argv) {
  return process::run({argv, environment_of(engine)});
}

// The engine's answers, per engine and name, for this process: a build asks about the same base
// up to three times (lock, check, builder packages), and each ask costs a client start (about
// 0.1 s). Only images found are kept: nothing this process does replaces a base's image.
std::map<std::string, LocalImage>& known_images() {
  static std::map<std::string, LocalImage> known;
  return known;
}

std::string image_key(const Engine& engine, const std::string& ref) {
  std::string key = engine.program + '\n' + engine.kind + '\n' +
                    (engine.host ? engine.host->address : std::string()) + '\n' + ref;
  for (const auto& [name, value] : engine.environment) {
    key += '\n' + name + '=' + value;
  }
  return key;
}

// The registry digests of an engine's answer (a JSON array; anything else, such as podman's null,
// holds none: a local image).
void add_digests(const json& digests, LocalImage& image) {
  if (digests.is_array()) {
    for (const auto& digest : digests) {
      if (digest.is_string()) {
        image.repo_digests.push_back(digest.get<std::string>());
      }
    }
  }
}

// One line of `image inspect` in the format below; nullopt when it holds no image id.
std::optional<LocalImage> parse_image_line(const std::string& line) {
  // id|os|architecture|digests: a field the engine leaves empty cannot shift the others.
  std::istringstream fields(line);
  LocalImage image;
  std::string digests_text;
  std::getline(fields, image.id, '|');
  std::getline(fields, image.os, '|');
  std::getline(fields, image.architecture, '|');
  std::getline(fields, digests_text);
  if (!std::regex_match(image.id, id_pattern())) {
    return std::nullopt;
  }
  add_digests(json::parse(digests_text, nullptr, false), image);
  return image;
}

// The engine's `image inspect` of refs, one line each. buildah has no `image inspect`, keeps no
// registry digests of its own, and is asked one image at a time; its platform is not asked ("-":
// only Docker's builds read the builder's packages).
process::Result inspect_images(const Engine& engine, const std::vector<std::string>& refs) {
  std::vector<std::string> argv;
  if (engine.kind == "buildah") {
    argv = {engine.program, "inspect", "--type", "image", "--format", "{{.FromImageID}}|-|-|[]"};
  } else {
    argv = {engine.program, "image", "inspect", "--format",
            "{{.Id}}|{{.Os}}|{{.Architecture}}|{{json .RepoDigests}}"};
  }
  argv.insert(argv.end(), refs.begin(), refs.end());
  return query(engine, argv);
}

// The daemon's own answer about `ref`, asked on its socket where the client would ask the same
// daemon (docker_api.hpp): the image, none (nullopt inside), or nullopt when the socket cannot
// say, and the client is asked.
std::optional<std::optional<LocalImage>> ask_socket(const Engine& engine, const std::string& ref) {
  const auto socket = direct_socket(engine);
  if (!socket) {
    return std::nullopt;
  }
  const auto answer = api_get(*socket, "/images/" + api_escape(ref) + "/json");
  if (!answer) {
    return std::nullopt;
  }
  if (answer->status == 404) {
    return std::optional<LocalImage>();
  }
  if (answer->status != 200) {
    return std::nullopt;
  }
  const auto document = json::parse(answer->body, nullptr, false);
  if (!document.is_object() || !document.contains("Id") || !document["Id"].is_string()) {
    return std::nullopt;
  }
  LocalImage image;
  image.id = document["Id"].get<std::string>();
  if (!std::regex_match(image.id, id_pattern())) {
    return std::nullopt;
  }
  for (const auto& [key, field] :
       {std::pair{"Os", &image.os}, {"Architecture", &image.architecture}}) {
    if (document.contains(key) && document[key].is_string()) {
      *field = document[key].get<std::string>();
    }
  }
  if (document.contains("RepoDigests")) {
    add_digests(document["RepoDigests"], image);
  }
  return std::optional<LocalImage>(std::move(image));
}

}  // namespace

void ask_images(const Engine& engine, const std::vector<std::string>& refs) {
  if (engine.kind == "buildah" || engine.kind == "none" || engine.program.empty() ||
      direct_socket(engine)) {
    return;  // on the socket, each is asked when it is needed, a millisecond each
  }
  std::vector<std::string> unknown;
  for (const auto& ref : refs) {
    if (known_images().count(image_key(engine, ref)) == 0 &&
        std::find(unknown.begin(), unknown.end(), ref) == unknown.end()) {
      unknown.push_back(ref);
    }
  }
  if (unknown.size() < 2) {
    return;  // one image is asked as well on its own, when it is needed
  }
  process::Result result;
  try {
    result = inspect_images(engine, unknown);
  } catch (const Error&) {
    return;  // the client cannot run: each image's own question says so
  }
  if (!result.ok()) {
    return;  // one of them is missing (the output cannot say which): each is asked on its own
  }
  std::vector<std::optional<LocalImage>> images;
  std::istringstream lines(result.out);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty()) {
      images.push_back(parse_image_line(line));
    }
  }
  if (images.size() != unknown.size()) {
    return;
  }
  for (std::size_t i = 0; i < unknown.size(); ++i) {
    if (images[i]) {
      known_images()[image_key(engine, unknown[i])] = *images[i];
    }
  }
}

std::optional<LocalImage> local_image(const Engine& engine, const std::string& ref) {
  const auto key = image_key(engine, ref);
  if (const auto found = known_images().find(key); found != known_images().end()) {
    return found->second;
  }
  if (const auto asked = ask_socket(engine, ref)) {
    if (*asked) {
      known_images()[key] = **asked;
    }
    return *asked;
  }
  const auto result = inspect_images(engine, {ref});
  if (!result.ok()) {
    // No such image, or no engine to ask: the latter is the error. docker says "No such image",
    // podman and buildah "image not known".
    const auto& said = result.steps.front().err;
    if (said.find("No such") == std::string::npos &&
        said.find("image not known") == std::string::npos) {
      require_answer(engine);
    }
    return std::nullopt;
  }
  const auto image = parse_image_line(process::last_line(result.out));
  if (!image) {
    throw Error(fmt::format(
        "the engine {} ended well but printed no image id for the base image {}: is it docker, "
        "podman or buildah? (HUBTEL_ENGINE names it)",
        engine.program, ref));
  }
  known_images()[key] = *image;
  return image;
}

namespace {

std::string update_hint(const spec::ImageSpec& spec) {
  return fmt::format(
      "run the update-bases target (cmake --build <build-dir> --target update-bases) or "
      "`hubtel-ai bases --update --spec {}` to lock what the names give now",
      spec.file.string());
}

bool is_index(const registry::Manifest& manifest) {
  return manifest.media_type.find("index") != std::string::npos ||
         manifest.media_type.find("manifest.list") != std::string::npos ||
         (manifest.document.is_object() && manifest.document.contains("manifests"));
}

LockedBase resolve(const Engine& engine, const spec::ImageSpec& spec, const std::string& name,
                   std::ostream& err) {
  if (!std::regex_match(name, name_pattern())) {
    throw Error(fmt::format(
        "the Dockerfile '{}' names the base image '{}', which is not an image reference HubtelAI "
        "can lock; name it as <registry>/<repository>[:<tag>][@sha256:<digest>]",
        spec::dockerfile(spec).string(), name));
  }
  LockedBase base;
  base.name = name;
  const auto pinned = registry::digest_in(name);
  std::optional<LocalImage> local;
  if (engine.kind != "none" && !engine.program.empty()) {
    local = local_image(engine, name);
  }
  const auto repository = engine_repository(name);
  std::optional<std::string> recorded;
  if (local) {
    for (const auto& digest : local->repo_digests) {
      if (registry::repository_in(digest) == repository) {
        recorded = registry::digest_in(digest);
      }
    }
    if (!recorded && pinned.empty()) {
      base.kind = "local";
      base.id = local->id;
      return base;
    }
  }
  base.kind = "registry";
  if (!pinned.empty() && !local) {
    // Pinned by the Dockerfile itself: nothing to look up.
    base.digest = pinned;
    return base;
  }
  if (engine.kind == "none" || engine.program.empty()) {
    throw Error(fmt::format(
        "no container engine that can build images was found to lock the base image {} of {} "
        "with: install Debian's docker.io (apt-get install docker.io; its /usr/bin/docker has "
        "BuildKit built in) and start dockerd, or install podman or buildah; then configure "
        "again, or set HUBTEL_ENGINE to the client",
        name, spec.name));
  }
  try {
    registry::Api api(registry::repository_in(name), "aws", "lock the base " + name);
    api.set_missing_hint(
        "name a base image the registry has (RUNTIME_IMAGE, BUILDER_IMAGE), or push it first");
    const auto manifest = api.manifest(tag_or_digest(name));
    base.digest = manifest.digest;
    if (is_index(manifest) && manifest.document["manifests"].is_array()) {
      for (const auto& entry : manifest.document["manifests"]) {
        const auto platform = entry.value("platform", json::object());
        const auto digest = entry.value("digest", std::string());
        if (!platform.is_object() || !std::regex_match(digest, digest_pattern())) {
          continue;
        }
        auto key = platform.value("os", std::string()) + "/" +
                   platform.value("architecture", std::string());
        if (platform.contains("variant")) {
          key += "/" + platform.value("variant", std::string());
        }
        base.platforms.emplace(key, digest);
      }
    }
  } catch (const Error& e) {
    if (!pinned.empty()) {
      base.digest = pinned;
    } else if (recorded) {
      err << fmt::format(
          "hubtel: {}: its registry did not answer ({}); locked the digest the engine pulled it "
          "with, {}\n",
          name, e.what(), *recorded);
      base.digest = *recorded;
    } else {
      throw Error(fmt::format(
          "cannot lock the base image {} of {}: the engine does not have it, and its registry "
          "cannot say what it is ({})\nthe engine cannot get the base image {}: pull it or log "
          "in to its registry, or name an image the engine has (RUNTIME_IMAGE and BUILDER_IMAGE "
          "of hubtel_add_lambda_image(), or HUBTEL_RUNTIME_IMAGE_<RUNTIME> and "
          "HUBTEL_BUILDER_IMAGE_<RUNTIME> for every image of a runtime)",
          name, spec.name, e.what(), name));
    }
  }
  if (!std::regex_match(base.digest, digest_pattern())) {
    throw Error(fmt::format("cannot lock the base image {}: its registry gave the digest '{}'",
                            name, base.digest));
  }
  return base;
}

std::string describe(const LockedBase& base) {
  return base.kind == "local" ? fmt::format("{} (local image id)", base.id) : base.digest;
}

bool same(const LockedBase& a, const LockedBase& b) {
  return a.kind == b.kind && a.digest == b.digest && a.id == b.id && a.platforms == b.platforms;
}

std::int64_t parse_epoch(const std::string& text) {
  std::int64_t value = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, error] = std::from_chars(text.data(), end, value);
  if (text.empty() || error != std::errc() || ptr != end || value < 0) {
    throw Error(fmt::format(
        "SOURCE_DATE_EPOCH is '{}', not a whole number of seconds since 1970-01-01 UTC: set it "
        "to one (for example SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)), or unset it to take "
        "the time of the last commit",
        text.size() > 64 ? text.substr(0, 64) + "..." : text));
  }
  return value;
}

// The last commit of the folder's repository: its time and its hash, from one git call, asked
// once per folder in a process (every build command of an image asks for the time). nullopt
// outside a repository (or with no git on PATH).
struct LastCommit {
  std::string time;
  std::string hash;
};
std::optional<LastCommit> last_commit(const fs::path& dir) {
  static std::map<fs::path, std::optional<LastCommit>> answers;
  if (const auto found = answers.find(dir); found != answers.end()) {
    return found->second;
  }
  std::optional<LastCommit> answer;
  try {
    const auto result = process::run({{"git", "-C", dir.string(), "-c", "log.showSignature=false",
                                       "log", "-1", "--format=%ct%n%H"},
                                      {}});
    std::istringstream lines(result.out);
    LastCommit commit;
    if (result.ok() && std::getline(lines, commit.time) && std::getline(lines, commit.hash)) {
      answer = commit;
    }
  } catch (const Error&) {
    // No git on PATH: no revision.
  }
  answers[dir] = answer;
  return answer;
}

}  // namespace

const LockedBase* BaseLock::find(const std::string& name) const {
  const auto found = std::find_if(bases.begin(), bases.end(),
                                  [&](const LockedBase& base) { return base.name == name; });
  return found == bases.end() ? nullptr : &*found;
}

std::vector<std::string> from_images(std::string_view dockerfile) {
  std::vector<std::string> images;
  for_each_base(lines_of(dockerfile), [&](std::size_t, std::size_t, const std::string& image) {
    if (std::find(images.begin(), images.end(), image) == images.end()) {
      images.push_back(image);
    }
  });
  return images;
}

std::string pinned_dockerfile(std::string_view dockerfile, const BaseLock& lock) {
  auto lines = lines_of(dockerfile);
  for_each_base(lines, [&](std::size_t line, std::size_t word, const std::string& image) {
    const auto* base = lock.find(image);
    if (base == nullptr || base->kind != "registry") {
      return;
    }
    auto words = words_of(lines[line]);
    words[word] = registry::repository_in(image) + "@" + base->digest;
    lines[line] = fmt::format("{}", fmt::join(words, " "));
  });
  std::string text;
  for (const auto& line : lines) {
    text += line + "\n";
  }
  return text;
}

BaseLock read_lock(const fs::path& file) {
  const auto fail = [&](const std::string& what) -> Error {
    return Error(fmt::format(
        "the base lock '{}' cannot be used: {}; run the update-bases target (cmake --build "
        "<build-dir> --target update-bases) or `hubtel-ai bases --update` to lock every base "
        "again, or restore the file",
        file.string(), what));
  };
  json document;
  try {
    document = json::parse(read_file(file));
  } catch (const json::exception& e) {
    throw fail(fmt::format("it is not JSON ({})", e.what()));
  }
  if (!document.is_object() || document.value("version", json()) != json(kLockVersion)) {
    throw fail(fmt::format("it is not a base lock of version {}", kLockVersion));
  }
  if (!document.contains("bases") || !document["bases"].is_array()) {
    throw fail("it has no \"bases\" list");
  }
  BaseLock lock;
  for (const auto& entry : document["bases"]) {
    if (!entry.is_object() || !entry.value("name", json()).is_string() ||
        !entry.value("kind", json()).is_string()) {
      throw fail("a base has no \"name\" or \"kind\"");
    }
    LockedBase base;
    base.name = entry["name"].get<std::string>();
    base.kind = entry["kind"].get<std::string>();
    if (!std::regex_match(base.name, name_pattern())) {
      throw fail(
          fmt::format("the base name '{}' is not an image reference", base.name.substr(0, 200)));
    }
    const auto text = [&](const char* key) {
      const auto value = entry.value(key, json());
      return value.is_string() ? value.get<std::string>() : std::string();
    };
    if (base.kind == "registry") {
      base.digest = text("digest");
      if (!std::regex_match(base.digest, digest_pattern())) {
        throw fail(fmt::format("the digest of {} is '{}', not sha256:<64 hex digits>", base.name,
                               base.digest.substr(0, 200)));
      }
      const auto platforms = entry.value("platforms", json::object());
      if (!platforms.is_object()) {
        throw fail(fmt::format("the platforms of {} are not an object", base.name));
      }
      for (const auto& [platform, digest] : platforms.items()) {
        if (!digest.is_string() || !std::regex_match(digest.get<std::string>(), digest_pattern())) {
          throw fail(fmt::format("the digest of {} for {} is not sha256:<64 hex digits>", base.name,
                                 platform));
        }
        base.platforms.emplace(platform, digest.get<std::string>());
      }
    } else if (base.kind == "local") {
      base.id = text("id");
      if (!std::regex_match(base.id, id_pattern())) {
        throw fail(fmt::format("the image id of {} is '{}', not sha256:<64 hex digits>", base.name,
                               base.id.substr(0, 200)));
      }
    } else {
      throw fail(fmt::format("the kind of {} is '{}', not registry or local", base.name,
                             base.kind.substr(0, 200)));
    }
    if (lock.find(base.name) != nullptr) {
      throw fail(fmt::format("{} is locked twice", base.name));
    }
    lock.bases.push_back(std::move(base));
  }
  std::sort(lock.bases.begin(), lock.bases.end(),
            [](const LockedBase& a, const LockedBase& b) { return a.name < b.name; });
  return lock;
}

std::string lock_text(const BaseLock& lock, const std::string& image) {
  json bases = json::array();
  for (const auto& base : lock.bases) {
    json entry{{"name", base.name}, {"kind", base.kind}};
    if (base.kind == "registry") {
      entry["digest"] = base.digest;
      if (!base.platforms.empty()) {
        entry["platforms"] = base.platforms;
      }
    } else {
      entry["id"] = base.id;
    }
    bases.push_back(entry);
  }
  return json{{"version", kLockVersion}, {"image", image}, {"bases", bases}}.dump(2) + "\n";
}

BaseLock refresh_lock(const Engine& engine, const spec::ImageSpec& spec, bool update,
                      std::ostream& out, std::ostream& err) {
  const auto file = spec::bases_lock_file(spec);
  const auto names = from_images(read_file(spec::dockerfile(spec)));
  BaseLock old;
  bool had_lock = false;
  if (fs::exists(file)) {
    try {
      old = read_lock(file);
      had_lock = true;
    } catch (const Error& e) {
      if (!update) {
        throw;
      }
      err << fmt::format("hubtel: {}: the lock was damaged; locking every base again\n", spec.name);
    }
  }
  BaseLock lock;
  std::vector<std::string> changes;
  std::vector<std::string> asked;
  for (const auto& name : names) {
    if (old.find(name) == nullptr || update) {
      asked.push_back(name);
    }
  }
  ask_images(engine, asked);  // one engine call for every base to resolve
  for (const auto& name : names) {
    const auto* before = old.find(name);
    if (before != nullptr && !update) {
      lock.bases.push_back(*before);
      continue;
    }
    auto base = resolve(engine, spec, name, err);
    if (before == nullptr) {
      changes.push_back(fmt::format("{}: {} locked at {}", spec.name, name, describe(base)));
    } else if (!same(*before, base)) {
      changes.push_back(
          fmt::format("{}: {} {} -> {}", spec.name, name, describe(*before), describe(base)));
    }
    lock.bases.push_back(std::move(base));
  }
  std::sort(lock.bases.begin(), lock.bases.end(),
            [](const LockedBase& a, const LockedBase& b) { return a.name < b.name; });
  const auto text = lock_text(lock, spec.name);
  write_file_if_changed(file, text);
  write_file_if_changed(spec::bases_stamp_file(spec), text);
  for (const auto& change : changes) {
    out << change << '\n';
  }
  if (update && changes.empty() && had_lock) {
    err << fmt::format("hubtel: the bases of {} are as {} locks them\n", spec.name, file.string());
  }
  return lock;
}

void prepare_locked_build(const Engine& engine, const spec::ImageSpec& spec, std::ostream& err) {
  if (engine.kind == "none" || engine.program.empty()) {
    return;
  }
  const auto lock = refresh_lock(engine, spec, false, err, err);
  const auto file = spec::bases_lock_file(spec);
  // Every base the checks below ask about, and the builder the package check asks about, in one
  // engine call.
  std::vector<std::string> asked;
  if (!spec.builder_image.empty()) {
    asked.push_back(spec.builder_image);
  }
  for (const auto& base : lock.bases) {
    asked.push_back(base.kind == "local" ? base.name
                                         : registry::repository_in(base.name) + "@" + base.digest);
  }
  ask_images(engine, asked);
  for (const auto& base : lock.bases) {
    if (base.kind == "local") {
      const auto local = local_image(engine, base.name);
      if (!local) {
        if (engine.host) {
          throw Error(fmt::format(
              "{} locks the base image {} (a local image, id {}), which the engine {} that "
              "builds {} does not have: every engine of HUBTEL_ENGINE_HOSTS needs the local "
              "bases of the images it builds (docker save {} | docker -H {} load keeps its id), "
              "or name a base in a registry every engine can pull from",
              file.string(), base.name, base.id, engine.host->address, spec.name, base.name,
              engine.host->address));
        }
        throw Error(fmt::format(
            "{} locks the base image {} (a local image, id {}), which the engine no longer has: "
            "tag that image as {} again, or {}",
            file.string(), base.name, base.id, base.name, update_hint(spec)));
      }
      if (local->id != base.id) {
        throw Error(fmt::format(
            "the base image {} changed since {} locked it (locked id {}, now {}): the build "
            "would not be the one locked; {} (it says what changed), or tag the locked image as "
            "{} again",
            base.name, file.string(), base.id, local->id, update_hint(spec), base.name));
      }
      continue;
    }
    const auto pinned = registry::repository_in(base.name) + "@" + base.digest;
    if (local_image(engine, pinned)) {
      continue;
    }
    try {
      registry::Api api(registry::repository_in(base.name), "aws", "build " + spec.name);
      api.set_missing_hint(update_hint(spec));
      api.manifest(base.digest);
    } catch (const Error& e) {
      throw Error(fmt::format("{} locks the base image {} at {}, which cannot be read: {}",
                              file.string(), base.name, base.digest, e.what()));
    }
  }
  const auto dockerfile = read_file(spec::dockerfile(spec));
  const auto pinned = pinned_dockerfile(dockerfile, lock);
  const auto locked = spec::locked_dockerfile(spec);
  auto ignore = locked;
  ignore += ".dockerignore";
  if (pinned == dockerfile) {
    std::error_code ignored;
    fs::remove(locked, ignored);
    fs::remove(ignore, ignored);
    return;
  }
  std::error_code missing;
  write_file_if_changed(ignore, fs::exists(spec::dockerignore(spec), missing)
                                    ? read_file(spec::dockerignore(spec))
                                    : std::string());
  write_file_if_changed(locked, pinned);
}

std::int64_t source_date_epoch(const fs::path& dir) {
  if (const char* value = std::getenv("SOURCE_DATE_EPOCH"); value != nullptr) {
    return parse_epoch(value);
  }
  if (const auto commit = last_commit(dir)) {
    try {
      return parse_epoch(commit->time);
    } catch (const Error&) {
      // Not a git time: the fallback below.
    }
  }
  return 0;
}

std::optional<std::string> source_revision(const fs::path& dir) {
  static const std::regex hex("[0-9a-f]{40}([0-9a-f]{24})?");
  if (const auto commit = last_commit(dir); commit && std::regex_match(commit->hash, hex)) {
    return commit->hash;
  }
  return std::nullopt;
}

std::string base_digest_for(const LockedBase& base, const std::string& arch) {
  if (base.kind == "local") {
    return base.id.rfind("sha256:", 0) == 0 ? base.id : "sha256:" + base.id;
  }
  const auto found = base.platforms.find(platform_of(arch));
  return found == base.platforms.end() ? base.digest : found->second;
}

std::vector<std::string> provenance_args(const spec::ImageSpec& spec, const std::string& arch) {
  std::vector<std::string> args{
      "--build-arg", fmt::format("SOURCE_DATE_EPOCH={}", source_date_epoch(spec.context))};
  const auto file = spec::bases_lock_file(spec);
  std::error_code missing;
  if (fs::exists(file, missing)) {
    const auto lock = read_lock(file);
    if (const auto* base = lock.find(spec.runtime_image)) {
      args.insert(args.end(),
                  {"--label", "org.opencontainers.image.base.name=" + base->name, "--label",
                   "org.opencontainers.image.base.digest=" + base_digest_for(*base, arch)});
    }
  }
  if (const auto revision = source_revision(spec.context)) {
    args.insert(args.end(), {"--label", "org.opencontainers.image.revision=" + *revision});
  }
  return args;
}

}  // namespace hubtel::engine
