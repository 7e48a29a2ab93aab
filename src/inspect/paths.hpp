// Interned paths of an image: one node per path component, shared by every layer's entry list.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hubtel::inspect {

// A tree of path components. A node is a path ("/usr/lib"); its id is stable and a parent's id is
// always lower than its children's, so one backward pass rolls sizes up to the root. About 40
// bytes a path plus its component's characters.
class PathTree {
 public:
  using Id = std::uint32_t;
  static constexpr Id root = 0;
  static constexpr Id none = UINT32_MAX;

  PathTree();

  // The node for `name` below `parent`, created when it is new.
  Id child(Id parent, std::string_view name);
  // The node for `name` below `parent`, or none.
  [[nodiscard]] Id find(Id parent, std::string_view name) const;

  [[nodiscard]] std::size_t size() const { return nodes_.size(); }
  [[nodiscard]] Id parent(Id id) const { return nodes_[id].parent; }
  [[nodiscard]] Id first_child(Id id) const { return nodes_[id].first_child; }
  [[nodiscard]] Id next_sibling(Id id) const { return nodes_[id].next_sibling; }
  [[nodiscard]] std::string_view name(Id id) const {
    return std::string_view(names_).substr(nodes_[id].name_offset, nodes_[id].name_length);
  }
  // "/" for the root, else "/a/b".
  [[nodiscard]] std::string path(Id id) const;

 private:
  struct Node {
    Id parent;
    Id first_child;
    Id next_sibling;
    std::uint32_t name_offset;
    std::uint32_t name_length;
  };
  [[nodiscard]] std::size_t slot_of(Id parent, std::string_view name) const;
  void grow();

  std::vector<Node> nodes_;
  std::string names_;
  std::vector<Id> slots_;  // open addressing over (parent, name); none marks a free slot
};

// Calls visit(component) for each '/'-separated component of path, empty ones included (a hand
// loop: clang 14 cannot compile libstdc++ 12's views::split).
template <typename Visit>
void for_each_component(std::string_view path, Visit&& visit) {
  for (;;) {
    const auto slash = path.find('/');
    visit(path.substr(0, slash));
    if (slash == std::string_view::npos) {
      return;
    }
    path.remove_prefix(slash + 1);
  }
}

}  // namespace hubtel::inspect
