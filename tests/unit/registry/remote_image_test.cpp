// References and platforms as `hubtel-ai size` reads them for images in a registry.
#include "registry/remote_image.hpp"
#include "common/error.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace hubtel::registry {
namespace {

const std::string kDigest =
    "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

TEST(RemoteImage, ReferenceWithTagDigestOrBoth) {
  auto reference = parse_image_reference("127.0.0.1:5000/team/hello:v1");
  ASSERT_TRUE(reference);
  EXPECT_EQ(reference->repository, "127.0.0.1:5000/team/hello");
  EXPECT_EQ(reference->tag, "v1");
  EXPECT_EQ(reference->reference(), "v1");

  reference = parse_image_reference("registry.example.com/hello@" + kDigest);
  ASSERT_TRUE(reference);
  EXPECT_EQ(reference->repository, "registry.example.com/hello");
  EXPECT_EQ(reference->tag, "");
  EXPECT_EQ(reference->reference(), kDigest);

  // Both: the registry is asked for the digest, which cannot move.
  reference = parse_image_reference("localhost:5000/a/b-c__d.e:1.0@" + kDigest);
  ASSERT_TRUE(reference);
  EXPECT_EQ(reference->repository, "localhost:5000/a/b-c__d.e");
  EXPECT_EQ(reference->tag, "1.0");
  EXPECT_EQ(reference->reference(), kDigest);
}

TEST(RemoteImage, NoReference) {
  // A bare name is a missing file, not docker.io/library/<name>:latest.
  EXPECT_FALSE(parse_image_reference("image.tar"));
  EXPECT_FALSE(parse_image_reference("localhost:5000/team/hello"));
  // Upper case, an empty tag, a short digest, a line break, another digest algorithm.
  EXPECT_FALSE(parse_image_reference("localhost:5000/Team/hello:v1"));
  EXPECT_FALSE(parse_image_reference("localhost:5000/team/hello:"));
  EXPECT_FALSE(parse_image_reference("localhost:5000/team/hello@sha256:0123"));
  EXPECT_FALSE(parse_image_reference("localhost:5000/team/hello:v1\nx"));
  EXPECT_FALSE(parse_image_reference("localhost:5000/team/hello@sha512:" + kDigest.substr(7)));
  EXPECT_FALSE(parse_image_reference("localhost:5000/team/hello:" + std::string(129, 'a')));
  EXPECT_FALSE(parse_image_reference(std::string(600, 'a') + ":v1"));
}

TEST(RemoteImage, PlatformsAsEnginesAndHubtelAINameThem) {
  EXPECT_EQ(parse_platform("linux/amd64").text(), "linux/amd64");
  EXPECT_EQ(parse_platform("linux/x86_64").text(), "linux/amd64");
  EXPECT_EQ(parse_platform("linux/aarch64").text(), "linux/arm64");
  // arm64's v8 is arm64 with no variant; other variants stay.
  EXPECT_EQ(parse_platform("linux/arm64/v8").text(), "linux/arm64");
  EXPECT_EQ(parse_platform("linux/arm/v7").text(), "linux/arm/v7");
}

TEST(RemoteImage, BadPlatformIsAUsageError) {
  for (const std::string& text :
       std::vector<std::string>{"linux", "linux/", "/amd64", "Linux/amd64", "linux/amd64/v8/x",
                                "linux/amd64\n", std::string(101, 'a')}) {
    try {
      parse_platform(text);
      ADD_FAILURE() << "'" << text << "' was taken";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::usage) << text;
      EXPECT_NE(std::string(e.what()).find("is not os/arch[/variant]"), std::string::npos)
          << e.what();
    }
  }
}

}  // namespace
}  // namespace hubtel::registry
