// The official Mustache spec's suites, read at test time from the shared conformance folder: one
// test per case (lambdas left out: they need a host-language callable).
#include "common/error.hpp"
#include "common/files.hpp"
#include "mustache/mustache.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <ostream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const fs::path spec_dir = fs::path(HUBTEL_AI_CONFORMANCE_DIR) / "mustache-spec";

struct SpecCase {
  std::string suite;  // the file's name without .json
  std::string name;
  std::string label;  // "<file>: <name>", unique
  std::string desc;
  json data;
  std::string tmpl;
  std::string expected;
  std::map<std::string, std::string, std::less<>> partials;
};

// Cases of the suites that exist; none when the conformance folder is absent (the tests then
// skip, see below).
std::vector<SpecCase> load_suite(const std::string& suite) {
  std::vector<SpecCase> cases;
  const auto path = spec_dir / (suite + ".json");
  std::error_code error;
  if (!fs::is_regular_file(path, error)) {
    return cases;
  }
  const auto doc = json::parse(hubtel::read_file(path));
  for (const auto& test : doc.at("tests")) {
    SpecCase c;
    c.suite = suite;
    c.name = test.at("name").get<std::string>();
    c.desc = test.at("desc").get<std::string>();
    c.data = test.at("data");
    c.tmpl = test.at("template").get<std::string>();
    c.expected = test.at("expected").get<std::string>();
    if (test.contains("partials")) {
      for (const auto& [key, value] : test.at("partials").items()) {
        c.partials.emplace(key, value.get<std::string>());
      }
    }
    cases.push_back(std::move(c));
  }
  return cases;
}

std::vector<SpecCase> all_cases() {
  std::vector<SpecCase> cases;
  for (const char* suite : {"comments", "delimiters", "interpolation", "inverted", "partials",
                            "sections", "~inheritance", "~dynamic-names"}) {
    auto more = load_suite(suite);
    cases.insert(cases.end(), more.begin(), more.end());
  }
  // The spec names "~inheritance: Text inside parent" twice.
  std::map<std::string, int> seen;
  for (auto& c : cases) {
    c.label = c.suite + ".json: " + c.name;
    if (const int count = ++seen[c.label]; count > 1) {
      c.label += " (" + std::to_string(count) + ")";
    }
  }
  if (cases.empty()) {
    // A placeholder, so that the absent folder shows up as a skipped test, not as no test.
    SpecCase absent;
    absent.suite = "absent";
    absent.name = "conformance folder";
    absent.label = "no conformance folder";
    cases.push_back(std::move(absent));
  }
  return cases;
}

// What GoogleTest prints for a case, and so (gtest_discover_tests) the CTest name's end:
// "Spec/MustacheSpec.Renders/sections.json: Truthy".
void PrintTo(const SpecCase& c, std::ostream* os) {
  *os << c.label;
}

class MustacheSpec : public ::testing::TestWithParam<SpecCase> {};

TEST_P(MustacheSpec, Renders) {
  const auto& c = GetParam();
  if (c.suite == "absent") {
    GTEST_SKIP() << "no Mustache spec suites in " << spec_dir;
  }
  hubtel::mustache::MapLoader loader(c.partials);
  std::string rendered;
  try {
    rendered = hubtel::mustache::render(c.tmpl, c.data, loader);
  } catch (const hubtel::Error& e) {
    FAIL() << c.desc << "\nthrew: " << e.what();
  }
  EXPECT_EQ(rendered, c.expected) << c.desc << "\ntemplate: " << c.tmpl;
}

INSTANTIATE_TEST_SUITE_P(Spec, MustacheSpec, ::testing::ValuesIn(all_cases()));

}  // namespace
