// A Mustache engine (spec v1.3: every required module plus ~inheritance and ~dynamic-names):
// templates are parsed once into a tree, then rendered against JSON data any number of times.
//
// JSON meets Mustache thus: null, false, "" and [] are falsey (a section skips them, an inverted
// section shows); a list repeats a section once per element; anything else is pushed as the
// section's context. Strings interpolate as they are (escaped per Escape), numbers and booleans
// as their JSON text, null as nothing. Lambdas are not supported: JSON has no callables.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace hubtel::mustache {

// How interpolated values are written.
//  html:   the spec's escaping of & < > " (what {{name}} means to Mustache users)
//  none:   values as they are
//  strict: values as they are, but a string with a line feed or another control character
//          (below 0x20, or 0x7f) is an Error naming its key path: what the project's templates
//          produce (Dockerfiles, shell lines) must not gain lines from data.
enum class Escape { html, none, strict };

// "html", "none" or "strict"; nullopt for anything else.
std::optional<Escape> parse_escape(std::string_view name);

// One node of a parsed template. Standalone tags (alone on their line) have already lost their
// line; `starts_line` marks nodes that begin a line of the template, where the indentation of an
// enclosing standalone partial goes.
struct Node {
  enum class Kind : std::uint8_t { text, variable, section, inverted, partial, parent, block };

  Kind kind = Kind::text;
  bool escaped = true;            // variable: {{name}} rather than {{{name}}} or {{&name}}
  bool starts_line = false;       // begins a line of the template
  bool standalone = false;        // partial, parent, block: the tag had its line to itself
  bool dynamic = false;           // partial, parent: {{>*name}}, the name is looked up in the data
  std::uint32_t line = 0;         // where the tag is, for messages
  std::string text;               // text: the text; tags: the name as written
  std::vector<std::string> path;  // the name split at dots; empty for the implicit iterator "."
  // partial, parent: the whitespace before a standalone tag (the partial's indentation);
  // block: the whitespace before the tag when nothing else precedes it on its line.
  std::string indent;
  // block: the indentation of the content's first line when the tag is standalone; an
  // override loses it and takes the indentation of the place it fills instead.
  std::string content_indent;
  // section, inverted, block: the content; parent: its blocks (the overrides).
  std::vector<Node> children;
};

// A parsed template; immutable, so one parse serves any number of renders.
class Template {
 public:
  Template(std::string origin, std::vector<Node> nodes)
      : origin_(std::move(origin)), nodes_(std::move(nodes)) {}
  // The file or partial name that messages name.
  [[nodiscard]] const std::string& origin() const { return origin_; }
  [[nodiscard]] const std::vector<Node>& nodes() const { return nodes_; }

 private:
  std::string origin_;
  std::vector<Node> nodes_;
};

// Parses a template; `origin` names it in messages. Throws Error "<origin>:<line>: <what>" for a
// malformed tag, an unclosed or mismatched section, or a bad delimiter change.
Template parse(std::string_view text, std::string origin);

// A partial's source: its text and the name messages use for it (e.g. its path).
struct PartialSource {
  std::string text;
  std::string origin;
};

// Finds the templates that {{>name}} and {{<name}} name. The renderer asks once per name.
class PartialLoader {
 public:
  PartialLoader() = default;
  PartialLoader(const PartialLoader&) = delete;
  PartialLoader& operator=(const PartialLoader&) = delete;
  virtual ~PartialLoader() = default;
  // The partial of that name; nullopt when there is none. May throw Error for a name it refuses.
  virtual std::optional<PartialSource> load(std::string_view name) = 0;
  // Where a partial of that name was looked for, for the message that reports it missing.
  [[nodiscard]] virtual std::string where(std::string_view name) const = 0;
};

// Loads DIR/<name>.mustache from the first of its folders that has it; names that are absolute or
// contain ".." are refused.
class DirectoryLoader final : public PartialLoader {
 public:
  explicit DirectoryLoader(std::filesystem::path dir) : dirs_{std::move(dir)} {}
  explicit DirectoryLoader(std::vector<std::filesystem::path> dirs) : dirs_(std::move(dirs)) {}
  std::optional<PartialSource> load(std::string_view name) override;
  [[nodiscard]] std::string where(std::string_view name) const override;

 private:
  [[nodiscard]] std::filesystem::path relative_path(std::string_view name) const;
  std::vector<std::filesystem::path> dirs_;
};

// Serves partials from memory (tests, the spec's suites).
class MapLoader final : public PartialLoader {
 public:
  MapLoader() = default;
  explicit MapLoader(std::map<std::string, std::string, std::less<>> partials)
      : partials_(std::move(partials)) {}
  std::optional<PartialSource> load(std::string_view name) override;
  [[nodiscard]] std::string where(std::string_view name) const override;

 private:
  std::map<std::string, std::string, std::less<>> partials_;
};

struct RenderOptions {
  Escape escape = Escape::html;
  // The spec renders a partial that cannot be found as the empty string; a build would rather
  // hear about a misspelt name. Dynamic names that the data does not resolve stay empty.
  bool missing_partial_is_error = false;
  // Partials and parents nest at most this deep: a partial that includes itself without end is
  // an Error, not a crash.
  std::size_t max_depth = 100;
  // Sections, inverted sections, blocks, partials and parents together nest at most this deep
  // while rendering, and a list or object written whole nests at most this deep: rendering
  // recurses, and the stack must outlast any template and data.
  std::size_t max_nesting = 1000;
  // The output is at most this long: partials that include each other twice double it each time.
  std::size_t max_output_bytes = std::size_t{64} << 20;
  // At most this many nodes are rendered, so work that writes nothing is bounded too.
  std::uint64_t max_steps = 100'000'000;
};

// Renders templates; parses each partial once, on first use, and keeps it for later renders.
class Renderer {
 public:
  // The loader must outlive the renderer.
  Renderer(PartialLoader& loader, RenderOptions options);
  ~Renderer();
  Renderer(const Renderer&) = delete;
  Renderer& operator=(const Renderer&) = delete;

  // Renders `tmpl` against `data`. Throws Error for a value strict escaping refuses, a missing
  // partial (when that is an error), runaway recursion, or a partial that does not parse.
  std::string render(const Template& tmpl, const nlohmann::json& data);

  // As render, appending to `out`.
  void render_to(const Template& tmpl, const nlohmann::json& data, std::string& out);

 private:
  friend class RenderPass;
  // The parsed partial of that name, or nullptr when the loader has none.
  const Template* partial(std::string_view name);

  PartialLoader& loader_;
  RenderOptions options_;
  std::unordered_map<std::string, std::unique_ptr<Template>> partials_;
};

// Parses and renders in one call (partials from `loader`).
std::string render(std::string_view text, const nlohmann::json& data, PartialLoader& loader,
                   RenderOptions options = {});

}  // namespace hubtel::mustache
