// Unit tests of the SBOM's readers (dpkg status, Python METADATA) and of its two documents.
#include "common/error.hpp"
#include "sbom/formats.hpp"
#include "sbom/inventory.hpp"

#include <gtest/gtest.h>

namespace hubtel::sbom {
namespace {

TEST(DpkgStatus, ReadsInstalledPackagesAndSkipsRemovedOnes) {
  const auto packages = parse_dpkg_status(
      "Package: zlib1g\nStatus: install ok installed\nArchitecture: amd64\n"
      "Source: zlib\nVersion: 1:1.2.13.dfsg-1\nMaintainer: Mark Brown <broonie@debian.org>\n"
      "Description: compression library\n a longer text\n .\n more\n\n"
      "Package: gone\nStatus: deinstall ok config-files\nVersion: 1\n\n"
      "Package: libc6\nStatus: install ok installed\nArchitecture: arm64\nVersion: 2.36-9\n",
      "status");
  ASSERT_EQ(packages.size(), 2U);
  EXPECT_EQ(packages[0].name, "zlib1g");
  EXPECT_EQ(packages[0].version, "1:1.2.13.dfsg-1");
  EXPECT_EQ(packages[0].source, "zlib");
  EXPECT_EQ(packages[0].supplier, "Mark Brown <broonie@debian.org>");
  EXPECT_EQ(packages[1].name, "libc6");
  EXPECT_EQ(packages[1].architecture, "arm64");
}

TEST(DpkgStatus, NamesTheLineOfACorruptEntry) {
  try {
    parse_dpkg_status("Package: a\nVersion: 1\nnot a field\n", "img: /var/lib/dpkg/status");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(),
                 "img: /var/lib/dpkg/status: line 3 is neither a field (Name: value) nor the "
                 "continuation of one: \"not a field\"");
  }
  EXPECT_THROW(parse_dpkg_status("Package: a\n\nVersion: 1\n", "s"), Error);
  EXPECT_THROW(parse_dpkg_status("Package: a\nStatus: install ok installed\n", "s"), Error);
  EXPECT_THROW(parse_dpkg_status(" continued\n", "s"), Error);
}

TEST(PythonMetadata, TakesTheLicenceFromTheExpressionThenTheFieldThenTheClassifiers) {
  auto package = parse_python_metadata(
      "Metadata-Version: 2.4\nName: Foo_Bar\nVersion: 2.0\nLicense-Expression: MIT\n"
      "License: ignored\n\nBody: not a header\n",
      "m");
  EXPECT_EQ(package.name, "Foo_Bar");
  EXPECT_EQ(package.license, "MIT");
  package = parse_python_metadata(
      "Name: x\nVersion: 1\nLicense: UNKNOWN\nClassifier: License :: OSI Approved :: MIT "
      "License\nClassifier: License :: OSI Approved :: BSD License\n",
      "m");
  EXPECT_EQ(package.license, "MIT License AND BSD License");
  EXPECT_THROW(parse_python_metadata("Name: x\n", "m"), Error);
}

Inventory sample() {
  Inventory inventory;
  inventory.name = "hello";
  inventory.architecture = "x86_64";
  inventory.image_id = "sha256:" + std::string(64, 'a');
  inventory.created = "2026-01-02T03:04:05Z";
  inventory.tool_version = "0.1.0";
  inventory.base = {"registry.example.com/team/base:12", "sha256:" + std::string(64, 'b')};
  inventory.os_id = "debian";
  inventory.os_version = "12";
  inventory.os_manager = "dpkg";
  inventory.os_database = "/var/lib/dpkg/status";
  inventory.os_packages.push_back(
      {"zlib1g", "1:1.2.13.dfsg-1", "amd64", "dpkg", "", "Mark <m@x>", "zlib", ""});
  inventory.python.push_back({"Foo_Bar", "2.0", "", "python", "GPL v2", "", "", "/var/task/f"});
  AddedFile file;
  file.path = "/opt/lib/libz.so.1";
  file.sha256 = std::string(64, 'c');
  file.sha1 = std::string(40, 'd');
  file.origin =
      Origin{"/lib/x86_64-linux-gnu/libz.so.1", "zlib1g", "1:1.2.13.dfsg-1", "amd64", "dpkg"};
  inventory.files.push_back(file);
  return inventory;
}

TEST(Spdx, NamesPackagesByPurlAndTiesBundledLibrariesToTheirBuilderPackage) {
  const auto document = to_spdx(sample());
  EXPECT_EQ(document["spdxVersion"], "SPDX-2.3");
  const auto& packages = document["packages"];
  EXPECT_EQ(packages[1]["externalRefs"][0]["referenceLocator"],
            "pkg:oci/base@sha256%3A" + std::string(64, 'b') +
                "?repository_url=registry.example.com/team/base");
  EXPECT_EQ(packages[2]["externalRefs"][0]["referenceLocator"],
            "pkg:deb/debian/zlib1g@1%3A1.2.13.dfsg-1?arch=amd64&distro=debian-12");
  EXPECT_EQ(packages[2]["supplier"], "Person: Mark (m@x)");
  // Free text is no SPDX expression: a LicenseRef with the text.
  const auto licence = packages[3]["licenseDeclared"].get<std::string>();
  EXPECT_EQ(licence.rfind("LicenseRef-", 0), 0U);
  EXPECT_EQ(document["hasExtractedLicensingInfos"][0]["extractedText"], "GPL v2");
  EXPECT_EQ(packages[3]["externalRefs"][0]["referenceLocator"], "pkg:pypi/foo-bar@2.0");
  bool generated = false;
  for (const auto& relationship : document["relationships"]) {
    generated = generated || (relationship["relationshipType"] == "GENERATED_FROM" &&
                              relationship["spdxElementId"] == "SPDXRef-File-1");
  }
  EXPECT_TRUE(generated);
  EXPECT_EQ(render(sample(), "spdx"), render(sample(), "spdx"));  // the same bytes each time
}

TEST(CycloneDx, GivesEachBundledLibraryItsPedigree) {
  const auto bom = to_cyclonedx(sample());
  EXPECT_EQ(bom["specVersion"], "1.5");
  const auto& file = bom["components"].back();
  EXPECT_EQ(file["type"], "file");
  EXPECT_EQ(file["pedigree"]["ancestors"][0]["purl"],
            "pkg:deb/debian/zlib1g@1%3A1.2.13.dfsg-1?arch=amd64");
  EXPECT_THROW(render(sample(), "xml"), Error);
  EXPECT_EQ(file_name("arm64", "cyclonedx"), "sbom-arm64.cdx.json");
  EXPECT_EQ(file_name("x86_64", "spdx"), "sbom-x86_64.spdx.json");
}

}  // namespace
}  // namespace hubtel::sbom
