// Test images written with libarchive: layer tars, `docker save` archives in both layouts, OCI
// layout folders, and the broken variants the size command must refuse.
#pragma once

#include "inspect/layer.hpp"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hubtel::test {

struct TarEntry {
  std::string path;
  char type = 'f';  // f file, d directory, l symlink, h hardlink, s sparse file (512 B stored)
  std::uint64_t size = 0;
  std::string target;  // of a link
};

// A tar of the entries ('x' bytes for file contents), compressed with "", "gzip" or "zstd".
std::string make_tar(const std::vector<TarEntry>& entries, std::string_view compression = "");

// A tar of (name, content) files, compressed with "", "gzip" or "zstd".
std::string make_archive(const std::vector<std::pair<std::string, std::string>>& files,
                         std::string_view compression = "");

// A `docker save` archive (legacy manifest) whose manifest lists one layer `times` times.
std::string repeated_layer_archive(const std::vector<TarEntry>& entries, int times);

// "sha256:<hex>"
std::string sha256(std::string_view bytes);

// A layer read as a stream from memory, `chunk` bytes at a time (an odd size, so tar headers
// straddle chunks).
class StringSource : public inspect::ByteSource {
 public:
  explicit StringSource(std::string bytes, std::size_t chunk = 1000)
      : bytes_(std::move(bytes)), chunk_(chunk) {}
  std::string_view next() override {
    const auto n = std::min(chunk_, bytes_.size() - at_);
    const std::string_view out(bytes_.data() + at_, n);
    at_ += n;
    return out;
  }

 private:
  std::string bytes_;
  std::size_t chunk_;
  std::size_t at_ = 0;
};

struct FixtureLayer {
  std::vector<TarEntry> entries;
  std::string compression;  // "", "gzip", "zstd": for OCI layouts; legacy layers stay plain
  std::string created_by;
};

enum class Layout {
  legacy,      // manifest.json + <id>/layer.tar + <id>.json, layers first
  docker25,    // the OCI layout and manifest.json side by side (docker 25+)
  oci_archive  // index.json + oci-layout + blobs/sha256 only
};

struct FixtureImage {
  std::vector<FixtureLayer> layers;
  std::string architecture = "amd64";
  // Breakages, for the refusals.
  std::string layer_media_type;  // replaces every layer's media type when set
  bool corrupt_blob = false;     // changes a byte of the first (plain) layer after hashing
  bool drop_last_layer = false;  // leaves the last layer's blob out
  // Legacy members named past ustar's 100 bytes, so each has a pax header of its own.
  bool long_member_names = false;
};

// The image as a `docker save` style tar.
std::string save_archive(const FixtureImage& image, Layout layout);

// The image as an OCI image layout folder.
void write_oci_folder(const FixtureImage& image, const std::filesystem::path& dir);

// The known-answer image: overwrites, a deleted directory, an opaque directory, a deleted file,
// links; 23600 bytes in total, 12200 visible (see fixtures.cpp for the figures).
FixtureImage known_image();

// The known image with its last layer replaced: a file grown, one added, one shrunk, one removed
// and the rest unchanged (see fixtures.cpp for the figures).
FixtureImage grown_image();

// Writes every input the CLI tests read into dir.
void write_fixture_set(const std::filesystem::path& dir);

}  // namespace hubtel::test
