// The comparison of two images: layers matched by content, then the merged filesystems walked side
// by side in name order.
#include "inspect/compare.hpp"

#include "inspect/merged.hpp"

#include <algorithm>
#include <limits>
#include <queue>
#include <string_view>
#include <unordered_map>

namespace hubtel::inspect {
namespace {

void count(ChangeTotals& totals, std::uint64_t before, std::uint64_t after) {
  totals.files = add_bytes(totals.files, 1);
  totals.bytes_before = add_bytes(totals.bytes_before, before);
  totals.bytes_after = add_bytes(totals.bytes_after, after);
}

std::uint64_t layer_total(const Image& image) {
  std::uint64_t total = 0;
  for (const auto& layer : image.layers) {
    total = add_bytes(total, layer.summary->bytes);
  }
  return total;
}

// For each of the image's layers, the index of the other's layer with the same content, or
// npos: the same diff_id first (a save and a registry store one layer under different digests),
// then the same digest for layers without one. Each of the other's layers matches once.
std::vector<std::size_t> match_layers(const Image& image, const Image& other) {
  constexpr auto npos = std::numeric_limits<std::size_t>::max();
  std::vector<std::size_t> match(image.layers.size(), npos);
  std::vector<bool> taken(other.layers.size(), false);
  const auto pass = [&](auto key_of) {
    std::unordered_map<std::string, std::vector<std::size_t>> by_key;
    for (std::size_t j = other.layers.size(); j-- > 0;) {
      if (!taken[j] && !key_of(other.layers[j]).empty()) {
        by_key[key_of(other.layers[j])].push_back(j);  // reversed: back() is the first
      }
    }
    for (std::size_t i = 0; i < image.layers.size(); ++i) {
      if (match[i] != npos || key_of(image.layers[i]).empty()) {
        continue;
      }
      const auto found = by_key.find(key_of(image.layers[i]));
      if (found != by_key.end() && !found->second.empty()) {
        match[i] = found->second.back();
        taken[match[i]] = true;
        found->second.pop_back();
      }
    }
  };
  pass([](const ImageLayer& layer) -> const std::string& { return layer.diff_id; });
  pass([](const ImageLayer& layer) -> const std::string& { return layer.digest; });
  return match;
}

struct Side {
  const PathTree& tree;
  std::vector<Visible> fs;

  [[nodiscard]] bool shown(PathTree::Id id) const {
    return id != PathTree::none && fs[id].layer != hidden_layer;
  }
  [[nodiscard]] bool file(PathTree::Id id) const {
    return shown(id) && (fs[id].kind == EntryKind::file || fs[id].kind == EntryKind::hardlink);
  }
  [[nodiscard]] bool directory(PathTree::Id id) const {
    return shown(id) && fs[id].kind == EntryKind::directory;
  }
  // The visible children of a directory, in name order.
  [[nodiscard]] std::vector<PathTree::Id> children(PathTree::Id id) const {
    std::vector<PathTree::Id> out;
    if (!directory(id)) {
      return out;
    }
    for (auto child = tree.first_child(id); child != PathTree::none;
         child = tree.next_sibling(child)) {
      if (shown(child)) {
        out.push_back(child);
      }
    }
    std::sort(out.begin(), out.end(),
              [&](PathTree::Id a, PathTree::Id b) { return tree.name(a) < tree.name(b); });
    return out;
  }
};

// One change found by the walk, before its path is spelled out.
struct Found {
  std::uint64_t magnitude;
  std::uint64_t order;  // in the walk, which goes in path order: ties keep the first paths
  PathTree::Id after_id;
  PathTree::Id before_id;
  std::uint64_t before;
  std::uint64_t after;
  PathChange change;
};

// Orders a heap whose top is the change the list would drop first.
struct DropFirst {
  bool operator()(const Found& a, const Found& b) const {
    return a.magnitude != b.magnitude ? a.magnitude > b.magnitude : a.order < b.order;
  }
};

}  // namespace

std::int64_t signed_delta(std::uint64_t before, std::uint64_t after) {
  constexpr auto most = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (after >= before) {
    const auto up = after - before;
    return up > most ? std::numeric_limits<std::int64_t>::max() : static_cast<std::int64_t>(up);
  }
  const auto down = before - after;
  return down > most ? std::numeric_limits<std::int64_t>::min() : -static_cast<std::int64_t>(down);
}

const char* change_name(PathChange change) {
  switch (change) {
    case PathChange::added:
      return "added";
    case PathChange::removed:
      return "removed";
    case PathChange::grown:
      return "grown";
    case PathChange::shrunk:
      return "shrunk";
  }
  return "?";
}

const char* change_name(LayerChange change) {
  switch (change) {
    case LayerChange::shared:
      return "shared";
    case LayerChange::added:
      return "added";
    case LayerChange::removed:
      return "removed";
  }
  return "?";
}

Comparison compare_images(const Image& image, const Image& other, const CompareOptions& options) {
  constexpr auto npos = std::numeric_limits<std::size_t>::max();
  Comparison result;
  result.total_bytes_before = layer_total(other);
  result.total_bytes_after = layer_total(image);

  const auto match = match_layers(image, other);
  std::vector<bool> kept(other.layers.size(), false);
  for (std::size_t i = 0; i < image.layers.size(); ++i) {
    const auto& layer = image.layers[i];
    LayerDelta row;
    row.index = i + 1;
    row.digest = layer.digest;
    row.diff_id = layer.diff_id;
    row.created_by = layer.created_by;
    row.bytes = layer.summary->bytes;
    if (match[i] != npos) {
      kept[match[i]] = true;
      row.index_before = match[i] + 1;
      count(result.layers_shared, other.layers[match[i]].summary->bytes, row.bytes);
    } else {
      row.change = LayerChange::added;
      count(result.layers_added, 0, row.bytes);
    }
    result.layers.push_back(std::move(row));
  }
  for (std::size_t j = 0; j < other.layers.size(); ++j) {
    if (kept[j]) {
      continue;
    }
    const auto& layer = other.layers[j];
    LayerDelta row;
    row.change = LayerChange::removed;
    row.index_before = j + 1;
    row.digest = layer.digest;
    row.diff_id = layer.diff_id;
    row.created_by = layer.created_by;
    row.bytes = layer.summary->bytes;
    count(result.layers_removed, row.bytes, 0);
    result.layers.push_back(std::move(row));
  }

  const Side after{image.paths, merge_layers(image)};
  const Side before{other.paths, merge_layers(other)};
  std::priority_queue<Found, std::vector<Found>, DropFirst> largest;
  std::uint64_t order = 0;
  const auto keep = [&](Found found) {
    found.order = order++;
    if (options.top_paths == 0) {
      return;
    }
    if (largest.size() < options.top_paths) {
      largest.push(found);
    } else if (DropFirst()(found, largest.top())) {
      largest.pop();
      largest.push(found);
    }
  };

  // Depth first, each directory's children merged by name; a frame holds one directory's pairs.
  struct Frame {
    std::vector<std::pair<PathTree::Id, PathTree::Id>> pairs;  // (after, before), none if absent
    std::size_t next = 0;
  };
  const auto frame_of = [&](PathTree::Id after_dir, PathTree::Id before_dir) {
    const auto mine = after.children(after_dir);
    const auto theirs = before.children(before_dir);
    Frame frame;
    frame.pairs.reserve(std::max(mine.size(), theirs.size()));
    std::size_t i = 0;
    std::size_t j = 0;
    while (i < mine.size() || j < theirs.size()) {
      if (j == theirs.size() ||
          (i < mine.size() && after.tree.name(mine[i]) < before.tree.name(theirs[j]))) {
        frame.pairs.emplace_back(mine[i++], PathTree::none);
      } else if (i == mine.size() || before.tree.name(theirs[j]) < after.tree.name(mine[i])) {
        frame.pairs.emplace_back(PathTree::none, theirs[j++]);
      } else {
        frame.pairs.emplace_back(mine[i++], theirs[j++]);
      }
    }
    return frame;
  };
  std::vector<Frame> stack;
  stack.push_back(frame_of(PathTree::root, PathTree::root));
  while (!stack.empty()) {
    auto& frame = stack.back();
    if (frame.next == frame.pairs.size()) {
      stack.pop_back();
      continue;
    }
    const auto [mine, theirs] = frame.pairs[frame.next++];
    const bool file_after = after.file(mine);
    const bool file_before = before.file(theirs);
    if (file_after && file_before) {
      const auto bytes_after = after.fs[mine].bytes;
      const auto bytes_before = before.fs[theirs].bytes;
      if (bytes_after == bytes_before) {
        const auto layer = after.fs[mine].layer;
        const bool same_layer = match[layer] != npos && match[layer] == before.fs[theirs].layer;
        count(same_layer ? result.unchanged : result.rewritten, bytes_before, bytes_after);
        continue;
      }
      count(result.changed, bytes_before, bytes_after);
      const bool grew = bytes_after > bytes_before;
      keep({grew ? bytes_after - bytes_before : bytes_before - bytes_after, 0, mine, theirs,
            bytes_before, bytes_after, grew ? PathChange::grown : PathChange::shrunk});
      continue;
    }
    if (file_after) {
      count(result.added, 0, after.fs[mine].bytes);
      keep({after.fs[mine].bytes, 0, mine, PathTree::none, 0, after.fs[mine].bytes,
            PathChange::added});
    }
    if (file_before) {
      count(result.removed, before.fs[theirs].bytes, 0);
      keep({before.fs[theirs].bytes, 0, PathTree::none, theirs, before.fs[theirs].bytes, 0,
            PathChange::removed});
    }
    const auto dir_after = after.directory(mine) ? mine : PathTree::none;
    const auto dir_before = before.directory(theirs) ? theirs : PathTree::none;
    if (dir_after != PathTree::none || dir_before != PathTree::none) {
      stack.push_back(frame_of(dir_after, dir_before));  // invalidates `frame`
    }
  }

  std::vector<Found> kept_changes;
  kept_changes.reserve(largest.size());
  while (!largest.empty()) {
    kept_changes.push_back(largest.top());
    largest.pop();
  }
  std::reverse(kept_changes.begin(), kept_changes.end());
  for (const auto& found : kept_changes) {
    result.paths.push_back({found.after_id != PathTree::none ? after.tree.path(found.after_id)
                                                             : before.tree.path(found.before_id),
                            found.before, found.after, found.change});
  }
  std::stable_sort(
      result.paths.begin(), result.paths.end(), [](const PathDelta& a, const PathDelta& b) {
        const auto size_a =
            std::max(a.bytes_before, a.bytes_after) - std::min(a.bytes_before, a.bytes_after);
        const auto size_b =
            std::max(b.bytes_before, b.bytes_after) - std::min(b.bytes_before, b.bytes_after);
        return size_a != size_b ? size_a > size_b : a.path < b.path;
      });
  return result;
}

}  // namespace hubtel::inspect
