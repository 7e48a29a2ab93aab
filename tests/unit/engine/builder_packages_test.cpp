// Unit tests of what a Debian builder is read to have: dpkg's status file, the packages a build
// needs (the same as the package step's script asks for), and what is missing.
#include "engine/builder_packages.hpp"
#include "common/files.hpp"
#include "spec/spec_fixture.hpp"

#include <gtest/gtest.h>

#include <sstream>

using namespace hubtel;
using namespace hubtel::test;
using nlohmann::json;

namespace {

const char* const kStatus =
    "Package: g++\n"
    "Status: install ok installed\n"
    "Architecture: amd64\n"
    "Version: 4:12.2.0-3\n"
    "\n"
    "Package: ca-certificates\n"
    "Status: install ok installed\n"
    "Architecture: all\n"
    "\n"
    "Package: zlib1g-dev\n"
    "Status: deinstall ok config-files\n"
    "Architecture: amd64\n"
    "\n"
    "Package: libc6\n"
    "Status: install ok installed\n"
    "Architecture: arm64\n"
    "Description: a stanza\n"
    " with a continuation line: Package: not-a-package\n"
    "\r\n"
    "Package: cmake\n"
    "Architecture: amd64\n"
    "Status: install ok installed";  // the last stanza, with no line end

}  // namespace

TEST(BuilderPackages, ReadsInstalledPackagesOfDpkgStatus) {
  const auto installed = engine::installed_packages(kStatus);
  const std::set<std::string> expected{"g++:amd64", "ca-certificates:all", "libc6:arm64",
                                       "cmake:amd64"};
  EXPECT_EQ(installed, expected);
  EXPECT_TRUE(engine::installed_packages("").empty());
  EXPECT_TRUE(engine::installed_packages("Package: x\n\n\n").empty());
}

TEST(BuilderPackages, TellsTheFirstMissingPackage) {
  const auto installed = engine::installed_packages(kStatus);
  EXPECT_EQ(engine::first_missing({"g++", "ca-certificates", "cmake"}, installed, "amd64"), "");
  // A removed package whose configuration is left is not installed.
  EXPECT_EQ(engine::first_missing({"g++", "zlib1g-dev"}, installed, "amd64"), "zlib1g-dev");
  // A package of another architecture counts only when asked for by that architecture.
  EXPECT_EQ(engine::first_missing({"libc6"}, installed, "amd64"), "libc6");
  EXPECT_EQ(engine::first_missing({"libc6:arm64"}, installed, "amd64"), "");
  EXPECT_EQ(engine::first_missing({"g++"}, installed, "arm64"), "g++");
}

TEST(BuilderPackages, NeedsTheToolchainAndTheBuilderPackages) {
  const TempDir temp;
  const auto spec = read_native(temp, {{"builder_packages", {"zlib1g-dev", "libssl-dev:arm64"}}});
  const std::vector<std::string> native{"cmake",    "ninja-build", "make",
                                        "binutils", "file",        "ca-certificates",
                                        "g++",      "zlib1g-dev",  "libssl-dev:arm64"};
  EXPECT_EQ(engine::debian_packages_needed(spec, false, "amd64"), native);
  const std::vector<std::string> cross{"cmake",
                                       "ninja-build",
                                       "make",
                                       "binutils",
                                       "file",
                                       "ca-certificates",
                                       "g++-aarch64-linux-gnu",
                                       "zlib1g-dev:arm64",
                                       "libssl-dev:arm64"};
  EXPECT_EQ(engine::debian_packages_needed(spec, true, "arm64"), cross);
  EXPECT_EQ(engine::debian_packages_needed(spec, true, "amd64")[6], "g++-x86-64-linux-gnu");
  // Cross-built tests run under QEMU; native ones need nothing more.
  const auto tested = read_native(temp, {{"tests", true}});
  EXPECT_EQ(engine::debian_packages_needed(tested, true, "arm64")[7], "qemu-user-static");
  EXPECT_EQ(engine::debian_packages_needed(tested, false, "amd64").size(), 7U);
}

// The package step's script and this reader must ask for the same packages, or a build would
// skip a package step that had something to install.
TEST(BuilderPackages, AsksForWhatThePackageStepInstalls) {
  const auto script = read_file(HUBTEL_AI_SOURCE_DIR "/templates/hubtel-deps.sh");
  const std::string start = "native) tools=\"";
  const auto at = script.find(start);
  ASSERT_NE(at, std::string::npos);
  const auto end = script.find('"', at + start.size());
  std::istringstream words(script.substr(at + start.size(), end - at - start.size()));
  std::vector<std::string> tools;
  for (std::string word; words >> word;) {
    tools.push_back(word);
  }
  const TempDir temp;
  const auto needed = engine::debian_packages_needed(read_native(temp), false, "amd64");
  ASSERT_EQ(needed.size(), tools.size() + 1);
  EXPECT_EQ(std::vector<std::string>(needed.begin(), needed.end() - 1), tools);
  EXPECT_NE(script.find("tools=\"$tools g++\""), std::string::npos);
  EXPECT_NE(script.find("arm64) tools=\"$tools g++-aarch64-linux-gnu\""), std::string::npos);
  EXPECT_NE(script.find("amd64) tools=\"$tools g++-x86-64-linux-gnu\""), std::string::npos);
  EXPECT_NE(
      script.find("if [ \"${HUBTEL_TESTS:-}\" = 1 ]; then tools=\"$tools qemu-user-static\"; fi"),
      std::string::npos);
}

TEST(BuilderPackages, AnotherEngineKindIsNeverAsked) {
  const TempDir temp;
  const auto spec = read_native(temp);
  std::ostringstream err;
  EXPECT_FALSE(engine::builder_has_every_package({"/nonexistent/podman", "podman", {}}, spec,
                                                 "x86_64", err));
  // A client that cannot run means the package step asks inside the builder, as before.
  EXPECT_FALSE(engine::builder_has_every_package({"/nonexistent/docker", "docker-buildkit", {}},
                                                 spec, "x86_64", err));
  EXPECT_EQ(err.str(), "");
}
