// Mustache rendering: a walk of the parsed tree over a stack of JSON contexts.
#include "common/error.hpp"
#include "mustache/mustache.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hubtel::mustache {

namespace {

using nlohmann::json;

constexpr std::size_t no_index = static_cast<std::size_t>(-1);

// How the lines of the template being rendered are laid out: `indent` goes before each line,
// after `strip` is taken from it. A standalone partial adds its indentation; an override of a
// block trades the indentation of where it was written for that of the place it fills.
struct Frame {
  std::string_view indent;
  std::string_view strip;
};

// The block overrides in effect: those of a parent tag's body, under those given to the
// template holding it (which win: "top-level substitutions take precedence").
struct Scope {
  const std::vector<Node>* blocks = nullptr;
  const Scope* outer = nullptr;
  const Template* tmpl = nullptr;  // where the blocks are written
};

struct Override {
  const Node* block = nullptr;
  const Scope* scope = nullptr;  // the overrides in effect where the block is written
  const Template* tmpl = nullptr;
};

std::optional<Override> find_override(const Scope* scope, std::string_view name) {
  if (scope == nullptr) {
    return std::nullopt;
  }
  if (auto found = find_override(scope->outer, name)) {
    return found;
  }
  for (const auto& block : *scope->blocks) {
    if (block.text == name) {
      return Override{&block, scope->outer, scope->tmpl};
    }
  }
  return std::nullopt;
}

// One entry of the context stack, with how it was reached, so that strict escaping can name a
// value's key path ("build_args_list[2].value") only when it must.
struct Entry {
  const json* value = nullptr;
  std::size_t base = no_index;                     // the entry the name was found in
  const std::vector<std::string>* path = nullptr;  // the name, from base
  std::size_t index = no_index;                    // the element, when the value is a list's
};

struct Found {
  const json* value = nullptr;
  std::size_t base = no_index;
};

bool truthy(const json* value) {
  if (value == nullptr) {
    return false;
  }
  switch (value->type()) {
    case json::value_t::null:
      return false;
    case json::value_t::boolean:
      return value->get<bool>();
    case json::value_t::string:
      return !value->get_ref<const std::string&>().empty();
    case json::value_t::array:
      return !value->empty();
    default:
      return true;
  }
}

std::size_t skip_prefix(std::string_view text, std::size_t pos, std::string_view prefix) {
  std::size_t matched = 0;
  while (matched < prefix.size() && pos + matched < text.size() &&
         text[pos + matched] == prefix[matched]) {
    ++matched;
  }
  return pos + matched;
}

// `text` without as much of `prefix` as it starts with.
std::string_view without_prefix(std::string_view text, std::string_view prefix) {
  return text.substr(skip_prefix(text, 0, prefix));
}

// The spec's HTML escaping, handed to `emit` piece by piece.
template <typename Emit>
void append_html(const Emit& emit, std::string_view text) {
  std::size_t from = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    std::string_view entity;
    switch (text[i]) {
      case '&':
        entity = "&amp;";
        break;
      case '<':
        entity = "&lt;";
        break;
      case '>':
        entity = "&gt;";
        break;
      case '"':
        entity = "&quot;";
        break;
      default:
        continue;
    }
    emit(text.substr(from, i - from));
    emit(entity);
    from = i + 1;
  }
  emit(text.substr(from));
}

// How deep a JSON value nests (a scalar is 0), counted without recursion up to `limit` + 1.
std::size_t depth_of(const json& value, std::size_t limit) {
  std::vector<std::pair<const json*, std::size_t>> pending{{&value, 0}};
  std::size_t deepest = 0;
  while (!pending.empty()) {
    const auto [at, depth] = pending.back();
    pending.pop_back();
    if (!at->is_structured() || at->empty()) {
      continue;
    }
    deepest = std::max(deepest, depth + 1);
    if (deepest > limit) {
      return deepest;
    }
    for (const auto& child : *at) {
      pending.emplace_back(&child, depth + 1);
    }
  }
  return deepest;
}

std::string describe_control(unsigned char c) {
  switch (c) {
    case '\n':
      return "a newline (line feed)";
    case '\r':
      return "a carriage return";
    case '\t':
      return "a tab";
    case 0x7f:
      return "a control character (DEL, 0x7f)";
    default:
      return fmt::format("a control character (0x{:02x})", c);
  }
}

}  // namespace

// One render: the output, the context stack and the include chain.
class RenderPass {
 public:
  RenderPass(Renderer& renderer, std::string& out) : renderer_(renderer), out_(out) {}

  void run(const Template& tmpl, const json& data) {
    stack_.push_back(Entry{&data});
    chain_.push_back(tmpl.origin());
    nodes(tmpl.nodes(), Frame{}, nullptr, tmpl, false);
  }

 private:
  void nodes(const std::vector<Node>& list, const Frame& frame, const Scope* scope,
             const Template& tmpl, bool continues_line) {
    for (std::size_t i = 0; i < list.size(); ++i) {
      const auto& node = list[i];
      if (++steps_ > renderer_.options_.max_steps) {
        throw Error(fmt::format(
            "{}:{}: rendering takes more than {} steps (--max-steps); do partials include each "
            "other many times over?",
            tmpl.origin(), node.line, renderer_.options_.max_steps));
      }
      if (node.starts_line && !(continues_line && i == 0)) {
        emit(frame.indent);
      }
      switch (node.kind) {
        case Node::Kind::text:
          text(node, frame);
          break;
        case Node::Kind::variable:
          variable(node, tmpl);
          break;
        case Node::Kind::section:
          section(node, frame, scope, tmpl);
          break;
        case Node::Kind::inverted:
          if (!truthy(lookup(node.path).value)) {
            const Nested nested(*this, node, tmpl);
            nodes(node.children, frame, scope, tmpl, false);
          }
          break;
        case Node::Kind::partial:
          include(node, frame, scope, tmpl, nullptr);
          break;
        case Node::Kind::parent: {
          const Scope inner{&node.children, scope, &tmpl};
          include(node, frame, scope, tmpl, &inner);
          break;
        }
        case Node::Kind::block:
          block(node, frame, scope, tmpl);
          break;
      }
    }
  }

  // Template text: the frame's indentation goes after each line end that more text follows.
  void text(const Node& node, const Frame& frame) {
    const std::string_view text = node.text;
    if (frame.indent.empty() && frame.strip.empty()) {
      emit(text);
      return;
    }
    std::size_t pos = node.starts_line ? skip_prefix(text, 0, frame.strip) : 0;
    while (true) {
      const auto newline = text.find('\n', pos);
      if (newline == std::string_view::npos) {
        emit(text.substr(pos));
        return;
      }
      emit(text.substr(pos, newline + 1 - pos));
      pos = newline + 1;
      if (pos == text.size()) {
        return;
      }
      emit(frame.indent);
      pos = skip_prefix(text, pos, frame.strip);
    }
  }

  // The spec's lookup: the first name part is searched down the stack, the rest only inside
  // what it found ("a.b" never falls back to an outer "b").
  Found lookup(const std::vector<std::string>& path) const {
    const std::size_t top = stack_.size() - 1;
    if (path.empty()) {
      return Found{stack_[top].value, top};
    }
    for (std::size_t i = stack_.size(); i-- > 0;) {
      const json& frame = *stack_[i].value;
      if (!frame.is_object()) {
        continue;
      }
      auto it = frame.find(path.front());
      if (it == frame.end()) {
        continue;
      }
      const json* value = &*it;
      for (std::size_t part = 1; part < path.size(); ++part) {
        if (!value->is_object()) {
          return Found{nullptr, i};
        }
        auto next = value->find(path[part]);
        if (next == value->end()) {
          return Found{nullptr, i};
        }
        value = &*next;
      }
      return Found{value, i};
    }
    return Found{};
  }

  // The key path of a stack entry from the data's root, e.g. "sources[1]".
  std::string entry_path(std::size_t index) const {
    const auto& entry = stack_[index];
    if (entry.path == nullptr) {
      return {};
    }
    std::string path = key_path(entry.base, *entry.path);
    if (entry.index != no_index) {
      path += fmt::format("[{}]", entry.index);
    }
    return path;
  }

  std::string key_path(std::size_t base, const std::vector<std::string>& path) const {
    std::string result = base == no_index ? std::string() : entry_path(base);
    for (const auto& part : path) {
      if (!result.empty()) {
        result += '.';
      }
      result += part;
    }
    return result.empty() ? "." : result;
  }

  void variable(const Node& node, const Template& tmpl) {
    const auto found = lookup(node.path);
    if (found.value == nullptr) {
      return;
    }
    const json& value = *found.value;
    const auto escape = renderer_.options_.escape;
    switch (value.type()) {
      case json::value_t::null:
        return;
      case json::value_t::string: {
        const auto& text = value.get_ref<const std::string&>();
        if (escape == Escape::strict) {
          check_strict(text, node, found, tmpl);
        }
        if (escape == Escape::html && node.escaped) {
          append_html([this](std::string_view piece) { emit(piece); }, text);
        } else {
          emit(text);
        }
        return;
      }
      case json::value_t::boolean:
        emit(value.get<bool>() ? "true" : "false");
        return;
      case json::value_t::number_integer:
        append_number(value.get<std::int64_t>());
        return;
      case json::value_t::number_unsigned:
        append_number(value.get<std::uint64_t>());
        return;
      case json::value_t::number_float:
        emit(value.dump());
        return;
      default:
        if (depth_of(value, renderer_.options_.max_nesting) > renderer_.options_.max_nesting) {
          throw Error(fmt::format(
              "{}:{}: the value of \"{}\" nests more than {} deep (--max-depth)", tmpl.origin(),
              node.line, key_path(found.base, node.path), renderer_.options_.max_nesting));
        }
        if (escape == Escape::strict) {
          throw Error(fmt::format(
              "strict escaping: the value of \"{}\" is {}, not a string, number or boolean ({}:{})",
              key_path(found.base, node.path), value.is_array() ? "a list" : "an object",
              tmpl.origin(), node.line));
        }
        if (escape == Escape::html && node.escaped) {
          append_html([this](std::string_view piece) { emit(piece); }, value.dump());
        } else {
          emit(value.dump());
        }
        return;
    }
  }

  template <typename Number>
  void append_number(Number number) {
    char buffer[24];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, number);
    emit(std::string_view(buffer, static_cast<std::size_t>(result.ptr - buffer)));
  }

  void check_strict(std::string_view text, const Node& node, const Found& found,
                    const Template& tmpl) const {
    for (const char c : text) {
      const auto byte = static_cast<unsigned char>(c);
      if (byte < 0x20 || byte == 0x7f) {
        throw Error(fmt::format(
            "strict escaping: the value of \"{}\" contains {}; values in templates of this "
            "project must be one line ({}:{})",
            key_path(found.base, node.path), describe_control(byte), tmpl.origin(), node.line));
      }
    }
  }

  void section(const Node& node, const Frame& frame, const Scope* scope, const Template& tmpl) {
    const auto found = lookup(node.path);
    if (!truthy(found.value)) {
      return;
    }
    const Nested nested(*this, node, tmpl);
    if (found.value->is_array()) {
      const auto count = found.value->size();
      for (std::size_t i = 0; i < count; ++i) {
        stack_.push_back(Entry{&(*found.value)[i], found.base, &node.path, i});
        nodes(node.children, frame, scope, tmpl, false);
        stack_.pop_back();
      }
      return;
    }
    stack_.push_back(Entry{found.value, found.base, &node.path, no_index});
    nodes(node.children, frame, scope, tmpl, false);
    stack_.pop_back();
  }

  // {{>name}} and {{<name}}: a parent is a partial given overrides (`inner`).
  void include(const Node& node, const Frame& frame, const Scope* scope, const Template& tmpl,
               const Scope* inner) {
    std::string dynamic_name;
    std::string_view name = node.text;
    if (node.dynamic) {
      const auto found = lookup(node.path);
      if (found.value == nullptr || !found.value->is_string()) {
        return;  // spec: a name the data does not resolve renders as nothing
      }
      dynamic_name = found.value->get<std::string>();
      name = dynamic_name;
    }
    const auto& options = renderer_.options_;
    if (chain_.size() > options.max_depth) {
      throw Error(fmt::format(
          "{}:{}: partials nest more than {} deep; does \"{}\" include itself without end? ({})",
          tmpl.origin(), node.line, options.max_depth, name, describe_chain()));
    }
    const Template* partial = renderer_.partial(name);
    if (partial == nullptr) {
      if (options.missing_partial_is_error) {
        throw Error(fmt::format("{}:{}: {} \"{}\" not found ({})", tmpl.origin(), node.line,
                                node.kind == Node::Kind::parent ? "parent" : "partial", name,
                                renderer_.loader_.where(name)));
      }
      return;
    }
    std::string indent;
    if (node.standalone) {
      indent = frame.indent;
      indent += without_prefix(node.indent, frame.strip);
    }
    const Nested nested(*this, node, tmpl);
    chain_.emplace_back(name);
    nodes(partial->nodes(), Frame{indent, {}}, inner != nullptr ? inner : scope, *partial, false);
    chain_.pop_back();
  }

  std::string describe_chain() const {
    constexpr std::size_t shown = 4;
    std::string text = chain_.front();
    for (std::size_t i = 1; i < chain_.size(); ++i) {
      if (i == shown && chain_.size() > 2 * shown) {
        text += " -> ...";
        i = chain_.size() - shown;
      }
      text += " -> " + chain_[i];
    }
    return text;
  }

  // {{$name}}: the override given for it, else its own content.
  void block(const Node& node, const Frame& frame, const Scope* scope, const Template& tmpl) {
    const Nested nested(*this, node, tmpl);
    const auto found = find_override(scope, node.text);
    if (!found) {
      nodes(node.children, frame, scope, tmpl, false);
      return;
    }
    const auto& content = found->block->children;
    // A standalone block is as indented as its own content (or its tag, when it has none).
    std::string_view site = node.indent;
    if (node.standalone && !node.children.empty()) {
      site = node.content_indent;
    }
    std::string indent(frame.indent);
    indent += without_prefix(site, frame.strip);
    const bool continues_line = !node.standalone && !content.empty() && content.front().starts_line;
    nodes(content, Frame{indent, found->block->content_indent}, found->scope, *found->tmpl,
          continues_line);
  }

  // Appends to the output, which stays within its limit.
  void emit(std::string_view text) {
    const auto limit = renderer_.options_.max_output_bytes;
    if (text.size() > limit || out_.size() > limit - text.size()) {
      throw Error(fmt::format(
          "{}: the output would exceed {} bytes (--max-output); do partials include each other "
          "many times over?",
          chain_.empty() ? std::string() : chain_.front(), limit));
    }
    out_.append(text);
  }

  // One level of sections, blocks and partials while it renders; too many is an Error, as the
  // C++ stack would otherwise end the process.
  class Nested {
   public:
    Nested(RenderPass& pass, const Node& node, const Template& tmpl) : pass_(pass) {
      const auto limit = pass.renderer_.options_.max_nesting;
      if (++pass.depth_ > limit) {
        --pass.depth_;
        throw Error(fmt::format(
            "{}:{}: sections, blocks and partials nest more than {} deep (--max-depth; {})",
            tmpl.origin(), node.line, limit, pass.describe_chain()));
      }
    }
    Nested(const Nested&) = delete;
    Nested& operator=(const Nested&) = delete;
    ~Nested() { --pass_.depth_; }

   private:
    RenderPass& pass_;
  };

  Renderer& renderer_;
  std::string& out_;
  std::vector<Entry> stack_;
  std::vector<std::string> chain_;
  std::size_t depth_ = 0;
  std::uint64_t steps_ = 0;
};

Renderer::Renderer(PartialLoader& loader, RenderOptions options)
    : loader_(loader), options_(options) {}

Renderer::~Renderer() = default;

const Template* Renderer::partial(std::string_view name) {
  const std::string key(name);
  auto it = partials_.find(key);
  if (it == partials_.end()) {
    std::unique_ptr<Template> parsed;
    if (auto source = loader_.load(name)) {
      parsed = std::make_unique<Template>(parse(source->text, std::move(source->origin)));
    }
    it = partials_.emplace(key, std::move(parsed)).first;
  }
  return it->second.get();
}

std::string Renderer::render(const Template& tmpl, const nlohmann::json& data) {
  std::string out;
  render_to(tmpl, data, out);
  return out;
}

void Renderer::render_to(const Template& tmpl, const nlohmann::json& data, std::string& out) {
  RenderPass(*this, out).run(tmpl, data);
}

std::string render(std::string_view text, const nlohmann::json& data, PartialLoader& loader,
                   RenderOptions options) {
  Renderer renderer(loader, options);
  return renderer.render(parse(text, "template"), data);
}

}  // namespace hubtel::mustache
