// Two images compared: per layer and per path, what one adds, removes and changes against the
// other. Any reader's Image plugs in (an archive, an OCI folder, a registry).
#pragma once

#include "inspect/image.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace hubtel::inspect {

enum class LayerChange : std::uint8_t {
  shared,   // in both images (same diff_id, else same digest)
  added,    // only in the image
  removed,  // only in the other image
};

struct LayerDelta {
  LayerChange change = LayerChange::shared;
  std::optional<std::size_t> index;         // from 1, in the image; none when removed
  std::optional<std::size_t> index_before;  // from 1, in the other image; none when added
  std::string digest;
  std::string diff_id;
  std::string created_by;
  std::uint64_t bytes = 0;
};

enum class PathChange : std::uint8_t {
  added,    // a regular file only the image has
  removed,  // a regular file only the other image has
  grown,    // in both, more bytes in the image
  shrunk,   // in both, fewer bytes in the image
};

struct PathDelta {
  std::string path;
  std::uint64_t bytes_before = 0;  // 0 when added
  std::uint64_t bytes_after = 0;   // 0 when removed
  PathChange change = PathChange::added;
};

// Regular files of one kind of change, and their bytes in each image.
struct ChangeTotals {
  std::uint64_t files = 0;
  std::uint64_t bytes_before = 0;
  std::uint64_t bytes_after = 0;
};

struct Comparison {
  std::string source;  // how the report names the other image
  std::uint64_t total_bytes_before = 0;
  std::uint64_t total_bytes_after = 0;
  ChangeTotals added;    // files only in the image
  ChangeTotals removed;  // files only in the other image
  ChangeTotals changed;  // files in both, of different sizes
  // Files in both of the same size, written by the same layer: the same content.
  ChangeTotals unchanged;
  // Files in both of the same size, written by layers that differ: the content may differ (the
  // layer summaries keep sizes, not content digests).
  ChangeTotals rewritten;
  ChangeTotals layers_shared;  // bytes_before/after: the shared layers' bytes in each image
  ChangeTotals layers_added;   // "files" count layers here
  ChangeTotals layers_removed;
  std::vector<LayerDelta> layers;  // the image's layers in order, then the removed ones
  // The largest changes by bytes (added, removed, grown, shrunk), largest first, ties by path;
  // at most CompareOptions::top_paths of them.
  std::vector<PathDelta> paths;
};

struct CompareOptions {
  std::size_t top_paths = 20;
};

// Compares the final merged filesystems' regular files (hardlinks included, with the bytes the tar
// gives them: none) path by path, and the layers by diff_id, else digest. Walks both path trees
// side by side in name order: memory grows with the number of changes kept, not with the paths.
Comparison compare_images(const Image& image, const Image& other,
                          const CompareOptions& options = {});

// after - before as a signed number, saturated at the int64 limits (sizes are uint64 and may be
// saturated themselves).
std::int64_t signed_delta(std::uint64_t before, std::uint64_t after);

// "added", "removed", "grown", "shrunk"; "shared", "added", "removed".
const char* change_name(PathChange change);
const char* change_name(LayerChange change);

}  // namespace hubtel::inspect
