// An inventory written as an SBOM document: SPDX 2.3 JSON or CycloneDX 1.5 JSON.
#pragma once

#include "sbom/inventory.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace hubtel::sbom {

// The SPDX 2.3 document of the image: one package for the image (what the document describes),
// one for its base, one per package of its package database and per Python distribution, one per
// builder package a bundled library was copied from, and a file (SHA-1 and SHA-256) per file
// HubtelAI added; licences that are no SPDX expression are carried as LicenseRef- texts.
nlohmann::ordered_json to_spdx(const Inventory& inventory);

// The CycloneDX 1.5 BOM of the image: the image as metadata.component, its base as a container
// component, packages as libraries with package URLs, added files with their hashes, each bundled
// library with its builder package as its pedigree's ancestor.
nlohmann::ordered_json to_cyclonedx(const Inventory& inventory);

// The document in `format` ("spdx" or "cyclonedx"), as the text written to the file.
std::string render(const Inventory& inventory, const std::string& format);

// The file name an SBOM of the architecture has in the image's folder: sbom-<arch>.spdx.json or
// sbom-<arch>.cdx.json.
std::string file_name(const std::string& arch, const std::string& format);

// The media type of a document in `format`, as an OCI artifact names it.
std::string media_type(const std::string& format);

}  // namespace hubtel::sbom
