// SPDX 2.3 and CycloneDX 1.5 from an inventory; the same inventory gives the same bytes.
#include "sbom/formats.hpp"

#include "common/error.hpp"
#include "common/sha256.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <regex>

namespace hubtel::sbom {
namespace {

using ordered_json = nlohmann::ordered_json;

std::string hex_of(std::string_view digest) {
  const auto colon = digest.find(':');
  return std::string(colon == std::string_view::npos ? digest : digest.substr(colon + 1));
}

// Percent-encodes all but the characters a package URL keeps as they are (and the characters of
// `keep`: '/' in a qualifier's URL).
std::string purl_encode(std::string_view text, std::string_view keep = {}) {
  std::string out;
  for (const unsigned char c : text) {
    if (std::isalnum(c) != 0 || c == '.' || c == '-' || c == '_' || c == '~' ||
        keep.find(static_cast<char>(c)) != std::string_view::npos) {
      out.push_back(static_cast<char>(c));
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

// A Python distribution's name as PyPI compares them (PEP 503).
std::string python_name(std::string_view name) {
  std::string out;
  for (const unsigned char c : name) {
    if (c == '_' || c == '.' || c == '-') {
      if (out.empty() || out.back() != '-') {
        out.push_back('-');
      }
    } else {
      out.push_back(static_cast<char>(std::tolower(c)));
    }
  }
  return out;
}

std::string purl_of(const Package& package, const Inventory& inventory) {
  if (package.manager == "python") {
    return fmt::format("pkg:pypi/{}@{}", purl_encode(python_name(package.name)),
                       purl_encode(package.version));
  }
  const auto type = package.manager == "rpm" ? "rpm" : "deb";
  const auto vendor =
      inventory.os_id.empty() ? (package.manager == "rpm" ? "amzn" : "debian") : inventory.os_id;
  auto purl = fmt::format("pkg:{}/{}/{}@{}", type, purl_encode(vendor), purl_encode(package.name),
                          purl_encode(package.version));
  std::vector<std::string> qualifiers;
  if (!package.architecture.empty()) {
    qualifiers.push_back("arch=" + purl_encode(package.architecture));
  }
  if (!inventory.os_id.empty() && !inventory.os_version.empty()) {
    qualifiers.push_back("distro=" + purl_encode(inventory.os_id + "-" + inventory.os_version));
  }
  if (!qualifiers.empty()) {
    purl += "?" + fmt::format("{}", fmt::join(qualifiers, "&"));
  }
  return purl;
}

std::string purl_of(const Origin& origin, const Inventory& inventory) {
  Package package;
  package.name = origin.package;
  package.version = origin.version;
  package.architecture = origin.architecture;
  package.manager = origin.manager;
  Inventory builder;  // the builder's distribution is not the runtime's
  builder.os_id = origin.manager == "rpm" ? "amzn" : "debian";
  (void)inventory;
  return purl_of(package, builder);
}

std::string base_purl(const Base& base) {
  auto name = base.name.substr(0, base.name.find('@'));
  // The repository without a tag: a colon after the last slash starts the tag.
  const auto slash = name.rfind('/');
  if (const auto colon = name.find(':', slash == std::string::npos ? 0 : slash);
      colon != std::string::npos) {
    name.resize(colon);
  }
  const auto last = name.substr(name.rfind('/') + 1);
  auto purl = fmt::format("pkg:oci/{}", purl_encode(last));
  if (!base.digest.empty()) {
    purl += "@" + purl_encode(base.digest);
  }
  if (last != name) {
    purl += "?repository_url=" + purl_encode(name, "/");
  }
  return purl;
}

// A name fit for an SPDX id: letters, digits, '.' and '-'.
std::string id_part(std::string_view text) {
  std::string out;
  for (const unsigned char c : text) {
    out.push_back(std::isalnum(c) != 0 || c == '.' || c == '-' ? static_cast<char>(c) : '-');
  }
  return out.substr(0, 80);
}

// Licences as SPDX writes them: a PEP 639 License-Expression is one already; any other text (a
// Debian or rpm licence name, free text) becomes a LicenseRef- with the text extracted.
class Licences {
 public:
  std::string declared(const Package& package) {
    if (package.license.empty()) {
      return "NOASSERTION";
    }
    if (package.manager == "python" && expression_.count(package.location) != 0) {
      return package.license;
    }
    auto [found, added] = refs_.try_emplace(package.license, "");
    if (added) {
      found->second =
          fmt::format("LicenseRef-{}-{}", refs_.size(), id_part(package.license.substr(0, 40)));
    }
    return found->second;
  }

  void mark_expression(const std::string& location) { expression_[location] = true; }

  [[nodiscard]] ordered_json extracted() const {
    auto out = ordered_json::array();
    for (const auto& [text, id] : refs_) {
      out.push_back({{"licenseId", id}, {"extractedText", text}});
    }
    return out;
  }

 private:
  std::map<std::string, std::string> refs_;
  std::map<std::string, bool> expression_;
};

bool is_expression(const std::string& license) {
  // PEP 639: idstrings joined by AND, OR and WITH, with parentheses.
  static const std::regex expression(
      "^\\(*[A-Za-z0-9.+-]+\\)*( (AND|OR|WITH|and|or|with) \\(*[A-Za-z0-9.+-]+\\)*)*$");
  return std::regex_match(license, expression);
}

std::string image_label(const Inventory& inventory) {
  return fmt::format("hubtel/{}:{}", inventory.name, inventory.architecture);
}

// 8-4-4-4-12 hex digits, version 5 and the RFC 4122 variant, from a hash of the image.
std::string serial_of(const Inventory& inventory) {
  Sha256 sha;
  sha.update(fmt::format("{}\n{}\n{}\n{}", inventory.name, inventory.architecture,
                         inventory.image_id, inventory.created));
  auto hex = hex_of(sha.finish()).substr(0, 32);
  hex[12] = '5';
  hex[16] = "89ab"[std::stoi(hex.substr(16, 1), nullptr, 16) & 3];
  return fmt::format("urn:uuid:{}-{}-{}-{}-{}", hex.substr(0, 8), hex.substr(8, 4),
                     hex.substr(12, 4), hex.substr(16, 4), hex.substr(20, 12));
}

}  // namespace

ordered_json to_spdx(const Inventory& inventory) {
  Licences licences;
  for (const auto& package : inventory.python) {
    if (is_expression(package.license)) {
      licences.mark_expression(package.location);
    }
  }
  const auto image_hex = hex_of(inventory.image_id);
  ordered_json document;
  document["spdxVersion"] = "SPDX-2.3";
  document["dataLicense"] = "CC0-1.0";
  document["SPDXID"] = "SPDXRef-DOCUMENT";
  document["name"] = image_label(inventory);
  document["documentNamespace"] = fmt::format(
      "https://spdx.org/spdxdocs/hubtel-{}-{}-{}", id_part(inventory.name), inventory.architecture,
      image_hex.empty() ? hex_of(serial_of(inventory).substr(9)) : image_hex);
  document["creationInfo"] = {
      {"created", inventory.created},
      {"creators", {fmt::format("Tool: hubtel-ai-{}", inventory.tool_version)}}};
  document["documentDescribes"] = {"SPDXRef-Image"};

  auto packages = ordered_json::array();
  auto relationships = ordered_json::array();
  relationships.push_back({{"spdxElementId", "SPDXRef-DOCUMENT"},
                           {"relationshipType", "DESCRIBES"},
                           {"relatedSpdxElement", "SPDXRef-Image"}});
  const auto package_entry = [](const std::string& id, const std::string& name,
                                const std::string& version) {
    ordered_json entry;
    entry["SPDXID"] = id;
    entry["name"] = name;
    if (!version.empty()) {
      entry["versionInfo"] = version;
    }
    entry["downloadLocation"] = "NOASSERTION";
    entry["filesAnalyzed"] = false;
    return entry;
  };

  auto image = package_entry("SPDXRef-Image", inventory.name, inventory.image_id);
  if (!image_hex.empty()) {
    image["checksums"] = {{{"algorithm", "SHA256"}, {"checksumValue", image_hex}}};
  }
  image["primaryPackagePurpose"] = "CONTAINER";
  image["licenseConcluded"] = "NOASSERTION";
  image["licenseDeclared"] = "NOASSERTION";
  image["copyrightText"] = "NOASSERTION";
  image["comment"] = fmt::format(
      "The {} Lambda image of {}, built by HubtelAI; its version is the "
      "image id (the digest of its config)",
      inventory.architecture, inventory.name);
  packages.push_back(image);

  if (!inventory.base.name.empty() || !inventory.base.digest.empty()) {
    auto base = package_entry("SPDXRef-Base", inventory.base.name, inventory.base.digest);
    if (inventory.base.digest.starts_with("sha256:")) {
      base["checksums"] = {
          {{"algorithm", "SHA256"}, {"checksumValue", hex_of(inventory.base.digest)}}};
    }
    base["primaryPackagePurpose"] = "CONTAINER";
    base["licenseConcluded"] = "NOASSERTION";
    base["licenseDeclared"] = "NOASSERTION";
    base["copyrightText"] = "NOASSERTION";
    base["externalRefs"] = {{{"referenceCategory", "PACKAGE-MANAGER"},
                             {"referenceType", "purl"},
                             {"referenceLocator", base_purl(inventory.base)}}};
    base["comment"] = "The runtime base image, by name and digest";
    packages.push_back(base);
    relationships.push_back({{"spdxElementId", "SPDXRef-Image"},
                             {"relationshipType", "DESCENDANT_OF"},
                             {"relatedSpdxElement", "SPDXRef-Base"}});
  }

  std::size_t count = 0;
  const auto add_package = [&](const Package& package, const std::string& kind) {
    const auto id = fmt::format("SPDXRef-Package-{}-{}-{}", kind, ++count, id_part(package.name));
    auto entry = package_entry(id, package.name, package.version);
    if (!package.supplier.empty()) {
      // SPDX writes "Name (email)" where Debian and rpm write "Name <email>".
      auto supplier = package.supplier;
      std::replace(supplier.begin(), supplier.end(), '<', '(');
      std::replace(supplier.begin(), supplier.end(), '>', ')');
      entry["supplier"] = "Person: " + supplier;
    }
    if (!package.source.empty()) {
      entry["sourceInfo"] = fmt::format("built from the source package {}", package.source);
    }
    entry["licenseConcluded"] = "NOASSERTION";
    entry["licenseDeclared"] = licences.declared(package);
    entry["copyrightText"] = "NOASSERTION";
    entry["externalRefs"] = {{{"referenceCategory", "PACKAGE-MANAGER"},
                              {"referenceType", "purl"},
                              {"referenceLocator", purl_of(package, inventory)}}};
    if (package.manager == "python") {
      entry["comment"] = fmt::format("Python distribution at {}", package.location);
    } else {
      entry["comment"] =
          fmt::format("{} package of the image, from {}", package.manager, inventory.os_database);
    }
    packages.push_back(entry);
    relationships.push_back({{"spdxElementId", "SPDXRef-Image"},
                             {"relationshipType", "CONTAINS"},
                             {"relatedSpdxElement", id}});
  };
  for (const auto& package : inventory.os_packages) {
    add_package(package, package.manager);
  }
  for (const auto& package : inventory.python) {
    add_package(package, "python");
  }

  auto files = ordered_json::array();
  std::map<std::string, std::string> builder_ids;  // package and version -> its SPDX id
  std::size_t file_count = 0;
  for (const auto& file : inventory.files) {
    const auto id = fmt::format("SPDXRef-File-{}", ++file_count);
    ordered_json entry;
    entry["SPDXID"] = id;
    entry["fileName"] = "." + file.path;
    entry["checksums"] = {{{"algorithm", "SHA1"}, {"checksumValue", file.sha1}},
                          {{"algorithm", "SHA256"}, {"checksumValue", file.sha256}}};
    entry["licenseConcluded"] = "NOASSERTION";
    entry["copyrightText"] = "NOASSERTION";
    if (file.origin) {
      const auto& origin = *file.origin;
      if (origin.package.empty()) {
        entry["comment"] = fmt::format(
            "A shared library bundled from {} in the builder, which no "
            "package of the builder has (the project built it)",
            origin.builder_path);
      } else {
        entry["comment"] =
            fmt::format("A shared library bundled from {} in the builder: {} package {} {} ({})",
                        origin.builder_path, origin.manager, origin.package, origin.version,
                        origin.architecture);
        const auto key = origin.package + " " + origin.version + " " + origin.architecture;
        auto [found, added] = builder_ids.try_emplace(key, "");
        if (added) {
          found->second =
              fmt::format("SPDXRef-Builder-{}-{}", builder_ids.size(), id_part(origin.package));
          auto builder = package_entry(found->second, origin.package, origin.version);
          builder["licenseConcluded"] = "NOASSERTION";
          builder["licenseDeclared"] = "NOASSERTION";
          builder["copyrightText"] = "NOASSERTION";
          builder["externalRefs"] = {{{"referenceCategory", "PACKAGE-MANAGER"},
                                      {"referenceType", "purl"},
                                      {"referenceLocator", purl_of(origin, inventory)}}};
          builder["comment"] =
              "A package of the builder image, which bundled shared libraries were copied from";
          packages.push_back(builder);
        }
        relationships.push_back({{"spdxElementId", id},
                                 {"relationshipType", "GENERATED_FROM"},
                                 {"relatedSpdxElement", found->second}});
      }
    }
    files.push_back(entry);
    relationships.push_back({{"spdxElementId", "SPDXRef-Image"},
                             {"relationshipType", "CONTAINS"},
                             {"relatedSpdxElement", id}});
  }
  document["packages"] = packages;
  document["files"] = files;
  document["relationships"] = relationships;
  if (auto extracted = licences.extracted(); !extracted.empty()) {
    document["hasExtractedLicensingInfos"] = extracted;
  }
  return document;
}

ordered_json to_cyclonedx(const Inventory& inventory) {
  ordered_json bom;
  bom["bomFormat"] = "CycloneDX";
  bom["specVersion"] = "1.5";
  bom["serialNumber"] = serial_of(inventory);
  bom["version"] = 1;
  const auto image_hex = hex_of(inventory.image_id);
  ordered_json image{{"type", "container"}, {"bom-ref", "image"}, {"name", inventory.name}};
  if (!inventory.image_id.empty()) {
    image["version"] = inventory.image_id;
    image["hashes"] = {{{"alg", "SHA-256"}, {"content", image_hex}}};
  }
  image["properties"] = {{{"name", "hubtel:architecture"}, {"value", inventory.architecture}}};
  ordered_json tool{{"type", "application"}, {"name", "hubtel-ai"}};
  tool["version"] = inventory.tool_version;
  ordered_json tools;
  tools["components"] = ordered_json::array({tool});
  ordered_json metadata;
  metadata["timestamp"] = inventory.created;
  metadata["tools"] = tools;
  metadata["component"] = image;
  bom["metadata"] = metadata;

  auto components = ordered_json::array();
  auto depends = ordered_json::array();
  if (!inventory.base.name.empty() || !inventory.base.digest.empty()) {
    ordered_json base{{"type", "container"}, {"bom-ref", "base"}, {"name", inventory.base.name}};
    if (!inventory.base.digest.empty()) {
      base["version"] = inventory.base.digest;
    }
    if (inventory.base.digest.starts_with("sha256:")) {
      base["hashes"] = {{{"alg", "SHA-256"}, {"content", hex_of(inventory.base.digest)}}};
    }
    base["purl"] = base_purl(inventory.base);
    base["description"] = "The runtime base image";
    components.push_back(base);
    depends.push_back("base");
  }
  std::map<std::string, bool> refs;
  const auto unique_ref = [&refs](std::string ref) {
    auto candidate = ref;
    for (int n = 2; refs.count(candidate) != 0; ++n) {
      candidate = fmt::format("{}#{}", ref, n);
    }
    refs[candidate] = true;
    return candidate;
  };
  for (const auto* list : {&inventory.os_packages, &inventory.python}) {
    for (const auto& package : *list) {
      const auto purl = purl_of(package, inventory);
      ordered_json entry{{"type", "library"}, {"bom-ref", unique_ref(purl)}};
      if (!package.supplier.empty()) {
        entry["supplier"] = {{"name", package.supplier}};
      }
      entry["name"] = package.name;
      entry["version"] = package.version;
      if (!package.license.empty()) {
        if (package.manager == "python" && is_expression(package.license)) {
          entry["licenses"] = {{{"expression", package.license}}};
        } else {
          entry["licenses"] = {{{"license", {{"name", package.license}}}}};
        }
      }
      entry["purl"] = purl;
      entry["properties"] = {
          {{"name", "hubtel:package-manager"}, {"value", package.manager}},
          {{"name", "hubtel:location"},
           {"value", package.manager == "python" ? package.location : inventory.os_database}}};
      depends.push_back(entry["bom-ref"]);
      components.push_back(entry);
    }
  }
  for (const auto& file : inventory.files) {
    ordered_json entry{
        {"type", "file"}, {"bom-ref", unique_ref("file:" + file.path)}, {"name", file.path}};
    entry["hashes"] = {{{"alg", "SHA-1"}, {"content", file.sha1}},
                       {{"alg", "SHA-256"}, {"content", file.sha256}}};
    if (file.origin) {
      const auto& origin = *file.origin;
      if (origin.package.empty()) {
        entry["description"] =
            fmt::format("A shared library bundled from {} in the builder, which no package has",
                        origin.builder_path);
      } else {
        entry["description"] =
            fmt::format("A shared library bundled from {} in the builder", origin.builder_path);
        entry["pedigree"] = {{"ancestors",
                              {{{"type", "library"},
                                {"name", origin.package},
                                {"version", origin.version},
                                {"purl", purl_of(origin, inventory)}}}}};
      }
    }
    depends.push_back(entry["bom-ref"]);
    components.push_back(entry);
  }
  bom["components"] = components;
  bom["dependencies"] = {{{"ref", "image"}, {"dependsOn", depends}}};
  return bom;
}

std::string render(const Inventory& inventory, const std::string& format) {
  if (format == "spdx") {
    return to_spdx(inventory).dump(2) + "\n";
  }
  if (format == "cyclonedx") {
    return to_cyclonedx(inventory).dump(2) + "\n";
  }
  throw Error(
      fmt::format("SBOM format \"{}\" is not supported (supported: spdx, cyclonedx)", format),
      ExitCode::usage);
}

std::string file_name(const std::string& arch, const std::string& format) {
  return fmt::format("sbom-{}.{}.json", arch, format == "cyclonedx" ? "cdx" : "spdx");
}

std::string media_type(const std::string& format) {
  return format == "cyclonedx" ? "application/vnd.cyclonedx+json" : "application/spdx+json";
}

}  // namespace hubtel::sbom
