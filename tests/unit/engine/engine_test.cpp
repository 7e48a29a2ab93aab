// Unit tests of the engine's pure parts: build commands for each engine kind, platforms, stamps.
#include "common/files.hpp"
#include "engine/build.hpp"
#include "spec/spec_fixture.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>

namespace fs = std::filesystem;
using namespace hubtel;
using namespace hubtel::test;
using nlohmann::json;

namespace {

bool has_pair(const std::vector<std::string>& argv, const std::string& flag,
              const std::string& value) {
  for (std::size_t i = 0; i + 1 < argv.size(); ++i) {
    if (argv[i] == flag && argv[i + 1] == value) {
      return true;
    }
  }
  return false;
}

}  // namespace

TEST(Engine, MapsArchitecturesToPlatforms) {
  EXPECT_EQ(engine::platform_of("x86_64"), "linux/amd64");
  EXPECT_EQ(engine::platform_of("arm64"), "linux/arm64");
  EXPECT_THROW(engine::platform_of("sparc"), Error);
  const auto host = engine::host_arch();
  EXPECT_TRUE(host == "x86_64" || host == "arm64");
}

TEST(Engine, BuildsWithDockerBuildKit) {
  const TempDir temp;
  const auto spec = read_native(temp, {{"build_args", {{"GREETING", "hi"}}},
                                       {"secrets", {{{"id", "tok"}, {"path", "/etc/hostname"}}}}});
  const engine::Engine engine{"docker", "docker-buildkit", {}};
  // Every build passes SOURCE_DATE_EPOCH, the environment's when it is set.
  ::setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
  const auto argv = engine::build_command(engine, spec, "arm64", "runtime", {"--tag", "t"});
  ::unsetenv("SOURCE_DATE_EPOCH");
  const std::vector<std::string> expected{"docker",
                                          "build",
                                          "--platform",
                                          "linux/arm64",
                                          "--file",
                                          (temp.path() / "Dockerfile").string(),
                                          "--target",
                                          "runtime",
                                          "--network=host",
                                          "--build-arg",
                                          "GREETING=hi",
                                          "--secret",
                                          "id=tok,src=/etc/hostname",
                                          "--build-arg",
                                          "SOURCE_DATE_EPOCH=1700000000",
                                          "--tag",
                                          "t",
                                          temp.path().string()};
  EXPECT_EQ(argv, expected);
  EXPECT_EQ(engine::environment_of(engine),
            (std::vector<std::pair<std::string, std::string>>{{"DOCKER_BUILDKIT", "1"}}));
}

// BUILD_NETWORK: as the spec says; unsaid, the host's network on the engine's own BuildKit,
// podman and buildah, and the builder's default on buildx (whose host network needs an
// entitlement the builder must allow).
TEST(Engine, GivesBuildStepsTheNetworkTheSpecSays) {
  const TempDir temp;
  const auto unsaid = read_native(temp);
  EXPECT_FALSE(unsaid.build_network.has_value());
  using Args = std::vector<std::string>;
  for (const std::string kind : {"docker-buildkit", "podman", "buildah"}) {
    EXPECT_EQ(engine::network_args(kind, unsaid), Args{"--network=host"}) << kind;
    const auto argv = engine::build_command({"docker", kind, {}}, unsaid, "x86_64", "build", {});
    EXPECT_EQ(std::count(argv.begin(), argv.end(), "--network=host"), 1) << kind;
  }
  EXPECT_EQ(engine::network_args("docker-buildx", unsaid), Args{});
  EXPECT_EQ(engine::network_args("buildx", unsaid), Args{});
  const auto none = read_native(temp, {{"build_network", "none"}});
  const auto host = read_native(temp, {{"build_network", "host"}});
  const auto isolated = read_native(temp, {{"build_network", "default"}});
  for (const std::string kind : {"docker-buildkit", "podman", "buildah", "docker-buildx"}) {
    EXPECT_EQ(engine::network_args(kind, none), Args{"--network=none"}) << kind;
    EXPECT_EQ(engine::network_args(kind, isolated), Args{}) << kind;
    const auto argv = engine::build_command({"docker", kind, {}}, isolated, "x86_64", "build", {});
    EXPECT_EQ(std::count_if(argv.begin(), argv.end(),
                            [](const std::string& arg) { return arg.rfind("--network", 0) == 0; }),
              0)
        << kind;
  }
  EXPECT_EQ(engine::network_args("docker-buildkit", host), Args{"--network=host"});
  EXPECT_EQ(engine::network_args("docker-buildx", host),
            (Args{"--network=host", "--allow=network.host"}));
  EXPECT_EQ(engine::network_args("buildx", host), (Args{"--network=host", "--allow=network.host"}));
  EXPECT_THROW(read_native(temp, {{"build_network", "bridge"}}), Error);
}

TEST(Engine, BuildsWithBuildx) {
  const TempDir temp;
  const auto argv = engine::build_command({"docker", "docker-buildx", {}}, read_native(temp),
                                          "x86_64", "payload", {});
  const std::vector<std::string> start{
      "docker", "buildx", "build", "--load", "--provenance=false", "--sbom=false"};
  EXPECT_TRUE(std::equal(start.begin(), start.end(), argv.begin()));
  EXPECT_TRUE(engine::environment_of({"docker", "docker-buildx", {}}).empty());
}

// podman and buildah: the ignore file and BUILDARCH named, and a sources stamp that a build
// renews and the builds after it reuse.
TEST(Engine, BuildsWithPodmanAndBuildahWithASourcesStamp) {
  const TempDir temp;
  const auto spec = read_native(temp);
  for (const std::string kind : {"podman", "buildah"}) {
    const engine::Engine engine{kind, kind, {}};
    EXPECT_TRUE(engine::needs_sources_stamp(engine, spec));
    const auto argv = engine::build_command(engine, spec, "x86_64", "build", {});
    EXPECT_EQ(argv[1], kind == "buildah" ? "bud" : "build");
    EXPECT_TRUE(has_pair(argv, "--ignorefile", (temp.path() / "Dockerfile.dockerignore").string()));
    EXPECT_TRUE(has_pair(argv, "--build-arg",
                         "BUILDARCH=" + engine::platform_of(engine::host_arch()).substr(6)));
    const auto stamp = read_line_file(spec::sources_stamp_file(spec, "x86_64"));
    EXPECT_TRUE(has_pair(argv, "--build-arg", "HUBTEL_SOURCES_STAMP=" + stamp));
    EXPECT_EQ(engine::build_command(engine, spec, "x86_64", "build", {}), argv);
    // An extra stage has a stamp of its own: building it never changes the image's.
    const auto dev = engine::build_command(engine, spec, "x86_64", "dev", {});
    const auto dev_stamp = read_line_file(spec::sources_stamp_file(spec, "x86_64", "dev"));
    EXPECT_TRUE(has_pair(dev, "--build-arg", "HUBTEL_SOURCES_STAMP=" + dev_stamp));
    engine::renew_sources_stamp(spec, "x86_64", "dev");
    EXPECT_EQ(read_line_file(spec::sources_stamp_file(spec, "x86_64")), stamp);
    EXPECT_EQ(engine::build_command(engine, spec, "x86_64", "runtime", {}).size(), argv.size());
    EXPECT_TRUE(has_pair(engine::build_command(engine, spec, "x86_64", "runtime", {}),
                         "--build-arg", "HUBTEL_SOURCES_STAMP=" + stamp));
    engine::renew_sources_stamp(spec, "x86_64");
    EXPECT_NE(read_line_file(spec::sources_stamp_file(spec, "x86_64")), stamp);
  }
  EXPECT_FALSE(engine::needs_sources_stamp({"docker", "docker-buildkit", {}}, spec));
  const auto python = spec::read(write_spec(temp.path(), python_spec(temp.path())));
  EXPECT_FALSE(engine::needs_sources_stamp({"podman", "podman", {}}, python));
}

TEST(Engine, ReadsTheRegistryCacheWhenTheSpecAsksForIt) {
  const TempDir temp;
  const auto spec =
      read_native(temp, {{"repository", "localhost:5000/hello"}, {"registry_cache", true}});
  const auto argv =
      engine::build_command({"docker", "docker-buildkit", {}}, spec, "x86_64", "build", {});
  EXPECT_TRUE(has_pair(argv, "--cache-from", "localhost:5000/hello:hubtel-cache-build-x86_64"));
  EXPECT_TRUE(has_pair(argv, "--cache-from", "localhost:5000/hello:hubtel-cache-x86_64"));
  EXPECT_TRUE(has_pair(argv, "--build-arg", "BUILDKIT_INLINE_CACHE=1"));
  const auto plain = engine::build_command({"docker", "docker-buildkit", {}}, read_native(temp),
                                           "x86_64", "build", {});
  EXPECT_EQ(std::count(plain.begin(), plain.end(), "--cache-from"), 0);
}

TEST(Engine, RefusesAnArchitectureTheSpecLacksAndAMissingEngine) {
  const TempDir temp;
  const auto file = write_spec(temp.path(), native_spec(temp.path()));
  const auto spec = spec::read(file);
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_NE(error_of([&] {
              engine::run_build(
                  {file, "arm64", {"docker", "docker-buildkit", {}}, {}, false, nullptr, {}}, spec,
                  out, err);
            }).find("image 'hello' is not built for arm64 (its architectures: x86_64)"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              engine::run_build({file, "x86_64", {"", "none", {}}, {}, false, nullptr, {}}, spec,
                                out, err);
            }).find("no container engine"),
            std::string::npos);
}

TEST(Engine, KnowsThePushedReferenceOnlyOfTheImageTheBuildRecorded) {
  const TempDir temp;
  const auto spec = read_native(temp);
  fs::create_directories(spec.dir);
  const std::string reference = "127.0.0.1:5000/hello@sha256:" + std::string(64, 'a');
  EXPECT_EQ(engine::pushed_reference(spec, "x86_64"), "");  // nothing built or pushed
  write_file_atomically(spec::image_id_file(spec, "x86_64"), "sha256:1111\n");
  write_file_atomically(spec::push_ref_file(spec, "x86_64"), reference + "\n");
  EXPECT_EQ(engine::pushed_reference(spec, "x86_64"), "");  // no push record
  write_file_atomically(spec::push_state_file(spec, "x86_64"), R"({"image_id": "sha256:1111"})");
  EXPECT_EQ(engine::pushed_reference(spec, "x86_64"), reference);
  // Built again since the push: that push was of another image.
  write_file_atomically(spec::image_id_file(spec, "x86_64"), "sha256:2222\n");
  EXPECT_EQ(engine::pushed_reference(spec, "x86_64"), "");
  // A damaged record is no push.
  write_file_atomically(spec::push_state_file(spec, "x86_64"), "{not json");
  EXPECT_EQ(engine::pushed_reference(spec, "x86_64"), "");
}
