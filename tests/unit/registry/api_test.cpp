// The registry API's pure parts: Basic credentials and the token challenges registries send.
#include "registry/api.hpp"

#include <gtest/gtest.h>

namespace hubtel::registry {
namespace {

TEST(RegistryApi, ReadsABearerChallenge) {
  const auto challenge =
      parse_challenge(R"(Bearer realm="https://auth.docker.io/token",service="registry.docker.io",)"
                      R"(scope="repository:library/alpine:pull")");
  ASSERT_TRUE(challenge);
  EXPECT_EQ(challenge->scheme, "bearer");
  EXPECT_EQ(challenge->parameters.at("realm"), "https://auth.docker.io/token");
  EXPECT_EQ(challenge->parameters.at("service"), "registry.docker.io");
  EXPECT_EQ(challenge->parameters.at("scope"), "repository:library/alpine:pull");
}

TEST(RegistryApi, ReadsABasicChallengeWithSpaces) {
  const auto challenge = parse_challenge(R"(Basic  realm="Registry Realm")");
  ASSERT_TRUE(challenge);
  EXPECT_EQ(challenge->scheme, "basic");
  EXPECT_EQ(challenge->parameters.at("realm"), "Registry Realm");
}

TEST(RegistryApi, RefusesAnEmptyChallenge) {
  EXPECT_FALSE(parse_challenge(""));
  EXPECT_FALSE(parse_challenge("   "));
}

}  // namespace
}  // namespace hubtel::registry
