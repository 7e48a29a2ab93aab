// Unit tests of the base lock: which FROM images a Dockerfile names, how the lock pins them, and
// the locks it refuses.
#include "engine/bases.hpp"
#include "common/error.hpp"
#include "common/temporary_dir.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

namespace hubtel::engine {
namespace {

const std::string kDigest = "sha256:" + std::string(64, 'a');
const std::string kOther = "sha256:" + std::string(64, 'b');

constexpr const char* kDockerfile =
    "ARG HUBTEL_DEPS=install\n"
    "FROM 127.0.0.1:5000/base:1 AS runtime-base\n"
    "FROM --platform=$BUILDPLATFORM builder:latest AS deps-install\n"
    "from builder:latest as deps-present\n"
    "FROM deps-${HUBTEL_DEPS} AS deps\n"
    "FROM deps AS build\n"
    "FROM scratch AS empty\n"
    "FROM runtime-base AS runtime\n"
    "COPY --from=build /out/ /\n";

TEST(Bases, FromImagesLeavesOutStagesScratchAndVariables) {
  EXPECT_EQ(from_images(kDockerfile),
            (std::vector<std::string>{"127.0.0.1:5000/base:1", "builder:latest"}));
}

TEST(Bases, PinsRegistryBasesAndLeavesLocalOnes) {
  BaseLock lock;
  lock.bases.push_back({"127.0.0.1:5000/base:1", "registry", kDigest, {}, ""});
  lock.bases.push_back({"builder:latest", "local", "", {}, kOther});
  const auto pinned = pinned_dockerfile(kDockerfile, lock);
  EXPECT_NE(pinned.find("FROM 127.0.0.1:5000/base@" + kDigest + " AS runtime-base\n"),
            std::string::npos)
      << pinned;
  EXPECT_NE(pinned.find("FROM --platform=$BUILDPLATFORM builder:latest AS deps-install\n"),
            std::string::npos)
      << pinned;
  EXPECT_NE(pinned.find("FROM runtime-base AS runtime\n"), std::string::npos) << pinned;
  // Nothing to pin: the same text.
  EXPECT_EQ(pinned_dockerfile(kDockerfile, BaseLock{}), kDockerfile);
}

TEST(Bases, LockTextReadsBack) {
  TemporaryDir dir("hubtel-bases-test");
  BaseLock lock;
  lock.bases.push_back(
      {"127.0.0.1:5000/base:1", "registry", kDigest, {{"linux/arm64", kOther}}, ""});
  lock.bases.push_back({"builder:latest", "local", "", {}, kOther});
  const auto file = dir.path() / "bases.lock";
  std::ofstream(file) << lock_text(lock, "hello");
  const auto read = read_lock(file);
  ASSERT_EQ(read.bases.size(), 2U);
  EXPECT_EQ(read.find("127.0.0.1:5000/base:1")->platforms.at("linux/arm64"), kOther);
  EXPECT_EQ(read.find("builder:latest")->id, kOther);
  EXPECT_EQ(base_digest_for(*read.find("127.0.0.1:5000/base:1"), "arm64"), kOther);
  EXPECT_EQ(base_digest_for(*read.find("127.0.0.1:5000/base:1"), "x86_64"), kDigest);
}

TEST(Bases, RefusesLocksThatAreNotLocks) {
  TemporaryDir dir("hubtel-bases-test");
  const auto file = dir.path() / "bases.lock";
  for (const std::string& text : std::vector<std::string>{
           std::string("nonsense"), std::string("{\"version\": 2, \"bases\": []}"),
           std::string("{\"version\": 1}"),
           "{\"version\": 1, \"bases\": [{\"name\": \"a\", \"kind\": \"registry\", \"digest\": "
           "\"sha256:12\"}]}",
           "{\"version\": 1, \"bases\": [{\"name\": \"a b\", \"kind\": \"local\", \"id\": \"" +
               kDigest + "\"}]}",
           "{\"version\": 1, \"bases\": [{\"name\": \"a\", \"kind\": \"local\", \"id\": \"" +
               kDigest + "\"}, {\"name\": \"a\", \"kind\": \"local\", \"id\": \"" + kDigest +
               "\"}]}"}) {
    std::ofstream(file) << text;
    try {
      read_lock(file);
      ADD_FAILURE() << "accepted: " << text;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("bases.lock' cannot be used: "), std::string::npos)
          << e.what();
      EXPECT_NE(std::string(e.what()).find("update-bases"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace hubtel::engine
