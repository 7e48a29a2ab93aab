// What an image holds, as an SBOM tells it: its base, the packages of its package database, the
// files HubtelAI added (with the builder's package of each bundled library) and the Python
// distributions, read from a saved image.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace hubtel::sbom {

// Where a bundled shared library came from in the builder (templates/hubtel-collect.sh records it).
struct Origin {
  std::string builder_path;  // the file it was copied from
  std::string package;       // the builder's package, empty when no package has it
  std::string version;
  std::string architecture;
  std::string manager;  // dpkg or rpm, empty with no package
};

struct Package {
  std::string name;
  std::string version;
  std::string architecture;
  std::string manager;  // dpkg, rpm or python
  std::string license;  // as the metadata says it, empty when it says nothing
  std::string supplier;
  std::string source;    // the source package (dpkg), when it differs from the name
  std::string location;  // python: the .dist-info folder
};

struct AddedFile {
  std::string path;  // absolute, in the image
  std::uint64_t bytes = 0;
  std::string sha256;  // hex
  std::string sha1;    // hex
  std::optional<Origin> origin;
};

struct Base {
  std::string name;
  std::string digest;  // sha256:<hex>: the registry's digest, or the local image id
};

struct Inventory {
  std::string name;          // the image's name (its hubtel_add_lambda_image name)
  std::string architecture;  // x86_64 or arm64
  std::string image_id;      // sha256:<hex> of the image config, when known
  std::string created;       // RFC 3339, UTC
  Base base;
  std::string tool_version;  // hubtel-ai's, for the creator
  std::string os_id;         // ID of /etc/os-release (debian, ubuntu, amzn), empty when none
  std::string os_version;    // its VERSION_ID
  std::string os_manager;    // dpkg, rpm or empty (no package database)
  std::string os_database;   // the database's path in the image
  std::vector<Package> os_packages;
  std::vector<Package> python;
  std::vector<AddedFile> files;
};

// The record of bundled libraries that templates/hubtel-collect.sh writes into the image.
inline constexpr const char* libraries_record = "/opt/hubtel/libraries.tsv";

struct ReadRequest {
  std::string input;            // a docker-save archive or an OCI layout folder
  std::size_t base_layers = 0;  // the lowest layers that are the base's
  std::string name;
  std::string architecture;
  std::string image_id;
  Base base;  // overrides the image's org.opencontainers.image.base.* labels when set
};

// Reads the image and takes its inventory. Throws Error naming the image and the file for an
// unreadable image, a corrupt package database, or a corrupt record of bundled libraries.
Inventory read_inventory(const ReadRequest& request, std::istream& stdin_stream);

// The packages of a dpkg status file (or of a status.d folder's files, joined), installed ones
// only. `where` names it in errors: a paragraph without Package or Version, or a line that is
// neither a field nor its continuation, is an error naming the line.
std::vector<Package> parse_dpkg_status(const std::string& text, const std::string& where);

// The distribution a .dist-info/METADATA file describes (name, version, licence).
Package parse_python_metadata(const std::string& text, const std::string& where);

// The packages of an rpm database whose files (rpmdb.sqlite, or Packages of Berkeley DB) are in
// the folder `dbpath`, read through librpm. `where` names the database in errors.
std::vector<Package> read_rpm_database(const std::string& dbpath, const std::string& where);

}  // namespace hubtel::sbom
