// The inventory of a saved image: its layers read once, every file hashed and the package
// databases kept as they stream, then looked at through the merged filesystem.
#include "sbom/inventory.hpp"

#include "common/error.hpp"
#include "common/temporary_dir.hpp"
#include "inspect/image.hpp"
#include "inspect/merged.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <unordered_map>

namespace fs = std::filesystem;

namespace hubtel::sbom {
namespace {

constexpr std::string_view kDpkgStatus = "var/lib/dpkg/status";
constexpr std::string_view kDpkgStatusDir = "var/lib/dpkg/status.d/";
// Where rpm keeps its database: /var/lib/rpm, or /usr/lib/sysimage/rpm (Fedora 36 and later).
constexpr std::string_view kRpmDirs[] = {"var/lib/rpm/", "usr/lib/sysimage/rpm/"};
constexpr std::string_view kMetadata = ".dist-info/METADATA";

bool keeps(std::string_view path) {
  if (path == kDpkgStatus || path == std::string_view(libraries_record).substr(1) ||
      path == "etc/os-release" || path == "usr/lib/os-release") {
    return true;
  }
  if (path.starts_with(kDpkgStatusDir)) {
    return !path.ends_with(".md5sums");
  }
  for (const auto dir : kRpmDirs) {
    // The database's own files, not those of subfolders (rpm's lock, its keyring).
    if (path.starts_with(dir) && path.find('/', dir.size()) == std::string_view::npos) {
      return true;
    }
  }
  return path.ends_with(kMetadata) && path.size() > kMetadata.size();
}

std::string trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) {
    return {};
  }
  const auto last = text.find_last_not_of(" \t\r");
  return std::string(text.substr(first, last - first + 1));
}

// Header paragraphs of the deb822 / email kind: "Field: value", continuation lines indented.
struct Field {
  std::string name;
  std::string value;
  std::size_t line;
};
using Paragraph = std::vector<Field>;

// Splits `text` into paragraphs (blank lines between them); with `first_only`, the first one
// alone (a METADATA file's headers, before its body). A line that is neither a field nor the
// continuation of one is an error naming it.
std::vector<Paragraph> paragraphs(const std::string& text, const std::string& where,
                                  bool first_only) {
  static const std::regex field("^([!-9;-~]+):[ \t]*(.*)$");
  std::vector<Paragraph> out;
  Paragraph current;
  std::istringstream lines(text);
  std::string line;
  std::size_t number = 0;
  while (std::getline(lines, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') {
      line.pop_back();
    }
    if (trim(line).empty()) {
      if (!current.empty()) {
        out.push_back(std::move(current));
        current.clear();
        if (first_only) {
          return out;
        }
      }
      continue;
    }
    if (line.front() == ' ' || line.front() == '\t') {
      if (current.empty()) {
        throw Error(fmt::format("{}: line {} continues a field, but no field comes before it",
                                where, number));
      }
      current.back().value += "\n" + trim(line);
      continue;
    }
    std::smatch match;
    if (!std::regex_match(line, match, field)) {
      // Shown with its control characters as '?': the line may be any bytes.
      auto shown = line.substr(0, 60);
      for (auto& c : shown) {
        c = static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? '?' : c;
      }
      throw Error(
          fmt::format("{}: line {} is neither a field (Name: value) nor the continuation "
                      "of one: \"{}\"",
                      where, number, shown));
    }
    current.push_back({match[1].str(), trim(match[2].str()), number});
  }
  if (!current.empty()) {
    out.push_back(std::move(current));
  }
  return out;
}

const Field* find(const Paragraph& paragraph, std::string_view name) {
  for (const auto& field : paragraph) {
    if (field.name.size() == name.size() &&
        std::equal(field.name.begin(), field.name.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        })) {
      return &field;
    }
  }
  return nullptr;
}

std::string value_of(const Paragraph& paragraph, std::string_view name) {
  const auto* field = find(paragraph, name);
  return field == nullptr ? std::string() : field->value;
}

// The library records of templates/hubtel-collect.sh: one line per bundled library, tab-separated:
// path in the image, path in the builder, package, version, architecture, package manager.
std::map<std::string, Origin> parse_libraries(const std::string& text, const std::string& where) {
  std::map<std::string, Origin> out;
  std::istringstream lines(text);
  std::string line;
  std::size_t number = 0;
  while (std::getline(lines, line)) {
    ++number;
    if (line.empty()) {
      continue;
    }
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (;;) {
      const auto tab = line.find('\t', start);
      parts.push_back(
          line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
      if (tab == std::string::npos) {
        break;
      }
      start = tab + 1;
    }
    if (parts.size() != 6 || parts[0].empty() || parts[0].front() != '/') {
      throw Error(
          fmt::format("{}: line {} is not a library record (6 tab-separated fields, the "
                      "first an absolute path); build the image again",
                      where, number));
    }
    out[parts[0]] = Origin{parts[1], parts[2], parts[3], parts[4], parts[5]};
  }
  return out;
}

// The image's creation time as SPDX and CycloneDX write it (seconds, UTC); now when the image
// says nothing usable.
std::string created_of(const std::string& created) {
  static const std::regex utc(
      "([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2})(\\.[0-9]+)?Z");
  std::smatch match;
  if (std::regex_match(created, match, utc)) {
    return match[1].str() + "Z";
  }
  const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm parts{};
  gmtime_r(&now, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return text;
}

class Merged {
 public:
  explicit Merged(const inspect::Image& image)
      : image_(image), visible_(inspect::merge_layers(image)), contents_(image.layers.size()) {
    for (std::size_t layer = 0; layer < image.layers.size(); ++layer) {
      for (const auto& content : image.layers[layer].summary->contents) {
        contents_[layer][content.node] = &content;
      }
    }
  }

  // The content of a visible regular file (or of the file a visible hard link names).
  [[nodiscard]] const inspect::FileContent* content(inspect::PathTree::Id node) const {
    if (node == inspect::PathTree::none) {
      return nullptr;
    }
    const auto& seen = visible_[node];
    if (seen.layer == inspect::hidden_layer) {
      return nullptr;
    }
    const auto& layer = contents_[seen.layer];
    if (seen.kind == inspect::EntryKind::hardlink) {
      for (const auto& link : image_.layers[seen.layer].summary->links) {
        if (link.node == node) {
          node = link.target;
        }
      }
    }
    const auto found = layer.find(node);
    return found == layer.end() ? nullptr : found->second;
  }

  [[nodiscard]] const inspect::Visible& at(inspect::PathTree::Id node) const {
    return visible_[node];
  }

  // The node of a path ("a/b", no leading '/'), or none.
  [[nodiscard]] inspect::PathTree::Id node_of(std::string_view path) const {
    auto node = inspect::PathTree::root;
    inspect::for_each_component(path, [&](std::string_view part) {
      if (node != inspect::PathTree::none && !part.empty()) {
        node = image_.paths.find(node, part);
      }
    });
    return node;
  }

  [[nodiscard]] bool visible(inspect::PathTree::Id node) const {
    return node != inspect::PathTree::none && visible_[node].layer != inspect::hidden_layer;
  }

  [[nodiscard]] std::size_t size() const { return visible_.size(); }

 private:
  const inspect::Image& image_;
  std::vector<inspect::Visible> visible_;
  std::vector<std::unordered_map<inspect::PathTree::Id, const inspect::FileContent*>> contents_;
};

// A kept file's text: the file must be a regular file of the image.
const std::string& text_of(const Merged& merged, inspect::PathTree::Id node,
                           const std::string& where, std::string_view what) {
  const auto* content = merged.content(node);
  if (content == nullptr || !content->text) {
    throw Error(
        fmt::format("{} is not a regular file, so {} cannot be read from it; rebuild the "
                    "runtime base with an intact package database",
                    where, what));
  }
  return *content->text;
}

void read_dpkg(const Merged& merged, const inspect::Image& image, const std::string& where,
               Inventory& inventory) {
  const auto status = merged.node_of(kDpkgStatus);
  std::string joined;
  if (merged.visible(status)) {
    const auto file = fmt::format("{}: /{}", where, kDpkgStatus);
    inventory.os_packages = parse_dpkg_status(text_of(merged, status, file, "dpkg's status"), file);
    inventory.os_manager = "dpkg";
    inventory.os_database = "/" + std::string(kDpkgStatus);
  }
  // Distroless keeps one status file per package in status.d.
  const auto dir = merged.node_of(kDpkgStatusDir.substr(0, kDpkgStatusDir.size() - 1));
  if (merged.visible(dir)) {
    std::vector<std::pair<std::string, inspect::PathTree::Id>> files;
    for (auto child = image.paths.first_child(dir); child != inspect::PathTree::none;
         child = image.paths.next_sibling(child)) {
      const auto name = image.paths.name(child);
      if (merged.visible(child) && !name.ends_with(".md5sums") &&
          merged.at(child).kind != inspect::EntryKind::directory) {
        files.emplace_back(std::string(name), child);
      }
    }
    std::sort(files.begin(), files.end());
    for (const auto& [name, node] : files) {
      const auto file = fmt::format("{}: /{}{}", where, kDpkgStatusDir, name);
      auto packages = parse_dpkg_status(text_of(merged, node, file, "dpkg's status"), file);
      inventory.os_packages.insert(inventory.os_packages.end(), packages.begin(), packages.end());
    }
    if (!files.empty()) {
      inventory.os_manager = "dpkg";
      if (inventory.os_database.empty()) {
        inventory.os_database = "/" + std::string(kDpkgStatusDir);
      }
    }
  }
}

void read_rpm(const Merged& merged, const inspect::Image& image, const std::string& where,
              Inventory& inventory) {
  for (const auto prefix : kRpmDirs) {
    const auto dir_path = prefix.substr(0, prefix.size() - 1);
    const auto dir = merged.node_of(dir_path);
    if (!merged.visible(dir) || merged.at(dir).kind != inspect::EntryKind::directory) {
      continue;
    }
    bool has_database = false;
    for (auto child = image.paths.first_child(dir); child != inspect::PathTree::none;
         child = image.paths.next_sibling(child)) {
      const auto name = image.paths.name(child);
      has_database =
          has_database || (merged.visible(child) && (name == "rpmdb.sqlite" || name == "Packages"));
    }
    if (!has_database) {
      continue;
    }
    // librpm reads a database in a folder: the image's database files, written out.
    const TemporaryDir copy("hubtel-rpmdb");
    for (auto child = image.paths.first_child(dir); child != inspect::PathTree::none;
         child = image.paths.next_sibling(child)) {
      if (!merged.visible(child) || merged.at(child).kind == inspect::EntryKind::directory) {
        continue;
      }
      const auto name = std::string(image.paths.name(child));
      const auto file = fmt::format("{}: /{}/{}", where, dir_path, name);
      const auto& text = text_of(merged, child, file, "the rpm database");
      std::ofstream out(copy.path() / name, std::ios::binary);
      out.write(text.data(), static_cast<std::streamsize>(text.size()));
      if (!out.flush()) {
        throw Error(fmt::format("cannot write a copy of {} to {}", file, copy.path().string()));
      }
    }
    inventory.os_packages =
        read_rpm_database(copy.path().string(), fmt::format("{}: /{}", where, dir_path));
    inventory.os_manager = "rpm";
    inventory.os_database = "/" + std::string(dir_path);
    return;
  }
}

}  // namespace

std::vector<Package> parse_dpkg_status(const std::string& text, const std::string& where) {
  std::vector<Package> out;
  for (const auto& paragraph : paragraphs(text, where, false)) {
    const auto* name = find(paragraph, "Package");
    if (name == nullptr || name->value.empty()) {
      throw Error(
          fmt::format("{}: the entry at line {} has no Package field; the package database "
                      "is corrupt: rebuild the runtime base",
                      where, paragraph.front().line));
    }
    // Status: want flag state; a package removed with its configuration kept is not installed.
    const auto status = value_of(paragraph, "Status");
    if (!status.empty()) {
      const auto state = status.substr(status.rfind(' ') + 1);
      if (state == "not-installed" || state == "config-files") {
        continue;
      }
    }
    Package package;
    package.manager = "dpkg";
    package.name = name->value;
    package.version = value_of(paragraph, "Version");
    if (package.version.empty()) {
      throw Error(
          fmt::format("{}: the package {} (line {}) has no Version; the package database is "
                      "corrupt: rebuild the runtime base",
                      where, package.name, name->line));
    }
    package.architecture = value_of(paragraph, "Architecture");
    package.supplier = value_of(paragraph, "Maintainer");
    auto source = value_of(paragraph, "Source");
    source = source.substr(0, source.find(' '));  // "src (version)"
    if (source != package.name) {
      package.source = source;
    }
    out.push_back(std::move(package));
  }
  return out;
}

Package parse_python_metadata(const std::string& text, const std::string& where) {
  const auto headers = paragraphs(text, where, true);
  if (headers.empty()) {
    throw Error(fmt::format("{}: no metadata fields; reinstall the distribution", where));
  }
  const auto& fields = headers.front();
  Package package;
  package.manager = "python";
  package.name = value_of(fields, "Name");
  package.version = value_of(fields, "Version");
  if (package.name.empty() || package.version.empty()) {
    throw Error(fmt::format("{}: no Name or no Version field; reinstall the distribution", where));
  }
  package.supplier = value_of(fields, "Author");
  package.license = value_of(fields, "License-Expression");
  if (package.license.empty()) {
    package.license = value_of(fields, "License");
  }
  if (package.license.empty() || package.license == "UNKNOWN") {
    // "Classifier: License :: OSI Approved :: MIT License": the last part of each.
    std::vector<std::string> named;
    for (const auto& field : fields) {
      if (field.name == "Classifier" && field.value.starts_with("License ::")) {
        named.push_back(trim(field.value.substr(field.value.rfind("::") + 2)));
      }
    }
    package.license = fmt::format("{}", fmt::join(named, " AND "));
  }
  return package;
}

Inventory read_inventory(const ReadRequest& request, std::istream& stdin_stream) {
  inspect::ReadOptions options;
  options.contents = [](std::string_view path, std::uint64_t) {
    return inspect::ContentRequest{true, keeps(path)};
  };
  const auto image = inspect::read_image(request.input, stdin_stream, options);
  const std::string where = request.input == "-" ? std::string("<stdin>") : request.input;
  if (request.base_layers > image.layers.size()) {
    throw Error(fmt::format("{}: the image has {} layers, fewer than the {} of its base", where,
                            image.layers.size(), request.base_layers));
  }
  const Merged merged(image);

  Inventory inventory;
  inventory.name = request.name;
  inventory.architecture = request.architecture;
  inventory.image_id = request.image_id.empty() ? image.id : request.image_id;
  inventory.created = created_of(image.created);
  inventory.base = request.base;
  if (inventory.base.name.empty()) {
    const auto label = image.labels.find("org.opencontainers.image.base.name");
    inventory.base.name = label == image.labels.end() ? std::string() : label->second;
  }
  if (inventory.base.digest.empty()) {
    const auto label = image.labels.find("org.opencontainers.image.base.digest");
    inventory.base.digest = label == image.labels.end() ? std::string() : label->second;
  }

  for (const auto* release : {"etc/os-release", "usr/lib/os-release"}) {
    const auto* content = merged.content(merged.node_of(release));
    if (inventory.os_id.empty() && content != nullptr && content->text) {
      std::istringstream lines(*content->text);
      std::string line;
      while (std::getline(lines, line)) {
        const auto equals = line.find('=');
        auto value = trim(line.substr(equals + 1));
        if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'')) {
          value = value.substr(1, value.size() - 2);
        }
        if (line.starts_with("ID=")) {
          inventory.os_id = value;
        } else if (line.starts_with("VERSION_ID=")) {
          inventory.os_version = value;
        }
      }
    }
  }
  read_dpkg(merged, image, where, inventory);
  if (inventory.os_manager.empty()) {
    read_rpm(merged, image, where, inventory);
  }

  std::map<std::string, Origin> origins;
  if (const auto record = merged.node_of(std::string_view(libraries_record).substr(1));
      merged.visible(record)) {
    const auto file = fmt::format("{}: {}", where, libraries_record);
    origins =
        parse_libraries(text_of(merged, record, file, "the record of bundled libraries"), file);
  }

  for (inspect::PathTree::Id node = 1; node < merged.size(); ++node) {
    const auto& seen = merged.at(node);
    if (seen.layer == inspect::hidden_layer ||
        (seen.kind != inspect::EntryKind::file && seen.kind != inspect::EntryKind::hardlink)) {
      continue;
    }
    const auto path = image.paths.path(node);
    if (path.ends_with(kMetadata)) {
      const auto file = fmt::format("{}: {}", where, path);
      const auto* content = merged.content(node);
      if (content != nullptr && content->text) {
        auto package = parse_python_metadata(*content->text, file);
        package.location = path.substr(0, path.size() - std::string_view("/METADATA").size());
        inventory.python.push_back(std::move(package));
      }
    }
    if (seen.layer < request.base_layers) {
      continue;
    }
    AddedFile added;
    added.path = path;
    added.bytes = seen.bytes;
    if (const auto* content = merged.content(node); content != nullptr) {
      added.sha256 = content->sha256;
      added.sha1 = content->sha1;
    }
    if (const auto origin = origins.find(path); origin != origins.end()) {
      added.origin = origin->second;
    }
    inventory.files.push_back(std::move(added));
  }
  const auto by_path = [](const auto& a, const auto& b) { return a.path < b.path; };
  std::sort(inventory.files.begin(), inventory.files.end(), by_path);
  std::sort(inventory.python.begin(), inventory.python.end(),
            [](const Package& a, const Package& b) { return a.location < b.location; });
  return inventory;
}

}  // namespace hubtel::sbom
