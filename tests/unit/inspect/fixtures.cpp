// Test images written with libarchive and hashed with the project's SHA-256.
#include "fixtures.hpp"

#include "common/sha256.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <memory>
#include <stdexcept>

namespace hubtel::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

la_ssize_t append(struct archive* /*archive*/, void* data, const void* buffer, size_t length) {
  static_cast<std::string*>(data)->append(static_cast<const char*>(buffer), length);
  return static_cast<la_ssize_t>(length);
}

void check(int code, struct archive* archive) {
  if (code < ARCHIVE_WARN) {
    throw std::runtime_error(archive_error_string(archive));
  }
}

// Writes (name, bytes) members and links into a tar.
class TarWriter {
 public:
  explicit TarWriter(std::string_view compression, bool pax = true)
      : archive_(archive_write_new(), archive_write_free) {
    if (pax) {
      archive_write_set_format_pax_restricted(archive_.get());
    } else {
      archive_write_set_format_ustar(archive_.get());
    }
    if (compression == "gzip") {
      archive_write_add_filter_gzip(archive_.get());
      archive_write_set_filter_option(archive_.get(), "gzip", "timestamp", nullptr);
    } else if (compression == "zstd") {
      archive_write_add_filter_zstd(archive_.get());
    }
    archive_write_set_bytes_in_last_block(archive_.get(), 1);
    check(archive_write_open(archive_.get(), &out_, nullptr, append, nullptr), archive_.get());
  }

  void add(const TarEntry& item, std::string_view content = {}) {
    std::unique_ptr<archive_entry, void (*)(archive_entry*)> entry(archive_entry_new(),
                                                                   archive_entry_free);
    archive_entry_set_pathname(entry.get(), item.path.c_str());
    archive_entry_set_mtime(entry.get(), 1700000000, 0);
    archive_entry_set_uid(entry.get(), 0);
    archive_entry_set_gid(entry.get(), 0);
    std::string data;
    switch (item.type) {
      case 'd':
        archive_entry_set_filetype(entry.get(), AE_IFDIR);
        archive_entry_set_perm(entry.get(), 0755);
        break;
      case 'l':
        archive_entry_set_filetype(entry.get(), AE_IFLNK);
        archive_entry_set_perm(entry.get(), 0777);
        archive_entry_set_symlink(entry.get(), item.target.c_str());
        break;
      case 'h':
        archive_entry_set_filetype(entry.get(), AE_IFREG);
        archive_entry_set_perm(entry.get(), 0644);
        archive_entry_set_hardlink(entry.get(), item.target.c_str());
        archive_entry_set_size(entry.get(), 0);
        break;
      case 's':  // sparse: item.size bytes long, 512 of them stored
        archive_entry_set_filetype(entry.get(), AE_IFREG);
        archive_entry_set_perm(entry.get(), 0644);
        archive_entry_set_size(entry.get(), static_cast<la_int64_t>(item.size));
        archive_entry_sparse_add_entry(entry.get(), 0, 512);
        data = std::string(512, 'x');
        break;
      default:
        archive_entry_set_filetype(entry.get(), AE_IFREG);
        archive_entry_set_perm(entry.get(), 0644);
        data = content.empty() ? std::string(item.size, 'x') : std::string(content);
        archive_entry_set_size(entry.get(), static_cast<la_int64_t>(data.size()));
    }
    check(archive_write_header(archive_.get(), entry.get()), archive_.get());
    if (!data.empty()) {
      archive_write_data(archive_.get(), data.data(), data.size());
    }
  }

  void add_file(const std::string& name, std::string_view content) {
    add({name, 'f', content.size(), {}}, content.empty() ? std::string_view() : content);
  }

  std::string finish() {
    check(archive_write_close(archive_.get()), archive_.get());
    return std::move(out_);
  }

 private:
  std::unique_ptr<struct archive, int (*)(struct archive*)> archive_;
  std::string out_;
};

std::string hex_of(const std::string& digest) {
  return digest.substr(7);
}

std::string media_type(const std::string& compression) {
  if (compression == "gzip") {
    return "application/vnd.oci.image.layer.v1.tar+gzip";
  }
  if (compression == "zstd") {
    return "application/vnd.oci.image.layer.v1.tar+zstd";
  }
  return "application/vnd.oci.image.layer.v1.tar";
}

// Changes one byte of a plain layer's file contents: the tar still reads, its digest differs.
void corrupt(std::string& tar) {
  const auto at = tar.find(std::string(64, 'x'));
  if (at == std::string::npos) {
    throw std::runtime_error("no file contents to corrupt");
  }
  tar[at] = 'y';
}

struct Blobs {
  std::vector<std::pair<std::string, std::string>> layers;  // path, bytes (manifest order)
  std::string config;
  std::string manifest;
  std::string index;
  std::vector<std::string> diff_ids;
};

std::string config_of(const FixtureImage& image, const std::vector<std::string>& diff_ids) {
  json history = json::array();
  history.push_back(
      {{"created_by", "/bin/sh -c #(nop)  ENV PATH=/usr/bin"}, {"empty_layer", true}});
  for (const auto& layer : image.layers) {
    history.push_back({{"created_by", layer.created_by}});
    history.push_back({{"created_by", "/bin/sh -c #(nop)  LABEL x=y"}, {"empty_layer", true}});
  }
  return json({{"architecture", image.architecture},
               {"os", "linux"},
               {"config", {{"Env", {"PATH=/usr/bin"}}}},
               {"rootfs", {{"type", "layers"}, {"diff_ids", diff_ids}}},
               {"history", history}})
      .dump();
}

// The blobs of the OCI layout; layers stored with their compression.
Blobs oci_blobs(const FixtureImage& image, bool plain_layers) {
  Blobs blobs;
  json layers = json::array();
  for (const auto& layer : image.layers) {
    const auto tar = make_tar(layer.entries);
    blobs.diff_ids.push_back(sha256(tar));
    const auto compression = plain_layers ? std::string() : layer.compression;
    auto stored = compression.empty() ? tar : make_tar(layer.entries, compression);
    const auto digest = sha256(stored);
    layers.push_back({{"mediaType", image.layer_media_type.empty() ? media_type(compression)
                                                                   : image.layer_media_type},
                      {"digest", digest},
                      {"size", stored.size()}});
    blobs.layers.emplace_back("blobs/sha256/" + hex_of(digest), std::move(stored));
  }
  blobs.config = config_of(image, blobs.diff_ids);
  blobs.manifest = json({{"schemaVersion", 2},
                         {"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                         {"config",
                          {{"mediaType", "application/vnd.oci.image.config.v1+json"},
                           {"digest", sha256(blobs.config)},
                           {"size", blobs.config.size()}}},
                         {"layers", layers}})
                       .dump();
  blobs.index = json({{"schemaVersion", 2},
                      {"mediaType", "application/vnd.oci.image.index.v1+json"},
                      {"manifests",
                       {{{"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                         {"digest", sha256(blobs.manifest)},
                         {"size", blobs.manifest.size()},
                         {"annotations", {{"io.containerd.image.name", "docker.io/test/known:1"}}},
                         {"platform", {{"architecture", image.architecture}, {"os", "linux"}}}}}}})
                    .dump();
  if (image.corrupt_blob && !blobs.layers.empty()) {
    corrupt(blobs.layers.front().second);
  }
  if (image.drop_last_layer && !blobs.layers.empty()) {
    blobs.layers.pop_back();
  }
  return blobs;
}

}  // namespace

std::string sha256(std::string_view bytes) {
  Sha256 hash;
  hash.update(bytes);
  return hash.finish();
}

std::string make_tar(const std::vector<TarEntry>& entries, std::string_view compression) {
  TarWriter writer(compression, entries.size() < 100000);
  for (const auto& entry : entries) {
    writer.add(entry);
  }
  return writer.finish();
}

std::string make_archive(const std::vector<std::pair<std::string, std::string>>& files,
                         std::string_view compression) {
  TarWriter writer(compression);
  for (const auto& [name, content] : files) {
    writer.add_file(name, content);
  }
  return writer.finish();
}

std::string repeated_layer_archive(const std::vector<TarEntry>& entries, int times) {
  const auto tar = make_tar(entries);
  const auto config = json{{"architecture", "amd64"}, {"os", "linux"}}.dump();
  return make_archive(
      {{"layer.tar", tar},
       {"config.json", config},
       {"manifest.json",
        json::array(
            {{{"Config", "config.json"},
              {"Layers", std::vector<std::string>(static_cast<std::size_t>(times), "layer.tar")}}})
            .dump()}});
}

std::string save_archive(const FixtureImage& image, Layout layout) {
  TarWriter writer("");
  if (layout == Layout::legacy) {
    std::vector<std::string> diff_ids;
    std::vector<std::string> paths;
    for (std::size_t i = 0; i < image.layers.size(); ++i) {
      auto tar = make_tar(image.layers[i].entries);
      diff_ids.push_back(sha256(tar));
      const auto id =
          std::string(image.long_member_names ? "a-folder-name-long-enough-for-pax/" : "") +
          hex_of(sha256("layer id " + std::to_string(i) + diff_ids.back()));
      paths.push_back(id + "/layer.tar");
      if (image.corrupt_blob && i == 0) {
        corrupt(tar);
      }
      if (image.drop_last_layer && i + 1 == image.layers.size()) {
        continue;
      }
      writer.add({id, 'd', 0, {}});
      writer.add_file(id + "/VERSION", "1.0");
      writer.add_file(paths.back(), tar);
    }
    const auto config = config_of(image, diff_ids);
    const auto config_name = hex_of(sha256(config)) + ".json";
    writer.add_file(config_name, config);
    writer.add_file(
        "manifest.json",
        json::array({{{"Config", config_name}, {"RepoTags", {"test/known:1"}}, {"Layers", paths}}})
            .dump());
    writer.add_file("repositories", R"({"test/known":{"1":"0"}})");
    return writer.finish();
  }
  const auto blobs = oci_blobs(image, layout == Layout::docker25);
  writer.add({"blobs", 'd', 0, {}});
  writer.add({"blobs/sha256", 'd', 0, {}});
  for (const auto& [path, bytes] : blobs.layers) {
    writer.add_file(path, bytes);
  }
  writer.add_file("blobs/sha256/" + hex_of(sha256(blobs.config)), blobs.config);
  writer.add_file("blobs/sha256/" + hex_of(sha256(blobs.manifest)), blobs.manifest);
  writer.add_file("index.json", blobs.index);
  if (layout == Layout::docker25) {
    json paths = json::array();
    for (const auto& layer : image.layers) {
      paths.push_back("blobs/sha256/" + hex_of(sha256(make_tar(layer.entries))));
    }
    writer.add_file("manifest.json",
                    json::array({{{"Config", "blobs/sha256/" + hex_of(sha256(blobs.config))},
                                  {"RepoTags", {"test/known:1"}},
                                  {"Layers", paths}}})
                        .dump());
  }
  writer.add_file("oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
  return writer.finish();
}

void write_oci_folder(const FixtureImage& image, const fs::path& dir) {
  const auto blobs = oci_blobs(image, false);
  fs::create_directories(dir / "blobs" / "sha256");
  const auto put = [&](const fs::path& path, const std::string& bytes) {
    std::ofstream out(dir / path, std::ios::binary);
    out << bytes;
  };
  for (const auto& [path, bytes] : blobs.layers) {
    put(path, bytes);
  }
  put("blobs/sha256/" + hex_of(sha256(blobs.config)), blobs.config);
  put("blobs/sha256/" + hex_of(sha256(blobs.manifest)), blobs.manifest);
  put("index.json", blobs.index);
  put("oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
}

// Layer 1 (base): 9400 bytes in 9 files. Layer 2: 7200 bytes; overwrites /etc/conf (100 wasted),
// deletes /var/cache/a (3000), makes /opt/data opaque (1000). Layer 3: 7000 bytes; deletes
// /usr/lib/libsmall.so (300), overwrites /app/main (7000). Total 23600, visible 12200.
FixtureImage known_image() {
  FixtureImage image;
  image.layers.push_back({{{"etc", 'd', 0, {}},
                           {"etc/conf", 'f', 100, {}},
                           {"usr/", 'd', 0, {}},
                           {"usr/lib/", 'd', 0, {}},
                           {"./usr/lib/libbig.so", 'f', 5000, {}},
                           {"usr/lib/libsmall.so", 'f', 300, {}},
                           {"usr/lib/libhard.so", 'h', 0, "usr/lib/libbig.so"},
                           {"var/cache/a/x", 'f', 1000, {}},
                           {"var/cache/a/y", 'f', 2000, {}},
                           {"opt/data/keep", 'f', 400, {}},
                           {"opt/data/old", 'f', 600, {}},
                           {"bin", 'd', 0, {}},
                           {"bin/sh", 'l', 0, "/usr/bin/dash"}},
                          "",
                          "/bin/sh -c #(nop) ADD file:base in / "});
  image.layers.push_back({{{"etc/conf", 'f', 150, {}},
                           {"var/cache/.wh.a", 'f', 0, {}},
                           {"opt/data", 'd', 0, {}},
                           {"opt/data/.wh..wh..opq", 'f', 0, {}},
                           {"opt/data/new", 'f', 50, {}},
                           {"app/main", 'f', 7000, {}}},
                          "gzip",
                          "/bin/sh -c apt-get install -y thing"});
  image.layers.push_back(
      {{{"usr/lib/.wh.libsmall.so", 'f', 0, {}}, {"app", 'd', 0, {}}, {"app/main", 'f', 7000, {}}},
       "zstd",
       "COPY main /app/main # buildkit"});
  return image;
}

FixtureImage grown_image() {
  auto image = known_image();
  image.layers.back() = {{{"usr/lib/.wh.libsmall.so", 'f', 0, {}},
                          {"app", 'd', 0, {}},
                          {"app/main", 'f', 9000, {}},
                          {"app/new.txt", 'f', 500, {}},
                          {"etc/conf", 'f', 80, {}},
                          {"opt/data/.wh.new", 'f', 0, {}}},
                         "zstd",
                         "COPY main new.txt conf /app/ # buildkit"};
  return image;
}

void write_fixture_set(const fs::path& dir) {
  fs::create_directories(dir);
  const auto put = [&](const std::string& name, const std::string& bytes) {
    std::ofstream out(dir / name, std::ios::binary);
    out << bytes;
  };
  const auto image = known_image();
  const auto legacy = save_archive(image, Layout::legacy);
  put("legacy.tar", legacy);
  put("docker25.tar", save_archive(image, Layout::docker25));
  put("oci.tar", save_archive(image, Layout::oci_archive));
  fs::remove_all(dir / "oci");
  write_oci_folder(image, dir / "oci");
  // A layer that names a file in bytes that are not UTF-8, as a real layer may.
  {
    auto named = known_image();
    named.layers.front().entries.push_back({"app/caf\xe9.txt", 'f', 100, ""});
    put("non-utf8-name.tar", save_archive(named, Layout::legacy));
  }
  // The archive piped through gzip, as `docker save | gzip` writes it.
  {
    std::string compressed;
    std::unique_ptr<struct archive, int (*)(struct archive*)> raw(archive_write_new(),
                                                                  archive_write_free);
    archive_write_set_format_raw(raw.get());
    archive_write_add_filter_gzip(raw.get());
    archive_write_open(raw.get(), &compressed, nullptr, append, nullptr);
    std::unique_ptr<archive_entry, void (*)(archive_entry*)> entry(archive_entry_new(),
                                                                   archive_entry_free);
    archive_entry_set_filetype(entry.get(), AE_IFREG);
    archive_entry_set_size(entry.get(), static_cast<la_int64_t>(legacy.size()));
    archive_write_header(raw.get(), entry.get());
    archive_write_data(raw.get(), legacy.data(), legacy.size());
    archive_write_close(raw.get());
    put("legacy.tar.gz", compressed);
  }

  // The known image with its last layer replaced, for --compare: /app/main grown (7000 to 9000),
  // /app/new.txt added (500), /etc/conf shrunk (150 to 80), /opt/data/new removed (50),
  // /usr/lib/libbig.so and its hardlink unchanged; 26180 bytes in total (+2580).
  {
    const auto grown = grown_image();
    put("grown.tar", save_archive(grown, Layout::legacy));
    fs::remove_all(dir / "grown-oci");
    write_oci_folder(grown, dir / "grown-oci");
  }

  FixtureImage base;
  base.layers.push_back(image.layers[0]);
  put("base.tar", save_archive(base, Layout::legacy));
  fs::remove_all(dir / "base-oci");
  write_oci_folder(base, dir / "base-oci");

  FixtureImage empty;
  empty.layers.push_back({{{"tmp", 'd', 0, {}}}, "", "empty"});
  put("empty.tar", save_archive(empty, Layout::legacy));

  // A hardlink outliving its target's path (the e2e test loads it into the engine).
  FixtureImage linked;
  linked.layers.push_back({{{"usr/lib/real.so", 'f', 5000, {}},
                            {"usr/lib/alias.so", 'h', 0, "usr/lib/real.so"},
                            {"usr/lib/alias2.so", 'h', 0, "usr/lib/real.so"}},
                           "",
                           "links"});
  linked.layers.push_back({{{"usr/lib/.wh.real.so", 'f', 0, {}}}, "", "rm real.so"});
  put("hardlink.tar", save_archive(linked, Layout::legacy));

  // Over AWS Lambda's 10 GiB: a sparse file whose header says 10 GiB + 1 byte.
  FixtureImage huge;
  huge.layers.push_back({{{"var/huge.img", 's', 10'737'418'241ULL, {}}}, "", "huge"});
  put("huge.tar", save_archive(huge, Layout::legacy));

  // Refusals.
  put("truncated.tar", legacy.substr(0, legacy.size() / 2));
  put("garbled.tar", std::string(4096, '\x5a'));
  {
    TarWriter writer("");
    writer.add_file("hello.txt", "not an image\n");
    put("no-manifest.tar", writer.finish());
  }
  {
    TarWriter writer("");
    writer.add_file("manifest.json", "[{\"Config\": ");
    put("bad-json.tar", writer.finish());
  }
  auto broken = image;
  broken.drop_last_layer = true;
  put("missing-blob.tar", save_archive(broken, Layout::oci_archive));
  put("missing-layer.tar", save_archive(broken, Layout::legacy));
  broken = image;
  broken.corrupt_blob = true;
  put("digest-mismatch.tar", save_archive(broken, Layout::oci_archive));
  put("diff-id-mismatch.tar", save_archive(broken, Layout::legacy));
  fs::remove_all(dir / "digest-mismatch");
  write_oci_folder(broken, dir / "digest-mismatch");
  broken = image;
  broken.layer_media_type = "application/vnd.example.mystery";
  put("unknown-media-type.tar", save_archive(broken, Layout::oci_archive));
  FixtureImage climbing;
  climbing.layers.push_back({{{"usr/lib/../../../etc/passwd", 'f', 10, {}}}, "", "climb"});
  put("dotdot.tar", save_archive(climbing, Layout::legacy));
  {
    // A layer cut short: the outer archive is whole, the layer tar inside it is not.
    FixtureImage cut = image;
    auto tar = make_tar(cut.layers[1].entries);
    TarWriter writer("");
    writer.add_file("blobs/sha256/" + hex_of(sha256(tar.substr(0, 1300))), tar.substr(0, 1300));
    writer.add_file(
        "manifest.json",
        json::array({{{"Config", "config.json"},
                      {"Layers", {"blobs/sha256/" + hex_of(sha256(tar.substr(0, 1300)))}}}})
            .dump());
    writer.add_file("config.json", R"({"architecture":"amd64","os":"linux"})");
    put("truncated-layer.tar", writer.finish());
  }

  // Limits: one layer listed 200 times; sparse files whose sizes add up past 2^64; JSON-looking
  // members past what is kept.
  {
    std::vector<TarEntry> entries;
    for (int i = 0; i < 20'000; ++i) {
      entries.push_back({"d/" + std::to_string(i), 'f', 1, {}});
    }
    put("repeated.tar", repeated_layer_archive(entries, 200));
  }
  {
    FixtureImage overflow;
    FixtureLayer sparse;
    for (int i = 0; i < 5; ++i) {
      sparse.entries.push_back({"var/sparse" + std::to_string(i), 's', 1ULL << 62, {}});
    }
    overflow.layers.push_back(std::move(sparse));
    put("overflow.tar", save_archive(overflow, Layout::legacy));
  }
  {
    std::vector<std::pair<std::string, std::string>> documents;
    for (int i = 0; i < 40; ++i) {
      documents.emplace_back(std::to_string(i) + ".json", "{" + std::string(1 << 20, ' ') + "}");
    }
    put("json-members.tar.gz", make_archive(documents, "gzip"));
  }

  // A million and one empty files in one zstd layer.
  FixtureImage bomb;
  FixtureLayer many;
  many.compression = "zstd";
  many.entries.reserve(1'000'001);
  for (int i = 0; i <= 1'000'000; ++i) {
    many.entries.push_back({"f/" + std::to_string(i), 'f', 0, {}});
  }
  bomb.layers.push_back(std::move(many));
  put("bomb.tar", save_archive(bomb, Layout::oci_archive));

  put(".dive-ci",
      "# dive's CI rules\nrules:\n  lowestEfficiency: 0.95\n  highestWastedBytes: 20MB\n"
      "  highestUserWastedPercent: 0.20 # of the total\n");
  put("lenient.dive-ci",
      "rules:\n  lowestEfficiency: 0.5\n  highestWastedBytes: \"20KB\"\n"
      "  highestUserWastedPercent: disabled\n");
  put("bad.dive-ci", "rules:\n  lowestEfficiency: 0.95\n  lowestEfficency: 0.9\n");
}

}  // namespace hubtel::test
