// The final merged filesystem of an image: what each interned path shows once every layer is
// applied in order, OCI whiteouts and opaque directories included.
#pragma once

#include "inspect/image.hpp"

#include <cstdint>
#include <vector>

namespace hubtel::inspect {

// The layer a path shows no entry of: it is hidden, or no layer made it.
inline constexpr std::uint32_t hidden_layer = UINT32_MAX;

// What the merged filesystem shows at a path: the entry of the highest layer that still counts.
struct Visible {
  std::uint64_t bytes = 0;
  std::uint32_t layer = hidden_layer;
  EntryKind kind = EntryKind::directory;
};

// One Visible per node of image.paths (indexed by PathTree::Id): a `.wh.<name>` entry hides that
// path and everything below it in lower layers, `.wh..wh..opq` hides everything below its
// directory in lower layers, a later entry replaces an earlier one at the same path (a
// non-directory replacing a directory hides the directory's contents), and adding a path below a
// file replaces that file by a directory. The root is always a visible directory.
std::vector<Visible> merge_layers(const Image& image);

}  // namespace hubtel::inspect
