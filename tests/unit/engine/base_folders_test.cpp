// Unit tests of the choice of a runtime base's library folders, on the layouts of the bases users
// build on, each as the engine describes its paths; the engine's own answers are read in the
// e2e tests (e2e.image.native).
#include "engine/base_folders.hpp"
#include "spec/spec_fixture.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

using namespace hubtel;
using namespace hubtel::test;
using engine::PathKind;

namespace {

using Layout = std::map<std::string, PathKind>;

PathKind folder() {
  return PathKind{true, false, false, {}};
}
PathKind file() {
  return PathKind{false, false, true, {}};
}
PathKind link(const std::string& target) {
  return PathKind{false, true, false, target};
}

std::optional<std::vector<std::string>> choose(const Layout& layout,
                                               const std::string& triple = "x86_64-linux-gnu") {
  return engine::choose_base_folders(
      [&](const std::string& path) -> std::optional<PathKind> {
        const auto found = layout.find(path);
        if (found == layout.end()) {
          return std::nullopt;
        }
        return found->second;
      },
      triple);
}

using Folders = std::vector<std::string>;

// Debian bookworm (merged /usr): /lib and /lib64 link into /usr.
TEST(BaseFolders, DebianWithMergedUsr) {
  const Layout layout{{"/lib", link("/usr/lib")},
                      {"/lib64", link("/usr/lib64")},
                      {"/usr", folder()},
                      {"/usr/lib", folder()},
                      {"/usr/lib64", folder()},
                      {"/usr/lib/x86_64-linux-gnu", folder()},
                      {"/usr/lib/x86_64-linux-gnu/libc.so.6", file()},
                      {"/var", folder()}};
  EXPECT_EQ(choose(layout), (Folders{"/usr/lib/x86_64-linux-gnu", "/usr/lib64"}));
}

// An arm64 base is looked up under its own triple.
TEST(BaseFolders, TheTargetsTriple) {
  const Layout layout{{"/lib", link("/usr/lib")},
                      {"/usr", folder()},
                      {"/usr/lib", folder()},
                      {"/usr/lib/aarch64-linux-gnu", folder()},
                      {"/usr/lib/aarch64-linux-gnu/libc.so.6", file()},
                      {"/usr/lib/x86_64-linux-gnu", folder()}};
  EXPECT_EQ(choose(layout, "aarch64-linux-gnu"), (Folders{"/usr/lib/aarch64-linux-gnu"}));
  EXPECT_EQ(choose(layout), std::nullopt);  // no libc.so.6 for x86_64
}

// Debian bullseye (separate /lib): each folder of its own.
TEST(BaseFolders, DebianWithSeparateLib) {
  const Layout layout{{"/lib", folder()},
                      {"/lib64", folder()},
                      {"/lib/x86_64-linux-gnu", folder()},
                      {"/lib/x86_64-linux-gnu/libc.so.6", file()},
                      {"/usr", folder()},
                      {"/usr/lib", folder()},
                      {"/usr/lib/x86_64-linux-gnu", folder()}};
  EXPECT_EQ(choose(layout),
            (Folders{"/lib/x86_64-linux-gnu", "/lib64", "/usr/lib/x86_64-linux-gnu"}));
}

// Amazon Linux (the Lambda bases): /lib64 links to usr/lib64 (a relative link, as the engine
// might give it), the Python bases add /var/lang/lib, and /opt/lib is a layer's.
TEST(BaseFolders, AmazonLinuxAndTheLambdaPythonBase) {
  const Layout layout{
      {"/lib", link("usr/lib")}, {"/lib64", link("usr/lib64")}, {"/usr", folder()},
      {"/usr/lib", folder()},    {"/usr/lib64", folder()},      {"/usr/lib64/libc.so.6", file()},
      {"/var", folder()},        {"/var/lang", folder()},       {"/var/lang/lib", folder()},
      {"/opt", folder()},        {"/opt/lib", folder()}};
  EXPECT_EQ(choose(layout), (Folders{"/opt/lib", "/usr/lib64", "/var/lang/lib"}));
}

// A folder that links into another the collect step names otherwise is read by its own name:
// the whole base is mounted.
TEST(BaseFolders, AFolderLinkedElsewhereIsMountedWhole) {
  EXPECT_EQ(choose({{"/usr", folder()},
                    {"/usr/lib64", folder()},
                    {"/usr/lib64/libc.so.6", file()},
                    {"/usr/lib64/x86_64-linux-gnu", folder()},
                    {"/usr/lib", folder()},
                    {"/usr/lib/x86_64-linux-gnu", link("/usr/lib64/x86_64-linux-gnu")}}),
            std::nullopt);
  // /var/lang/lib -> ../../opt/vendor/lib: only the whole base has /var/lang/lib/<library>.
  EXPECT_EQ(choose({{"/lib", link("/usr/lib")},
                    {"/usr", folder()},
                    {"/usr/lib", folder()},
                    {"/usr/lib/x86_64-linux-gnu", folder()},
                    {"/usr/lib/x86_64-linux-gnu/libc.so.6", file()},
                    {"/var", folder()},
                    {"/var/lang", folder()},
                    {"/var/lang/lib", link("/opt/vendor/lib")},
                    {"/opt", folder()},
                    {"/opt/vendor", folder()},
                    {"/opt/vendor/lib", folder()}}),
            std::nullopt);
}

// The C and C++ libraries the ABI check reads, as links out of the mounted folders: the whole
// base, which has their files.
TEST(BaseFolders, ALibraryLinkedOutOfTheFoldersIsMountedWhole) {
  Layout layout{
      {"/lib", link("/usr/lib")},
      {"/usr", folder()},
      {"/usr/lib", folder()},
      {"/usr/lib/gcc-rt", folder()},
      {"/usr/lib/gcc-rt/libstdc++.so.6.0.28", file()},
      {"/usr/lib/x86_64-linux-gnu", folder()},
      {"/usr/lib/x86_64-linux-gnu/libc.so.6", link("/usr/lib/x86_64-linux-gnu/libc.so")},
      {"/usr/lib/x86_64-linux-gnu/libc.so", file()},
      {"/usr/lib/x86_64-linux-gnu/libstdc++.so.6", link("/usr/lib/gcc-rt/libstdc++.so.6.0.28")}};
  EXPECT_EQ(choose(layout), std::nullopt);
  // Linked inside the folder, as Debian's are: the folder alone.
  layout["/usr/lib/x86_64-linux-gnu/libstdc++.so.6"] =
      link("/usr/lib/x86_64-linux-gnu/libstdc++.so.6.0.30");
  layout["/usr/lib/x86_64-linux-gnu/libstdc++.so.6.0.30"] = file();
  EXPECT_EQ(choose(layout), (Folders{"/usr/lib/x86_64-linux-gnu"}));
  // A link that leads nowhere has no file to read.
  layout["/usr/lib/x86_64-linux-gnu/libstdc++.so.6"] = link("/usr/lib/gone/libstdc++.so.6");
  EXPECT_EQ(choose(layout), std::nullopt);
}

// A layout these folders do not cover is mounted whole: libraries at the top of /usr/lib, a
// library folder that is a file, links that loop or lead to the root.
TEST(BaseFolders, OtherLayoutsAreMountedWhole) {
  EXPECT_EQ(choose({{"/usr", folder()},
                    {"/usr/lib", folder()},
                    {"/usr/lib/libc.so.6", file()},
                    {"/lib", link("/usr/lib")}}),
            std::nullopt);
  EXPECT_EQ(choose({{"/usr", folder()}, {"/usr/lib64", file()}, {"/usr/lib64/libc.so.6", file()}}),
            std::nullopt);
  // A loop of links is skipped; the folder with libc.so.6 still counts.
  EXPECT_EQ(choose({{"/lib64", link("/lib64")},
                    {"/usr", folder()},
                    {"/usr/lib64", folder()},
                    {"/usr/lib64/libc.so.6", file()}}),
            (Folders{"/usr/lib64"}));
  EXPECT_EQ(choose({{"/opt", folder()},
                    {"/opt/lib", link("/")},
                    {"/usr", folder()},
                    {"/usr/lib64", folder()},
                    {"/usr/lib64/libc.so.6", file()}}),
            std::nullopt);
  EXPECT_EQ(choose({{"/opt", folder()},
                    {"/opt/lib", link("../..")},
                    {"/usr", folder()},
                    {"/usr/lib64", folder()},
                    {"/usr/lib64/libc.so.6", file()}}),
            std::nullopt);
}

// An engine that cannot tell is no answer: the caller mounts the whole base.
TEST(BaseFolders, AnEngineThatCannotTellThrows) {
  EXPECT_THROW(engine::choose_base_folders(
                   [](const std::string&) -> std::optional<PathKind> {
                     throw std::runtime_error("no answer");
                   },
                   "x86_64-linux-gnu"),
               std::runtime_error);
}

constexpr std::string_view kBuildStep =
    "RUN --mount=type=bind,target=/src \\\n"
    "    --mount=type=bind,from=runtime-base,target=/runtime-base \\\n"
    "    /opt/hubtel/bin/hubtel-build /src/. f1 f1\n";

TEST(BaseFolders, TheDockerfileMountsEachFolderInPlaceOfTheBase) {
  EXPECT_EQ(engine::narrowed_dockerfile(kBuildStep, {"/usr/lib/x86_64-linux-gnu", "/usr/lib64"}),
            "RUN --mount=type=bind,target=/src \\\n"
            "    --mount=type=bind,from=runtime-base,source=/usr/lib/x86_64-linux-gnu,"
            "target=/runtime-base/usr/lib/x86_64-linux-gnu \\\n"
            "    --mount=type=bind,from=runtime-base,source=/usr/lib64,"
            "target=/runtime-base/usr/lib64 \\\n"
            "    /opt/hubtel/bin/hubtel-build /src/. f1 f1\n");
  // A template of the project's own without that mount is built as it is.
  EXPECT_EQ(engine::narrowed_dockerfile("FROM x\nRUN true\n", {"/usr/lib64"}), std::nullopt);
  EXPECT_EQ(engine::narrowed_dockerfile(kBuildStep, {}), std::nullopt);
  // A folder that would not be one word of a mount option is never written.
  for (const std::string bad :
       {"/usr/lib,target=/x", "/usr/lib \\\n    RUN evil", "usr/lib", "", "/usr/lib$X"}) {
    EXPECT_EQ(engine::narrowed_dockerfile(kBuildStep, {bad}), std::nullopt) << bad;
  }
}

// A build on another engine than the local Docker daemon reached on its socket (podman here, or a
// docker client of another kind) takes the whole base: the narrowed Dockerfile an earlier build
// wrote is removed, so build_command never picks it up.
TEST(BaseFolders, AnotherEngineRemovesTheNarrowedDockerfile) {
  const TempDir temp;
  const auto spec = read_native(temp);
  const auto narrowed = spec::narrowed_dockerfile(spec, "x86_64");
  std::filesystem::create_directories(narrowed.parent_path());
  write_file_atomically(narrowed, "FROM old\n");
  write_file_atomically(narrowed.string() + ".dockerignore", "");
  for (const auto& other : {engine::Engine("podman", "podman"),
                            engine::Engine("/usr/local/bin/docker", "docker-buildkit")}) {
    EXPECT_FALSE(engine::prepare_narrowed_build(other, spec, "x86_64"));
    EXPECT_FALSE(std::filesystem::exists(narrowed));
    EXPECT_FALSE(std::filesystem::exists(narrowed.string() + ".dockerignore"));
  }
}

}  // namespace
