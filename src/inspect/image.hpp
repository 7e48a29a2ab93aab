// Image readers: a `docker save` archive (legacy manifest.json or the OCI layout newer engines
// write inside it), an OCI image layout folder, or the archive streamed on stdin.
#pragma once

#include "inspect/layer.hpp"
#include "inspect/paths.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hubtel::inspect {

struct ImageLayer {
  std::string digest;   // of the blob as stored ("sha256:<hex>")
  std::string diff_id;  // of the uncompressed tar, from the config; empty when unknown
  std::optional<std::uint64_t> compressed_bytes;  // the blob's size
  std::string created_by;                         // from the config's history
  // Shared by every listing of the same blob: a layer listed 200 times is read and kept once.
  std::shared_ptr<const LayerSummary> summary = std::make_shared<const LayerSummary>();
};

struct Image {
  std::string id;  // sha256:<hex> of the config's bytes: the engine's image id
  std::string architecture;
  std::string os;
  std::string created;                        // the config's creation time, as written there
  std::map<std::string, std::string> labels;  // the config's labels
  std::vector<ImageLayer> layers;
  PathTree paths;
};

struct ReadOptions {
  bool summarise_layers = true;  // false: digests and sizes only (a base image)
  // Layer entries, counted once per listing of a layer (--max-paths).
  std::uint64_t max_entries = 2'000'000;
  // false skips SHA-256: no digest checks, and legacy layers take their digest from the config.
  bool verify_digests = true;
  // How much of an archive is read at a time.
  std::size_t chunk_bytes = std::size_t{1} << 20;
  // Which files' contents to hash or keep while the layers stream (LayerSummary::contents).
  ContentSelector contents;
};

// Reads the image at `input`: a folder is an OCI image layout, anything else an archive (tar,
// optionally compressed); "-" is an archive on `stdin_stream`. Every blob named by a sha256 digest
// is verified while it streams. Throws Error naming the input on unreadable, truncated or
// inconsistent images.
Image read_image(const std::string& input, std::istream& stdin_stream,
                 const ReadOptions& options = {});

// Blobs fetched by digest, as a registry serves them.
class BlobFetcher {
 public:
  virtual ~BlobFetcher() = default;
  // Hands the blob `digest`, `size` bytes long, to `sink` in chunks as they arrive; throws Error
  // when it cannot, or (with `verify`) after the last chunk when the bytes do not match `digest`.
  virtual void fetch(const std::string& digest, std::uint64_t size, bool verify,
                     const std::function<void(std::string_view)>& sink) = 0;
};

// Reads the image whose image manifest (OCI or Docker schema 2, as JSON text) is `manifest`: its
// config and layers come from `fetcher`, each layer summarised as it streams (one at a time, a
// few MiB buffered). The image is read as an OCI layout holding the same blobs would be. `where`
// names the image in errors.
Image read_image(const std::string& manifest, BlobFetcher& fetcher, const std::string& where,
                 const ReadOptions& options = {});

}  // namespace hubtel::inspect
