// The merged filesystem: layers applied in order over the image's interned paths.
#include "inspect/merged.hpp"

namespace hubtel::inspect {
namespace {

class MergedFs {
 public:
  explicit MergedFs(const PathTree& tree) : tree_(tree), state_(tree.size()) {
    state_[PathTree::root].layer = 0;
  }

  [[nodiscard]] const Visible& at(PathTree::Id id) const { return state_[id]; }
  std::vector<Visible> release() { return std::move(state_); }

  // A visible path's descendants are visible only through it, so hiding stops at hidden nodes.
  void hide_below(PathTree::Id id) {
    stack_.clear();
    for (auto child = tree_.first_child(id); child != PathTree::none;
         child = tree_.next_sibling(child)) {
      if (state_[child].layer != hidden_layer) {
        stack_.push_back(child);
      }
    }
    while (!stack_.empty()) {
      const auto node = stack_.back();
      stack_.pop_back();
      state_[node].layer = hidden_layer;
      for (auto child = tree_.first_child(node); child != PathTree::none;
           child = tree_.next_sibling(child)) {
        if (state_[child].layer != hidden_layer) {
          stack_.push_back(child);
        }
      }
    }
  }

  void hide(PathTree::Id id) {
    if (id == PathTree::root || state_[id].layer == hidden_layer) {
      return;
    }
    hide_below(id);
    state_[id].layer = hidden_layer;
  }

  void add(PathTree::Id id, std::uint32_t layer, const LayerEntry& entry) {
    auto& here = state_[id];
    if (here.layer != hidden_layer && here.kind == EntryKind::directory) {
      if (entry.kind == EntryKind::directory) {
        return;  // a directory restated keeps what lower layers put in it
      }
      hide_below(id);
    }
    here = {entry.bytes, layer, entry.kind};
    for (auto parent = tree_.parent(id); parent != PathTree::none; parent = tree_.parent(parent)) {
      auto& above = state_[parent];
      if (above.layer != hidden_layer && above.kind == EntryKind::directory) {
        break;
      }
      above = {0, layer, EntryKind::directory};
    }
  }

 private:
  const PathTree& tree_;
  std::vector<Visible> state_;
  std::vector<PathTree::Id> stack_;
};

}  // namespace

std::vector<Visible> merge_layers(const Image& image) {
  MergedFs fs(image.paths);
  for (std::size_t index = 0; index < image.layers.size(); ++index) {
    const auto& layer = image.layers[index];
    const auto number = static_cast<std::uint32_t>(index);
    for (const auto& entry : layer.summary->entries) {
      if (entry.kind == EntryKind::whiteout) {
        fs.hide(entry.node);
      } else if (entry.kind == EntryKind::opaque) {
        if (fs.at(entry.node).layer != hidden_layer &&
            fs.at(entry.node).kind == EntryKind::directory) {
          fs.hide_below(entry.node);
        }
      }
    }
    for (const auto& entry : layer.summary->entries) {
      if (entry.kind != EntryKind::whiteout && entry.kind != EntryKind::opaque) {
        fs.add(entry.node, number, entry);
      }
    }
  }
  return fs.release();
}

}  // namespace hubtel::inspect
