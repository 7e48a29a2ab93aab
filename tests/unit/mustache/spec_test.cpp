// The official Mustache spec's suites, read at test time from the shared conformance folder: one
// test per case (lambdas left out: they need a host-language callable).
#include "common/error.hpp"
#include "common/files.hpp"
#include "mustache/mustache.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cctype>
#include <filesystem>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const fs::path spec_dir = fs::path(HUBTEL_AI_CONFORMANCE_DIR) / "mustache-spec";

struct SpecCase {
  std::string suite;  // the file's name without .json
  std::string name;
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
  if (cases.empty()) {
    // A placeholder, so that the absent folder shows up as a skipped test, not as no test.
    SpecCase absent;
    absent.suite = "absent";
    absent.name = "conformance folder";
    cases.push_back(std::move(absent));
  }
  return cases;
}

// GoogleTest names: letters, digits and underscores only.
std::string test_name(const ::testing::TestParamInfo<SpecCase>& info) {
  std::string name = info.param.suite + "_" + info.param.name;
  for (auto& c : name) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0) {
      c = '_';
    }
  }
  return name;
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

// Test names are unique across the suites but for "~inheritance: Text inside parent", which
// the spec has twice; the index keeps every case.
std::string unique_name(const ::testing::TestParamInfo<SpecCase>& info) {
  return test_name(info) + "_" + std::to_string(info.index);
}

INSTANTIATE_TEST_SUITE_P(Spec, MustacheSpec, ::testing::ValuesIn(all_cases()), unique_name);

}  // namespace
