// Reads the image spec: every member checked with the rules hubtel_add_lambda_image() applies to
// the argument it comes from, each failure one message naming the file and the member.
#include "spec/image_spec.hpp"

#include "common/error.hpp"
#include "common/files.hpp"
#include "common/sha256.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <regex>
#include <set>
#include <string_view>

namespace fs = std::filesystem;

namespace hubtel::spec {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

const char* const kAgain = "configure the project again";

bool has_control(const std::string& text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

// A value as a message may quote it: JSON-escaped, so a control character shows as \n or \u0001.
std::string shown(const ordered_json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

// Reads members of one spec object; every failure names the file and the member.
class Members {
 public:
  Members(const fs::path& file, const ordered_json& object) : file_(file), object_(object) {}

  // No text is longer than a path may be (as the CMake side checks), and none that is gets near a
  // regular expression, whose matcher recurses once per character.
  void check_length(const std::string& key, const std::string& text) const {
    constexpr std::size_t limit = 4096;
    if (text.size() > limit) {
      bad(key, fmt::format("a text of {} bytes starting {} is longer than {} bytes", text.size(),
                           shown(text.substr(0, 40)), limit));
    }
  }

  [[noreturn]] void bad(const std::string& key, const std::string& what) const {
    throw Error(fmt::format("the image spec '{}' has a bad '{}': {}; {}", file_.string(), key, what,
                            kAgain));
  }

  const ordered_json& member(const std::string& key) const {
    const auto it = object_.find(key);
    if (it == object_.end()) {
      bad(key, "it is missing");
    }
    return *it;
  }

  [[nodiscard]] bool is_null(const std::string& key) const {
    const auto it = object_.find(key);
    return it == object_.end() || it->is_null();
  }

  // A string matching `pattern` (which `expected` describes in words).
  std::string text(const std::string& key, const std::regex& pattern,
                   const std::string& expected) const {
    return checked_text(key, member(key), pattern, expected);
  }

  std::string checked_text(const std::string& key, const ordered_json& value,
                           const std::regex& pattern, const std::string& expected) const {
    if (!value.is_string()) {
      bad(key, fmt::format("{} is not a string", shown(value)));
    }
    auto text = value.get<std::string>();
    check_length(key, text);
    if (has_control(text) || !std::regex_match(text, pattern)) {
      bad(key, fmt::format("{} is not {}", shown(value), expected));
    }
    return text;
  }

  std::optional<std::string> optional_text(const std::string& key, const std::regex& pattern,
                                           const std::string& expected) const {
    if (is_null(key)) {
      return std::nullopt;
    }
    return text(key, pattern, expected);
  }

  std::string one_of(const std::string& key, const std::vector<std::string>& allowed) const {
    static const std::regex any(".*");
    auto value = text(key, any, "a string");
    if (std::find(allowed.begin(), allowed.end(), value) == allowed.end()) {
      bad(key,
          fmt::format("\"{}\" is not supported (supported: {})", value, fmt::join(allowed, ", ")));
    }
    return value;
  }

  bool boolean(const std::string& key) const {
    const auto& value = member(key);
    if (!value.is_boolean()) {
      bad(key, fmt::format("{} is not true or false", shown(value)));
    }
    return value.get<bool>();
  }

  std::optional<std::int64_t> optional_integer(const std::string& key, std::int64_t low,
                                               std::int64_t high) const {
    if (is_null(key)) {
      return std::nullopt;
    }
    const auto& value = member(key);
    if (!value.is_number_integer()) {
      bad(key, fmt::format("{} is not a whole number", shown(value)));
    }
    // A large unsigned value would wrap around as a signed one.
    if ((value.is_number_unsigned() &&
         value.get<std::uint64_t>() > static_cast<std::uint64_t>(high)) ||
        value.get<std::int64_t>() < low || value.get<std::int64_t>() > high) {
      bad(key, fmt::format("{} is outside {}..{}", shown(value), low, high));
    }
    return value.get<std::int64_t>();
  }

  // A list of strings, each matching `pattern`; unique when asked.
  std::vector<std::string> texts(const std::string& key, const std::regex& pattern,
                                 const std::string& expected, bool unique = false) const {
    const auto& value = member(key);
    if (!value.is_array()) {
      bad(key, fmt::format("{} is not a list", shown(value)));
    }
    std::vector<std::string> result;
    for (const auto& item : value) {
      auto text = checked_text(key, item, pattern, expected);
      if (unique && std::find(result.begin(), result.end(), text) != result.end()) {
        bad(key, fmt::format("\"{}\" is listed twice", text));
      }
      result.push_back(std::move(text));
    }
    return result;
  }

  // An object of KEY: "value" pairs: keys matching `key_pattern` and not `reserved`, values free
  // of control characters.
  std::vector<std::pair<std::string, std::string>> pairs(const std::string& key,
                                                         const std::regex& key_pattern,
                                                         const std::regex& reserved,
                                                         const std::string& why) const {
    const auto& value = member(key);
    if (!value.is_object()) {
      bad(key, fmt::format("{} is not an object", shown(value)));
    }
    std::vector<std::pair<std::string, std::string>> result;
    for (const auto& [name, item] : value.items()) {
      check_length(key, name);
      if (item.is_string()) {
        check_length(key, item.get<std::string>());
      }
      if (has_control(name) || !std::regex_match(name, key_pattern)) {
        bad(key, fmt::format("the key {} is not a valid name", shown(name)));
      }
      if (std::regex_match(name, reserved)) {
        bad(key, fmt::format("the key \"{}\" {}", name, why));
      }
      if (!item.is_string() || has_control(item.get<std::string>())) {
        bad(key,
            fmt::format("the value of \"{}\" is not a string free of control characters", name));
      }
      result.emplace_back(name, item.get<std::string>());
    }
    return result;
  }

  fs::path absolute(const std::string& key, const ordered_json& value) const {
    static const std::regex any(".+");
    fs::path path = checked_text(key, value, any, "a path");
    if (!path.is_absolute()) {
      bad(key, fmt::format("{} is not an absolute path", shown(value)));
    }
    return path;
  }

  fs::path absolute(const std::string& key) const { return absolute(key, member(key)); }

  [[nodiscard]] const ordered_json& object() const { return object_; }

 private:
  const fs::path& file_;
  const ordered_json& object_;
};

// The patterns of hubtel_add_lambda_image()'s checks.
const std::regex& pattern(const char* text) {
  // One compiled regex per pattern text, built on first use.
  static std::map<std::string, std::regex, std::less<>> cache;
  auto it = cache.find(text);
  if (it == cache.end()) {
    it = cache.emplace(text, std::regex(text)).first;
  }
  return it->second;
}

const char* const kImageName = "[a-z0-9]([a-z0-9._-]*[a-z0-9])?";
const char* const kImageRef =
    "[a-zA-Z0-9][a-zA-Z0-9._-]*(:[0-9]+)?(/[a-z0-9]+([._-]+[a-z0-9]+)*)*"
    "(:[A-Za-z0-9_][A-Za-z0-9_.-]*)?(@sha256:[a-f0-9]{64})?";
const char* const kContextPath = "[A-Za-z0-9_./@+-]+";
// A registry host as Docker's reference grammar has it (labels neither start nor end with '-'; a
// first part is the registry only with a '.' or a port, or as localhost), then the repository's
// path: lowercase parts joined by one '.', one or two '_', or dashes.
const char* const kRepository =
    "(([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+"
    "(:[0-9]+)?|[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?:[0-9]+|localhost)/)?"
    "[a-z0-9]+((\\.|__?|-+)[a-z0-9]+)*(/[a-z0-9]+((\\.|__?|-+)[a-z0-9]+)*)*";
const char* const kReservedEnvironment =
    "_HANDLER|_X_AMZN_TRACE_ID|AWS_DEFAULT_REGION|AWS_REGION|AWS_EXECUTION_ENV|"
    "AWS_LAMBDA_FUNCTION_NAME|AWS_LAMBDA_FUNCTION_MEMORY_SIZE|AWS_LAMBDA_FUNCTION_VERSION|"
    "AWS_LAMBDA_INITIALIZATION_TYPE|AWS_LAMBDA_LOG_GROUP_NAME|AWS_LAMBDA_LOG_STREAM_NAME|"
    "AWS_ACCESS_KEY|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN|"
    "AWS_LAMBDA_RUNTIME_API|LAMBDA_TASK_ROOT|LAMBDA_RUNTIME_DIR";

const std::vector<std::string> kRuntimes{"provided.al2023", "provided.al2", "python3.11",
                                         "python3.12", "python3.13"};

void read_native(const Members& m, ImageSpec& spec) {
  spec.target = m.text("target", pattern("[A-Za-z0-9_.+-]+"), "a plain target name");
  spec.project_dir = m.text("project_dir", pattern(kContextPath),
                            "a path relative to the context, of letters, digits and ._/@+-");
  if (spec.project_dir.front() == '/' || spec.project_dir.find("..") != std::string::npos) {
    m.bad("project_dir", fmt::format("\"{}\" is not a path inside the context", spec.project_dir));
  }
  spec.build_type =
      m.text("build_type", pattern("[A-Za-z][A-Za-z0-9_]*"), "a build type such as Release");
  spec.cmake_args = m.texts("cmake_args", pattern("-D[A-Za-z_][A-Za-z0-9_.+-]*(:[A-Z]+)?=.*"),
                            "-DVARIABLE=value");
  // Older specs have neither member: no tests.
  spec.tests = !m.is_null("tests") && m.boolean("tests");
  if (!m.is_null("test_args")) {
    spec.test_args = m.texts("test_args", pattern(".+"), "an argument of ctest");
  }
  if (!spec.tests && !spec.test_args.empty()) {
    m.bad("test_args", "it is given, but tests is false");
  }
  spec.hubtel_stubs = m.texts("hubtel_stubs", pattern("/[A-Za-z0-9/._+-]*"),
                              "an absolute path of letters, digits and /._+-");
  spec.ignore_paths =
      m.texts("ignore_paths", pattern("[^/!#].*"), "a path relative to the context");
  // The builder's build folder persists in a cache mount: one for the images that the builder
  // configures alike, so the second image of a project reuses the first's configuration and
  // objects. Its name holds nothing of this machine (no path), as it is part of the build step's
  // cache key: a registry cache pushed from another machine serves this one. Two checkouts may
  // share it; hubtel-build.sh starts it afresh when the sources it sees did not move forward.
  // BUILDER_PACKAGES count: the folder is configured once, and a package added later must be
  // found by a configure that sees it.
  Sha256 folder;
  const auto field = [&folder](std::string_view value) {
    folder.update(value);
    folder.update(std::string_view("\0", 1));
  };
  // The project's name keeps two projects apart; older specs have none.
  const auto project = m.is_null("project") ? std::string()
                                            : m.text("project", pattern("[^\\x00-\\x1f\\x7f]*"),
                                                     "a project name without control characters");
  for (const auto& value : {spec.hubtel_version, project, spec.project_dir, spec.builder_image,
                            spec.build_type, std::string(spec.cross ? "cross" : "native")}) {
    field(value);
  }
  for (const auto& list : {spec.cmake_args, spec.hubtel_stubs, spec.builder_packages}) {
    field(std::to_string(list.size()));
    for (const auto& value : list) {
      field(value);
    }
  }
  // The tests' configure (BUILD_TESTING, the emulator) is another folder's; without them, the
  // folder keeps the id it had before TESTS existed.
  if (spec.tests) {
    field("tests");
  }
  field(std::to_string(spec.build_args.size()));
  for (const auto& [key, value] : spec.build_args) {
    field(key + "=" + value);
  }
  spec.build_cache_id = folder.finish().substr(std::string_view("sha256:").size(), 12);
}

void read_python(const Members& m, ImageSpec& spec) {
  spec.handler = m.text("handler",
                        pattern("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*"
                                "\\.[A-Za-z_][A-Za-z0-9_]*"),
                        "module.function, e.g. app.handler");
  spec.python_version = spec.runtime.substr(std::string_view("python").size());
  const auto& sources = m.member("sources");
  if (!sources.is_array() || sources.empty()) {
    m.bad("sources", fmt::format("{} is not a non-empty list", shown(sources)));
  }
  for (const auto& item : sources) {
    if (!item.is_object() || !item.contains("path") || !item.contains("dir") ||
        !item["dir"].is_boolean()) {
      m.bad("sources", fmt::format("{} is not {{\"path\": ..., \"dir\": ...}}", shown(item)));
    }
    Source source;
    source.path = m.checked_text("sources", item["path"], pattern(kContextPath),
                                 "a path of letters, digits and ._/@+-");
    source.name = fs::path(source.path).filename().string();
    if (source.name.empty() || source.name == "." || source.name == "..") {
      m.bad("sources", fmt::format("\"{}\" does not end in a file or folder name", source.path));
    }
    source.dir = item["dir"].get<bool>();
    spec.sources.push_back(std::move(source));
  }
  const auto path_words = "a path of letters, digits and ._/@+-";
  spec.requirements = m.optional_text("requirements", pattern(kContextPath), path_words);
  if (spec.requirements) {
    const auto dir = fs::path(*spec.requirements).parent_path().string();
    spec.requirements_dir = dir.empty() ? "." : dir;
  }
  spec.find_links = m.texts("find_links", pattern(kContextPath), path_words);
  // Older specs have none of these.
  if (!m.is_null("pyproject")) {
    spec.pyproject = m.optional_text("pyproject", pattern(kContextPath), path_words);
    if (spec.pyproject && fs::path(*spec.pyproject).filename() != "pyproject.toml") {
      m.bad("pyproject", fmt::format("\"{}\" is not a file named pyproject.toml", *spec.pyproject));
    }
    spec.pyproject_package = m.boolean("pyproject_package");
    // A build tree's name comes escaped (a leading ! or # too), as ignore_paths does.
    spec.pyproject_ignore =
        m.texts("pyproject_ignore", pattern("[^/!#].*"), "a path pattern relative to the context");
  }
}

void read_registry_and_function(const Members& m, ImageSpec& spec) {
  spec.repository =
      m.optional_text("repository", pattern(kRepository),
                      "registry/repository (e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com/"
                      "hello)");
  if (spec.repository && spec.repository->size() > 255) {
    m.bad("repository", fmt::format("is {} characters long; a registry reference has at most 255",
                                    spec.repository->size()));
  }
  static const std::regex ecr("[0-9]+\\.dkr\\.ecr\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?/(.*)");
  std::smatch match;
  if (spec.repository && std::regex_match(*spec.repository, match, ecr) &&
      (match[2].length() < 2 || match[2].length() > 256)) {
    m.bad("repository", fmt::format("\"{}\" is not valid: an ECR repository name has 2 to 256 "
                                    "characters",
                                    *spec.repository));
  }
  spec.tag = m.optional_text("tag", pattern("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}"),
                             "a tag of letters, digits, '_', '.' and '-' (at most 128)");
  spec.registry_cache = m.boolean("registry_cache");
  // Written by hubtel_add_lambda_image() since SBOM_FORMAT; an older spec has the default.
  if (!m.is_null("sbom_format")) {
    spec.sbom_format = m.one_of("sbom_format", {"spdx", "cyclonedx"});
  }
  // Written since BUILD_NETWORK; null (or absent) leaves the choice to the engine kind.
  if (!m.is_null("build_network")) {
    spec.build_network = m.one_of("build_network", {"host", "none", "default"});
  }
  spec.function_name =
      m.optional_text("function_name", pattern("[A-Za-z0-9_-]{1,64}"),
                      "a function name of letters, digits, '-' and '_' (at most 64)");
  spec.role =
      m.optional_text("role", pattern("arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+"),
                      "an IAM role ARN, arn:aws:iam::<account>:role/<name>");
  spec.memory = m.optional_integer("memory", 128, 10240);
  spec.timeout = m.optional_integer("timeout", 1, 900);
  spec.keep_images = m.optional_integer("keep_images", 1, 1000);
  spec.publish = m.boolean("publish");
  spec.alias = m.optional_text("alias", pattern("[A-Za-z0-9_-]*[A-Za-z_-][A-Za-z0-9_-]*"),
                               "an alias name of letters, digits, '-' and '_', not digits alone");
  if (spec.alias && spec.alias->size() > 128) {
    m.bad("alias", fmt::format("\"{}\" is longer than 128 characters", *spec.alias));
  }
  if (spec.alias && !spec.publish) {
    m.bad("alias", fmt::format("\"{}\" points at the version each deploy publishes, but publish is "
                               "false",
                               *spec.alias));
  }
  for (auto& [key, value] : m.pairs("environment", pattern("[A-Za-z][A-Za-z0-9_]*"),
                                    pattern(kReservedEnvironment), "is reserved by Lambda")) {
    spec.environment.emplace(std::move(key), std::move(value));
  }
  for (auto& [key, value] : m.pairs("secret_environment", pattern("[A-Za-z][A-Za-z0-9_]*"),
                                    pattern(kReservedEnvironment), "is reserved by Lambda")) {
    if (!std::regex_match(value, pattern("file:/.*|ssm:[A-Za-z0-9_./-]+"))) {
      m.bad("secret_environment",
            fmt::format("the value of \"{}\" is not file:<absolute path> or ssm:<parameter name>",
                        key));
    }
    if (spec.environment.count(key) != 0) {
      m.bad("secret_environment", fmt::format("\"{}\" is in environment too", key));
    }
    spec.secret_environment.emplace(std::move(key), std::move(value));
  }
}

ImageSpec parse(const fs::path& file, const std::string& text) {
  ImageSpec spec;
  spec.file = file;
  ordered_json object;
  try {
    object = ordered_json::parse(text);
    spec.document = json::parse(text);
  } catch (const json::exception& e) {
    throw Error(fmt::format("the image spec '{}' is not valid JSON ({}); {}", file.string(),
                            e.what(), kAgain));
  }
  if (!object.is_object()) {
    throw Error(fmt::format("the image spec '{}' is not a JSON object; {}", file.string(), kAgain));
  }
  const auto found = object.find("spec_version");
  if (found == object.end() || *found != version) {
    throw Error(fmt::format(
        "the image spec '{}' is of spec version {}, but this hubtel-ai reads version {}; {} with "
        "this HubtelAI",
        file.string(), found == object.end() ? "(none)" : shown(*found), version, kAgain));
  }
  const Members m(file, object);
  // The image's folder is the spec's own.
  spec.dir = fs::absolute(file).parent_path().lexically_normal();
  spec.hubtel_version =
      m.text("hubtel_version", pattern("[0-9]+\\.[0-9]+\\.[0-9]+"), "a version x.y.z");
  spec.name = m.text("name", pattern(kImageName),
                     "an image name of lowercase letters, digits, '.', '_' and '-', starting and "
                     "ending with a letter or digit");
  if (spec.name.size() > 64) {
    m.bad("name", fmt::format("\"{}\" is longer than 64 characters", spec.name));
  }
  spec.runtime = m.one_of("runtime", kRuntimes);
  spec.architectures = m.texts("architectures", pattern("x86_64|arm64"), "x86_64 or arm64", true);
  if (spec.architectures.empty()) {
    m.bad("architectures", "the list is empty");
  }
  spec.context = m.absolute("context");
  spec.template_file = m.absolute("template");
  const auto& partials = m.member("partials");
  if (!partials.is_array() || partials.empty()) {
    m.bad("partials", fmt::format("{} is not a non-empty list", shown(partials)));
  }
  for (const auto& item : partials) {
    spec.partials.push_back(m.absolute("partials", item));
  }
  const auto image_words = "an image reference such as registry.example.com/team/base:tag";
  spec.runtime_image = m.text("runtime_image", pattern(kImageRef), image_words);
  spec.builder_image = m.text("builder_image", pattern(kImageRef), image_words);
  spec.cross = m.boolean("cross");
  spec.lambda_base = m.boolean("lambda_base");
  if (!m.member("event").is_null()) {
    spec.event = m.absolute("event");
  }
  if (!m.is_null("event_kind")) {
    spec.event_kind = m.text("event_kind", pattern("[a-z0-9-]+"),
                             "a kind of sample event (hubtel-ai event --list)");
  }
  spec.builder_packages = m.texts(
      "builder_packages", pattern("[A-Za-z0-9][A-Za-z0-9+._-]*(:[a-z0-9]+)?"), "a package name");
  spec.stages = m.texts("stages", pattern("dev|debug"), "dev or debug", true);
  spec.build_args =
      m.pairs("build_args", pattern("[A-Za-z_][A-Za-z0-9_]*"),
              pattern("(TARGET|BUILD)(ARCH|OS|PLATFORM|VARIANT)|HUBTEL_.*|SOURCE_DATE_EPOCH"),
              "is set by the engine or by HubtelAI");
  const auto& secrets = m.member("secrets");
  if (!secrets.is_array()) {
    m.bad("secrets", fmt::format("{} is not a list", shown(secrets)));
  }
  std::set<std::string> secret_ids;
  for (const auto& item : secrets) {
    if (!item.is_object() || !item.contains("id") || !item.contains("path")) {
      m.bad("secrets", fmt::format("{} is not {{\"id\": ..., \"path\": ...}}", shown(item)));
    }
    Secret secret{m.checked_text("secrets", item["id"], pattern("[A-Za-z0-9_.-]+"),
                                 "a secret id of letters, digits and _.-"),
                  m.absolute("secrets", item["path"])};
    if (secret.path.string().find(',') != std::string::npos) {
      m.bad("secrets", fmt::format("the path \"{}\" holds a comma, which the engine's --secret "
                                   "option cannot take",
                                   secret.path.string()));
    }
    if (!secret_ids.insert(secret.id).second) {
      m.bad("secrets", fmt::format("the id \"{}\" is listed twice", secret.id));
    }
    spec.secrets.push_back(std::move(secret));
  }
  if (!m.is_null("max_size_bytes")) {
    const auto& value = m.member("max_size_bytes");
    if (!value.is_number_unsigned() || value.get<std::uint64_t>() == 0) {
      m.bad("max_size_bytes", fmt::format("{} is not a positive whole number", shown(value)));
    }
    spec.max_size_bytes = value.get<std::uint64_t>();
  }
  if (spec.native()) {
    read_native(m, spec);
  } else {
    read_python(m, spec);
  }
  read_registry_and_function(m, spec);
  return spec;
}

}  // namespace

bool ImageSpec::has_architecture(const std::string& arch) const {
  return std::find(architectures.begin(), architectures.end(), arch) != architectures.end();
}

ImageSpec read(const fs::path& file) {
  std::string text;
  try {
    text = read_file(file);
  } catch (const Error& e) {
    throw Error(fmt::format("the image spec '{}' cannot be read ({}); {}", file.string(), e.what(),
                            kAgain));
  }
  return parse(file, text);
}

fs::path dockerfile(const ImageSpec& spec) {
  return spec.dir / "Dockerfile";
}
fs::path dockerignore(const ImageSpec& spec) {
  return spec.dir / "Dockerfile.dockerignore";
}
fs::path image_inputs_file(const ImageSpec& spec) {
  return spec.dir / "image-inputs.json";
}
fs::path image_id_file(const ImageSpec& spec, const std::string& arch) {
  return spec.dir / ("image-" + arch + ".id");
}
fs::path built_file(const ImageSpec& spec, const std::string& arch) {
  return spec.dir / ("image-" + arch + ".built");
}
fs::path depfile(const ImageSpec& spec, const std::string& arch) {
  return spec.dir / ("image-" + arch + ".d");
}
fs::path builder_id_file(const ImageSpec& spec, const std::string& arch) {
  return spec.dir / ("builder-" + arch + ".id");
}
fs::path sources_stamp_file(const ImageSpec& spec, const std::string& arch,
                            const std::optional<std::string>& stage) {
  return spec.dir / (stage ? "sources-stamp-" + *stage + "-" + arch : "sources-stamp-" + arch);
}
fs::path image_archive(const ImageSpec& spec, const std::string& arch) {
  return spec.dir / ("size-" + arch + ".tar");
}
fs::path base_archive(const ImageSpec& spec, const std::string& arch) {
  return spec.dir / ("size-" + arch + "-base.tar");
}
fs::path push_ref_file(const ImageSpec& spec, const std::string& arch) {
  return spec.dir / ("push-" + arch + ".ref");
}
fs::path push_state_file(const ImageSpec& spec, const std::string& arch) {
  return spec.dir / ("push-" + arch + ".json");
}
fs::path deploy_file(const ImageSpec& spec) {
  return spec.dir / "deploy.json";
}
fs::path bases_lock_file(const ImageSpec& spec) {
  return spec.dir / "bases.lock";
}
fs::path bases_stamp_file(const ImageSpec& spec) {
  return spec.dir / "bases.stamp";
}
fs::path locked_dockerfile(const ImageSpec& spec) {
  return spec.dir / "Dockerfile.locked";
}
fs::path narrowed_dockerfile(const ImageSpec& spec, const std::string& arch) {
  return spec.dir / ("Dockerfile.narrowed-" + arch);
}
fs::path release_file(const ImageSpec& spec) {
  return spec.dir / "release.json";
}
fs::path staging(const fs::path& path) {
  return fs::path(path) += ".tmp";
}

json view(const ImageSpec& spec) {
  auto data = spec.document;
  data["kind"] = spec.native() ? "native" : "python";
  data["kind_native"] = spec.native();
  data["kind_python"] = !spec.native();
  data["dir"] = spec.dir.string();
  data["dockerfile"] = dockerfile(spec).string();
  data["has_builder_packages"] = !spec.builder_packages.empty();
  data["has_requirements"] = spec.requirements.has_value();
  for (const char* stage : {"dev", "debug"}) {
    data[std::string("stage_") + stage] =
        std::find(spec.stages.begin(), spec.stages.end(), stage) != spec.stages.end();
  }
  auto pairs_list = [](const auto& pairs) {
    auto list = json::array();
    for (const auto& [key, value] : pairs) {
      list.push_back({{"key", key}, {"value", value}});
    }
    return list;
  };
  data["build_args_list"] = pairs_list(spec.build_args);
  data["environment_list"] = pairs_list(spec.environment);
  data["secrets_list"] = data["secrets"];
  if (spec.native()) {
    const auto words = [](const std::vector<std::string>& args) {
      auto quoted = json::array();
      for (const auto& arg : args) {
        std::string word = "'";
        for (const char c : arg) {
          word += c == '\'' ? std::string("'\\''") : std::string(1, c);
        }
        quoted.push_back(word + "'");
      }
      return quoted;
    };
    data["cmake_args"] = words(spec.cmake_args);
    data["tests"] = spec.tests;
    data["test_args"] = words(spec.test_args);
    data["hubtel_stubs"] = fmt::format("{}", fmt::join(spec.hubtel_stubs, " "));
    data["build_cache_id"] = spec.build_cache_id;
  } else {
    auto& sources = data["sources"];
    for (std::size_t i = 0; i < spec.sources.size(); ++i) {
      sources[i]["name"] = spec.sources[i].name;
    }
    data["python_version"] = spec.python_version;
    data["requirements_dir"] = spec.requirements_dir ? json(*spec.requirements_dir) : json();
    data["has_pip_install"] = spec.requirements.has_value() || spec.pyproject.has_value();
    if (spec.pyproject) {
      const auto dir = fs::path(*spec.pyproject).parent_path().string();
      data["pyproject_dir"] = dir.empty() ? "." : dir;
      // What the context lets through of the project's folder ("**": the whole context).
      data["pyproject_include"] = dir.empty() ? "**" : dir;
    } else {
      data["pyproject"] = nullptr;
      data["pyproject_package"] = false;
    }
  }
  return data;
}

json image_inputs(const ImageSpec& spec) {
  auto inputs = spec.document;
  for (const char* key :
       {"function_name", "role", "memory", "timeout", "environment", "secret_environment",
        "publish", "alias", "keep_images", "tag", "event", "event_kind", "sbom_format"}) {
    inputs.erase(key);
  }
  return inputs;
}

}  // namespace hubtel::spec
