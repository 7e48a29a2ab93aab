// Unit tests of new function projects: the files written from the embedded templates, names, and
// folders that are refused.
#include "init/init.hpp"
#include "init/embedded.hpp"
#include "spec/spec_fixture.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>

namespace fs = std::filesystem;
using namespace hubtel;
using namespace hubtel::init;
using namespace hubtel::test;

TEST(Init, WritesAProjectAndRefusesToOverwrite) {
  const TempDir temp;
  std::ostringstream out;
  run_init({temp.path() / "my-fn", "python", std::nullopt, std::nullopt}, out);
  EXPECT_TRUE(fs::exists(temp.path() / "my-fn" / "app.py"));
  const auto cmake = read_file(temp.path() / "my-fn" / "CMakeLists.txt");
  EXPECT_NE(cmake.find("find_package(HubtelAI 0.1 REQUIRED)"), std::string::npos);
  EXPECT_NE(cmake.find("hubtel_add_lambda_image(\n  my-fn"), std::string::npos) << cmake;
  EXPECT_NE(out.str().find("  cmake --build --preset deploy\n"), std::string::npos);
  const auto what = error_of([&] {
    run_init({temp.path() / "my-fn", "cpp", std::nullopt, std::nullopt}, out);
  });
  EXPECT_NE(what.find("is not empty"), std::string::npos) << what;
  EXPECT_THROW(check_project_name("a b"), Error);
  EXPECT_THROW(check_project_name(std::string(65, 'a')), Error);
  EXPECT_NO_THROW(check_project_name("a_b-9"));
}

// The printed configure command names the installed package, quoted for the shell when needed.
TEST(Init, PrintsThePackageFolderQuoted) {
  const TempDir temp;
  std::ostringstream out;
  run_init({temp.path() / "with space", "cpp", std::string("fn"),
            fs::path("/opt/hubtel ai/lib/cmake/HubtelAI")},
           out);
  EXPECT_NE(out.str().find("  cmake --preset default '-DHubtelAI_DIR=/opt/hubtel ai/lib/cmake/"
                           "HubtelAI'\n"),
            std::string::npos)
      << out.str();
  EXPECT_NE(out.str().find("  cd '" + (temp.path() / "with space").string() + "'\n"),
            std::string::npos)
      << out.str();
}

// Every file of a C++ project, with the deploy block in its place and no template tag left.
TEST(Init, RendersEveryFileFromTheEmbeddedTemplates) {
  const TempDir temp;
  std::ostringstream out;
  run_init({temp.path() / "hello-fn", "cpp", std::nullopt, std::nullopt}, out);
  const auto dir = temp.path() / "hello-fn";
  for (const char* file : {"CMakeLists.txt", "main.cpp", "event.json", "README.md", ".gitignore",
                           "CMakePresets.json"}) {
    const auto text = read_file(dir / file);
    EXPECT_EQ(text.find("{{"), std::string::npos) << file;
    EXPECT_EQ(text.find("@NAME@"), std::string::npos) << file;
  }
  const auto cmake = read_file(dir / "CMakeLists.txt");
  EXPECT_NE(cmake.find("target_compile_features(hello-fn PRIVATE cxx_std_17)\n\n# Deploying: "
                       "configure with "
                       "-DLAMBDA_REPOSITORY=<account>.dkr.ecr.<region>.amazonaws.com/hello-fn\n"),
            std::string::npos)
      << cmake;
  EXPECT_NE(cmake.find("endif()\n\nhubtel_add_lambda_image(\n  hello-fn\n"), std::string::npos);
  EXPECT_NE(read_file(dir / "README.md").find("An AWS Lambda function (C++, provided.al2023)"),
            std::string::npos);
  EXPECT_EQ(read_file(dir / ".gitignore"), "/build/\n/build-arm64/\n");
  // The presets: x86_64 by default, arm64 in a folder of its own, the three build targets.
  const auto presets = nlohmann::json::parse(read_file(dir / "CMakePresets.json"));
  EXPECT_EQ(presets["configurePresets"][0]["binaryDir"], "${sourceDir}/build");
  EXPECT_EQ(presets["configurePresets"][1]["cacheVariables"]["HUBTEL_DEFAULT_ARCHITECTURES"],
            "arm64");
  EXPECT_EQ(presets["buildPresets"][2]["targets"][0], "hello-fn-deploy");
  EXPECT_EQ(read_file(dir / "event.json"), "{\"name\": \"world\"}\n");
  EXPECT_EQ(embedded_templates().count("cpp/main.cpp.mustache"), 1U);
}

TEST(Init, RefusesNamesNoImageCanHave) {
  const TempDir temp;
  std::ostringstream out;
  const auto what = error_of([&] {
    run_init({temp.path() / "MyFunc", "cpp", std::nullopt, std::nullopt}, out);
  });
  EXPECT_NE(what.find("init: \"MyFunc\" is not a valid function name"), std::string::npos) << what;
  EXPECT_NE(what.find("pass --name myfunc"), std::string::npos) << what;
  EXPECT_FALSE(fs::exists(temp.path() / "MyFunc"));
  EXPECT_THROW(check_project_name("fn-"), Error);
  EXPECT_THROW(check_project_name("9lives"), Error);
  EXPECT_NE(error_of([&] {
              run_init({"", "cpp", std::nullopt, std::nullopt}, out);
            }).find("init: the project folder is empty"),
            std::string::npos);
}
