// Mustache parsing: tokens (delimiter changes applied), standalone lines removed, then the tree.
#include "common/error.hpp"
#include "mustache/mustache.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hubtel::mustache {

namespace {

// Sections nest at most this deep, so rendering (recursive) cannot exhaust the stack.
constexpr std::size_t max_nesting = 512;
constexpr std::size_t no_index = static_cast<std::size_t>(-1);

enum class TokenType : std::uint8_t {
  text,
  variable,
  section,
  inverted,
  close,
  comment,
  delimiters,
  partial,
  parent,
  block
};

struct Token {
  TokenType type = TokenType::text;
  bool escaped = true;       // variable
  bool ends_line = false;    // text: ends with '\n'
  bool blank = false;        // text: only spaces and tabs before its line end
  bool removed = false;      // text: part of a standalone line
  bool standalone = false;   // tag: alone on its line (with its companions, see below)
  bool starts_line = false;  // the first token of a line that stays
  bool in_parent = false;    // block, and the close of a block: directly inside a parent's body
  bool only_blank_before = false;  // tag: nothing but whitespace precedes it on its line
  std::size_t opener = no_index;   // close: the index of the tag it closes
  std::uint32_t line = 0;
  std::string_view text;  // text: the text; tags: the name as written (without sigil)
  std::string_view ws;    // tag: the whitespace before it when only whitespace precedes it
};

// The sigils followed by a name; '&' is an unescaped variable.
constexpr std::array<std::pair<char, TokenType>, 7> named_sigils{{{'#', TokenType::section},
                                                                  {'^', TokenType::inverted},
                                                                  {'/', TokenType::close},
                                                                  {'>', TokenType::partial},
                                                                  {'<', TokenType::parent},
                                                                  {'$', TokenType::block},
                                                                  {'&', TokenType::variable}}};

// The node each tag that becomes one makes.
constexpr std::array<std::pair<TokenType, Node::Kind>, 6> node_kinds{
    {{TokenType::variable, Node::Kind::variable},
     {TokenType::section, Node::Kind::section},
     {TokenType::inverted, Node::Kind::inverted},
     {TokenType::partial, Node::Kind::partial},
     {TokenType::parent, Node::Kind::parent},
     {TokenType::block, Node::Kind::block}}};

bool is_blank_char(char c) {
  return c == ' ' || c == '\t';
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) {
    s.remove_prefix(1);
  }
  while (!s.empty() && is_space(s.back())) {
    s.remove_suffix(1);
  }
  return s;
}

bool opens_container(TokenType type) {
  return type == TokenType::section || type == TokenType::inverted || type == TokenType::parent ||
         type == TokenType::block;
}

std::string_view describe(TokenType type) {
  switch (type) {
    case TokenType::section:
      return "section";
    case TokenType::inverted:
      return "inverted section";
    case TokenType::parent:
      return "parent";
    case TokenType::block:
      return "block";
    default:
      return "tag";
  }
}

class Parser {
 public:
  Parser(std::string_view text, std::string origin) : text_(text), origin_(std::move(origin)) {}

  Template run() {
    tokenize();
    match_sections();
    mark_lines();
    return Template(std::move(origin_), build());
  }

 private:
  [[noreturn]] void fail(std::uint32_t line, const std::string& what) const {
    throw Error(fmt::format("{}:{}: {}", origin_, line, what));
  }

  // Splits text at line ends: a text token never spans two lines.
  void add_text(std::size_t begin, std::size_t end) {
    while (begin < end) {
      auto newline = text_.find('\n', begin);
      const std::size_t stop =
          (newline == std::string_view::npos || newline >= end) ? end : newline + 1;
      Token token;
      token.text = text_.substr(begin, stop - begin);
      token.line = line_;
      token.ends_line = token.text.back() == '\n';
      auto body = token.text;
      if (token.ends_line) {
        body.remove_suffix(1);
        if (!body.empty() && body.back() == '\r') {
          body.remove_suffix(1);
        }
        ++line_;
      }
      token.blank = std::all_of(body.begin(), body.end(), is_blank_char);
      tokens_.push_back(token);
      begin = stop;
    }
  }

  void tokenize() {
    std::string open = "{{";
    std::string close = "}}";
    std::size_t pos = 0;
    while (pos < text_.size()) {
      const auto start = text_.find(open, pos);
      add_text(pos, start == std::string_view::npos ? text_.size() : start);
      if (start == std::string_view::npos) {
        break;
      }
      const auto tag_line = line_;
      std::size_t inner = start + open.size();
      const bool triple = inner < text_.size() && text_[inner] == '{';
      const std::string closing = triple ? "}" + close : close;
      if (triple) {
        ++inner;
      }
      const auto stop = text_.find(closing, inner);
      if (stop == std::string_view::npos) {
        fail(tag_line, fmt::format("tag \"{}{}\" is not closed (no \"{}\" follows)", open,
                                   shorten(text_.substr(inner)), closing));
      }
      const auto content = text_.substr(inner, stop - inner);
      line_ += static_cast<std::uint32_t>(std::count(content.begin(), content.end(), '\n'));
      pos = stop + closing.size();

      Token token;
      token.line = tag_line;
      auto body = trim(content);
      if (triple) {
        token.type = TokenType::variable;
        token.escaped = false;
        token.text = body;
      } else if (body.empty()) {
        fail(tag_line, fmt::format("empty tag \"{}{}\"", open, close));
      } else {
        const char sigil = body.front();
        const auto named =
            std::ranges::find(named_sigils, sigil, &std::pair<char, TokenType>::first);
        if (sigil == '!') {
          token.type = TokenType::comment;
        } else if (sigil == '=') {
          token.type = TokenType::delimiters;
          set_delimiters(body, tag_line, open, close);
        } else if (named != named_sigils.end()) {
          token.type = named->second;
          token.escaped = sigil != '&';
          token.text = trim(body.substr(1));
        } else {
          token.type = TokenType::variable;
          token.text = body;
        }
      }
      if (token.type != TokenType::comment && token.type != TokenType::delimiters) {
        check_name(token, open, content, close);
      }
      tokens_.push_back(token);
    }
  }

  static std::string_view shorten(std::string_view s) {
    auto end = s.find('\n');
    s = s.substr(0, std::min<std::size_t>(end, 20));
    return s;
  }

  void check_name(const Token& token, const std::string& open, std::string_view content,
                  const std::string& close) const {
    auto name = token.text;
    if (!name.empty() && name.front() == '*' &&
        (token.type == TokenType::partial || token.type == TokenType::parent ||
         token.type == TokenType::close)) {
      name = trim(name.substr(1));
    }
    if (name.empty()) {
      fail(token.line, fmt::format("tag \"{}{}{}\" has no name", open, content, close));
    }
    if (std::any_of(name.begin(), name.end(), is_space)) {
      fail(token.line,
           fmt::format("tag \"{}{}{}\": a name cannot contain whitespace", open, content, close));
    }
  }

  // {{=<% %>=}}: two delimiters, separated by whitespace, neither containing '=' or whitespace.
  void set_delimiters(std::string_view body, std::uint32_t line, std::string& open,
                      std::string& close) const {
    const auto bad = [&](std::string_view why) {
      fail(line, fmt::format("bad set-delimiter tag \"{}{}{}\": {}", open, body, close, why));
    };
    if (body.size() < 2 || body.back() != '=') {
      bad("it must end with '=' (e.g. {{=<% %>=}})");
    }
    auto inner = trim(body.substr(1, body.size() - 2));
    std::size_t split = 0;
    while (split < inner.size() && !is_space(inner[split])) {
      ++split;
    }
    const auto first = inner.substr(0, split);
    const auto second = trim(inner.substr(split));
    if (first.empty() || second.empty()) {
      bad("it needs two delimiters separated by whitespace (e.g. {{=<% %>=}})");
    }
    if (std::any_of(second.begin(), second.end(), is_space) ||
        first.find('=') != std::string_view::npos || second.find('=') != std::string_view::npos) {
      bad("a delimiter cannot contain whitespace or '='");
    }
    open = first;
    close = second;
  }

  static bool same_name(std::string_view a, std::string_view b) {
    const auto strip = [](std::string_view s) {
      return (!s.empty() && s.front() == '*') ? trim(s.substr(1)) : s;
    };
    return a == b || strip(a) == strip(b);
  }

  // Pairs every closing tag with its opener; reports unbalanced ones.
  void match_sections() {
    std::vector<std::size_t> open;
    for (std::size_t i = 0; i < tokens_.size(); ++i) {
      auto& token = tokens_[i];
      if (opens_container(token.type)) {
        if (open.size() >= max_nesting) {
          fail(token.line, fmt::format("sections nest more than {} deep", max_nesting));
        }
        token.in_parent = !open.empty() && tokens_[open.back()].type == TokenType::parent;
        open.push_back(i);
      } else if (token.type == TokenType::close) {
        if (open.empty()) {
          fail(token.line,
               fmt::format("closing tag \"{}\" has no open section to close", token.text));
        }
        const auto& opener = tokens_[open.back()];
        if (!same_name(opener.text, token.text)) {
          fail(token.line,
               fmt::format("closing tag \"{}\" does not match the open {} \"{}\" (line {})",
                           token.text, describe(opener.type), opener.text, opener.line));
        }
        token.opener = open.back();
        token.in_parent = opener.in_parent;
        open.pop_back();
      }
    }
    if (!open.empty()) {
      const auto& opener = tokens_[open.back()];
      fail(line_, fmt::format("unclosed {} \"{}\" opened at line {}", describe(opener.type),
                              opener.text, opener.line));
    }
  }

  // Tags that may share a standalone line: a parent's tags and the blocks directly inside its
  // body (spec: "{{<parent}}{{$block}}" and "{{/block}}{{/parent}}" lines are standalone).
  bool inheritance_tag(const Token& token, bool& is_parent) const {
    if (token.type == TokenType::parent) {
      is_parent = true;
      return true;
    }
    if (token.type == TokenType::block) {
      return token.in_parent;
    }
    if (token.type == TokenType::close) {
      const auto& opener = tokens_[token.opener];
      if (opener.type == TokenType::parent) {
        is_parent = true;
        return true;
      }
      return opener.type == TokenType::block && opener.in_parent;
    }
    return false;
  }

  bool standalone_line(std::size_t begin, std::size_t end) const {
    std::size_t tags = 0;
    bool any_parent = false;
    bool all_inheritance = true;
    for (std::size_t i = begin; i < end; ++i) {
      const auto& token = tokens_[i];
      if (token.type == TokenType::text) {
        if (!token.blank) {
          return false;
        }
        continue;
      }
      if (token.type == TokenType::variable) {
        return false;
      }
      ++tags;
      all_inheritance = inheritance_tag(token, any_parent) && all_inheritance;
    }
    return tags == 1 || (tags > 1 && all_inheritance && any_parent);
  }

  // Removes standalone lines, marks where lines start and what whitespace precedes each tag.
  void mark_lines() {
    std::size_t begin = 0;
    while (begin < tokens_.size()) {
      std::size_t end = begin;
      while (end < tokens_.size() &&
             !(tokens_[end].type == TokenType::text && tokens_[end].ends_line)) {
        ++end;
      }
      if (end < tokens_.size()) {
        ++end;  // the line's end belongs to it
      }
      std::string_view ws;
      if (tokens_[begin].type == TokenType::text && tokens_[begin].blank &&
          !tokens_[begin].ends_line) {
        ws = tokens_[begin].text;
      }
      const bool standalone = standalone_line(begin, end);
      bool blank_so_far = true;
      for (std::size_t i = begin; i < end; ++i) {
        auto& token = tokens_[i];
        if (token.type == TokenType::text) {
          token.removed = standalone;
          blank_so_far = blank_so_far && token.blank;
          continue;
        }
        token.standalone = standalone;
        token.only_blank_before = blank_so_far;
        if (blank_so_far) {
          token.ws = ws;
        }
        blank_so_far = false;
      }
      if (!standalone) {
        tokens_[begin].starts_line = true;
      }
      begin = end;
    }
  }

  std::vector<std::string> split_path(const Token& token, std::string_view name) const {
    std::vector<std::string> path;
    if (name == ".") {
      return path;
    }
    std::size_t start = 0;
    while (true) {
      const auto dot = name.find('.', start);
      const auto part = name.substr(start, dot == std::string_view::npos ? dot : dot - start);
      if (part.empty()) {
        fail(token.line,
             fmt::format("\"{}\" is not a valid name (an empty part between dots)", token.text));
      }
      path.emplace_back(part);
      if (dot == std::string_view::npos) {
        break;
      }
      start = dot + 1;
    }
    return path;
  }

  Node tag_node(const Token& token) const {
    const auto kind =
        std::ranges::find(node_kinds, token.type, &std::pair<TokenType, Node::Kind>::first)->second;
    Node node;
    node.kind = kind;
    node.escaped = token.escaped;
    node.starts_line = token.starts_line;
    node.standalone = token.standalone;
    node.line = token.line;
    auto name = token.text;
    if ((kind == Node::Kind::partial || kind == Node::Kind::parent) && name.front() == '*') {
      node.dynamic = true;
      name = trim(name.substr(1));
    }
    node.text = name;
    if (kind != Node::Kind::partial && kind != Node::Kind::parent && kind != Node::Kind::block) {
      node.path = split_path(token, name);
    } else if (node.dynamic) {
      node.path = split_path(token, name);
    }
    if (kind == Node::Kind::partial || kind == Node::Kind::parent) {
      if (token.standalone) {
        node.indent = token.ws;
      }
    } else if (kind == Node::Kind::block && token.only_blank_before) {
      node.indent = token.ws;
    }
    return node;
  }

  // An empty text at the start of a line whose first tag renders nothing (a closing tag, a
  // comment): the indentation of an enclosing partial still belongs there.
  static void add_line_start(std::vector<Node>& nodes) {
    Node node;
    node.starts_line = true;
    nodes.push_back(std::move(node));
  }

  std::vector<Node> build() const {
    // Containers under construction: the open tag's node and the children gathered so far.
    std::vector<std::pair<Node, std::vector<Node>>> open;
    std::vector<Node> top;
    const auto current = [&]() -> std::vector<Node>& {
      return open.empty() ? top : open.back().second;
    };
    for (const auto& token : tokens_) {
      auto& nodes = current();
      switch (token.type) {
        case TokenType::text:
          if (token.removed) {
            break;
          }
          if (!token.starts_line && !nodes.empty() && nodes.back().kind == Node::Kind::text) {
            nodes.back().text += token.text;
          } else {
            Node node;
            node.starts_line = token.starts_line;
            node.text = token.text;
            nodes.push_back(std::move(node));
          }
          break;
        case TokenType::variable:
        case TokenType::partial:
          nodes.push_back(tag_node(token));
          break;
        case TokenType::section:
        case TokenType::inverted:
        case TokenType::parent:
        case TokenType::block:
          open.emplace_back(tag_node(token), std::vector<Node>{});
          break;
        case TokenType::comment:
        case TokenType::delimiters:
          if (token.starts_line) {
            add_line_start(nodes);
          }
          break;
        case TokenType::close: {
          if (token.starts_line) {
            add_line_start(nodes);
          }
          auto [node, children] = std::move(open.back());
          open.pop_back();
          close_container(node, std::move(children));
          current().push_back(std::move(node));
          break;
        }
      }
    }
    return top;
  }

  static void close_container(Node& node, std::vector<Node> children) {
    if (node.kind == Node::Kind::parent) {
      // A parent's body is its overrides: text and other tags in it are ignored.
      std::erase_if(children, [](const Node& child) { return child.kind != Node::Kind::block; });
    } else if (node.kind == Node::Kind::block && node.standalone && !children.empty() &&
               children.front().kind == Node::Kind::text && children.front().starts_line) {
      const auto& first = children.front().text;
      const auto end = first.find_first_not_of(" \t");
      // A blank first line says nothing about indentation; whitespace before a tag does.
      if (end == std::string::npos || (first[end] != '\n' && first[end] != '\r')) {
        node.content_indent = first.substr(0, end);
      }
    }
    node.children = std::move(children);
  }

  std::string_view text_;
  std::string origin_;
  std::vector<Token> tokens_;
  std::uint32_t line_ = 1;
};

}  // namespace

Template parse(std::string_view text, std::string origin) {
  return Parser(text, std::move(origin)).run();
}

std::optional<Escape> parse_escape(std::string_view name) {
  if (name == "html") {
    return Escape::html;
  }
  if (name == "none") {
    return Escape::none;
  }
  if (name == "strict") {
    return Escape::strict;
  }
  return std::nullopt;
}

}  // namespace hubtel::mustache
