// Layer tars summarised through libarchive.
#include "inspect/layer.hpp"

#include "common/error.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fmt/format.h>
#include <openssl/evp.h>

#include <algorithm>
#include <exception>
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

// Reads the current member's data as `request` asks: hashed, kept, or both.
FileContent read_content(struct archive* archive, PathTree::Id node, const ContentRequest& request,
                         std::string_view label, std::string_view path) {
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
  for (;;) {
    const void* buffer = nullptr;
    std::size_t length = 0;
    la_int64_t offset = 0;
    const int code = archive_read_data_block(archive, &buffer, &length, &offset);
    if (code == ARCHIVE_EOF) {
      break;
    }
    if (code < ARCHIVE_WARN) {
      const char* what = archive_error_string(archive);
      throw Error(fmt::format("{}: cannot read '{}' ({})", label, path,
                              what != nullptr ? what : "corrupt layer"));
    }
    if (request.hash) {
      EVP_DigestUpdate(sha256.get(), buffer, length);
      EVP_DigestUpdate(sha1.get(), buffer, length);
    }
    if (request.keep) {
      kept.append(static_cast<const char*>(buffer), length);
    }
  }
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

// The node of a tar member's path; "." and empty components vanish, ".." is refused so no entry
// can name a path outside the image's root.
PathTree::Id intern(PathTree& tree, std::string_view path, std::string_view label) {
  PathTree::Id node = PathTree::root;
  for_each_component(path, [&](std::string_view part) {
    if (part == "..") {
      throw Error(
          fmt::format("{}: the path '{}' climbs out of the image root with '..'", label, path));
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

  LayerSummary summary;
  // Sizes of this layer's files by path, built at the first hardlink (tar links point back).
  std::unordered_map<PathTree::Id, std::uint64_t> file_sizes;
  struct archive_entry* entry = nullptr;
  int code = ARCHIVE_OK;
  while ((code = archive_read_next_header(archive.get(), &entry)) == ARCHIVE_OK ||
         code == ARCHIVE_WARN) {
    const char* raw = archive_entry_pathname(entry);
    if (raw == nullptr) {
      throw Error(fmt::format("{}: a member has no readable path", label));
    }
    // Entries and the paths they create both count: a deep path creates a node per component.
    if (++budget.used > budget.max_entries || tree.size() > budget.max_entries) {
      throw Error(fmt::format(
          "{}: more than {} entries in the image's layers (a tar bomb?); raise --max-paths to "
          "read it",
          label, budget.max_entries));
    }
    std::string_view path(raw);
    while (!path.empty() && path.back() == '/') {
      path.remove_suffix(1);
    }
    const auto slash = path.rfind('/');
    const auto base = slash == std::string_view::npos ? path : path.substr(slash + 1);
    const auto dir = slash == std::string_view::npos ? std::string_view() : path.substr(0, slash);

    LayerEntry item{0, PathTree::root, EntryKind::other};
    if (base.starts_with(".wh.")) {
      if (base == ".wh..wh..opq") {
        item = {0, intern(tree, dir, label), EntryKind::opaque};
      } else if (base.starts_with(".wh..wh.")) {
        continue;  // aufs bookkeeping (.wh..wh.plnk, ...), not part of the filesystem
      } else {
        auto node = intern(tree, dir, label);
        const auto hidden = base.substr(4);
        if (hidden == "." || hidden == ".." || hidden.empty()) {
          throw Error(fmt::format("{}: the whiteout '{}' names no file", label, path));
        }
        item = {0, tree.child(node, hidden), EntryKind::whiteout};
      }
    } else {
      item.node = intern(tree, path, label);
      if (const char* target = archive_entry_hardlink(entry); target != nullptr) {
        item.kind = EntryKind::hardlink;
        if (file_sizes.empty()) {
          for (const auto& earlier : summary.entries) {
            if (earlier.kind == EntryKind::file) {
              file_sizes[earlier.node] = earlier.bytes;
            }
          }
          file_sizes[PathTree::none] = 0;  // marks the index as built
        }
        const auto target_node = intern(tree, target, label);
        const auto found = file_sizes.find(target_node);
        summary.links.push_back(
            {item.node, target_node, found == file_sizes.end() ? 0 : found->second});
      } else {
        switch (archive_entry_filetype(entry)) {
          case AE_IFREG:
            item.kind = EntryKind::file;
            item.bytes =
                static_cast<std::uint64_t>(std::max<la_int64_t>(0, archive_entry_size(entry)));
            if (!file_sizes.empty()) {
              file_sizes[item.node] = item.bytes;
            }
            if (select != nullptr && *select) {
              auto clean = path;
              while (clean.starts_with("./") || clean.starts_with("/")) {
                clean.remove_prefix(clean.front() == '/' ? 1 : 2);
              }
              if (const auto request = (*select)(clean, item.bytes); request.hash || request.keep) {
                summary.contents.push_back(
                    read_content(archive.get(), item.node, request, label, path));
              }
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
        throw Error(fmt::format("{}: the member '{}' replaces the image root", label, path));
      }
      summary.bytes = add_bytes(summary.bytes, item.bytes);
      if (item.kind != EntryKind::directory) {
        ++summary.files;
      }
    }
    summary.entries.push_back(item);
  }
  if (code != ARCHIVE_EOF) {
    fail(code);
  }
  if (context.failure) {
    std::rethrow_exception(context.failure);
  }
  summary.entries.shrink_to_fit();
  summary.links.shrink_to_fit();
  summary.contents.shrink_to_fit();
  return summary;
}

}  // namespace hubtel::inspect
