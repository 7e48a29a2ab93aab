// Unit tests of the image spec: the reader against the CMake side's table of values, its errors,
// the template data it derives, and the render step.
#include "common/sha256.hpp"
#include "spec/image_spec.hpp"
#include "spec/prepare.hpp"
#include "spec/spec_fixture.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace fs = std::filesystem;
using namespace hubtel;
using namespace hubtel::test;
using nlohmann::json;

namespace {

// A spec whose build_args keep the order given (nlohmann::json would sort them).
fs::path write_spec_with_build_args(const fs::path& dir, const json& document,
                                    const char* build_args) {
  auto ordered = nlohmann::ordered_json::parse(document.dump());
  ordered["build_args"] = nlohmann::ordered_json::parse(build_args);
  const auto path = dir / "spec.json";
  write_file_atomically(path, ordered.dump());
  return path;
}

bool python_field(const std::string& field) {
  return field == "handler" || field == "sources" || field == "requirements" ||
         field == "find_links";
}

}  // namespace

// Every row of tests/spec/values.json that lands in the spec: the reader accepts the value
// exactly when hubtel_add_lambda_image() accepts the argument.
TEST(SpecValues, TheReaderAgreesWithTheCMakeSide) {
  const auto rows = json::parse(read_file(HUBTEL_AI_SPEC_VALUES));
  const TempDir temp;
  int checked = 0;
  for (const auto& row : rows) {
    if (!row.contains("field")) {
      continue;
    }
    const auto field = row.at("field").get<std::string>();
    const auto& value = row.at("spec");
    const bool python = python_field(field) || (field == "runtime" && value.is_string() &&
                                                value.get<std::string>().rfind("python", 0) == 0);
    auto spec = python ? python_spec(temp.path()) : native_spec(temp.path());
    spec[field] = value;
    const auto what = error_of([&] { spec::read(write_spec(temp.path(), spec)); });
    const bool accepted = what == "(no error)";
    EXPECT_EQ(accepted, row.at("valid").get<bool>()) << row.dump() << "\n" << what;
    if (!accepted) {
      EXPECT_NE(what.find(fmt::format("has a bad '{}'", field)), std::string::npos)
          << row.dump() << "\n"
          << what;
    }
    ++checked;
  }
  EXPECT_GT(checked, 50);
}

TEST(Spec, ReadsAValidSpecOfEachKind) {
  const TempDir temp;
  auto native = native_spec(temp.path());
  native["environment"] = {{"K", "V"}};
  const auto spec =
      spec::read(write_spec_with_build_args(temp.path(), native, R"({"ZED": "1", "ALPHA": "2"})"));
  EXPECT_EQ(spec.name, "hello");
  EXPECT_TRUE(spec.native());
  ASSERT_EQ(spec.build_args.size(), 2U);
  EXPECT_EQ(spec.build_args[0].first, "ZED");  // in the order given, as the Dockerfile lists them
  EXPECT_EQ(spec.environment.at("K"), "V");
  const auto python = spec::read(write_spec(temp.path(), python_spec(temp.path())));
  EXPECT_EQ(python.handler, "app.handler");
  EXPECT_FALSE(python.requirements);
}

// A pyproject.toml in REQUIREMENTS: the reader keeps it, and the templates see its folder and
// that pip has something to install; older specs without it read as before.
TEST(Spec, ReadsAPyproject) {
  const TempDir temp;
  auto document = python_spec(temp.path());
  document["pyproject"] = "svc/pyproject.toml";
  document["pyproject_package"] = true;
  document["pyproject_ignore"] = {"build", "**/.git", "**/__pycache__"};
  const auto spec = spec::read(write_spec(temp.path(), document));
  EXPECT_EQ(spec.pyproject, "svc/pyproject.toml");
  EXPECT_TRUE(spec.pyproject_package);
  ASSERT_EQ(spec.pyproject_ignore.size(), 3U);
  const auto data = spec::view(spec);
  EXPECT_EQ(data["pyproject_dir"], "svc");
  EXPECT_EQ(data["pyproject_include"], "svc");
  EXPECT_EQ(data["has_pip_install"], true);
  EXPECT_EQ(data["has_requirements"], false);

  document["pyproject"] = "pyproject.toml";
  EXPECT_EQ(spec::view(spec::read(write_spec(temp.path(), document)))["pyproject_include"], "**");
  document["pyproject"] = "setup.cfg";
  EXPECT_NE(error_of([&] {
              spec::read(write_spec(temp.path(), document));
            }).find("has a bad 'pyproject': \"setup.cfg\" is not a file named pyproject.toml"),
            std::string::npos);
  document["pyproject"] = "pyproject.toml";
  document["pyproject_ignore"] = {"a\nRUN x"};
  EXPECT_NE(error_of([&] {
              spec::read(write_spec(temp.path(), document));
            }).find("has a bad 'pyproject_ignore'"),
            std::string::npos);

  const auto old = spec::read(write_spec(temp.path(), python_spec(temp.path())));
  EXPECT_FALSE(old.pyproject);
  EXPECT_EQ(spec::view(old)["has_pip_install"], false);
}

TEST(Spec, NamesTheFileOfEveryFailure) {
  const TempDir temp;
  const auto missing = temp.path() / "missing.json";
  EXPECT_NE(error_of([&] {
              spec::read(missing);
            }).find(fmt::format("the image spec '{}' cannot be read", missing.string())),
            std::string::npos);
  const auto file = temp.path() / "spec.json";
  write_file_atomically(file, "{\"spec_version\": 2,");
  EXPECT_NE(error_of([&] {
              spec::read(file);
            }).find(fmt::format("the image spec '{}' is not valid JSON", file.string())),
            std::string::npos);
  write_file_atomically(file, "[2]");
  EXPECT_NE(error_of([&] { spec::read(file); }).find("is not a JSON object"), std::string::npos);
  auto old = native_spec(temp.path());
  old["spec_version"] = 1;
  EXPECT_EQ(error_of([&] { spec::read(write_spec(temp.path(), old)); }),
            fmt::format("the image spec '{}' is of spec version 1, but this hubtel-ai reads "
                        "version 2; configure the project again with this HubtelAI",
                        file.string()));
  auto bad = native_spec(temp.path());
  bad["memory"] = 99999;
  EXPECT_EQ(error_of([&] { spec::read(write_spec(temp.path(), bad)); }),
            fmt::format("the image spec '{}' has a bad 'memory': 99999 is outside 128..10240; "
                        "configure the project again",
                        file.string()));
  auto absent = native_spec(temp.path());
  absent.erase("target");
  EXPECT_NE(error_of([&] {
              spec::read(write_spec(temp.path(), absent));
            }).find("has a bad 'target': it is missing"),
            std::string::npos);
}

TEST(Spec, RejectsValuesThatCouldInjectSomething) {
  const TempDir temp;
  const std::vector<std::pair<std::string, json>> cases{
      {"repository", "registry.example/Bad Repo"},
      {"repository", "--help"},
      {"repository", "Greeters/hello"},
      {"repository", "127.0.0.1:5000/a...b"},
      {"repository", "127.0.0.1:5000/a___b"},
      {"repository", "127.0.0.1:5000/" + std::string(250, 'a')},
      {"tag", "-v1"},
      {"tag", "v1\nx"},
      {"function_name", "a;b"},
      {"role", "arn:aws:iam::123:role/x"},
      {"memory", 64},
      {"timeout", 901},
      {"environment", {{"1BAD", "v"}}},
      {"environment", {{"K", "line\nbreak"}}},
      {"architectures", {"sparc"}},
      {"architectures", {"x86_64", "x86_64"}},
      {"architectures", json::array()},
      {"partials", json::array()},
      {"hubtel_version", "0.1.0 && id"},
      {"project_dir", "../outside"},
      {"project_dir", "a b"},
      {"cmake_args", {"-DX=a\nRUN id"}},
      {"tests", "yes"},
      {"test_args", {"-E", "a\nRUN id"}},
      {"test_args", {""}},
      {"test_args", {"-L", "unit"}},  // without tests
      {"build_args", {{"K", "a\nb"}}},
      {"secrets", {{{"id", "tok"}, {"path", "/a,b"}}}},
      {"hubtel_stubs", {"/a b"}},
      {"project", "a\nb"},
      {"cross", "yes"},
      {"max_size_bytes", 1.5},
      {"builder_image", std::string(5000, 'x')},
      {"build_args", {{"K", std::string(5000, 'x')}}},
  };
  for (const auto& [key, value] : cases) {
    auto spec = native_spec(temp.path());
    spec[key] = value;
    const auto what = error_of([&] { spec::read(write_spec(temp.path(), spec)); });
    EXPECT_NE(what.find(fmt::format("has a bad '{}'", key)), std::string::npos)
        << key << ": " << what;
  }
}

TEST(Spec, NamesTheFilesOfTheImageFolder) {
  spec::ImageSpec spec;
  spec.dir = "/b/hubtel/hello";
  EXPECT_EQ(spec::dockerfile(spec), "/b/hubtel/hello/Dockerfile");
  EXPECT_EQ(spec::dockerignore(spec), "/b/hubtel/hello/Dockerfile.dockerignore");
  EXPECT_EQ(spec::image_inputs_file(spec), "/b/hubtel/hello/image-inputs.json");
  EXPECT_EQ(spec::image_id_file(spec, "arm64"), "/b/hubtel/hello/image-arm64.id");
  EXPECT_EQ(spec::push_ref_file(spec, "x86_64"), "/b/hubtel/hello/push-x86_64.ref");
  EXPECT_EQ(spec::push_state_file(spec, "x86_64"), "/b/hubtel/hello/push-x86_64.json");
  EXPECT_EQ(spec::deploy_file(spec), "/b/hubtel/hello/deploy.json");
  EXPECT_EQ(spec::staging(spec::image_id_file(spec, "x86_64")),
            "/b/hubtel/hello/image-x86_64.id.tmp");
}

// Templates written for version 1 keep their keys.
TEST(Spec, TheViewHoldsWhatVersion1Templates) {
  const TempDir temp;
  auto document = native_spec(temp.path());
  document["cmake_args"] = {"-DX=it's", "-DY:BOOL=ON"};
  document["hubtel_stubs"] = {"/src/hubtel", "/other"};
  document["stages"] = {"debug"};
  document["secrets"] = {{{"id", "tok"}, {"path", "/etc/hostname"}}};
  document["builder_packages"] = {"libcurl4-openssl-dev"};
  const auto view = spec::view(spec::read(
      write_spec_with_build_args(temp.path(), document, R"({"ZED": "1", "ALPHA": "2"})")));
  EXPECT_EQ(view["kind_native"], true);
  EXPECT_EQ(view["kind_python"], false);
  EXPECT_EQ(view["dockerfile"], (temp.path() / "Dockerfile").string());
  EXPECT_EQ(view["has_builder_packages"], true);
  EXPECT_EQ(view["has_requirements"], false);
  EXPECT_EQ(view["stage_dev"], false);
  EXPECT_EQ(view["stage_debug"], true);
  EXPECT_EQ(view["cmake_args"], json({"'-DX=it'\\''s'", "'-DY:BOOL=ON'"}));
  EXPECT_EQ(view["hubtel_stubs"], "/src/hubtel /other");
  EXPECT_EQ(view["build_args_list"],
            json::parse(R"([{"key": "ZED", "value": "1"}, {"key": "ALPHA", "value": "2"}])"));
  EXPECT_EQ(view["secrets_list"], document["secrets"]);
  EXPECT_EQ(view["name"], "hello");
}

// TESTS ON: ctest's arguments as single-quoted words, and a builder folder of their own; a spec
// without the members (written before TESTS) runs no tests and keeps its folder.
TEST(Spec, TestsAreQuotedAndConfigureAFolderOfTheirOwn) {
  const TempDir temp;
  auto document = native_spec(temp.path());
  const auto before = spec::read(write_spec(temp.path(), document));
  EXPECT_FALSE(before.tests);
  EXPECT_TRUE(before.test_args.empty());
  document["tests"] = false;
  document["test_args"] = json::array();
  EXPECT_EQ(spec::read(write_spec(temp.path(), document)).build_cache_id, before.build_cache_id);
  document["tests"] = true;
  document["test_args"] = {"-E", "it's $(id)"};
  const auto tested = spec::read(write_spec(temp.path(), document));
  EXPECT_TRUE(tested.tests);
  EXPECT_NE(tested.build_cache_id, before.build_cache_id);
  const auto view = spec::view(tested);
  EXPECT_EQ(view["tests"], true);
  EXPECT_EQ(view["test_args"], json({"'-E'", "'it'\\''s $(id)'"}));
}

// An alias is a Lambda alias name of at most 128 characters, and only where versions are
// published, as hubtel_add_lambda_image() checks ALIAS.
TEST(Spec, AnAliasIsBoundedAndNeedsPublishedVersions) {
  const TempDir temp;
  auto document = native_spec(temp.path());
  document["alias"] = std::string(129, 'a');
  EXPECT_NE(
      error_of([&] {
        spec::read(write_spec(temp.path(), document));
      }).find("has a bad 'alias': \"" + std::string(129, 'a') + "\" is longer than 128 characters"),
      std::string::npos);
  document["alias"] = "live";
  document["publish"] = false;
  EXPECT_NE(error_of([&] { spec::read(write_spec(temp.path(), document)); })
                .find("has a bad 'alias': \"live\" points at the version each deploy publishes, "
                      "but publish is false"),
            std::string::npos);
  document["publish"] = true;
  EXPECT_EQ(*spec::read(write_spec(temp.path(), document)).alias, "live");
}

// What follows from where the spec lies is not written in it: the image's folder is the spec's.
// The builder's cache mount is named by a hash of what the builder configures with, and of no
// path, so the images of a project configured alike share one, in any build tree.
TEST(Spec, TheFolderFollowsFromWhereTheSpecLiesTheCacheIdFromTheConfiguration) {
  const TempDir temp;
  const auto first = temp.path() / "a" / "hubtel" / "hello";
  const auto second = temp.path() / "b" / "hubtel" / "hello";
  fs::create_directories(first);
  fs::create_directories(second);
  const auto one = spec::read(write_spec(first, native_spec(temp.path())));
  const auto two = spec::read(write_spec(second, native_spec(temp.path())));
  EXPECT_EQ(one.dir, first);
  EXPECT_EQ(spec::dockerfile(one), first / "Dockerfile");
  EXPECT_EQ(one.build_cache_id.size(), 12U);
  EXPECT_EQ(one.build_cache_id, two.build_cache_id);
  // Another image of the same build tree, configured alike, shares the folder; one with other
  // CMAKE_ARGS, build type, builder or BUILD_ARGS does not.
  const auto sibling_dir = temp.path() / "a" / "hubtel" / "other";
  fs::create_directories(sibling_dir);
  auto sibling = native_spec(temp.path());
  sibling["name"] = "other";
  EXPECT_EQ(spec::read(write_spec(sibling_dir, sibling)).build_cache_id, one.build_cache_id);
  for (const auto& change :
       {nlohmann::json{{"cmake_args", {"-DX=1"}}}, nlohmann::json{{"build_type", "Debug"}},
        nlohmann::json{{"builder_image", "debian:bullseye"}},
        nlohmann::json{{"build_args", {{"K", "v"}}}},
        nlohmann::json{{"builder_packages", {"libcurl4-openssl-dev"}}},
        nlohmann::json{{"project", "another"}}}) {
    auto changed = sibling;
    changed.update(change);
    EXPECT_NE(spec::read(write_spec(sibling_dir, changed)).build_cache_id, one.build_cache_id)
        << change.dump();
  }
  EXPECT_EQ(spec::view(one)["build_cache_id"], one.build_cache_id);
  EXPECT_EQ(spec::view(one)["dir"], first.string());
}

// A Python source's name in the image is its path's last part; templates see it in `sources`.
TEST(Spec, SourcesAreNamedByTheirLastPart) {
  const TempDir temp;
  auto document = python_spec(temp.path());
  document["sources"] = {{{"path", "src/app.py"}, {"dir", false}},
                         {{"path", "lib/pkg"}, {"dir", true}}};
  const auto spec = spec::read(write_spec(temp.path(), document));
  ASSERT_EQ(spec.sources.size(), 2U);
  EXPECT_EQ(spec.sources[0].name, "app.py");
  EXPECT_EQ(spec.sources[1].name, "pkg");
  const auto view = spec::view(spec);
  EXPECT_EQ(view["sources"][1]["name"], "pkg");
  EXPECT_EQ(view["sources"][1]["dir"], true);
  document["sources"] = {{{"path", "src/.."}, {"dir", true}}};
  EXPECT_NE(error_of([&] {
              spec::read(write_spec(temp.path(), document));
            }).find("has a bad 'sources': \"src/..\" does not end in a file or folder name"),
            std::string::npos);
}

TEST(Spec, ImageInputsLeaveOutTheFunctionAndTheTag) {
  const TempDir temp;
  auto document = native_spec(temp.path());
  document["repository"] = "localhost:5000/hello";
  document["tag"] = "v1";
  document["function_name"] = "fn";
  document["memory"] = 256;
  const auto inputs = spec::image_inputs(spec::read(write_spec(temp.path(), document)));
  for (const char* key : {"function_name", "role", "memory", "timeout", "environment", "tag"}) {
    EXPECT_FALSE(inputs.contains(key)) << key;
  }
  EXPECT_EQ(inputs["repository"], "localhost:5000/hello");
}

TEST(Prepare, RendersTheDockerfileAndIgnoreFileOnlyWhenTheyChange) {
  const TempDir temp;
  const auto templates = temp.path() / "templates";
  fs::create_directories(templates);
  write_file_atomically(
      templates / "Dockerfile.native.mustache",
      "FROM {{runtime_image}}\n{{> part}}\n{{#cmake_args}} {{.}}{{/cmake_args}}\n");
  write_file_atomically(templates / "part.mustache",
                        "# {{name}}{{#kind_native}} native{{/kind_native}}\n");
  write_file_atomically(templates / "dockerignore.mustache",
                        "{{#ignore_paths}}{{.}}\n{{/ignore_paths}}");
  auto document = native_spec(temp.path());
  document["cmake_args"] = {"-DA=b c"};
  document["ignore_paths"] = {"build"};
  const auto file = write_spec(temp.path(), document);
  spec::prepare(file);
  EXPECT_EQ(read_file(temp.path() / "Dockerfile"),
            "FROM public.ecr.aws/lambda/provided:al2023\n# hello native\n '-DA=b c'\n");
  EXPECT_EQ(read_file(temp.path() / "Dockerfile.dockerignore"), "build\n");
  EXPECT_EQ(json::parse(read_file(temp.path() / "image-inputs.json"))["name"], "hello");
  const auto before = fs::last_write_time(temp.path() / "Dockerfile");
  fs::last_write_time(temp.path() / "Dockerfile", before - std::chrono::hours(1));
  spec::prepare(file);
  EXPECT_EQ(fs::last_write_time(temp.path() / "Dockerfile"), before - std::chrono::hours(1));

  document["builder_packages"] = {"a"};
  write_file_atomically(templates / "Dockerfile.native.mustache", "{{> missing}}\n");
  EXPECT_NE(error_of([&] { spec::prepare(write_spec(temp.path(), document)); }).find("missing"),
            std::string::npos);
}
