// The interned path tree.
#include "inspect/paths.hpp"

#include "common/error.hpp"

#include <functional>

namespace hubtel::inspect {

PathTree::PathTree() : slots_(1024, none) {
  nodes_.push_back({none, none, none, 0, 0});
}

std::size_t PathTree::slot_of(Id parent, std::string_view name) const {
  const std::size_t mask = slots_.size() - 1;
  std::size_t slot =
      (std::hash<std::string_view>{}(name) ^ (std::size_t{parent} * 0x9E3779B97F4A7C15ULL)) & mask;
  while (slots_[slot] != none) {
    const auto& node = nodes_[slots_[slot]];
    if (node.parent == parent && this->name(slots_[slot]) == name) {
      break;
    }
    slot = (slot + 1) & mask;
  }
  return slot;
}

PathTree::Id PathTree::find(Id parent, std::string_view name) const {
  return slots_[slot_of(parent, name)];
}

PathTree::Id PathTree::child(Id parent, std::string_view name) {
  auto slot = slot_of(parent, name);
  if (slots_[slot] != none) {
    return slots_[slot];
  }
  if (nodes_.size() >= none - 1 || names_.size() + name.size() >= UINT32_MAX) {
    throw Error("too many paths in the image");
  }
  const auto id = static_cast<Id>(nodes_.size());
  nodes_.push_back({parent, none, nodes_[parent].first_child,
                    static_cast<std::uint32_t>(names_.size()),
                    static_cast<std::uint32_t>(name.size())});
  names_.append(name);
  nodes_[parent].first_child = id;
  slots_[slot] = id;
  if (nodes_.size() * 2 > slots_.size()) {
    grow();
  }
  return id;
}

void PathTree::grow() {
  std::vector<Id> old(slots_.size() * 2, none);
  old.swap(slots_);
  for (Id id = 1; id < nodes_.size(); ++id) {
    slots_[slot_of(nodes_[id].parent, name(id))] = id;
  }
}

std::string PathTree::path(Id id) const {
  if (id == root) {
    return "/";
  }
  std::vector<Id> chain;
  for (Id at = id; at != root; at = nodes_[at].parent) {
    chain.push_back(at);
  }
  std::string out;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    out += '/';
    out += name(*it);
  }
  return out;
}

}  // namespace hubtel::inspect
