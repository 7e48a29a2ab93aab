// Unit tests of buildx builds as pure command lines (no buildx is installed where these run): the
// builder, no attestations, a push from the builder or a load, the registry cache, the metadata.
#include "engine/buildx.hpp"
#include "spec/spec_fixture.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace fs = std::filesystem;
using namespace hubtel;
using namespace hubtel::test;
using nlohmann::json;

namespace {

bool has(const std::vector<std::string>& argv, const std::string& word) {
  return std::find(argv.begin(), argv.end(), word) != argv.end();
}

}  // namespace

TEST(Buildx, PushesFromTheBuilderWhenTheImageHasARepository) {
  const TempDir temp;
  const auto spec = read_native(temp, {{"repository", "registry.example.com/team/hello"},
                                       {"build_args", {{"GREETING", "hi"}}}});
  const auto plan = engine::buildx_plan("ci", spec, "registry.example.com/team/hello:v1", false,
                                        temp.path() / "buildx-x86_64.json");
  const auto argv = engine::buildx_command("docker", spec, "x86_64", "runtime", plan,
                                           {"--build-arg", "HUBTEL_DEPS=present"});
  const std::vector<std::string> expected{"docker",
                                          "buildx",
                                          "build",
                                          "--builder",
                                          "ci",
                                          "--provenance=false",
                                          "--sbom=false",
                                          "--platform",
                                          "linux/amd64",
                                          "--file",
                                          (temp.path() / "Dockerfile").string(),
                                          "--target",
                                          "runtime",
                                          "--build-arg",
                                          "GREETING=hi",
                                          "--tag",
                                          "registry.example.com/team/hello:v1",
                                          "--push",
                                          "--metadata-file",
                                          (temp.path() / "buildx-x86_64.json").string(),
                                          "--build-arg",
                                          "HUBTEL_DEPS=present",
                                          temp.path().string()};
  EXPECT_EQ(argv, expected);
  EXPECT_FALSE(has(argv, "--load"));
}

TEST(Buildx, LoadsOnlyWhenTheImageIsNeededHere) {
  const TempDir temp;
  // No repository: nowhere else can hold it.
  const auto local = read_native(temp);
  auto plan = engine::buildx_plan("ci", local, "", false, temp.path() / "m.json");
  auto argv = engine::buildx_command("docker", local, "arm64", "runtime", plan, {});
  EXPECT_TRUE(has(argv, "--load"));
  EXPECT_FALSE(has(argv, "--push"));
  // A stage built for this machine, though the image has a repository.
  const auto pushed = read_native(temp, {{"repository", "registry.example.com/hello"}});
  plan = engine::buildx_plan("ci", pushed, "registry.example.com/hello:v1", true,
                             temp.path() / "m.json");
  argv = engine::buildx_command("docker", pushed, "x86_64", "dev", plan, {});
  EXPECT_TRUE(has(argv, "--load"));
  EXPECT_FALSE(has(argv, "--push"));
  EXPECT_TRUE(has(argv, "--provenance=false"));
  EXPECT_TRUE(has(argv, "--sbom=false"));
}

TEST(Buildx, ReadsAndWritesTheRegistryCacheInMaxMode) {
  const TempDir temp;
  const auto spec =
      read_native(temp, {{"repository", "registry.example.com/hello"}, {"registry_cache", true}});
  auto plan = engine::buildx_plan("ci", spec, "registry.example.com/hello:v1", false,
                                  temp.path() / "m.json");
  auto argv = engine::buildx_command("docker", spec, "x86_64", "runtime", plan, {});
  const auto from = std::find(argv.begin(), argv.end(), "--cache-from");
  ASSERT_NE(from, argv.end());
  EXPECT_EQ(*(from + 1), "type=registry,ref=registry.example.com/hello:hubtel-cache-build-x86_64");
  const auto to = std::find(argv.begin(), argv.end(), "--cache-to");
  ASSERT_NE(to, argv.end());
  EXPECT_EQ(*(to + 1),
            "type=registry,ref=registry.example.com/hello:hubtel-cache-build-x86_64,mode=max");
  // Loaded: the cache is read, not written.
  plan = engine::buildx_plan("ci", spec, "registry.example.com/hello:v1", true,
                             temp.path() / "m.json");
  argv = engine::buildx_command("docker", spec, "x86_64", "dev", plan, {});
  EXPECT_TRUE(has(argv, "--cache-from"));
  EXPECT_FALSE(has(argv, "--cache-to"));
}

TEST(Buildx, RefusesABuilderNameThatIsNoName) {
  const TempDir temp;
  const auto spec = read_native(temp);
  for (const std::string name : {"", "-x", "a b", "a,b", "a\nb"}) {
    const auto message =
        error_of([&] { engine::buildx_plan(name, spec, "", false, temp.path() / "m.json"); });
    EXPECT_NE(message.find("is no builder name"), std::string::npos) << message;
  }
}

TEST(Buildx, ReadsDigestsFromTheMetadataFile) {
  const std::string config = "sha256:" + std::string(64, 'a');
  const std::string manifest = "sha256:" + std::string(64, 'b');
  const auto result =
      engine::read_buildx_metadata(json{{"containerimage.config.digest", config},
                                        {"containerimage.digest", manifest},
                                        {"image.name", "registry.example.com/hello:v1"}}
                                       .dump(),
                                   "m.json");
  EXPECT_EQ(result.image_id, config);
  EXPECT_EQ(result.digest, manifest);
  // Loaded, not pushed: a config digest alone.
  EXPECT_TRUE(
      engine::read_buildx_metadata(json{{"containerimage.config.digest", config}}.dump(), "m.json")
          .digest.empty());
  EXPECT_NE(error_of([] { engine::read_buildx_metadata("{", "m.json"); }).find("is not JSON"),
            std::string::npos);
  EXPECT_NE(error_of([] {
              engine::read_buildx_metadata("{}", "m.json");
            }).find("no containerimage.config.digest"),
            std::string::npos);
  EXPECT_NE(
      error_of([&] {
        engine::read_buildx_metadata(
            json{{"containerimage.config.digest", config}, {"containerimage.digest", "x"}}.dump(),
            "m.json");
      }).find("is no digest"),
      std::string::npos);
}

// BUILD_NETWORK on a buildx builder: nothing unless the spec says (the builder's default), and
// the host network with the entitlement the builder must allow.
TEST(Buildx, PassesTheBuildNetworkOnlyWhenTheSpecSaysIt) {
  const TempDir temp;
  const auto plan = engine::buildx_plan("ci", read_native(temp), "", false, temp.path() / "m.json");
  const auto unsaid =
      engine::buildx_command("docker", read_native(temp), "x86_64", "runtime", plan, {});
  EXPECT_EQ(std::count_if(unsaid.begin(), unsaid.end(),
                          [](const std::string& arg) { return arg.rfind("--network", 0) == 0; }),
            0);
  const auto host = engine::buildx_command("docker", read_native(temp, {{"build_network", "host"}}),
                                           "x86_64", "runtime", plan, {});
  EXPECT_TRUE(std::find(host.begin(), host.end(), "--network=host") != host.end());
  EXPECT_TRUE(std::find(host.begin(), host.end(), "--allow=network.host") != host.end());
}
