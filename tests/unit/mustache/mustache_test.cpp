// The engine beyond the spec: strict escaping, parse errors, missing partials, the recursion
// limit, the partial loaders, and project-style templates.
#include "mustache/mustache.hpp"
#include "common/error.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace fs = std::filesystem;
using hubtel::Error;
using hubtel::mustache::Escape;
using hubtel::mustache::MapLoader;
using hubtel::mustache::RenderOptions;
using nlohmann::json;

namespace {

std::string render(const std::string& text, const json& data, Escape escape = Escape::html,
                   std::map<std::string, std::string, std::less<>> partials = {}) {
  MapLoader loader(std::move(partials));
  RenderOptions options;
  options.escape = escape;
  return hubtel::mustache::render(text, data, loader, options);
}

// The message of the Error that rendering throws; empty when it does not throw.
std::string render_error(const std::string& text, const json& data, Escape escape = Escape::html,
                         std::map<std::string, std::string, std::less<>> partials = {}) {
  try {
    render(text, data, escape, std::move(partials));
  } catch (const Error& e) {
    return e.what();
  }
  return {};
}

std::string parse_error(const std::string& text) {
  try {
    hubtel::mustache::parse(text, "t.mustache");
  } catch (const Error& e) {
    return e.what();
  }
  return {};
}

TEST(MustacheEscape, ParsesNames) {
  EXPECT_EQ(hubtel::mustache::parse_escape("html"), Escape::html);
  EXPECT_EQ(hubtel::mustache::parse_escape("none"), Escape::none);
  EXPECT_EQ(hubtel::mustache::parse_escape("strict"), Escape::strict);
  EXPECT_FALSE(hubtel::mustache::parse_escape("HTML").has_value());
}

TEST(MustacheEscape, HtmlEscapesTheSpecsFourCharacters) {
  EXPECT_EQ(render("{{v}}|{{{v}}}|{{&v}}", json{{"v", "a&b<c>d\"e'f"}}),
            "a&amp;b&lt;c&gt;d&quot;e'f|a&b<c>d\"e'f|a&b<c>d\"e'f");
}

TEST(MustacheEscape, NoneAndStrictWriteValuesAsTheyAre) {
  const json data{{"v", "a&b<c>\"$HOME\""}};
  EXPECT_EQ(render("{{v}}", data, Escape::none), "a&b<c>\"$HOME\"");
  EXPECT_EQ(render("{{v}}", data, Escape::strict), "a&b<c>\"$HOME\"");
}

TEST(MustacheEscape, StrictRefusesANewlineNamingTheKeyPath) {
  const json data = json::parse(R"({"build_args": {"FOO": "1\nRUN rm -rf /"}})");
  EXPECT_EQ(render_error("ARG {{build_args.FOO}}\n", data, Escape::strict),
            "strict escaping: the value of \"build_args.FOO\" contains a newline (line feed); "
            "values in templates of this project must be one line (template:1)");
}

TEST(MustacheEscape, StrictNamesPathsThroughSectionsAndLists) {
  const json data = json::parse(
      R"({"build_args_list": [{"key": "A", "value": "1"}, {"key": "B", "value": "x\ty"}]})");
  EXPECT_EQ(render_error("{{#build_args_list}}\nARG {{key}}={{value}}\n{{/build_args_list}}\n",
                         data, Escape::strict),
            "strict escaping: the value of \"build_args_list[1].value\" contains a tab; values "
            "in templates of this project must be one line (template:2)");
  EXPECT_NE(render_error("{{#list}}{{.}}{{/list}}", json{{"list", {"ok", "bad\r"}}}, Escape::strict)
                .find("the value of \"list[1]\" contains a carriage return"),
            std::string::npos);
}

TEST(MustacheEscape, StrictRefusesEveryControlCharacterAndDel) {
  for (const auto* bad : {"a\x01", "\x1f", "a\x7f"}) {
    EXPECT_NE(render_error("{{{v}}}", json{{"v", bad}}, Escape::strict).find("control character"),
              std::string::npos)
        << bad;
  }
  // UTF-8 beyond ASCII is text, not control.
  EXPECT_EQ(render("{{v}}", json{{"v", "caf\xc3\xa9"}}, Escape::strict), "caf\xc3\xa9");
}

TEST(MustacheEscape, StrictRefusesListsAndObjects) {
  EXPECT_EQ(render_error("{{v}}", json{{"v", {1, 2}}}, Escape::strict),
            "strict escaping: the value of \"v\" is a list, not a string, number or boolean "
            "(template:1)");
  EXPECT_EQ(render("{{v}}", json{{"v", {1, 2}}}, Escape::none), "[1,2]");
}

TEST(MustacheValues, NumbersAndBooleansRenderAsJson) {
  const json data = json::parse(R"({"i": -42, "u": 18446744073709551615, "f": 0.5, "t": true,
                                    "n": null})");
  EXPECT_EQ(render("{{i}} {{u}} {{f}} {{t}} [{{n}}]", data),
            "-42 18446744073709551615 0.5 true []");
}

TEST(MustacheValues, EmptyStringsAndListsAreFalsey) {
  const json data = json::parse(R"({"s": "", "l": [], "z": 0, "o": {}})");
  EXPECT_EQ(
      render("{{#s}}s{{/s}}{{^s}}!s{{/s}}{{#l}}l{{/l}}{{^l}}!l{{/l}}{{#z}}z{{/z}}{{#o}}o{{/o}}",
             data),
      "!s!lzo");
}

TEST(MustacheParse, UnclosedSectionNamesWhereItOpened) {
  EXPECT_EQ(parse_error("a\nb\n{{#x}}\nc\n"),
            "t.mustache:5: unclosed section \"x\" opened at line 3");
  EXPECT_EQ(parse_error("{{^y}}"),
            "t.mustache:1: unclosed inverted section \"y\" opened at line 1");
  EXPECT_EQ(parse_error("{{<p}}{{$b}}"), "t.mustache:1: unclosed block \"b\" opened at line 1");
}

TEST(MustacheParse, MismatchedAndStrayClosingTags) {
  EXPECT_EQ(parse_error("{{#x}}\n{{/y}}"),
            "t.mustache:2: closing tag \"y\" does not match the open section \"x\" (line 1)");
  EXPECT_EQ(parse_error("a\n{{/y}}"),
            "t.mustache:2: closing tag \"y\" has no open section to close");
}

TEST(MustacheParse, MalformedTags) {
  EXPECT_EQ(parse_error("a\n{{b"), "t.mustache:2: tag \"{{b\" is not closed (no \"}}\" follows)");
  EXPECT_EQ(parse_error("{{{b}}"),
            "t.mustache:1: tag \"{{b}}\" is not closed (no \"}}}\" follows)");
  EXPECT_EQ(parse_error("{{ }}"), "t.mustache:1: empty tag \"{{}}\"");
  EXPECT_EQ(parse_error("{{#}}"), "t.mustache:1: tag \"{{#}}\" has no name");
  EXPECT_EQ(parse_error("{{a b}}"),
            "t.mustache:1: tag \"{{a b}}\": a name cannot contain whitespace");
  EXPECT_EQ(parse_error("{{a..b}}"),
            "t.mustache:1: \"a..b\" is not a valid name (an empty part between dots)");
  EXPECT_EQ(parse_error("{{=<% %>}}"),
            "t.mustache:1: bad set-delimiter tag \"{{=<% %>}}\": it must end with '=' (e.g. "
            "{{=<% %>=}})");
  EXPECT_EQ(parse_error("{{=<%=}}"),
            "t.mustache:1: bad set-delimiter tag \"{{=<%=}}\": it needs two delimiters separated "
            "by whitespace (e.g. {{=<% %>=}})");
}

TEST(MustacheParse, LinesCountAcrossMultiLineTagsAndDelimiterChanges) {
  EXPECT_EQ(parse_error("{{! one\ntwo }}\n{{=[ ]=}}\n[#a]\n{{/a}}\n"),
            "t.mustache:6: unclosed section \"a\" opened at line 4");
}

TEST(MustachePartials, MissingPartialIsEmptyOrAnError) {
  EXPECT_EQ(render("[{{>nope}}]", json::object()), "[]");
  MapLoader loader;
  RenderOptions options;
  options.missing_partial_is_error = true;
  try {
    hubtel::mustache::render("a\n{{<nope}}{{/nope}}", json::object(), loader, options);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(),
                 "template:2: parent \"nope\" not found (no partial named \"nope\" was given)");
  }
}

TEST(MustachePartials, EndlessRecursionIsAnError) {
  const auto message =
      render_error("{{>a}}", json::object(), Escape::html, {{"a", "x{{>b}}"}, {"b", "{{>a}}"}});
  EXPECT_NE(message.find("b:1: partials nest more than 100 deep; does \"a\" include itself without "
                         "end? (template -> a -> b -> a -> ... -> a -> b -> a -> b)"),
            std::string::npos)
      << message;
}

TEST(MustachePartials, DeepButFiniteRecursionRenders) {
  json tree = json{{"child", nullptr}};  // ends the lookup of "child" down the context stack
  for (int i = 0; i < 50; ++i) {
    tree = json{{"child", tree}};
  }
  const auto out =
      render("{{>node}}", tree, Escape::html, {{"node", "<{{#child}}{{>node}}{{/child}}>"}});
  EXPECT_EQ(out, std::string(51, '<') + std::string(51, '>'));
}

TEST(MustachePartials, SectionsNestingThroughPartialsIsBounded) {
  json data = json::object();
  data["a"] = true;
  const auto message = render_error("{{>p}}", data, Escape::html,
                                    {{"p",
                                      "{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}"
                                      "{{#a}}{{#a}}{{#a}}{{>p}}{{/a}}{{/a}}{{/a}}{{/a}}{{/a}}"
                                      "{{/a}}{{/a}}{{/a}}{{/a}}{{/a}}{{/a}}{{/a}}"}});
  EXPECT_NE(message.find("p:1: sections, blocks and partials nest more than 1000 deep"),
            std::string::npos)
      << message;
}

// A partial including itself inside `times` nested tags: 100 partials deep would be 50,000
// levels of recursion.
std::string self_nesting(const std::string& open, const std::string& close, int times = 500) {
  std::string text;
  for (int i = 0; i < times; ++i) {
    text += open;
  }
  text += "{{>p}}";
  for (int i = 0; i < times; ++i) {
    text += close;
  }
  return text;
}

TEST(MustachePartials, EveryKindOfNestingThroughPartialsIsBounded) {
  for (const auto& [open, close] : std::vector<std::pair<std::string, std::string>>{
           {"{{^a}}", "{{/a}}"}, {"{{$b}}", "{{/b}}"}, {"{{#t}}", "{{/t}}"}}) {
    const auto message =
        render_error("{{>p}}", json{{"t", true}}, Escape::html, {{"p", self_nesting(open, close)}});
    EXPECT_NE(message.find("p:1: sections, blocks and partials nest more than 1000 deep "
                           "(--max-depth; template -> p -> p"),
              std::string::npos)
        << open << ": " << message;
  }
  // Parents nest through their own blocks (here the partial limit, 100, comes first).
  const auto message = render_error(
      "{{>p}}", json::object(), Escape::html,
      {{"p", self_nesting("{{<q}}{{$b}}", "{{/b}}{{/q}}", 250)}, {"q", "{{$b}}{{/b}}"}});
  EXPECT_NE(message.find("p:1: partials nest more than 100 deep"), std::string::npos) << message;
}

TEST(MustacheValues, DataNestedDeeperThanTheLimitIsAnErrorNotACrash) {
  json deep = json::array();
  for (int i = 0; i < 60000; ++i) {
    json outer = json::array();
    outer.push_back(std::move(deep));
    deep = std::move(outer);
  }
  const auto message = render_error("{{v}}", json{{"v", std::move(deep)}});
  EXPECT_EQ(message, "template:1: the value of \"v\" nests more than 1000 deep (--max-depth)");
  EXPECT_EQ(render("{{v}}", json{{"v", json::array({json::array({1})})}}, Escape::none), "[[1]]");
}

// 31 partials, each the one before it twice: 2^31 copies of the first.
std::map<std::string, std::string, std::less<>> doubling_partials(const std::string& first) {
  std::map<std::string, std::string, std::less<>> partials{{"p0", first}};
  for (int i = 1; i <= 31; ++i) {
    partials[fmt::format("p{}", i)] = fmt::format("{{{{>p{}}}}}{{{{>p{}}}}}", i - 1, i - 1);
  }
  return partials;
}

TEST(MustacheLimits, OutputIsBounded) {
  MapLoader loader(doubling_partials(std::string(1024, 'x')));
  RenderOptions options;
  options.max_output_bytes = 1 << 20;
  try {
    hubtel::mustache::render("{{>p31}}", json::object(), loader, options);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(),
                 "template: the output would exceed 1048576 bytes (--max-output); do partials "
                 "include each other many times over?");
  }
  options.max_output_bytes = 4096;
  EXPECT_EQ(hubtel::mustache::render("{{>p2}}", json::object(), loader, options).size(), 4096U);
}

TEST(MustacheLimits, WorkThatWritesNothingIsBounded) {
  MapLoader loader(doubling_partials(""));
  RenderOptions options;
  options.max_steps = 100000;
  try {
    hubtel::mustache::render("{{>p31}}", json::object(), loader, options);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(":1: rendering takes more than 100000 steps "
                                         "(--max-steps); do partials include each other many "
                                         "times over?"),
              std::string::npos)
        << e.what();
  }
}

TEST(MustacheParse, NestingIsBounded) {
  std::string text;
  for (int i = 0; i < 600; ++i) {
    text += "{{#a}}";
  }
  EXPECT_EQ(parse_error(text), "t.mustache:1: sections nest more than 512 deep");
}

TEST(MustacheInheritance, DynamicParentsAndPartials) {
  EXPECT_EQ(render("{{<*kind}}{{$b}}over{{/b}}{{/*kind}} {{>*kind}}", json{{"kind", "base"}},
                   Escape::html, {{"base", "[{{$b}}default{{/b}}]"}}),
            "[over] [default]");
}

TEST(MustachePartials, ErrorsInAPartialNameThePartial) {
  EXPECT_EQ(render_error("ok\n{{>p}}", json::object(), Escape::html, {{"p", "\n{{#x}}"}}),
            "p:2: unclosed section \"x\" opened at line 2");
}

// Counts loads: a renderer parses each partial once, however often it is used.
class CountingLoader : public hubtel::mustache::PartialLoader {
 public:
  std::optional<hubtel::mustache::PartialSource> load(std::string_view name) override {
    ++loads;
    if (name == "p") {
      return hubtel::mustache::PartialSource{"({{.}})", "p"};
    }
    return std::nullopt;
  }
  [[nodiscard]] std::string where(std::string_view /*name*/) const override { return {}; }
  int loads = 0;
};

TEST(MustachePartials, EachPartialIsLoadedOnce) {
  CountingLoader loader;
  hubtel::mustache::Renderer renderer(loader, {});
  const auto tmpl = hubtel::mustache::parse("{{#l}}{{>p}}{{>q}}{{/l}}", "t");
  const json data{{"l", {1, 2, 3}}};
  EXPECT_EQ(renderer.render(tmpl, data), "(1)(2)(3)");
  EXPECT_EQ(renderer.render(tmpl, data), "(1)(2)(3)");
  EXPECT_EQ(loader.loads, 2);
}

TEST(MustachePartials, DirectoryLoaderReadsFilesAndRefusesEscapes) {
  const auto dir = fs::temp_directory_path() / ("hubtel-mustache-" + std::to_string(::getpid()));
  fs::create_directories(dir / "sub");
  std::ofstream(dir / "sub" / "p.mustache") << "P{{x}}";
  hubtel::mustache::DirectoryLoader loader(dir);
  const auto found = loader.load("sub/p");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->text, "P{{x}}");
  EXPECT_EQ(found->origin, (dir / "sub" / "p.mustache").string());
  EXPECT_FALSE(loader.load("q").has_value());
  EXPECT_EQ(loader.where("q"), "no file " + (dir / "q.mustache").string());
  EXPECT_THROW(loader.load("../etc/passwd"), Error);
  EXPECT_THROW(loader.load("/etc/passwd"), Error);
  fs::remove_all(dir);
}

// Several folders: the first that has the partial serves it; a missing one names every path tried.
TEST(MustachePartials, DirectoryLoaderSearchesItsFoldersInOrder) {
  const auto root =
      fs::temp_directory_path() / ("hubtel-mustache-dirs-" + std::to_string(::getpid()));
  fs::create_directories(root / "a");
  fs::create_directories(root / "b");
  std::ofstream(root / "a" / "both.mustache") << "from a";
  std::ofstream(root / "b" / "both.mustache") << "from b";
  std::ofstream(root / "b" / "only-b.mustache") << "b only";
  hubtel::mustache::DirectoryLoader loader(std::vector<fs::path>{root / "a", root / "b"});
  EXPECT_EQ(loader.load("both")->text, "from a");
  EXPECT_EQ(loader.load("only-b")->text, "b only");
  EXPECT_FALSE(loader.load("none").has_value());
  EXPECT_EQ(loader.where("none"), "no file " + (root / "a" / "none.mustache").string() + " or " +
                                      (root / "b" / "none.mustache").string());
  fs::remove_all(root);
}

TEST(MustacheInheritance, ProjectStyleTemplateOverridesBlocksInStandaloneLines) {
  const std::map<std::string, std::string, std::less<>> partials{
      {"Dockerfile.native",
       "FROM {{base}} AS build\n{{$build_extra}}{{/build_extra}}\nFROM scratch\n"
       "{{$runtime_extra}}\n{{/runtime_extra}}\nCMD [\"x\"]\n"}};
  const std::string child =
      "{{<Dockerfile.native}}\n{{$runtime_extra}}\nRUN a\nRUN b\n{{/runtime_extra}}\n"
      "{{/Dockerfile.native}}\n";
  EXPECT_EQ(render(child, json{{"base", "debian"}}, Escape::strict, partials),
            "FROM debian AS build\n\nFROM scratch\nRUN a\nRUN b\nCMD [\"x\"]\n");
}

TEST(MustacheIndentation, NestedStandalonePartialsAccumulateIndentation) {
  EXPECT_EQ(render("a:\n  {{>b}}\n", json{{"v", "1\n2"}}, Escape::html,
                   {{"b", "b:\n  {{>c}}\n"}, {"c", "{{#t}}\nc\n{{/t}}\n{{v}}\n"}}),
            "a:\n  b:\n    1\n2\n");
}

}  // namespace
