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
#include <thread>
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

// A layer read by offset (a plain tar in a file), so that only its headers need be read.
class RandomSource {
 public:
  virtual ~RandomSource() = default;
  [[nodiscard]] virtual std::uint64_t size() const = 0;
  // Up to `want` bytes from `offset` into `into`; fewer only where the source ends. Throws Error
  // on read failures.
  virtual std::size_t read_at(std::uint64_t offset, char* into, std::size_t want) = 0;
  // How much the header walk asks for at a time (at most 64 KiB): reads of a file cost more than
  // the bytes they copy, copies out of memory do not.
  [[nodiscard]] virtual std::size_t window() const { return std::size_t{64} << 10U; }
};

// summarise_layer for a plain tar read by offset: its headers are parsed here (ustar, GNU long
// names and pax headers as engines write them) and its file contents never read. Returns nullopt,
// having counted nothing, for a tar it leaves to libarchive (sparse or special members, global pax
// headers, names that are not printable ASCII, damaged or truncated headers, anything that could
// pass for a compressed stream): the caller then reads it with summarise_layer, which gives the
// same summary, or the error. Errors of the entries it reads (a path with "..", too many entries)
// are thrown as summarise_layer throws them.
std::optional<LayerSummary> summarise_plain_layer(RandomSource& source, PathTree& tree,
                                                  EntryBudget& budget, std::string_view label);

// summarise_plain_layer in two halves, so the headers of several layers are read at once: on a
// thread of its own, the walk reads and parses the headers of `source`; finish() interns what it
// found, in order, on the caller's thread. At most a few thousand entries wait between the two.
class PlainLayerWalk {
 public:
  // `then` runs on the walk's thread once the walk has read the layer's headers (or left it to
  // libarchive); what it throws, finish() throws as a read failure.
  explicit PlainLayerWalk(std::unique_ptr<RandomSource> source, std::function<void()> then = {});
  PlainLayerWalk(const PlainLayerWalk&) = delete;
  PlainLayerWalk& operator=(const PlainLayerWalk&) = delete;
  ~PlainLayerWalk();  // stops the walk where it is

  // What summarise_plain_layer returns, or throws, for the layer. Once only.
  std::optional<LayerSummary> finish(PathTree& tree, EntryBudget& budget, std::string_view label);
  // True when finish() threw because the source could not be read (not because of an entry).
  [[nodiscard]] bool read_failed() const { return read_failed_; }

 private:
  struct State;
  std::unique_ptr<State> state_;
  std::thread thread_;
  bool read_failed_ = false;
};

}  // namespace hubtel::inspect
