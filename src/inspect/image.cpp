// Image readers over libarchive: the outer archive streams once, so every blob is verified and
// summarised as it passes (docker save writes layers before manifest.json); the manifest then
// picks and orders the layers.
#include "inspect/image.hpp"

#include "common/error.hpp"
#include "common/sha256.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <filesystem>
#include <future>
#include <istream>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

namespace hubtel::inspect {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr std::size_t chunk_size = 1 << 20;
// A plain layer summarised from its tar headers, its file contents skipped, is read this much at
// a time: a header and, for small files, the next ones after it, in one read each.
constexpr std::size_t header_read = 4 << 10;
// A range hashed on another core is read this much at a time: a buffer that stays in the core's
// own cache while it is hashed.
constexpr std::size_t hash_read = 256 << 10;
// JSON documents: each at most this long, all those an archive holds (it names the ones it needs
// last, in manifest.json) at most max_kept_json_bytes, nested at most max_json_depth deep. Real
// configs and manifests are a few kilobytes.
constexpr std::uint64_t max_json_bytes = 16ULL << 20;
constexpr std::uint64_t max_kept_json_bytes = 32ULL << 20;
constexpr int max_json_depth = 64;
// An archive's members and an image's layers: docker save writes a few per layer, and an engine
// stacks at most 127 layers.
constexpr std::size_t max_members = 100'000;
constexpr std::size_t max_layers = 1000;

using ArchivePtr = std::unique_ptr<struct archive, int (*)(struct archive*)>;

// "./a//b/" -> "a/b": the member names of the outer archive, as manifests refer to them.
std::string clean_member(std::string_view name) {
  std::string out;
  for_each_component(name, [&out](std::string_view part) {
    if (part == "..") {
      if (const auto slash = out.rfind('/'); slash != std::string::npos) {
        out.resize(slash);
      } else {
        out.clear();
      }
    } else if (!part.empty() && part != ".") {
      if (!out.empty()) {
        out += '/';
      }
      out += part;
    }
  });
  return out;
}

// "sha256:<hex>" -> "blobs/sha256/<hex>", refusing anything that is not a sha256 digest.
std::string blob_path(const std::string& digest, std::string_view where) {
  const auto colon = digest.find(':');
  const auto hex =
      colon == std::string::npos ? std::string_view() : std::string_view(digest).substr(colon + 1);
  if (digest.substr(0, colon) != "sha256" || hex.size() != 64 ||
      hex.find_first_not_of("0123456789abcdef") != std::string_view::npos) {
    throw Error(fmt::format("{}: '{}' is not a sha256 digest", where, digest));
  }
  return "blobs/sha256/" + std::string(hex);
}

// The digest a path under blobs/sha256/ promises, or empty.
std::string promised_digest(const std::string& path) {
  constexpr std::string_view prefix = "blobs/sha256/";
  if (!path.starts_with(prefix) || path.size() != prefix.size() + 64 ||
      path.find_first_not_of("0123456789abcdef", prefix.size()) != std::string::npos) {
    return {};
  }
  return "sha256:" + path.substr(prefix.size());
}

void verify_digest(const std::string& path, const std::string& actual, std::string_view where) {
  const auto promised = promised_digest(path);
  if (!promised.empty() && !actual.empty() && promised != actual) {
    throw Error(fmt::format("{}: blob {} does not match its digest (its content is {})", where,
                            promised, actual));
  }
}

// The whole of a JSON document `name`, refused when longer than max_json_bytes.
std::string read_json_document(ByteSource& source, const std::string& name,
                               std::string_view where) {
  std::string text;
  for (auto chunk = source.next(); !chunk.empty(); chunk = source.next()) {
    if (text.size() + chunk.size() > max_json_bytes) {
      throw Error(fmt::format("{}: '{}' is a JSON document larger than {} MiB", where, name,
                              max_json_bytes >> 20));
    }
    text.append(chunk);
  }
  return text;
}

bool is_compressed(std::string_view prefix) {
  return prefix.starts_with("\x1f\x8b") || prefix.starts_with("\x28\xb5\x2f\xfd") ||
         prefix.starts_with(
             "\xfd"
             "7zXZ") ||
         prefix.starts_with("BZh");
}

// JSON documents (configs, manifests) start with '{'; a tar whose first member is named "{..."
// still carries "ustar" at offset 257.
bool looks_like_json(std::string_view prefix) {
  return prefix.starts_with("{") && !(prefix.size() >= 262 && prefix.substr(257, 5) == "ustar");
}

// Manifests and configs are objects; manifest.json is an array.
json parse_json(const std::string& text, std::string_view what, std::string_view where) {
  auto document = json::parse(
      text,
      [&](int depth, json::parse_event_t event, const json&) {
        if (depth >= max_json_depth && (event == json::parse_event_t::object_start ||
                                        event == json::parse_event_t::array_start)) {
          throw Error(fmt::format("{}: {} nests more than {} deep", where, what, max_json_depth));
        }
        return true;
      },
      false);
  if (document.is_discarded() || !(document.is_object() || document.is_array())) {
    throw Error(fmt::format("{}: {} is not valid JSON", where, what));
  }
  return document;
}

std::string string_at(const json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// What a blob store hands out for a layer.
struct LayerBlob {
  std::shared_ptr<const LayerSummary> summary = std::make_shared<const LayerSummary>();
  std::uint64_t size = 0;
  std::string digest;
  bool compressed = false;
};

class BlobStore {
 public:
  virtual ~BlobStore() = default;
  // A small document (JSON, oci-layout); nullopt when absent.
  virtual std::optional<std::string> text(const std::string& path) = 0;
  // A layer blob, summarised; nullopt when absent.
  virtual std::optional<LayerBlob> layer(const std::string& path, std::string_view label) = 0;
  virtual bool has(const std::string& path) = 0;
  virtual std::optional<std::uint64_t> size(const std::string& path) = 0;
  [[nodiscard]] virtual const std::string& where() const = 0;
  // The entries the image may hold, shared by its layers.
  virtual EntryBudget& budget() = 0;
};

// ----- files read by offset -----

// A file held open for reading by offset.
class OpenFile {
 public:
  OpenFile(const fs::path& path, std::string_view where) : path_(path.string()) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    struct stat status {};
    if (fd_ < 0 || ::fstat(fd_, &status) != 0) {
      const auto reason = std::strerror(errno);
      if (fd_ >= 0) {
        ::close(fd_);
      }
      throw Error(fmt::format("{}: cannot read '{}': {}", where, path_, reason));
    }
    size_ = static_cast<std::uint64_t>(status.st_size);
    regular_ = S_ISREG(status.st_mode);
  }
  OpenFile(const OpenFile&) = delete;
  OpenFile& operator=(const OpenFile&) = delete;
  ~OpenFile() { ::close(fd_); }

  [[nodiscard]] int fd() const { return fd_; }
  [[nodiscard]] std::uint64_t size() const { return size_; }
  [[nodiscard]] bool regular() const { return regular_; }
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
  bool regular_ = false;
};

// `length` bytes of an open file from `offset`, read in chunks by offset (the page cache copied,
// never mapped: a mapping's page faults cost more than the copy, and a file cut short under a
// mapping ends the process). It can skip, so a plain tar's file contents are passed over, not
// read. A file shorter than the range is a truncated archive.
class FileRange : public ByteSource {
 public:
  FileRange(const OpenFile& file, std::uint64_t offset, std::uint64_t length,
            std::string_view where)
      : file_(file), at_(offset), end_(offset + length), where_(where) {}

  // The first bytes of the range, without moving past them.
  std::string_view peek(std::size_t want) {
    prefix_.resize(static_cast<std::size_t>(std::min<std::uint64_t>(want, end_ - at_)));
    prefix_.resize(read_at(at_, prefix_.data(), prefix_.size()));
    return prefix_;
  }

  // How much each next() reads (chunk_size unless told): little for a reader that skips most
  // bytes, a cache's worth for one that reads them all.
  void read_by(std::size_t bytes) { read_size_ = std::max<std::size_t>(bytes, 512); }

  std::string_view next() override {
    // Only a short range needs a short buffer.
    buffer_.resize(static_cast<std::size_t>(std::min<std::uint64_t>(read_size_, end_ - at_)));
    const auto want = buffer_.size();
    const auto got = read_at(at_, buffer_.data(), want);
    if (got < want) {
      broken_ = true;
      throw Error(
          fmt::format("{}: truncated or corrupt archive ('{}' ends early)", where_, file_.path()));
    }
    at_ += got;
    return {buffer_.data(), got};
  }

  std::uint64_t skip(std::uint64_t bytes) override {
    const auto skipped = std::min(bytes, end_ - at_);
    at_ += skipped;
    return skipped;
  }

  // True once the file itself failed (as opposed to the content of the range).
  [[nodiscard]] bool broken() const { return broken_; }

  // Up to `want` bytes of the file at `offset` (from the file's start), fewer only at its end.
  std::size_t read_at(std::uint64_t offset, char* into, std::size_t want) {
    std::size_t got = 0;
    while (got < want) {
      const auto n = ::pread(file_.fd(), into + got, want - got, static_cast<off_t>(offset + got));
      if (n < 0 && errno == EINTR) {
        continue;
      }
      if (n < 0) {
        broken_ = true;
        throw Error(
            fmt::format("{}: cannot read '{}': {}", where_, file_.path(), std::strerror(errno)));
      }
      if (n == 0) {
        break;
      }
      got += static_cast<std::size_t>(n);
    }
    return got;
  }

 private:
  const OpenFile& file_;
  std::uint64_t at_;
  std::uint64_t end_;
  std::string_view where_;
  std::string prefix_;
  std::vector<char> buffer_;
  std::size_t read_size_ = chunk_size;
  bool broken_ = false;
};

// A range of an open file read by offset within it: a plain layer's tar headers, read where they
// are (summarise_plain_layer).
class FileSpan : public RandomSource {
 public:
  FileSpan(const OpenFile& file, std::uint64_t offset, std::uint64_t length, std::string_view where)
      : range_(file, offset, length, where), offset_(offset), length_(length) {}
  [[nodiscard]] std::uint64_t size() const override { return length_; }
  std::size_t read_at(std::uint64_t offset, char* into, std::size_t want) override {
    if (offset >= length_) {
      return 0;
    }
    return range_.read_at(
        offset_ + offset, into,
        static_cast<std::size_t>(std::min<std::uint64_t>(want, length_ - offset)));
  }
  [[nodiscard]] bool broken() const { return range_.broken(); }

 private:
  FileRange range_;
  std::uint64_t offset_;
  std::uint64_t length_;
};

// A layer member read once from its start to its end, hash_read bytes at a time, and hashed as it
// passes: the header walk reads its headers out of what passed, so a checked layer is read from
// the file once, by one thread, and parsed as it is hashed.
class HashedSpan : public RandomSource {
 public:
  HashedSpan(const OpenFile& file, std::uint64_t offset, std::uint64_t length,
             std::string_view where)
      : range_(file, offset, length, where), offset_(offset), length_(length) {
    range_.read_by(hash_read);
  }
  [[nodiscard]] std::uint64_t size() const override { return length_; }
  [[nodiscard]] std::size_t window() const override { return 4 << 10; }

  std::size_t read_at(std::uint64_t offset, char* into, std::size_t want) override {
    std::size_t done = 0;
    while (done < want && offset + done < length_) {
      const auto at = offset + done;
      if (at < start_) {
        // Behind what passed (a header window that ended in the chunk before): read again, not
        // hashed again.
        const auto n = range_.read_at(
            offset_ + at, into + done,
            static_cast<std::size_t>(std::min<std::uint64_t>(want - done, start_ - at)));
        if (n == 0) {
          return done;
        }
        done += n;
        continue;
      }
      while (at >= start_ + chunk_.size()) {
        if (!advance()) {
          return done;
        }
      }
      const auto n = static_cast<std::size_t>(
          std::min<std::uint64_t>(want - done, start_ + chunk_.size() - at));
      std::memcpy(into + done, chunk_.data() + (at - start_), n);
      done += n;
    }
    return done;
  }

  // The digest of the whole member: what the walk left unread is read and hashed now.
  std::string digest() {
    while (advance()) {
    }
    return sha_.finish();
  }

 private:
  bool advance() {
    start_ += chunk_.size();
    chunk_ = range_.next();
    sha_.update(chunk_);
    return !chunk_.empty();
  }

  FileRange range_;
  std::uint64_t offset_;
  std::uint64_t length_;
  std::uint64_t start_ = 0;
  std::string_view chunk_;
  Sha256 sha_;
};

// ----- archives (a file or a stream), read once from start to end -----

// The data of the outer archive's current member, with its first bytes peeked for sniffing.
class MemberSource : public ByteSource {
 public:
  explicit MemberSource(struct archive* archive, std::string_view where)
      : archive_(archive), where_(where) {}

  std::string_view peek(std::size_t want) {
    while (prefix_.size() < want && !ended_) {
      const auto chunk = read_block();
      prefix_.append(chunk);
    }
    return prefix_;
  }

  std::string_view next() override {
    if (!prefix_sent_) {
      prefix_sent_ = true;
      if (!prefix_.empty()) {
        return prefix_;
      }
    }
    return read_block();
  }

 private:
  std::string_view read_block() {
    if (ended_) {
      return {};
    }
    const void* buffer = nullptr;
    std::size_t length = 0;
    la_int64_t offset = 0;
    const int code = archive_read_data_block(archive_, &buffer, &length, &offset);
    if (code == ARCHIVE_EOF) {
      ended_ = true;
      return {};
    }
    if (code < ARCHIVE_WARN) {
      broken_ = true;
      throw Error(fmt::format("{}: truncated or corrupt archive ({})", where_,
                              archive_error_string(archive_)));
    }
    if (length == 0) {
      return read_block();
    }
    return {static_cast<const char*>(buffer), length};
  }

  struct archive* archive_;
  std::string_view where_;
  std::string prefix_;
  bool broken_ = false;

 public:
  // True once the outer archive itself failed (as opposed to the member's content).
  [[nodiscard]] bool broken() const { return broken_; }

 private:
  bool prefix_sent_ = false;
  bool ended_ = false;
};

struct StreamContext {
  std::istream* in;
  std::vector<char> buffer;
  std::exception_ptr failure;
};

la_ssize_t stream_read(struct archive* /*archive*/, void* data, const void** out) {
  auto* context = static_cast<StreamContext*>(data);
  context->in->read(context->buffer.data(), static_cast<std::streamsize>(context->buffer.size()));
  const auto got = context->in->gcount();
  if (got == 0 && context->in->bad()) {
    return ARCHIVE_FATAL;
  }
  *out = context->buffer.data();
  return static_cast<la_ssize_t>(got);
}

struct StoredBlob {
  std::uint64_t size = 0;
  std::string digest;
  std::optional<std::string> json;
  std::shared_ptr<const LayerSummary> layer;
  std::string layer_error;  // why the blob is no layer tar; reported if a manifest names it
  bool compressed = false;
  std::shared_future<std::string> pending_digest;  // hashed beside the summary, not yet known
};

class ArchiveStore : public BlobStore {
 public:
  // With `file` (the archive on disk, plain), layer members are read from it by offset: their
  // summaries pass over file contents, and their digests are computed on other cores.
  ArchiveStore(std::string where, PathTree& tree, EntryBudget& budget, const ReadOptions& options,
               const OpenFile* file = nullptr)
      : where_(std::move(where)),
        file_(file),
        tree_(tree),
        budget_(budget),
        summarise_(options.summarise_layers),
        select_(options.contents ? &options.contents : nullptr),
        verify_(options.verify_digests) {}

  void read_all(struct archive* archive) {
    struct archive_entry* entry = nullptr;
    int code = ARCHIVE_OK;
    while ((code = archive_read_next_header(archive, &entry)) == ARCHIVE_OK ||
           code == ARCHIVE_WARN) {
      const char* raw = archive_entry_pathname(entry);
      if (raw == nullptr) {
        throw Error(fmt::format("{}: a member has no readable name", where_));
      }
      const auto name = clean_member(raw);
      if (const char* target = archive_entry_hardlink(entry); target != nullptr) {
        links_[name] = clean_member(target);
        continue;
      }
      const auto type = archive_entry_filetype(entry);
      if (type == AE_IFLNK) {
        const char* target = archive_entry_symlink(entry);
        const auto slash = name.rfind('/');
        const auto dir = slash == std::string::npos ? std::string() : name.substr(0, slash + 1);
        links_[name] = clean_member(target == nullptr  ? std::string()
                                    : target[0] == '/' ? std::string(target)
                                                       : dir + target);
        continue;
      }
      if (type != AE_IFREG) {
        continue;
      }
      if (blobs_.size() >= max_members) {
        throw Error(
            fmt::format("{}: more than {} files in the archive; an image archive holds a "
                        "few for each layer",
                        where_, max_members));
      }
      read_member(archive, entry, name);
    }
    if (code != ARCHIVE_EOF) {
      const char* what = archive_error_string(archive);
      throw Error(fmt::format("{}: truncated or corrupt archive ({})", where_,
                              what != nullptr ? what : "unreadable"));
    }
    finish_walks();
    finish_digests();
  }

  std::optional<std::string> text(const std::string& path) override {
    auto* blob = find(path);
    if (blob == nullptr) {
      return std::nullopt;
    }
    if (!blob->json) {
      throw Error(fmt::format("{}: '{}' should be a JSON document but is not", where_, path));
    }
    return *blob->json;
  }

  std::optional<LayerBlob> layer(const std::string& path, std::string_view label) override {
    auto* blob = find(path);
    if (blob == nullptr) {
      return std::nullopt;
    }
    if (blob->json) {
      throw Error(
          fmt::format("{}: {} ('{}') is a JSON document, not a layer tar", where_, label, path));
    }
    if (!blob->layer_error.empty()) {
      throw Error(blob->layer_error);
    }
    LayerBlob out;
    out.size = blob->size;
    out.digest = blob->digest;
    out.compressed = blob->compressed;
    if (blob->layer) {
      out.summary = blob->layer;  // a layer may repeat in one image: it is kept once
    }
    return out;
  }

  bool has(const std::string& path) override { return find(path) != nullptr; }

  std::optional<std::uint64_t> size(const std::string& path) override {
    auto* blob = find(path);
    return blob == nullptr ? std::nullopt : std::optional<std::uint64_t>(blob->size);
  }

  [[nodiscard]] const std::string& where() const override { return where_; }
  EntryBudget& budget() override { return budget_; }

 private:
  StoredBlob* find(std::string path) {
    for (int hops = 0; hops < 16; ++hops) {
      if (auto it = blobs_.find(path); it != blobs_.end()) {
        return &it->second;
      }
      auto link = links_.find(path);
      if (link == links_.end()) {
        return nullptr;
      }
      path = link->second;
    }
    return nullptr;
  }

  static bool is_document(const std::string& name, std::string_view prefix) {
    return looks_like_json(prefix) || name == "oci-layout" || name == "repositories" ||
           name == "manifest.json" || name == "index.json";
  }

  void read_member(struct archive* archive, struct archive_entry* entry, const std::string& name) {
    // On disk, a layer member is read by its offset in the file: its tar headers for the summary
    // (its file contents skipped over), while its digest, which needs every byte, is computed on
    // another core.
    if (file_ != nullptr && archive_filter_count(archive) == 1 &&
        archive_filter_code(archive, 0) == ARCHIVE_FILTER_NONE &&
        archive_entry_size_is_set(entry)) {
      // The reader has consumed the member's headers, not its data: its position is the data's.
      const auto offset = archive_filter_bytes(archive, 0);
      const auto length = archive_entry_size(entry);
      if (offset >= 0 && length >= 0 &&
          static_cast<std::uint64_t>(offset) + static_cast<std::uint64_t>(length) <=
              file_->size()) {
        FileRange range(*file_, static_cast<std::uint64_t>(offset),
                        static_cast<std::uint64_t>(length), where_);
        const auto prefix = std::string(range.peek(512));
        if (!is_document(name, prefix)) {
          // The walk reads headers only: contents asked for (an SBOM's) go through libarchive.
          if (!is_compressed(prefix) && summarise_ && select_ == nullptr) {
            start_walk(name, static_cast<std::uint64_t>(offset),
                       static_cast<std::uint64_t>(length));
            return;
          }
          std::shared_future<std::string> digest;
          if (verify_) {
            digest = hash_in_background(static_cast<std::uint64_t>(offset),
                                        static_cast<std::uint64_t>(length));
          }
          if (!is_compressed(prefix)) {
            range.read_by(header_read);
          }
          store(
              name, range, prefix, [&] { return range.broken(); }, false)
              .pending_digest = std::move(digest);
          return;
        }
      }
    }
    MemberSource member(archive, where_);
    const auto prefix = std::string(member.peek(512));
    store(
        name, member, prefix, [&] { return member.broken(); }, verify_);
  }

  // Summarises a plain layer member from its tar headers alone, read where they are in the file
  // on a thread of their own (the walks of a few layers at once, one a core); its digest is
  // computed meanwhile. The paths are interned in the members' order all the same: the oldest
  // walk is finished first, and every walk before any other layer is summarised.
  void start_walk(const std::string& name, std::uint64_t offset, std::uint64_t length) {
    const auto cores = std::max(1U, std::thread::hardware_concurrency());
    if (blobs_.count(name) != 0) {
      finish_walks();  // a name seen again replaces the blob: the earlier one is finished first
    }
    while (walks_.size() >= cores) {
      finish_oldest_walk();
    }
    StoredBlob blob;
    blob.size = length;
    blobs_[name] = std::move(blob);
    Walk walk{name, offset, length, nullptr, nullptr};
    if (verify_) {
      // Hashed by the walk's thread as it reads; the digest lands once the walk is done.
      auto span = std::make_unique<HashedSpan>(*file_, offset, length, where_);
      auto* hashed = span.get();
      walk.digest = std::make_shared<std::string>();
      walk.walk = std::make_unique<PlainLayerWalk>(
          std::move(span), [hashed, digest = walk.digest] { *digest = hashed->digest(); });
    } else {
      walk.walk = std::make_unique<PlainLayerWalk>(
          std::make_unique<FileSpan>(*file_, offset, length, where_));
    }
    walks_.push_back(std::move(walk));
  }

  static std::shared_future<std::string> ready(std::string digest) {
    std::promise<std::string> known;
    known.set_value(std::move(digest));
    return known.get_future().share();
  }

  void finish_walks() {
    while (!walks_.empty()) {
      finish_oldest_walk();
    }
  }

  // As store() does: a blob that is no layer is an error only when a manifest names it; a file
  // that cannot be read is an error now.
  void finish_oldest_walk() {
    auto walk = std::move(walks_.front());
    walks_.pop_front();
    auto& blob = blobs_[walk.name];
    const auto label = fmt::format("{}: '{}'", where_, walk.name);
    std::optional<LayerSummary> summary;
    try {
      summary = walk.walk->finish(tree_, budget_, label);
    } catch (const Error& e) {
      if (walk.walk->read_failed()) {
        throw;
      }
      blob.layer_error = e.what();
      walk.walk.reset();  // stopped before its digest: hashed here
      if (walk.digest) {
        FileRange range(*file_, walk.offset, walk.length, where_);
        range.read_by(hash_read);
        HashingSource hashed(range);
        hashed.drain();
        blob.pending_digest = ready(hashed.digest());
      }
      return;
    }
    walk.walk.reset();
    if (walk.digest) {
      blob.pending_digest = ready(*walk.digest);  // checked with the others, in finish_digests
    }
    if (!summary) {
      // Left to libarchive: read from the start, as store() reads.
      FileRange range(*file_, walk.offset, walk.length, where_);
      range.read_by(header_read);
      HashingSource counted(range, false);
      try {
        summary = summarise_layer(counted, tree_, budget_, label);
      } catch (const Error& e) {
        if (range.broken()) {
          throw;
        }
        blob.layer_error = e.what();
        return;
      }
    }
    blob.layer = std::make_shared<const LayerSummary>(std::move(*summary));
  }

  // The SHA-256 of a range of the file, on a thread of its own; at most one a core at a time.
  std::shared_future<std::string> hash_in_background(std::uint64_t offset, std::uint64_t length) {
    const auto cores = std::max(1U, std::thread::hardware_concurrency());
    while (hashing_.size() >= cores) {
      hashing_.front().wait();
      hashing_.pop_front();
    }
    auto job = std::async(std::launch::async, [file = file_, offset, length, where = where_] {
                 FileRange range(*file, offset, length, where);
                 range.read_by(hash_read);
                 HashingSource hashed(range);
                 hashed.drain();
                 return hashed.digest();
               }).share();
    hashing_.push_back(job);
    return job;
  }

  // Waits for the digests computed beside the summaries, and checks them.
  void finish_digests() {
    for (auto& [name, blob] : blobs_) {
      if (blob.pending_digest.valid()) {
        blob.digest = blob.pending_digest.get();
        blob.pending_digest = {};
        verify_digest(name, blob.digest, where_);
      }
    }
    hashing_.clear();
  }

  // Verifies and summarises one member whose first bytes are `prefix`; `broken` says whether a
  // failure came from the archive rather than from the member's content.
  template <typename Broken>
  StoredBlob& store(const std::string& name, ByteSource& source, std::string_view prefix,
                    const Broken& broken, bool hash) {
    HashingSource hashed(source, hash);
    StoredBlob blob;
    blob.compressed = is_compressed(prefix);
    if (is_document(name, prefix)) {
      auto text = read_json_document(hashed, name, where_);
      kept_json_bytes_ += text.size();
      if (kept_json_bytes_ > max_kept_json_bytes) {
        throw Error(
            fmt::format("{}: the archive's JSON documents add up to more than {} MiB ('{}' "
                        "is one); an image's manifests and configs are far smaller",
                        where_, max_kept_json_bytes >> 20, name));
      }
      blob.json = std::move(text);
    } else if (summarise_) {
      finish_walks();  // the layers before this one are interned first
      // Legacy archives hold small non-layer files too (VERSION, json): a blob that is no tar
      // is an error only when a manifest names it as a layer.
      try {
        blob.layer = std::make_shared<const LayerSummary>(summarise_layer(
            hashed, tree_, budget_, fmt::format("{}: '{}'", where_, name), select_));
      } catch (const Error& e) {
        if (broken()) {
          throw;
        }
        blob.layer_error = e.what();
      }
    } else {
      hashed.skip(std::numeric_limits<std::uint64_t>::max());
    }
    hashed.drain();
    blob.size = hashed.bytes();
    blob.digest = hashed.digest();
    verify_digest(name, blob.digest, where_);
    return blobs_[name] = std::move(blob);
  }

  std::string where_;
  const OpenFile* file_;
  PathTree& tree_;
  EntryBudget& budget_;
  bool summarise_;
  const ContentSelector* select_;
  bool verify_;
  std::map<std::string, StoredBlob> blobs_;
  std::uint64_t kept_json_bytes_ = 0;
  std::map<std::string, std::string> links_;
  std::deque<std::shared_future<std::string>> hashing_;
  struct Walk {
    std::string name;
    std::uint64_t offset;
    std::uint64_t length;
    std::unique_ptr<PlainLayerWalk> walk;
    std::shared_ptr<std::string> digest;  // set by the walk's thread when it hashes
  };
  std::deque<Walk> walks_;  // in the members' order
};

// ----- OCI image layout folders, read on demand -----

class FolderStore : public BlobStore {
 public:
  FolderStore(fs::path root, PathTree& tree, EntryBudget& budget, const ReadOptions& options)
      : root_(std::move(root)),
        where_(root_.string()),
        tree_(tree),
        budget_(budget),
        summarise_(options.summarise_layers),
        select_(options.contents ? &options.contents : nullptr),
        verify_(options.verify_digests) {}

  std::optional<std::string> text(const std::string& path) override {
    if (!has(path)) {
      return std::nullopt;
    }
    const OpenFile file(root_ / path, where_);
    FileRange range(file, 0, file.size(), where_);
    HashingSource hashed(range, verify_);
    auto out = read_json_document(hashed, path, where_);
    verify_digest(path, hashed.digest(), where_);
    return out;
  }

  std::optional<LayerBlob> layer(const std::string& path, std::string_view label) override {
    if (const auto read = layers_.find(path); read != layers_.end()) {
      return read->second;  // a layer may repeat in one image: it is read once
    }
    if (!has(path)) {
      return std::nullopt;
    }
    const OpenFile file(root_ / path, where_);
    FileRange range(file, 0, file.size(), where_);
    LayerBlob out;
    out.compressed = is_compressed(range.peek(512));
    if (!verify_ && !out.compressed && summarise_ && select_ == nullptr) {
      FileSpan span(file, 0, file.size(), where_);
      if (auto summary = summarise_plain_layer(span, tree_, budget_,
                                               fmt::format("{}: {} ('{}')", where_, label, path))) {
        out.summary = std::make_shared<const LayerSummary>(std::move(*summary));
        out.size = file.size();
        return layers_[path] = std::move(out);
      }
    }
    if (!verify_ && !out.compressed) {
      range.read_by(header_read);
    }
    HashingSource hashed(range, verify_);
    if (summarise_) {
      out.summary = std::make_shared<const LayerSummary>(summarise_layer(
          hashed, tree_, budget_, fmt::format("{}: {} ('{}')", where_, label, path), select_));
    } else {
      hashed.skip(file.size());
    }
    hashed.drain();
    out.size = hashed.bytes();
    out.digest = hashed.digest();
    verify_digest(path, out.digest, where_);
    return layers_[path] = std::move(out);
  }

  bool has(const std::string& path) override {
    std::error_code error;
    return fs::is_regular_file(root_ / path, error);
  }

  std::optional<std::uint64_t> size(const std::string& path) override {
    std::error_code error;
    const auto bytes = fs::file_size(root_ / path, error);
    return error ? std::nullopt : std::optional<std::uint64_t>(bytes);
  }

  [[nodiscard]] const std::string& where() const override { return where_; }
  EntryBudget& budget() override { return budget_; }

 private:
  std::map<std::string, LayerBlob> layers_;
  fs::path root_;
  std::string where_;
  PathTree& tree_;
  EntryBudget& budget_;
  bool summarise_;
  const ContentSelector* select_;
  bool verify_;
};

// ----- blobs fetched by digest (a registry) -----

std::optional<std::uint64_t> descriptor_size(const json& descriptor);

// The chunks of a blob received on another thread, handed to a reader on this one: at most
// kQueued buffers of about kBuffer bytes wait, so a blob of any size holds a few MiB at a time.
class ChunkQueue : public ByteSource {
 public:
  // Thrown to the receiving thread once the reader has stopped.
  struct Cancelled {};

  // Receiving side.
  void push(std::string_view chunk) {
    pending_.append(chunk);
    if (pending_.size() >= kBuffer) {
      hand_over();
    }
  }
  void finish(std::exception_ptr failure) {
    if (!pending_.empty()) {
      try {
        hand_over();
      } catch (const Cancelled&) {
      }
    }
    const std::lock_guard lock(mutex_);
    done_ = true;
    failure_ = std::move(failure);
    changed_.notify_all();
  }

  // Reading side.
  std::string_view peek() {
    if (!peeked_) {
      current_ = take();
      peeked_ = true;
    }
    return current_;
  }
  std::string_view next() override {
    if (peeked_) {
      peeked_ = false;
      return current_;
    }
    current_ = take();
    return current_;
  }
  void cancel() {
    const std::lock_guard lock(mutex_);
    cancelled_ = true;
    changed_.notify_all();
  }

 private:
  static constexpr std::size_t kBuffer = 256 << 10;
  static constexpr std::size_t kQueued = 8;

  void hand_over() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return cancelled_ || queue_.size() < kQueued; });
    if (cancelled_) {
      throw Cancelled{};
    }
    queue_.push_back(std::exchange(pending_, std::string()));
    changed_.notify_all();
  }

  std::string take() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return !queue_.empty() || done_; });
    if (queue_.empty()) {
      if (failure_) {
        std::rethrow_exception(failure_);
      }
      return {};
    }
    auto chunk = std::move(queue_.front());
    queue_.pop_front();
    changed_.notify_all();
    return chunk;
  }

  std::string pending_;  // the receiving thread's alone
  std::string current_;  // the reading thread's alone
  bool peeked_ = false;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::string> queue_;
  bool done_ = false;
  bool cancelled_ = false;
  std::exception_ptr failure_;
};

class FetchedStore : public BlobStore {
 public:
  FetchedStore(const std::string& manifest, BlobFetcher& fetcher, std::string where, PathTree& tree,
               EntryBudget& budget, const ReadOptions& options)
      : manifest_(manifest),
        fetcher_(fetcher),
        where_(std::move(where)),
        tree_(tree),
        budget_(budget),
        summarise_(options.summarise_layers),
        select_(options.contents ? &options.contents : nullptr),
        verify_(options.verify_digests) {
    Sha256 sha;
    sha.update(manifest_);
    manifest_path_ = blob_path(sha.finish(), where_);
    // The blobs the manifest names, with their sizes: a fetch reads no more than that.
    const auto document = json::parse(manifest_, nullptr, false);
    const auto note = [this](const json& descriptor) {
      const auto digest = descriptor.is_object() ? string_at(descriptor, "digest") : std::string();
      const auto size = descriptor.is_object() ? descriptor_size(descriptor) : std::nullopt;
      if (!digest.empty() && size) {
        sizes_[blob_path(digest, where_)] = {digest, *size};
      }
    };
    if (document.is_object()) {
      if (const auto config = document.find("config"); config != document.end()) {
        note(*config);
      }
      if (const auto layers = document.find("layers");
          layers != document.end() && layers->is_array()) {
        for (const auto& layer : *layers) {
          note(layer);
        }
      }
    }
    // The manifest stands alone in an index of its own, as an OCI layout would hold it.
    const auto media_type =
        string_at(document.is_object() ? document : json::object(), "mediaType");
    index_ = json{{"schemaVersion", 2},
                  {"manifests",
                   json::array({{{"mediaType", media_type.empty()
                                                   ? "application/vnd.oci.image.manifest.v1+json"
                                                   : media_type},
                                 {"digest", promised_digest(manifest_path_)},
                                 {"size", manifest_.size()}}})}}
                 .dump();
  }

  std::optional<std::string> text(const std::string& path) override {
    if (path == "index.json") {
      return index_;
    }
    if (path == manifest_path_) {
      return manifest_;
    }
    const auto blob = sizes_.find(path);
    if (blob == sizes_.end()) {
      return std::nullopt;
    }
    const auto& [digest, size] = blob->second;
    if (size > max_json_bytes) {
      throw Error(fmt::format("{}: '{}' is a JSON document larger than {} MiB", where_, digest,
                              max_json_bytes >> 20));
    }
    std::string out;
    fetcher_.fetch(digest, size, verify_, [&out](std::string_view chunk) { out.append(chunk); });
    return out;
  }

  std::optional<LayerBlob> layer(const std::string& path, std::string_view label) override {
    if (const auto read = layers_.find(path); read != layers_.end()) {
      return read->second;  // a layer may repeat in one image: it is read once
    }
    const auto blob = sizes_.find(path);
    if (blob == sizes_.end()) {
      return std::nullopt;
    }
    // Named copies, not a structured binding: the fetch thread's lambda captures them.
    const auto& digest = blob->second.first;
    const auto size = blob->second.second;
    LayerBlob out;
    out.size = size;
    out.digest = verify_ ? digest : std::string();
    if (!summarise_) {
      out.compressed = true;  // its diff_id comes from the config
      return layers_[path] = std::move(out);
    }
    ChunkQueue queue;
    std::exception_ptr fetch_failure;
    std::thread receiver([&] {
      std::exception_ptr failure;
      try {
        fetcher_.fetch(digest, size, verify_,
                       [&queue](std::string_view chunk) { queue.push(chunk); });
      } catch (const ChunkQueue::Cancelled&) {
      } catch (...) {
        failure = std::current_exception();
        fetch_failure = failure;
      }
      queue.finish(failure);
    });
    try {
      out.compressed = is_compressed(queue.peek());
      HashingSource counted(queue, false);
      out.summary = std::make_shared<const LayerSummary>(summarise_layer(
          counted, tree_, budget_, fmt::format("{}: {} ({})", where_, label, digest), select_));
      counted.drain();
      out.size = counted.bytes();
    } catch (...) {
      queue.cancel();
      receiver.join();
      // What the registry sent wrong explains what the reader made of it.
      if (fetch_failure) {
        std::rethrow_exception(fetch_failure);
      }
      throw;
    }
    receiver.join();
    return layers_[path] = std::move(out);
  }

  bool has(const std::string& path) override {
    return path == manifest_path_ || sizes_.count(path) != 0;
  }

  std::optional<std::uint64_t> size(const std::string& path) override {
    if (path == manifest_path_) {
      return manifest_.size();
    }
    const auto blob = sizes_.find(path);
    return blob == sizes_.end() ? std::nullopt : std::optional<std::uint64_t>(blob->second.second);
  }

  [[nodiscard]] const std::string& where() const override { return where_; }
  EntryBudget& budget() override { return budget_; }

 private:
  const std::string& manifest_;
  BlobFetcher& fetcher_;
  std::string where_;
  PathTree& tree_;
  EntryBudget& budget_;
  bool summarise_;
  const ContentSelector* select_;
  bool verify_;
  std::string manifest_path_;
  std::string index_;
  std::map<std::string, std::pair<std::string, std::uint64_t>> sizes_;
  std::map<std::string, LayerBlob> layers_;
};

// ----- manifests -----

void apply_config(Image& image, const json& config, std::vector<std::string>& diff_ids) {
  image.architecture = string_at(config, "architecture");
  image.os = string_at(config, "os");
  image.created = string_at(config, "created");
  if (const auto settings = config.find("config");
      settings != config.end() && settings->is_object()) {
    if (const auto labels = settings->find("Labels");
        labels != settings->end() && labels->is_object()) {
      for (const auto& [key, value] : labels->items()) {
        if (value.is_string()) {
          image.labels[key] = value.get<std::string>();
        }
      }
    }
  }
  if (const auto rootfs = config.find("rootfs"); rootfs != config.end() && rootfs->is_object()) {
    if (const auto ids = rootfs->find("diff_ids"); ids != rootfs->end() && ids->is_array()) {
      for (const auto& id : *ids) {
        diff_ids.push_back(id.is_string() ? id.get<std::string>() : std::string());
      }
    }
  }
  std::vector<std::string> created_by;
  if (const auto history = config.find("history"); history != config.end() && history->is_array()) {
    for (const auto& step : *history) {
      const auto empty = step.is_object() ? step.find("empty_layer") : step.end();
      if (!step.is_object() || (empty != step.end() && empty->is_boolean() && empty->get<bool>())) {
        continue;
      }
      // `docker import` leaves created_by empty and says what it did in the comment.
      auto text = string_at(step, "created_by");
      created_by.push_back(text.empty() ? string_at(step, "comment") : text);
    }
  }
  for (std::size_t i = 0; i < image.layers.size(); ++i) {
    if (i < created_by.size()) {
      image.layers[i].created_by = created_by[i];
    }
    if (i < diff_ids.size()) {
      image.layers[i].diff_id = diff_ids[i];
      if (image.layers[i].digest.empty()) {
        image.layers[i].digest = diff_ids[i];  // a legacy layer read without hashing
      }
    }
  }
}

void add_layer(Image& image, BlobStore& store, const std::string& path, std::string digest,
               std::optional<std::uint64_t> expected_size) {
  const auto label = fmt::format("layer {}", image.layers.size() + 1);
  if (image.layers.size() >= max_layers) {
    throw Error(fmt::format("{}: the image has more than {} layers; an engine stacks at most 127",
                            store.where(), max_layers));
  }
  auto blob = store.layer(path, label);
  if (!blob) {
    throw Error(fmt::format("{}: {} ('{}') is missing from the image", store.where(), label, path));
  }
  // A layer listed again is merged again: its entries count again, so merging stays bounded.
  const bool repeated =
      std::any_of(image.layers.begin(), image.layers.end(),
                  [&](const ImageLayer& layer) { return layer.summary == blob->summary; });
  auto& budget = store.budget();
  if (repeated && (budget.used += blob->summary->entries.size()) > budget.max_entries) {
    throw Error(fmt::format(
        "{}: {} ('{}') repeats an earlier layer: more than {} entries to merge in all; raise "
        "--max-paths to read it",
        store.where(), label, path, budget.max_entries));
  }
  if (expected_size && *expected_size != blob->size) {
    throw Error(fmt::format("{}: {} ('{}') is {} bytes but its manifest says {}", store.where(),
                            label, path, blob->size, *expected_size));
  }
  ImageLayer layer;
  layer.digest = digest.empty() ? blob->digest : std::move(digest);
  layer.compressed_bytes = blob->size;
  layer.summary = std::move(blob->summary);
  layer.diff_id = blob->compressed ? std::string() : blob->digest;  // checked against the config
  image.layers.push_back(std::move(layer));
}

// Applies the image config; a layer whose diff_id its reader knew must match the config's.
void apply_checked_config(Image& image, const std::string& config_text, std::string_view where) {
  std::vector<std::string> stored;
  for (auto& layer : image.layers) {
    stored.push_back(std::exchange(layer.diff_id, std::string()));
  }
  std::vector<std::string> diff_ids;
  apply_config(image, parse_json(config_text, "the image config", where), diff_ids);
  Sha256 id;
  id.update(config_text);
  image.id = id.finish();
  for (std::size_t i = 0; i < image.layers.size() && i < diff_ids.size(); ++i) {
    if (!stored[i].empty() && !diff_ids[i].empty() && stored[i] != diff_ids[i]) {
      throw Error(fmt::format(
          "{}: layer {} does not match the image config (its content is {}, the config's diff_id "
          "{})",
          where, i + 1, stored[i], diff_ids[i]));
    }
  }
}

void read_docker_manifest(Image& image, BlobStore& store, const std::string& text) {
  const auto& where = store.where();
  const auto manifest = parse_json(text, "manifest.json", where);
  if (!manifest.is_array() || manifest.empty()) {
    throw Error(fmt::format("{}: manifest.json names no image", where));
  }
  if (manifest.size() > 1) {
    throw Error(fmt::format("{}: the archive holds {} images; save one image per archive", where,
                            manifest.size()));
  }
  const auto& entry = manifest[0];
  const auto config_path = clean_member(string_at(entry, "Config"));
  const auto config_text = store.text(config_path);
  if (!config_text) {
    throw Error(fmt::format("{}: the image config '{}' is missing", where, config_path));
  }
  const auto layers = entry.find("Layers");
  if (layers == entry.end() || !layers->is_array()) {
    throw Error(fmt::format("{}: manifest.json has no Layers list", where));
  }
  for (const auto& layer : *layers) {
    const auto path = clean_member(layer.is_string() ? layer.get<std::string>() : std::string());
    add_layer(image, store, path, promised_digest(path), std::nullopt);
  }
  apply_checked_config(image, *config_text, where);
}

bool is_index_type(const std::string& media_type) {
  return media_type == "application/vnd.oci.image.index.v1+json" ||
         media_type == "application/vnd.docker.distribution.manifest.list.v2+json";
}

bool is_layer_type(const std::string& media_type) {
  for (const std::string_view base : {"application/vnd.oci.image.layer.v1.tar",
                                      "application/vnd.oci.image.layer.nondistributable.v1.tar",
                                      "application/vnd.docker.image.rootfs.diff.tar",
                                      "application/vnd.docker.image.rootfs.foreign.diff.tar"}) {
    if (media_type == base) {
      return true;
    }
    if (media_type.starts_with(base)) {
      const auto rest = std::string_view(media_type).substr(base.size());
      if (rest == "+gzip" || rest == "+zstd" || rest == ".gzip") {
        return true;
      }
    }
  }
  return false;
}

std::optional<std::uint64_t> descriptor_size(const json& descriptor) {
  const auto it = descriptor.find("size");
  return it != descriptor.end() && it->is_number_unsigned()
             ? std::optional<std::uint64_t>(it->get<std::uint64_t>())
             : std::nullopt;
}

// The first image manifest an index names whose blob is present, following nested indexes and
// skipping attestations.
std::optional<json> pick_manifest(BlobStore& store, const json& index, int depth) {
  const auto& where = store.where();
  const auto manifests = index.find("manifests");
  if (manifests == index.end() || !manifests->is_array() || depth > 4) {
    return std::nullopt;
  }
  for (const auto& descriptor : *manifests) {
    if (!descriptor.is_object()) {
      continue;
    }
    const auto media_type = string_at(descriptor, "mediaType");
    const auto path = blob_path(string_at(descriptor, "digest"), where);
    if (!store.has(path)) {
      continue;
    }
    const auto annotations = descriptor.find("annotations");
    if (annotations != descriptor.end() && annotations->is_object() &&
        string_at(*annotations, "vnd.docker.reference.type") == "attestation-manifest") {
      continue;
    }
    const auto text = store.text(path);
    auto document = parse_json(*text, fmt::format("the manifest {}", path), where);
    if (is_index_type(media_type) || document.contains("manifests")) {
      if (auto found = pick_manifest(store, document, depth + 1)) {
        return found;
      }
      continue;
    }
    if (const auto size = descriptor_size(descriptor); size && *size != text->size()) {
      throw Error(fmt::format("{}: the manifest '{}' is {} bytes but its index says {}", where,
                              path, text->size(), *size));
    }
    return document;
  }
  return std::nullopt;
}

void read_oci_index(Image& image, BlobStore& store, const std::string& text) {
  const auto& where = store.where();
  const auto index = parse_json(text, "index.json", where);
  const auto manifest = pick_manifest(store, index, 0);
  if (!manifest) {
    throw Error(fmt::format("{}: index.json names no image manifest whose blob is present", where));
  }
  const auto config = manifest->find("config");
  if (config == manifest->end() || !config->is_object()) {
    throw Error(fmt::format("{}: the image manifest has no config", where));
  }
  const auto config_path = blob_path(string_at(*config, "digest"), where);
  const auto config_text = store.text(config_path);
  if (!config_text) {
    throw Error(fmt::format("{}: the image config '{}' is missing", where, config_path));
  }
  const auto layers = manifest->find("layers");
  if (layers == manifest->end() || !layers->is_array()) {
    throw Error(fmt::format("{}: the image manifest has no layers list", where));
  }
  for (const auto& descriptor : *layers) {
    if (!descriptor.is_object()) {
      throw Error(fmt::format("{}: a layer descriptor is not an object", where));
    }
    const auto media_type = string_at(descriptor, "mediaType");
    const auto digest = string_at(descriptor, "digest");
    if (!is_layer_type(media_type)) {
      throw Error(fmt::format("{}: layer {} ({}) has the unknown media type \"{}\"", where,
                              image.layers.size() + 1, digest, media_type));
    }
    add_layer(image, store, blob_path(digest, where), digest, descriptor_size(descriptor));
  }
  apply_checked_config(image, *config_text, where);
}

void resolve(Image& image, BlobStore& store, bool folder) {
  if (!folder) {
    if (const auto manifest = store.text("manifest.json")) {
      read_docker_manifest(image, store, *manifest);
      return;
    }
  }
  if (const auto index = store.text("index.json")) {
    read_oci_index(image, store, *index);
    return;
  }
  throw Error(folder ? fmt::format("{}: not an OCI image layout (no index.json)", store.where())
                     : fmt::format("{}: not an image archive (no manifest.json or index.json)",
                                   store.where()));
}

}  // namespace

Image read_image(const std::string& manifest, BlobFetcher& fetcher, const std::string& where,
                 const ReadOptions& options) {
  Image image;
  EntryBudget budget{options.max_entries, 0};
  FetchedStore store(manifest, fetcher, where, image.paths, budget, options);
  resolve(image, store, true);
  return image;
}

Image read_image(const std::string& input, std::istream& stdin_stream, const ReadOptions& options) {
  Image image;
  EntryBudget budget{options.max_entries, 0};
  std::error_code error;
  if (input != "-" && fs::is_directory(input, error)) {
    FolderStore store(input, image.paths, budget, options);
    resolve(image, store, true);
    return image;
  }

  const std::string where = input == "-" ? std::string("<stdin>") : input;
  ArchivePtr archive(archive_read_new(), archive_read_free);
  archive_read_support_filter_all(archive.get());
  archive_read_support_format_tar(archive.get());
  StreamContext context{&stdin_stream, std::vector<char>(options.chunk_bytes), nullptr};
  int code = ARCHIVE_OK;
  std::optional<OpenFile> file;
  if (input == "-") {
    code = archive_read_open(archive.get(), &context, nullptr, stream_read, nullptr);
  } else {
    if (!fs::exists(input, error)) {
      throw Error(fmt::format("cannot read '{}': No such file or directory", input));
    }
    code = archive_read_open_filename(archive.get(), input.c_str(), options.chunk_bytes);
    file.emplace(input, where);
  }
  if (code != ARCHIVE_OK) {
    const char* what = archive_error_string(archive.get());
    throw Error(fmt::format("{}: not a readable archive ({})", where,
                            what != nullptr ? what : "unknown error"));
  }
  ArchiveStore store(where, image.paths, budget, options,
                     file && file->regular() ? &*file : nullptr);
  store.read_all(archive.get());
  resolve(image, store, false);
  return image;
}

}  // namespace hubtel::inspect
