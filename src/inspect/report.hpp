// The size report: the merged filesystem of an image's layers (OCI whiteouts applied), its
// totals, waste, per-layer figures and largest paths; and its renderings.
#pragma once

#include "inspect/compare.hpp"
#include "inspect/image.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace hubtel::inspect {

struct LayerReport {
  std::size_t index = 0;  // from 0, in the manifest's order
  std::string digest;
  std::string diff_id;
  std::uint64_t bytes = 0;
  std::optional<std::uint64_t> compressed_bytes;
  std::uint64_t files = 0;
  std::string created_by;
  std::uint64_t wasted_bytes = 0;  // this layer's bytes that the final filesystem does not show
  bool base = false;               // shared with the --base image
};

struct PathSize {
  std::string path;
  std::uint64_t bytes = 0;
};

// A pruned copy of the visible tree for pictures: the paths big enough to draw.
struct TreeNode {
  std::string name;
  std::uint64_t bytes = 0;
  bool directory = false;
  std::vector<TreeNode> children;
};

struct SizeReport {
  std::string source;
  std::string architecture;
  std::string os;
  std::uint64_t total_bytes = 0;
  std::uint64_t visible_bytes = 0;
  std::uint64_t wasted_bytes = 0;
  double efficiency = 1.0;
  std::optional<std::uint64_t> compressed_bytes;
  std::vector<LayerReport> layers;
  std::vector<PathSize> largest_paths;
  TreeNode tree;
  // Set by apply_base.
  bool has_base = false;
  std::size_t base_layers = 0;
  std::uint64_t base_bytes = 0;
  std::uint64_t added_bytes = 0;
  // Waste in the layers above the first (or above the base): what the image's own steps waste.
  std::uint64_t user_wasted_bytes = 0;
  // Set by --compare: what the image adds, removes and changes against another.
  std::optional<Comparison> compare;
};

struct AnalyseOptions {
  std::size_t top_paths = 20;
  std::size_t tree_nodes = 400;  // at most this many nodes in SizeReport::tree
};

// Merges the layers in order: a `.wh.<name>` entry hides that path and everything below it in
// lower layers, `.wh..wh..opq` hides everything below its directory in lower layers, a later
// entry replaces an earlier one at the same path (a non-directory replacing a directory hides
// the directory's contents), and adding a path below a file replaces that file by a directory.
SizeReport analyse(const Image& image, const AnalyseOptions& options = {});

// Marks the leading layers shared with `base` (same diff_id, else same digest) as base layers.
void apply_base(SizeReport& report, const Image& base);

// Keys in the contract's order.
nlohmann::ordered_json to_json(const SizeReport& report);
std::string format_text(const SizeReport& report, bool colour);
std::string format_markdown(const SizeReport& report);
std::string format_html(const SizeReport& report);

// "1.5 MiB", "812 B".
std::string human_bytes(std::uint64_t bytes);

}  // namespace hubtel::inspect
