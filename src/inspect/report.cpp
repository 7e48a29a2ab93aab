// The merged filesystem and the figures of the size report.
#include "inspect/report.hpp"

#include "common/error.hpp"
#include "inspect/merged.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>
#include <unordered_set>

namespace hubtel::inspect {
namespace {

// a - b, never below 0: with saturated sums a part may reach its whole.
std::uint64_t less(std::uint64_t a, std::uint64_t b) {
  return a > b ? a - b : 0;
}

void sum_user_waste(SizeReport& report) {
  const std::size_t first_user = report.has_base ? report.base_layers : 1;
  report.user_wasted_bytes = 0;
  for (std::size_t i = first_user; i < report.layers.size(); ++i) {
    report.user_wasted_bytes = add_bytes(report.user_wasted_bytes, report.layers[i].wasted_bytes);
  }
}

TreeNode build_tree(const PathTree& tree, const std::vector<Visible>& fs,
                    const std::vector<std::uint64_t>& rolled, PathTree::Id id,
                    std::uint64_t threshold, std::size_t& budget, int depth) {
  TreeNode node;
  node.name = id == PathTree::root ? std::string("/") : std::string(tree.name(id));
  node.bytes = rolled[id];
  node.directory = fs[id].kind == EntryKind::directory;
  if (!node.directory || depth >= 8) {
    return node;
  }
  std::vector<PathTree::Id> children;
  for (auto child = tree.first_child(id); child != PathTree::none;
       child = tree.next_sibling(child)) {
    if (fs[child].layer != hidden_layer && rolled[child] >= threshold && rolled[child] > 0) {
      children.push_back(child);
    }
  }
  std::sort(children.begin(), children.end(), [&](auto a, auto b) {
    return rolled[a] != rolled[b] ? rolled[a] > rolled[b] : tree.name(a) < tree.name(b);
  });
  std::uint64_t shown = 0;
  for (const auto child : children) {
    if (budget == 0) {
      break;
    }
    --budget;
    node.children.push_back(build_tree(tree, fs, rolled, child, threshold, budget, depth + 1));
    shown = add_bytes(shown, rolled[child]);
  }
  if (!node.children.empty() && shown < node.bytes) {
    node.children.push_back({"…", node.bytes - shown, false, {}});
  }
  return node;
}

}  // namespace

SizeReport analyse(const Image& image, const AnalyseOptions& options) {
  const auto& tree = image.paths;
  SizeReport report;
  report.architecture = image.architecture;
  report.os = image.os;
  const auto fs = merge_layers(image);
  std::uint64_t compressed = 0;
  bool compressed_known = true;
  for (std::size_t index = 0; index < image.layers.size(); ++index) {
    const auto& layer = image.layers[index];
    LayerReport row;
    row.index = index + 1;
    row.digest = layer.digest;
    row.diff_id = layer.diff_id;
    row.bytes = layer.summary->bytes;
    row.compressed_bytes = layer.compressed_bytes;
    row.files = layer.summary->files;
    row.created_by = layer.created_by;
    report.total_bytes = add_bytes(report.total_bytes, row.bytes);
    if (layer.compressed_bytes) {
      compressed = add_bytes(compressed, *layer.compressed_bytes);
    } else {
      compressed_known = false;
    }
    report.layers.push_back(std::move(row));
  }
  if (compressed_known && !image.layers.empty()) {
    report.compressed_bytes = compressed;
  }

  // Roll visible bytes up to the root; a parent's id is lower than its children's.
  std::vector<std::uint64_t> rolled(tree.size(), 0);
  std::vector<std::uint64_t> kept(report.layers.size(), 0);
  for (auto id = static_cast<PathTree::Id>(tree.size()); id-- > 1;) {
    const auto& state = fs[id];
    if (state.layer == hidden_layer) {
      continue;
    }
    if (state.kind == EntryKind::file) {
      rolled[id] = add_bytes(rolled[id], state.bytes);
      kept[state.layer] = add_bytes(kept[state.layer], state.bytes);
    }
    rolled[tree.parent(id)] = add_bytes(rolled[tree.parent(id)], rolled[id]);
  }
  // A visible hardlink whose target's file from its own layer is gone keeps that file's bytes
  // (counted once however many names still point at it).
  for (std::size_t index = 0; index < image.layers.size(); ++index) {
    std::unordered_set<PathTree::Id> kept_targets;
    for (const auto& link : image.layers[index].summary->links) {
      const auto& here = fs[link.node];
      const auto& target = fs[link.target];
      if (here.layer != index || here.kind != EntryKind::hardlink || link.bytes == 0 ||
          (target.layer == index && target.kind == EntryKind::file)) {
        continue;
      }
      if (!kept_targets.insert(link.target).second) {
        continue;
      }
      kept[index] = add_bytes(kept[index], link.bytes);
      for (auto id = link.node; id != PathTree::none; id = tree.parent(id)) {
        rolled[id] = add_bytes(rolled[id], link.bytes);
      }
    }
  }
  report.visible_bytes = rolled[PathTree::root];
  report.wasted_bytes = less(report.total_bytes, report.visible_bytes);
  report.efficiency = report.total_bytes == 0 ? 1.0
                                              : static_cast<double>(report.visible_bytes) /
                                                    static_cast<double>(report.total_bytes);
  for (std::size_t i = 0; i < report.layers.size(); ++i) {
    report.layers[i].wasted_bytes = less(report.layers[i].bytes, kept[i]);
  }
  sum_user_waste(report);

  std::vector<PathTree::Id> candidates;
  for (PathTree::Id id = 1; id < tree.size(); ++id) {
    if (fs[id].layer != hidden_layer && rolled[id] > 0) {
      candidates.push_back(id);
    }
  }
  const auto by_size = [&](PathTree::Id a, PathTree::Id b) {
    return rolled[a] != rolled[b] ? rolled[a] > rolled[b] : a < b;
  };
  const auto top = std::min(options.top_paths, candidates.size());
  std::partial_sort(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(top),
                    candidates.end(), by_size);
  for (std::size_t i = 0; i < top; ++i) {
    report.largest_paths.push_back({tree.path(candidates[i]), rolled[candidates[i]]});
  }
  std::stable_sort(report.largest_paths.begin(), report.largest_paths.end(),
                   [](const PathSize& a, const PathSize& b) {
                     return a.bytes != b.bytes ? a.bytes > b.bytes : a.path < b.path;
                   });

  std::size_t budget = options.tree_nodes;
  report.tree =
      build_tree(tree, fs, rolled, PathTree::root, report.visible_bytes / 1000, budget, 0);
  return report;
}

void apply_base(SizeReport& report, const Image& base) {
  std::size_t shared = 0;
  while (shared < report.layers.size() && shared < base.layers.size()) {
    const auto& mine = report.layers[shared];
    const auto& theirs = base.layers[shared];
    const bool same =
        (!mine.diff_id.empty() && mine.diff_id == theirs.diff_id) || mine.digest == theirs.digest;
    if (!same) {
      break;
    }
    ++shared;
  }
  report.has_base = true;
  report.base_layers = shared;
  report.base_bytes = 0;
  for (std::size_t i = 0; i < report.layers.size(); ++i) {
    report.layers[i].base = i < shared;
    if (i < shared) {
      report.base_bytes = add_bytes(report.base_bytes, report.layers[i].bytes);
    }
  }
  report.added_bytes = less(report.total_bytes, report.base_bytes);
  sum_user_waste(report);
}

}  // namespace hubtel::inspect
