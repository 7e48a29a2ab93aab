// The tar header walk of plain layers read by offset against libarchive's reading of the same
// tars: the same summary and the same interned paths, or nothing (left to libarchive), in every
// tar format libarchive writes, with every kind of member, long and unusual names, and damage.
#include "common/error.hpp"
#include "inspect/fixtures.hpp"
#include "inspect/layer.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace hubtel::inspect {
namespace {

using test::StringSource;

class StringRandom : public RandomSource {
 public:
  explicit StringRandom(std::string bytes) : bytes_(std::move(bytes)) {}
  [[nodiscard]] std::uint64_t size() const override { return bytes_.size(); }
  std::size_t read_at(std::uint64_t offset, char* into, std::size_t want) override {
    if (offset >= bytes_.size()) {
      return 0;
    }
    const auto n = std::min<std::size_t>(want, bytes_.size() - offset);
    std::memcpy(into, bytes_.data() + offset, n);
    return n;
  }

 private:
  std::string bytes_;
};

struct Member {
  Member(std::string path_, char type_ = 'f', std::int64_t size_ = 0, std::string target_ = {})
      : path(std::move(path_)), type(type_), size(size_), target(std::move(target_)) {}
  std::string path;
  char type;  // f file, d directory, l symlink, h hardlink, c character device, p fifo
  std::int64_t size;
  std::string target;
};

// A tar of `members` in libarchive's `format` (ARCHIVE_FORMAT_TAR_*).
std::string write_tar(int format, const std::vector<Member>& members) {
  std::string out;
  std::unique_ptr<struct archive, int (*)(struct archive*)> archive(archive_write_new(),
                                                                    archive_write_free);
  archive_write_set_format(archive.get(), format);
  archive_write_set_bytes_per_block(archive.get(), 10240);
  archive_write_open(
      archive.get(), &out, nullptr,
      [](struct archive*, void* data, const void* buffer, std::size_t length) -> la_ssize_t {
        static_cast<std::string*>(data)->append(static_cast<const char*>(buffer), length);
        return static_cast<la_ssize_t>(length);
      },
      nullptr);
  for (const auto& member : members) {
    std::unique_ptr<archive_entry, void (*)(archive_entry*)> entry(archive_entry_new(),
                                                                   archive_entry_free);
    archive_entry_set_pathname(entry.get(), member.path.c_str());
    archive_entry_set_perm(entry.get(), 0644);
    archive_entry_set_mtime(entry.get(), 1700000000, 0);
    switch (member.type) {
      case 'd':
        archive_entry_set_filetype(entry.get(), AE_IFDIR);
        break;
      case 'l':
        archive_entry_set_filetype(entry.get(), AE_IFLNK);
        archive_entry_set_symlink(entry.get(), member.target.c_str());
        break;
      case 'h':
        archive_entry_set_filetype(entry.get(), AE_IFREG);
        archive_entry_set_hardlink(entry.get(), member.target.c_str());
        break;
      case 'c':
        archive_entry_set_filetype(entry.get(), AE_IFCHR);
        archive_entry_set_rdev(entry.get(), 0x0105);
        break;
      case 'p':
        archive_entry_set_filetype(entry.get(), AE_IFIFO);
        break;
      default:
        archive_entry_set_filetype(entry.get(), AE_IFREG);
        archive_entry_set_size(entry.get(), member.size);
    }
    EXPECT_GE(archive_write_header(archive.get(), entry.get()), ARCHIVE_WARN)
        << member.path << ": " << archive_error_string(archive.get());
    if (member.type == 'f') {
      const std::string data(static_cast<std::size_t>(member.size), 'x');
      archive_write_data(archive.get(), data.data(), data.size());
    }
  }
  archive_write_close(archive.get());
  return out;
}

struct Read {
  std::optional<LayerSummary> summary;
  std::vector<std::string> paths;  // the tree's nodes, by id
  std::string error;
};

Read read_plain(const std::string& tar) {
  PathTree tree;
  EntryBudget budget;
  StringRandom source(tar);
  Read out;
  try {
    out.summary = summarise_plain_layer(source, tree, budget, "layer");
  } catch (const Error& e) {
    out.error = e.what();
  }
  for (PathTree::Id id = 0; id < tree.size(); ++id) {
    out.paths.push_back(tree.path(id));
  }
  return out;
}

Read read_libarchive(const std::string& tar) {
  PathTree tree;
  EntryBudget budget;
  StringSource source(tar);
  Read out;
  try {
    out.summary = summarise_layer(source, tree, budget, "layer");
  } catch (const Error& e) {
    out.error = e.what();
  }
  for (PathTree::Id id = 0; id < tree.size(); ++id) {
    out.paths.push_back(tree.path(id));
  }
  return out;
}

void expect_same(const LayerSummary& a, const LayerSummary& b) {
  ASSERT_EQ(a.entries.size(), b.entries.size());
  for (std::size_t i = 0; i < a.entries.size(); ++i) {
    EXPECT_EQ(a.entries[i].bytes, b.entries[i].bytes) << i;
    EXPECT_EQ(a.entries[i].node, b.entries[i].node) << i;
    EXPECT_EQ(a.entries[i].kind, b.entries[i].kind) << i;
  }
  ASSERT_EQ(a.links.size(), b.links.size());
  for (std::size_t i = 0; i < a.links.size(); ++i) {
    EXPECT_EQ(a.links[i].node, b.links[i].node) << i;
    EXPECT_EQ(a.links[i].target, b.links[i].target) << i;
    EXPECT_EQ(a.links[i].bytes, b.links[i].bytes) << i;
  }
  EXPECT_EQ(a.bytes, b.bytes);
  EXPECT_EQ(a.files, b.files);
}

// The walk reads `tar` as libarchive does, or leaves it to libarchive; says which.
bool walked_as_libarchive(const std::string& tar, const std::string& what) {
  SCOPED_TRACE(what);
  const auto plain = read_plain(tar);
  const auto reference = read_libarchive(tar);
  if (!plain.error.empty()) {
    EXPECT_EQ(plain.error, reference.error);
    return true;
  }
  if (!plain.summary) {
    return false;
  }
  EXPECT_TRUE(reference.summary) << reference.error;
  if (reference.summary) {
    expect_same(*plain.summary, *reference.summary);
  }
  EXPECT_EQ(plain.paths, reference.paths);
  return true;
}

const std::vector<Member> kMembers = {
    {"./", 'd'},
    {"./usr/", 'd'},
    {"./usr/bin/tool", 'f', 12345},
    {"./usr/bin/empty", 'f', 0},
    {"./usr/bin/link", 'l', 0, "tool"},
    {"./usr/bin/hard", 'h', 0, "./usr/bin/tool"},
    {"usr/lib/" + std::string(120, 'n') + "/lib.so", 'f', 700},
    {std::string(90, 'a') + "/" + std::string(90, 'b') + "/" + std::string(90, 'c'), 'f', 3},
    {"dev/null", 'c'},
    {"run/fifo", 'p'},
    {"etc/.wh.removed", 'f', 0},
    {"var/.wh..wh..opq", 'f', 0},
    {".wh..wh.plnk", 'd'},
    {"opt/big", 'f', 1 << 20},
    {"opt/tail", 'f', 513},
};

TEST(PlainLayerWalk, ReadsEveryFormatAsLibarchiveDoes) {
  for (const auto& [format, name] : std::vector<std::pair<int, std::string>>{
           {ARCHIVE_FORMAT_TAR_USTAR, "ustar"},
           {ARCHIVE_FORMAT_TAR_PAX_INTERCHANGE, "pax"},
           {ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, "pax restricted"},
           {ARCHIVE_FORMAT_TAR_GNUTAR, "gnutar"}}) {
    auto members = kMembers;
    if (format == ARCHIVE_FORMAT_TAR_USTAR) {
      // ustar has no room for long names.
      members.erase(std::remove_if(members.begin(), members.end(),
                                   [](const Member& m) { return m.path.size() > 100; }),
                    members.end());
    }
    EXPECT_TRUE(walked_as_libarchive(write_tar(format, members), name))
        << name << ": left to libarchive";
  }
}

TEST(PlainLayerWalk, LeavesTheUnusualToLibarchive) {
  const auto pax = ARCHIVE_FORMAT_TAR_PAX_INTERCHANGE;
  // Names that are not ASCII, an old v7 tar, an empty tar, a name that looks like a compressed
  // stream's signature: each read as libarchive reads it, by libarchive.
  EXPECT_FALSE(walked_as_libarchive(write_tar(pax, {{"caf\xc3\xa9", 'f', 10}}), "utf-8 name"));
  auto v7 = write_tar(ARCHIVE_FORMAT_TAR_USTAR, {{"a", 'f', 10}});
  std::memset(v7.data() + 257, 0, 500 - 257);  // no magic, no ustar fields
  std::memset(v7.data() + 148, ' ', 8);
  unsigned sum = 0;
  for (std::size_t i = 0; i < 512; ++i) {
    sum += static_cast<unsigned char>(v7[i]);
  }
  std::snprintf(v7.data() + 148, 8, "%06o", sum);
  EXPECT_FALSE(walked_as_libarchive(v7, "v7"));
  EXPECT_TRUE(read_libarchive(v7).summary);
  EXPECT_FALSE(walked_as_libarchive(std::string(10240, '\0'), "empty"));
  EXPECT_FALSE(walked_as_libarchive(std::string(), "no bytes"));
  EXPECT_FALSE(walked_as_libarchive(write_tar(pax, {{"begin 644 x", 'f', 10}}), "uuencode-like"));
}

TEST(PlainLayerWalk, DamageIsLeftToLibarchive) {
  const auto tar = write_tar(ARCHIVE_FORMAT_TAR_GNUTAR, kMembers);
  // Every cut and every flipped byte of the first headers: the walk agrees or steps aside.
  for (std::size_t cut = 0; cut<tar.size(); cut += tar.size()> 40000 && cut > 4096 ? 4099 : 97) {
    walked_as_libarchive(tar.substr(0, cut), "cut at " + std::to_string(cut));
  }
  for (std::size_t at = 0; at < 3072; at += 7) {
    auto damaged = tar;
    damaged[at] = static_cast<char>(damaged[at] ^ 0x5a);
    walked_as_libarchive(damaged, "byte " + std::to_string(at));
  }
}

TEST(PlainLayerWalk, EntryErrorsAreLibarchives) {
  const auto pax = ARCHIVE_FORMAT_TAR_PAX_INTERCHANGE;
  for (const auto& members :
       std::vector<std::vector<Member>>{{{"a/../../etc/passwd", 'f', 1}},
                                        {{"ok", 'f', 1}, {std::string(300, 'x'), 'f', 1}},
                                        {{"dir/.wh.", 'f', 0}}}) {
    const auto tar = write_tar(pax, members);
    const auto plain = read_plain(tar);
    const auto reference = read_libarchive(tar);
    EXPECT_FALSE(plain.error.empty());
    EXPECT_EQ(plain.error, reference.error);
  }
  // Too many entries: the same error, the budget counted once.
  std::vector<Member> many;
  for (int i = 0; i < 50; ++i) {
    many.push_back({"f" + std::to_string(i), 'f', 1});
  }
  const auto tar = write_tar(pax, many);
  PathTree tree;
  EntryBudget budget{20, 0};
  StringRandom source(tar);
  EXPECT_THROW(summarise_plain_layer(source, tree, budget, "layer"), Error);
}

}  // namespace
}  // namespace hubtel::inspect
