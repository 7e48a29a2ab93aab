// The Lambda gate's refusals, each with its message, on documents as registries serve them.
#include "registry/gate.hpp"

#include "spec/spec_fixture.hpp"

#include <gtest/gtest.h>

#include <vector>

using namespace hubtel;
using namespace hubtel::test;
using nlohmann::json;

namespace {

const std::string kRef = "127.0.0.1:5000/hello@sha256:aa";
const std::string kAmd = "sha256:" + std::string(64, '1');
const std::string kArm = "sha256:" + std::string(64, '2');
const std::string kAttest = "sha256:" + std::string(64, '3');

json index_of(const std::vector<json>& manifests) {
  json index{{"schemaVersion", 2}, {"mediaType", registry::kOciIndex}};
  index["manifests"] = manifests;
  return index;
}

json entry(const std::string& digest, const std::string& os, const std::string& arch) {
  return {{"mediaType", registry::kOciManifest},
          {"digest", digest},
          {"size", 500},
          {"platform", {{"os", os}, {"architecture", arch}}}};
}

json attestation(const std::string& digest, const std::string& of) {
  auto item = entry(digest, "unknown", "unknown");
  item["annotations"] = {{"vnd.docker.reference.type", "attestation-manifest"},
                         {"vnd.docker.reference.digest", of}};
  return item;
}

json manifest_of(std::uint64_t layer_bytes) {
  return {{"schemaVersion", 2},
          {"mediaType", registry::kDockerManifest},
          {"layers", {{{"size", layer_bytes}}, {{"size", 100}}}}};
}

json config_of(const std::string& arch, const json& settings) {
  return {{"architecture", arch}, {"os", "linux"}, {"config", settings}};
}

}  // namespace

TEST(Gate, AnImageManifestIsDeployedAsItIs) {
  EXPECT_EQ(
      registry::lambda_manifest_digest(manifest_of(10), registry::kDockerManifest, "x86_64", kRef),
      "");
  EXPECT_EQ(
      registry::lambda_manifest_digest(manifest_of(10), registry::kOciManifest, "arm64", kRef), "");
}

TEST(Gate, AnIndexGivesTheManifestOfTheFunctionsArchitecturePastAttestations) {
  const auto index = index_of(
      {entry(kAmd, "linux", "amd64"), entry(kArm, "linux", "arm64"), attestation(kAttest, kAmd)});
  EXPECT_EQ(registry::lambda_manifest_digest(index, registry::kOciIndex, "x86_64", kRef), kAmd);
  EXPECT_EQ(registry::lambda_manifest_digest(index, registry::kDockerList, "arm64", kRef), kArm);
}

TEST(Gate, RefusalsNameTheCauseAndTheFix) {
  EXPECT_NE(error_of([] {
              registry::lambda_manifest_digest(
                  index_of({entry(kAmd, "linux", "amd64"), attestation(kAttest, kAmd)}),
                  registry::kOciIndex, "arm64", kRef);
            })
                .find("is an index with no image for linux/arm64, the function's architecture (it "
                      "holds linux/amd64); build the image for arm64 (ARCHITECTURES) and push it "
                      "again"),
            std::string::npos);
  EXPECT_NE(error_of([] {
              registry::lambda_manifest_digest(index_of({attestation(kAttest, kAmd)}),
                                               registry::kOciIndex, "x86_64", kRef);
            })
                .find("is an index with no image for linux/amd64, the function's architecture (it "
                      "holds attestations alone)"),
            std::string::npos);
  EXPECT_NE(error_of([] {
              registry::lambda_manifest_digest(
                  index_of({entry(kAmd, "linux", "amd64"), entry(kArm, "linux", "amd64")}),
                  registry::kOciIndex, "x86_64", kRef);
            }).find("is an index with two manifests for linux/amd64; Lambda takes one image"),
            std::string::npos);
  EXPECT_NE(error_of([] {
              registry::lambda_manifest_digest(json("a string"), registry::kOciIndex, "x86_64",
                                               kRef);
            }).find("the registry served a manifest that is not a JSON object"),
            std::string::npos);
  EXPECT_NE(error_of([] {
              registry::lambda_manifest_digest(
                  json{{"schemaVersion", 1}},
                  "application/vnd.docker.distribution.manifest.v1+prettyjws", "x86_64", kRef);
            })
                .find("is served as application/vnd.docker.distribution.manifest.v1+prettyjws, "
                      "which Lambda refuses"),
            std::string::npos);
  EXPECT_NE(error_of([] {
              registry::check_lambda_image(
                  manifest_of(10), config_of("arm64", {{"Cmd", {"/bootstrap"}}}), "x86_64", kRef);
            }).find("is an image for arm64, but the function runs on x86_64"),
            std::string::npos);
  EXPECT_NE(error_of([] {
              registry::check_lambda_image(manifest_of(10), config_of("amd64", {{"Env", {"A=b"}}}),
                                           "x86_64", kRef);
            }).find("has neither an ENTRYPOINT nor a CMD"),
            std::string::npos);
  EXPECT_NE(error_of([] {
              registry::check_lambda_image(manifest_of(registry::kLambdaImageLimit),
                                           config_of("amd64", {{"Entrypoint", {"/x"}}}), "x86_64",
                                           kRef);
            }).find("over Lambda's 10 GiB"),
            std::string::npos);
  // Sizes that would wrap a 64-bit sum are over the limit, not under it.
  auto huge = manifest_of(~std::uint64_t{0});
  EXPECT_NE(
      error_of([&] {
        registry::check_lambda_image(huge, config_of("amd64", {{"Cmd", {"/x"}}}), "x86_64", kRef);
      }).find("over Lambda's 10 GiB"),
      std::string::npos);
  EXPECT_EQ(error_of([] {
              registry::check_lambda_image(
                  manifest_of(10), config_of("amd64", {{"Entrypoint", {"/x"}}}), "x86_64", kRef);
            }),
            "(no error)");
}

TEST(Gate, MalformedDocumentsAreRefusedNotTrusted) {
  const json cmd{{"Cmd", {"/x"}}};
  auto windows = config_of("amd64", cmd);
  windows["os"] = "windows";
  EXPECT_NE(error_of([&] {
              registry::check_lambda_image(manifest_of(10), windows, "x86_64", kRef);
            }).find("is an image for windows, and Lambda runs linux images alone"),
            std::string::npos);
  auto negative = manifest_of(10);
  negative["layers"][0]["size"] = -1;
  EXPECT_NE(error_of([&] {
              registry::check_lambda_image(negative, config_of("amd64", cmd), "x86_64", kRef);
            }).find("has a layer without a size in bytes"),
            std::string::npos);
  auto object_layers = manifest_of(10);
  object_layers["layers"] = json::object();
  EXPECT_NE(error_of([&] {
              registry::check_lambda_image(object_layers, config_of("amd64", cmd), "x86_64", kRef);
            }).find("lists its layers as no array"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              registry::check_lambda_image(manifest_of(10), json::array(), "x86_64", kRef);
            }).find("not a JSON object"),
            std::string::npos);
  // An index entry must name its manifest by a sha256 digest, never by a path.
  EXPECT_NE(error_of([] {
              registry::lambda_manifest_digest(index_of({entry("../../x?y", "linux", "amd64")}),
                                               registry::kOciIndex, "x86_64", kRef);
            }).find("entry names no sha256 digest"),
            std::string::npos);
}
