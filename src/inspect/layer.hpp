// One layer's tar, summarised as it streams: a compact entry list (path, size, kind), never file
// contents; and the byte sources the readers feed it from, and their SHA-256 digests.
#pragma once

#include "common/sha256.hpp"
#include "inspect/paths.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hubtel::inspect {

// A stream of bytes in chunks; an empty chunk is the end. Throws Error on read failures.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  virtual std::string_view next() = 0;
  // Moves past up to `bytes` unread bytes without reading them and says how many it skipped; 0
  // when the source can only be read (the reader then reads and drops the bytes instead).
  virtual std::uint64_t skip(std::uint64_t /*bytes*/) { return 0; }
};

// Passes another source's chunks through, counting and hashing them.
class HashingSource : public ByteSource {
 public:
  // With hash false it only counts, and digest() is empty.
  explicit HashingSource(ByteSource& inner, bool hash = true) : inner_(inner), hash_(hash) {}
  std::string_view next() override;
  // Skips only when not hashing: a digest needs every byte.
  std::uint64_t skip(std::uint64_t bytes) override;
  // Reads what is left, so the digest covers the whole blob.
  void drain();
  [[nodiscard]] std::uint64_t bytes() const { return bytes_; }
  [[nodiscard]] std::string digest() { return hash_ ? sha_.finish() : std::string(); }

 private:
  ByteSource& inner_;
  bool hash_;
  Sha256 sha_;
  std::uint64_t bytes_ = 0;
};

enum class EntryKind : std::uint8_t {
  file,       // regular file: its bytes count
  directory,  //
  symlink,    //
  hardlink,   // a second name for a file: no bytes of its own
  other,      // devices, fifos
  whiteout,   // .wh.<name>: hides the path (and what is below it) in lower layers
  opaque,     // .wh..wh..opq: hides everything below the directory in lower layers
};

struct LayerEntry {
  std::uint64_t bytes;
  PathTree::Id node;
  EntryKind kind;
};

// A hardlink's target in its own layer: the link keeps the file's bytes in the merged filesystem
// when a later layer removes or replaces the target's path.
struct HardLink {
  PathTree::Id node;
  PathTree::Id target;
  std::uint64_t bytes;  // the target's size in this layer (0 when the layer has no such file)
};

// A regular file's content, hashed or kept as the layer streamed (see ContentSelector).
struct FileContent {
  PathTree::Id node;
  std::string sha256;               // hex, empty when not hashed
  std::string sha1;                 // hex, empty when not hashed
  std::optional<std::string> text;  // the bytes, when kept
};

// What a layer reader does with a regular file's content besides summarising it: hash it (SHA-256
// and SHA-1, as SBOMs name files), keep it (small documents such as package databases), or neither.
struct ContentRequest {
  bool hash = false;
  bool keep = false;
};
// Asked for each regular file of each layer, with its path (no leading '/') and size.
using ContentSelector = std::function<ContentRequest(std::string_view path, std::uint64_t bytes)>;

struct LayerSummary {
  std::vector<LayerEntry> entries;
  std::vector<HardLink> links;
  std::vector<FileContent> contents;  // the files a ContentSelector asked for, in tar order
  std::uint64_t bytes = 0;  // regular-file bytes from the tar headers (saturating: see add_bytes)
  std::uint64_t files = 0;  // entries other than directories and whiteouts
};

// a + b, or UINT64_MAX when that overflows: tar headers may declare any size (sparse entries of
// 2^62 bytes), and a total that wrapped around would pass every budget. UINT64_MAX fails them.
constexpr std::uint64_t add_bytes(std::uint64_t a, std::uint64_t b) {
  return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

// Shared across an image's layers: the cap that keeps a tar bomb from exhausting memory.
struct EntryBudget {
  std::uint64_t max_entries = 2'000'000;
  std::uint64_t used = 0;
};

// Reads a layer tar (plain, gzip, zstd, ...: recognised by its magic bytes) from `source`,
// interning its paths in `tree`. `label` names the layer in errors (truncated or corrupt tar, a
// path with "..", too many entries). With `select`, the contents it asks for are read as they pass.
LayerSummary summarise_layer(ByteSource& source, PathTree& tree, EntryBudget& budget,
                             std::string_view label, const ContentSelector* select = nullptr);

}  // namespace hubtel::inspect
