// Layer tars summarised through libarchive.
#include "inspect/layer.hpp"

#include "common/error.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fmt/format.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <unordered_map>

namespace hubtel::inspect {

std::string_view HashingSource::next() {
  const auto chunk = inner_.next();
  if (hash_) {
    sha_.update(chunk);
  }
  bytes_ += chunk.size();
  return chunk;
}

std::uint64_t HashingSource::skip(std::uint64_t bytes) {
  if (hash_) {
    return 0;
  }
  const auto skipped = inner_.skip(bytes);
  bytes_ += skipped;
  return skipped;
}

void HashingSource::drain() {
  while (!next().empty()) {
  }
}

namespace {

struct ReadContext {
  ByteSource* source;
  std::exception_ptr failure;
};

la_ssize_t read_callback(struct archive* /*archive*/, void* data, const void** buffer) {
  auto* context = static_cast<ReadContext*>(data);
  try {
    const auto chunk = context->source->next();
    *buffer = chunk.data();
    return static_cast<la_ssize_t>(chunk.size());
  } catch (...) {
    context->failure = std::current_exception();
    return ARCHIVE_FATAL;
  }
}

// Lets the tar reader pass over file contents, which the summary never reads, when the source can
// seek (a plain layer in a file, not hashed).
la_int64_t skip_callback(struct archive* /*archive*/, void* data, la_int64_t request) {
  auto* context = static_cast<ReadContext*>(data);
  try {
    return request <= 0 ? 0
                        : static_cast<la_int64_t>(
                              context->source->skip(static_cast<std::uint64_t>(request)));
  } catch (...) {
    context->failure = std::current_exception();
    return ARCHIVE_FATAL;
  }
}

using ArchivePtr = std::unique_ptr<struct archive, int (*)(struct archive*)>;

std::string hex_of(const unsigned char* bytes, unsigned int length) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(length * 2U);
  for (unsigned int i = 0; i < length; ++i) {
    out.push_back(digits[bytes[i] >> 4U]);
    out.push_back(digits[bytes[i] & 15U]);
  }
  return out;
}

// What read_content keeps of one file in memory at most: package databases (an rpm database is
// tens of MiB) and Python METADATA are far smaller.
constexpr std::uint64_t max_kept_bytes = std::uint64_t{256} << 20U;
// The holes of sparse files read_content hashes as zeros, at most.
constexpr std::uint64_t max_hole_bytes = std::uint64_t{4} << 30U;

// Reads the current member's data (`bytes` long, as its header says) as `request` asks: hashed,
// kept, or both. The holes of a sparse member read as the zeros they unpack to.
FileContent read_content(struct archive* archive, const ReadContext& context, PathTree::Id node,
                         const ContentRequest& request, std::string_view label,
                         std::string_view path, std::uint64_t bytes) {
  using Context = std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)>;
  Context sha256(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  Context sha1(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (request.hash &&
      (!sha256 || !sha1 || EVP_DigestInit_ex(sha256.get(), EVP_sha256(), nullptr) != 1 ||
       EVP_DigestInit_ex(sha1.get(), EVP_sha1(), nullptr) != 1)) {
    throw Error("OpenSSL cannot compute SHA-256 and SHA-1 here");
  }
  FileContent content{node, {}, {}, std::nullopt};
  std::string kept;
  std::uint64_t position = 0;
  const auto feed = [&](const void* data, std::size_t length) {
    if (request.hash) {
      EVP_DigestUpdate(sha256.get(), data, length);
      EVP_DigestUpdate(sha1.get(), data, length);
    }
    if (request.keep) {
      if (length > max_kept_bytes - kept.size()) {
        throw Error(fmt::format(
            "{}: '{}' holds more than the {} MiB an SBOM reads of a package database or "
            "metadata file; is it one?",
            label, path, max_kept_bytes >> 20U));
      }
      kept.append(static_cast<const char*>(data), length);
    }
    position += length;
  };
  // Zeros up to `offset`: a sparse member's hole (bounded by the member's size, and in all to
  // what hashing takes seconds for, not hours).
  std::uint64_t filled = 0;
  const auto fill_to = [&](std::uint64_t offset) {
    static const std::array<char, 65536> zeros{};
    offset = std::min(offset, std::max(bytes, position));
    filled += offset > position ? offset - position : 0;
    if (filled > max_hole_bytes) {
      throw Error(fmt::format(
          "{}: '{}' is a sparse file with more than {} GiB of holes, which an SBOM would hash as "
          "the zeros they unpack to; leave such a file out of the image",
          label, path, max_hole_bytes >> 30U));
    }
    while (position < offset) {
      feed(zeros.data(),
           static_cast<std::size_t>(std::min<std::uint64_t>(zeros.size(), offset - position)));
    }
  };
  for (;;) {
    const void* buffer = nullptr;
    std::size_t length = 0;
    la_int64_t offset = 0;
    const int code = archive_read_data_block(archive, &buffer, &length, &offset);
    if (code == ARCHIVE_EOF) {
      break;
    }
    if (code < ARCHIVE_WARN) {
      if (context.failure) {
        std::rethrow_exception(context.failure);  // the source's own error (a short read, ...)
      }
      const char* what = archive_error_string(archive);
      throw Error(fmt::format("{}: cannot read '{}' ({})", label, path,
                              what != nullptr ? what : "corrupt layer"));
    }
    if (offset > 0) {
      fill_to(static_cast<std::uint64_t>(offset));
    }
    feed(buffer, length);
  }
  fill_to(bytes);
  if (request.hash) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestFinal_ex(sha256.get(), digest, &length);
    content.sha256 = hex_of(digest, length);
    EVP_DigestFinal_ex(sha1.get(), digest, &length);
    content.sha1 = hex_of(digest, length);
  }
  if (request.keep) {
    content.text = std::move(kept);
  }
  return content;
}

// Linux's NAME_MAX: no filesystem an image unpacks into holds a longer file name.
constexpr std::size_t max_name_bytes = 255;

// The node of a tar member's path (below `from`, the root unless told, when `path` is the rest of
// `shown`); "." and empty components vanish, ".." is refused so no entry can name a path outside
// the image's root.
PathTree::Id intern(PathTree& tree, std::string_view path, std::string_view label,
                    PathTree::Id from = PathTree::root, std::string_view shown = {}) {
  if (shown.empty()) {
    shown = path;
  }
  PathTree::Id node = from;
  for_each_component(path, [&](std::string_view part) {
    if (part == "..") {
      throw Error(
          fmt::format("{}: the path '{}' climbs out of the image root with '..'", label, shown));
    }
    if (part.size() > max_name_bytes) {
      throw Error(fmt::format("{}: a path has a component of {} bytes; a file name has at most {}",
                              label, part.size(), max_name_bytes));
    }
    if (!part.empty() && part != ".") {
      node = tree.child(node, part);
    }
  });
  return node;
}

}  // namespace

namespace {

// A whiteout member (.wh.<name>, .wh..wh..opq, aufs bookkeeping), by the base name of its path.
bool is_whiteout(std::string_view path) {
  while (!path.empty() && path.back() == '/') {
    path.remove_suffix(1);
  }
  const auto slash = path.rfind('/');
  return path.substr(slash == std::string_view::npos ? 0 : slash + 1).starts_with(".wh.");
}

// Turns a layer's tar members into its summary, one at a time, whoever parsed their headers.
class Collector {
 public:
  Collector(PathTree& tree, EntryBudget& budget, std::string_view label)
      : tree_(tree), budget_(budget), label_(label) {}

  // One member: its path, its hardlink target (nullopt when it is no hardlink), its type (AE_IF*)
  // and its size as the header gives it.
  // Returns the member's node (for a whiteout, the node it hides; none for aufs bookkeeping).
  PathTree::Id add(std::string_view path, std::optional<std::string_view> link, unsigned type,
                   std::int64_t size) {
    // Entries and the paths they create both count: a deep path creates a node per component.
    if (++budget_.used > budget_.max_entries || tree_.size() > budget_.max_entries) {
      throw Error(fmt::format(
          "{}: more than {} entries in the image's layers (a tar bomb?); raise --max-paths to "
          "read it",
          label_, budget_.max_entries));
    }
    while (!path.empty() && path.back() == '/') {
      path.remove_suffix(1);
    }
    const auto slash = path.rfind('/');
    const auto base = slash == std::string_view::npos ? path : path.substr(slash + 1);
    const auto dir = slash == std::string_view::npos ? std::string_view() : path.substr(0, slash);

    LayerEntry item{0, PathTree::root, EntryKind::other};
    if (base.starts_with(".wh.")) {
      if (base == ".wh..wh..opq") {
        item = {0, intern(tree_, dir, label_), EntryKind::opaque};
      } else if (base.starts_with(".wh..wh.")) {
        return PathTree::none;  // aufs bookkeeping (.wh..wh.plnk, ...), not in the filesystem
      } else {
        auto node = intern(tree_, dir, label_);
        const auto hidden = base.substr(4);
        if (hidden == "." || hidden == ".." || hidden.empty()) {
          throw Error(fmt::format("{}: the whiteout '{}' names no file", label_, path));
        }
        item = {0, tree_.child(node, hidden), EntryKind::whiteout};
      }
    } else {
      item.node = intern_path(path);
      if (link) {
        item.kind = EntryKind::hardlink;
        if (file_sizes_.empty()) {
          for (const auto& earlier : summary_.entries) {
            if (earlier.kind == EntryKind::file) {
              file_sizes_[earlier.node] = earlier.bytes;
            }
          }
          file_sizes_[PathTree::none] = 0;  // marks the index as built
        }
        const auto target_node = intern(tree_, *link, label_);
        const auto found = file_sizes_.find(target_node);
        summary_.links.push_back(
            {item.node, target_node, found == file_sizes_.end() ? 0 : found->second});
      } else {
        switch (type) {
          case AE_IFREG:
            item.kind = EntryKind::file;
            item.bytes = static_cast<std::uint64_t>(std::max<std::int64_t>(0, size));
            if (!file_sizes_.empty()) {
              file_sizes_[item.node] = item.bytes;
            }
            break;
          case AE_IFDIR:
            item.kind = EntryKind::directory;
            break;
          case AE_IFLNK:
            item.kind = EntryKind::symlink;
            break;
          default:
            item.kind = EntryKind::other;
        }
      }
      if (item.node == PathTree::root && item.kind != EntryKind::directory) {
        throw Error(fmt::format("{}: the member '{}' replaces the image root", label_, path));
      }
      summary_.bytes = add_bytes(summary_.bytes, item.bytes);
      if (item.kind != EntryKind::directory) {
        ++summary_.files;
      }
    }
    summary_.entries.push_back(item);
    return item.node;
  }

  // A file's content a ContentSelector asked for, in tar order.
  void add_content(FileContent content) { summary_.contents.push_back(std::move(content)); }

  // intern(path), the nodes of its directory's components kept for the next member: a tar lists
  // a folder's members one after the other, and neighbouring folders share their parents.
  PathTree::Id intern_path(std::string_view path) {
    const auto slash = path.rfind('/');
    if (slash == std::string_view::npos) {
      return intern(tree_, path, label_);
    }
    return intern(tree_, path.substr(slash + 1), label_, intern_dir(path.substr(0, slash), path),
                  path);
  }

  // intern(dir), starting below the deepest component it shares with the last member's folder.
  PathTree::Id intern_dir(std::string_view dir, std::string_view shown) {
    if (!last_dir_valid_) {
      last_dir_.clear();
      chain_.clear();
    } else if (dir == last_dir_) {
      return chain_.empty() ? PathTree::root : chain_.back().node;
    }
    last_dir_valid_ = false;  // until the walk below has not thrown
    const auto limit = std::min(dir.size(), last_dir_.size());
    std::size_t common = 0;
    while (common < limit && dir[common] == last_dir_[common]) {
      ++common;
    }
    std::size_t kept = 0;
    for (std::size_t i = 0; i < chain_.size() && chain_[i].end <= common; ++i) {
      if (chain_[i].end == dir.size() || dir[chain_[i].end] == '/') {
        kept = i + 1;
      }
    }
    chain_.resize(kept);
    auto node = kept == 0 ? PathTree::root : chain_.back().node;
    for (auto at = kept == 0 ? 0 : chain_.back().end + 1; at <= dir.size();) {
      const auto end = std::min(dir.find('/', at), dir.size());
      node = intern(tree_, dir.substr(at, end - at), label_, node, shown);
      chain_.push_back({end, node});
      at = end + 1;
    }
    last_dir_.assign(dir);
    last_dir_valid_ = true;
    return node;
  }

  LayerSummary finish() {
    summary_.entries.shrink_to_fit();
    summary_.links.shrink_to_fit();
    summary_.contents.shrink_to_fit();
    return std::move(summary_);
  }

 private:
  PathTree& tree_;
  EntryBudget& budget_;
  std::string_view label_;
  LayerSummary summary_;
  // The last member's folder, and the node after each of its components (by where it ends).
  struct Component {
    std::size_t end;
    PathTree::Id node;
  };
  std::string last_dir_;
  std::vector<Component> chain_;
  bool last_dir_valid_ = false;
  // Sizes of this layer's files by path, built at the first hardlink (tar links point back).
  std::unordered_map<PathTree::Id, std::uint64_t> file_sizes_;
};

}  // namespace

LayerSummary summarise_layer(ByteSource& source, PathTree& tree, EntryBudget& budget,
                             std::string_view label, const ContentSelector* select) {
  ArchivePtr archive(archive_read_new(), archive_read_free);
  archive_read_support_filter_all(archive.get());
  archive_read_support_format_tar(archive.get());
  ReadContext context{&source, nullptr};
  auto fail = [&](int code) {
    if (context.failure) {
      std::rethrow_exception(context.failure);
    }
    const char* what = archive_error_string(archive.get());
    throw Error(fmt::format("{}: not a readable layer tar ({})", label,
                            what != nullptr ? what : fmt::format("libarchive code {}", code)));
  };
  if (const int code = archive_read_open2(archive.get(), &context, nullptr, read_callback,
                                          skip_callback, nullptr);
      code != ARCHIVE_OK) {
    fail(code);
  }

  Collector collector(tree, budget, label);
  struct archive_entry* entry = nullptr;
  int code = ARCHIVE_OK;
  while ((code = archive_read_next_header(archive.get(), &entry)) == ARCHIVE_OK ||
         code == ARCHIVE_WARN) {
    const char* raw = archive_entry_pathname(entry);
    if (raw == nullptr) {
      throw Error(fmt::format("{}: a member has no readable path", label));
    }
    const char* target = archive_entry_hardlink(entry);
    const auto type = archive_entry_filetype(entry);
    const auto size = archive_entry_size(entry);
    const auto node = collector.add(
        raw, target != nullptr ? std::optional<std::string_view>(target) : std::nullopt, type,
        size);
    // Whiteouts are regular files of no content that name another: never a file to read.
    if (select != nullptr && *select && target == nullptr && type == AE_IFREG &&
        node != PathTree::none && !is_whiteout(raw)) {
      std::string_view clean = raw;
      while (clean.starts_with("./") || clean.starts_with("/")) {
        clean.remove_prefix(clean.front() == '/' ? 1 : 2);
      }
      const auto bytes = static_cast<std::uint64_t>(std::max<std::int64_t>(0, size));
      if (const auto request = (*select)(clean, bytes); request.hash || request.keep) {
        collector.add_content(
            read_content(archive.get(), context, node, request, label, raw, bytes));
      }
    }
  }
  if (code != ARCHIVE_EOF) {
    fail(code);
  }
  if (context.failure) {
    std::rethrow_exception(context.failure);
  }
  return collector.finish();
}

namespace {

constexpr std::size_t tar_block = 512;
// Headers are read up to this much at a time: a header and the next ones after it. How much is read
// follows how far apart the last headers were (HeaderReader::block): a read costs about a
// microsecond plus the copy of its bytes, so where files are small (headers a few blocks apart) a
// large read holds many headers, and where they are larger the header alone is read (reading
// 64 KiB for each header of 8 KiB files copied as many bytes as the layer has, in 1.5x the time
// of reading 512).
constexpr std::size_t header_window = 64 << 10;
// GNU long names and pax headers this parser reads itself; longer ones are left to libarchive.
constexpr std::uint64_t max_special_bytes = 64 << 10;

// A NUL-terminated field of at most `size` bytes.
std::string_view field(const char* at, std::size_t size) {
  return {at, static_cast<std::size_t>(std::find(at, at + size, '\0') - at)};
}

// An octal number field as libarchive reads it (leading blanks, then digits up to anything else);
// nullopt for what this parser leaves to libarchive (base-256, a sign, more than int64).
std::optional<std::uint64_t> octal(const char* at, std::size_t size) {
  std::size_t i = 0;
  while (i < size && (at[i] == ' ' || at[i] == '\t')) {
    ++i;
  }
  if (i == 0 && size > 0 && (static_cast<unsigned char>(at[0]) & 0x80U) != 0) {
    return std::nullopt;
  }
  if (i < size && at[i] == '-') {
    return std::nullopt;
  }
  std::uint64_t value = 0;
  for (; i < size && at[i] >= '0' && at[i] <= '7'; ++i) {
    if (value > (static_cast<std::uint64_t>(INT64_MAX) >> 3U)) {
      return std::nullopt;
    }
    value = value * 8 + static_cast<std::uint64_t>(at[i] - '0');
  }
  return value;
}

// The header's checksum as POSIX defines it (unsigned bytes, the field counted as blanks).
bool checksum_matches(const char* header) {
  for (std::size_t i = 148; i < 156; ++i) {
    const char c = header[i];
    if (c != ' ' && c != '\0' && (c < '0' || c > '7')) {
      return false;
    }
  }
  const auto stored = octal(header + 148, 8);
  // Every byte, then the field's own bytes taken out for the eight blanks. The bytes are added
  // eight at a time: a word's even and odd bytes as four 16-bit lanes, which the 64 words of a
  // block cannot overflow (64 * 2 * 255 < 65536); a byte loop cost a third of the header walk.
  constexpr std::uint64_t even_bytes = 0x00FF00FF00FF00FFULL;
  std::uint64_t lanes = 0;
  for (std::size_t i = 0; i < tar_block; i += sizeof(std::uint64_t)) {
    std::uint64_t word = 0;
    std::memcpy(&word, header + i, sizeof word);
    lanes += (word & even_bytes) + ((word >> 8U) & even_bytes);
  }
  std::uint64_t sum =
      (lanes & 0xFFFFU) + ((lanes >> 16U) & 0xFFFFU) + ((lanes >> 32U) & 0xFFFFU) + (lanes >> 48U);
  const auto* bytes = reinterpret_cast<const unsigned char*>(header);
  for (std::size_t i = 148; i < 156; ++i) {
    sum -= bytes[i];
  }
  return stored && *stored == sum + 8 * ' ';
}

// Names this parser passes on: printable ASCII (libarchive converts other bytes by locale).
bool plain_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f;
  });
}

// The records of a pax extended header this parser understands: path, linkpath and size, and
// the keys that change nothing a summary holds. False for anything else.
struct PaxRecords {
  std::optional<std::string> path;
  std::optional<std::string> link;
  std::optional<std::uint64_t> size;
};

bool parse_pax(std::string_view body, PaxRecords& out) {
  while (!body.empty()) {
    const auto space = body.find(' ');
    if (space == std::string_view::npos || space == 0 || space > 20) {
      return false;
    }
    std::uint64_t length = 0;
    for (std::size_t i = 0; i < space; ++i) {
      if (body[i] < '0' || body[i] > '9') {
        return false;
      }
      length = length * 10 + static_cast<std::uint64_t>(body[i] - '0');
    }
    if (length <= space + 1 || length > body.size() || body[length - 1] != '\n') {
      return false;
    }
    const auto record = body.substr(space + 1, length - space - 2);
    body.remove_prefix(length);
    const auto equals = record.find('=');
    if (equals == std::string_view::npos || record.find('\0') != std::string_view::npos) {
      return false;
    }
    const auto key = record.substr(0, equals);
    const auto value = record.substr(equals + 1);
    if (key == "path") {
      out.path = std::string(value);
    } else if (key == "linkpath") {
      out.link = std::string(value);
    } else if (key == "size") {
      if (value.empty() || value.size() > 18 ||
          value.find_first_not_of("0123456789") != std::string_view::npos) {
        return false;
      }
      std::uint64_t size = 0;
      for (const char c : value) {
        size = size * 10 + static_cast<std::uint64_t>(c - '0');
      }
      out.size = size;
    } else if (!(key == "mtime" || key == "atime" || key == "ctime" || key == "uid" ||
                 key == "gid" || key == "uname" || key == "gname" || key == "comment" ||
                 key == "SCHILY.dev" || key == "SCHILY.ino" || key == "SCHILY.nlink" ||
                 key == "LIBARCHIVE.creationtime" || key.starts_with("SCHILY.xattr.") ||
                 key.starts_with("LIBARCHIVE.xattr."))) {
      return false;
    }
  }
  return true;
}

// Headers of a layer read by offset, a window of the file at a time.
class HeaderReader {
 public:
  explicit HeaderReader(RandomSource& source) : source_(source), size_(source.size()) {}

  [[nodiscard]] std::uint64_t size() const { return size_; }

  // The 512 bytes at `offset` (offset + 512 <= size()), or null when the file ends before them.
  const char* block(std::uint64_t offset) {
    if (offset > last_) {
      gap_ = (gap_ * 3 + std::min<std::uint64_t>(offset - last_, header_window)) / 4;
    }
    last_ = offset;
    if (offset < start_ || offset + tar_block > start_ + length_) {
      const std::size_t window = gap_ <= 2 * tar_block   ? header_window
                                 : gap_ <= 8 * tar_block ? 16 * tar_block
                                                         : tar_block;
      const auto want = static_cast<std::size_t>(
          std::min<std::uint64_t>(std::min(window, source_.window()), size_ - offset));
      length_ = source_.read_at(offset, window_.get(), want);
      start_ = offset;
      if (length_ < tar_block) {
        return nullptr;  // the file shrank: libarchive says how
      }
    }
    return window_.get() + (offset - start_);
  }

  // `length` bytes at `offset`, up to the first NUL (GNU long names, pax headers).
  std::string body(std::uint64_t offset, std::size_t length) {
    std::string out(length, '\0');
    out.resize(source_.read_at(offset, out.data(), length));
    return out;
  }

 private:
  RandomSource& source_;
  std::uint64_t size_;
  std::uint64_t start_ = 0;
  std::size_t length_ = 0;
  std::uint64_t last_ = 0;             // the offset asked for last
  std::uint64_t gap_ = 2 * tar_block;  // how far apart the last headers were, on average
  std::unique_ptr<char[]> window_ = std::make_unique_for_overwrite<char[]>(header_window);
};

constexpr std::uint64_t padded(std::uint64_t bytes) {
  return (bytes + tar_block - 1) / tar_block * tar_block;
}

// The walk itself, each member handed to add(name, link, type, size): false where libarchive is
// to read the layer instead.
template <typename Add>
bool walk_plain(HeaderReader& reader, Add&& add) {
  const auto end = reader.size();
  std::uint64_t at = 0;
  std::optional<std::string> long_name;
  std::optional<std::string> long_link;
  PaxRecords pax;
  bool have_pax = false;
  bool first = true;
  for (;;) {
    if (at == end && !first && !long_name && !long_link && !have_pax) {
      break;  // the end, without the blocks of zeros some writers leave out
    }
    if (end - at < tar_block) {
      return false;
    }
    const char* header = reader.block(at);
    if (header == nullptr) {
      return false;
    }
    if (std::all_of(header, header + tar_block, [](char c) { return c == '\0'; })) {
      if (first || long_name || long_link || have_pax) {
        return false;
      }
      break;
    }
    if (first) {
      // libarchive's decompression filters look at the first bytes (the first name): names that
      // could pass for one of their signatures are left to it.
      const auto name = field(header, 100);
      if (name.empty() ||
          !(std::isalnum(static_cast<unsigned char>(name[0])) || name[0] == '.' || name[0] == '/' ||
            name[0] == '_') ||
          name.starts_with("begin") || name.starts_with("LRZI") || name.starts_with("LZIP") ||
          name.starts_with("GRZip")) {
        return false;
      }
    }
    first = false;
    const bool ustar = std::string_view(header + 257, 8) == std::string_view(
                                                                "ustar\0"
                                                                "00",
                                                                8);
    const bool gnu = std::string_view(header + 257, 8) == std::string_view("ustar  \0", 8);
    const auto header_size = octal(header + 124, 12);
    if ((!ustar && !gnu) || !checksum_matches(header) || !header_size) {
      return false;
    }
    const char type = header[156];
    const auto data = at + tar_block;
    if (type == 'L' || type == 'K' || type == 'x') {
      if (*header_size > max_special_bytes || padded(*header_size) > end - data) {
        return false;
      }
      auto body = reader.body(data, static_cast<std::size_t>(*header_size));
      if (body.size() != *header_size) {
        return false;
      }
      if (type == 'x') {
        if (have_pax || !parse_pax(body, pax)) {
          return false;
        }
        have_pax = true;
      } else {
        auto& slot = type == 'L' ? long_name : long_link;
        if (slot) {
          return false;
        }
        body.resize(field(body.data(), body.size()).size());
        slot = std::move(body);
      }
      at = data + padded(*header_size);
      continue;
    }
    const auto size = pax.size ? *pax.size : *header_size;
    if (size > end - data || padded(size) > end - data) {
      return false;
    }
    unsigned filetype = 0;
    switch (type) {
      case '0':
      case '\0':
      case '7':
        filetype = AE_IFREG;
        break;
      case '1':
        filetype = 0;  // a hardlink
        break;
      case '2':
        filetype = AE_IFLNK;
        break;
      case '3':
        filetype = AE_IFCHR;
        break;
      case '4':
        filetype = AE_IFBLK;
        break;
      case '5':
        filetype = AE_IFDIR;
        break;
      case '6':
        filetype = AE_IFIFO;
        break;
      default:
        return false;  // sparse files, volume headers, vendor types
    }
    if (filetype != AE_IFREG && size != 0) {
      return false;  // bodies libarchive reads by heuristics
    }
    if ((pax.path && long_name) || (pax.link && long_link)) {
      return false;
    }
    std::string name;
    if (pax.path) {
      name = *pax.path;
    } else if (long_name) {
      name = *long_name;
    } else {
      const auto prefix = ustar ? field(header + 345, 155) : std::string_view();
      name = prefix;
      if (!prefix.empty() && prefix.back() != '/') {
        name += '/';
      }
      name += field(header, 100);
    }
    std::optional<std::string> link;
    if (type == '1') {
      link = pax.link ? *pax.link : long_link ? *long_link : std::string(field(header + 157, 100));
      if (!plain_name(*link)) {
        return false;
      }
    }
    if (!plain_name(name) || (filetype == AE_IFREG && name.back() == '/')) {
      return false;
    }
    add(std::move(name), std::move(link), filetype, static_cast<std::int64_t>(size));
    long_name.reset();
    long_link.reset();
    pax = {};
    have_pax = false;
    at = data + padded(size);
  }
  return true;
}

}  // namespace

std::optional<LayerSummary> summarise_plain_layer(RandomSource& source, PathTree& tree,
                                                  EntryBudget& budget, std::string_view label) {
  // An entry this parser reads is one libarchive reads the same way: its errors (a path with
  // "..", too many entries) are the ones libarchive's reading would end with.
  const auto used = budget.used;
  Collector collector(tree, budget, label);
  HeaderReader reader(source);
  const bool walked = walk_plain(reader, [&](std::string name, std::optional<std::string> link,
                                             unsigned type, std::int64_t size) {
    collector.add(name, link ? std::optional<std::string_view>(*link) : std::nullopt, type, size);
  });
  if (!walked) {
    budget.used = used;  // read again, and counted again, by libarchive
    return std::nullopt;
  }
  return collector.finish();
}

// ----- the walk on a thread of its own -----

struct PlainLayerWalk::State {
  struct Raw {
    std::string name;
    std::optional<std::string> link;
    unsigned type;
    std::int64_t size;
  };
  using Chunk = std::vector<Raw>;
  static constexpr std::size_t chunk_entries = 1024;
  static constexpr std::size_t max_chunks = 8;  // entries waiting: at most 8192

  std::unique_ptr<RandomSource> source;
  std::mutex mutex;
  std::condition_variable changed;
  std::deque<Chunk> chunks;
  bool done = false;
  bool walked = false;
  bool cancelled = false;
  std::exception_ptr failure;
};

namespace {
struct WalkCancelled {};
}  // namespace

PlainLayerWalk::PlainLayerWalk(std::unique_ptr<RandomSource> source, std::function<void()> then)
    : state_(std::make_unique<State>()) {
  state_->source = std::move(source);
  thread_ = std::thread([state = state_.get(), then = std::move(then)] {
    State::Chunk chunk;
    auto hand_over = [state](State::Chunk& full) {
      std::unique_lock lock(state->mutex);
      state->changed.wait(
          lock, [state] { return state->cancelled || state->chunks.size() < State::max_chunks; });
      if (state->cancelled) {
        throw WalkCancelled{};
      }
      state->chunks.push_back(std::move(full));
      full = {};
      state->changed.notify_all();
    };
    bool walked = false;
    std::exception_ptr failure;
    try {
      HeaderReader reader(*state->source);
      walked = walk_plain(reader, [&](std::string name, std::optional<std::string> link,
                                      unsigned type, std::int64_t size) {
        chunk.push_back({std::move(name), std::move(link), type, size});
        if (chunk.size() >= State::chunk_entries) {
          hand_over(chunk);
        }
      });
      if (walked && !chunk.empty()) {
        hand_over(chunk);
      }
      if (then) {
        then();
      }
    } catch (const WalkCancelled&) {
    } catch (...) {
      failure = std::current_exception();
    }
    const std::lock_guard lock(state->mutex);
    state->done = true;
    state->walked = walked;
    state->failure = failure;
    state->changed.notify_all();
  });
}

PlainLayerWalk::~PlainLayerWalk() {
  {
    const std::lock_guard lock(state_->mutex);
    state_->cancelled = true;
    state_->changed.notify_all();
  }
  thread_.join();
}

std::optional<LayerSummary> PlainLayerWalk::finish(PathTree& tree, EntryBudget& budget,
                                                   std::string_view label) {
  const auto used = budget.used;
  Collector collector(tree, budget, label);
  for (;;) {
    State::Chunk chunk;
    {
      std::unique_lock lock(state_->mutex);
      state_->changed.wait(lock, [this] { return state_->done || !state_->chunks.empty(); });
      if (state_->chunks.empty()) {
        if (state_->failure) {
          read_failed_ = true;
          std::rethrow_exception(state_->failure);
        }
        if (!state_->walked) {
          budget.used = used;  // read again, and counted again, by libarchive
          return std::nullopt;
        }
        break;
      }
      chunk = std::move(state_->chunks.front());
      state_->chunks.pop_front();
      state_->changed.notify_all();
    }
    for (const auto& raw : chunk) {
      collector.add(raw.name, raw.link ? std::optional<std::string_view>(*raw.link) : std::nullopt,
                    raw.type, raw.size);
    }
  }
  return collector.finish();
}

}  // namespace hubtel::inspect
