// The contents an SBOM asks a layer reader for: a sparse member hashed as the zeros its holes
// unpack to, whiteouts never read as files, kept documents whole.
#include "common/error.hpp"
#include "common/files.hpp"
#include "common/temporary_dir.hpp"
#include "inspect/fixtures.hpp"
#include "inspect/layer.hpp"
#include "process/process.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace hubtel::inspect {
namespace {

using test::StringSource;

namespace fs = std::filesystem;

struct Read {
  LayerSummary summary;
  PathTree tree;
};

// Reads `tar` asking for every regular file's hash, and keeping those named "keep*".
Read read_contents(std::string tar) {
  Read out;
  EntryBudget budget;
  StringSource source(std::move(tar));
  const ContentSelector select = [](std::string_view path, std::uint64_t) {
    return ContentRequest{true, path.find("keep") != std::string_view::npos};
  };
  out.summary = summarise_layer(source, out.tree, budget, "layer", &select);
  return out;
}

// GNU tar of the files under `root`, made by the machine's tar (--sparse: holes as a sparse map).
std::string gnu_tar(const fs::path& root, const std::vector<std::string>& extra = {}) {
  std::vector<std::string> argv{"tar", "--sparse", "--format=gnu", "-C", root.string(), "-cf", "-"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.emplace_back(".");
  const auto result = process::run({argv, {}});
  EXPECT_TRUE(result.ok()) << result.steps.front().err;
  return result.out;
}

TEST(LayerContents, SparseFileHashesAsItUnpacks) {
  const TemporaryDir dir("hubtel-sparse-");
  const auto root = dir.path() / "root";
  fs::create_directories(root);
  // 3 MiB of holes around two written runs.
  {
    std::ofstream file(root / "sparse.bin", std::ios::binary);
    file.seekp(1 << 20);
    file << std::string(4096, 'a');
    file.seekp(2 << 20);
    file << std::string(100, 'b');
  }
  fs::resize_file(root / "sparse.bin", 3 << 20);
  const auto expected = test::sha256(read_file(root / "sparse.bin"));
  const auto tar = gnu_tar(root);
  ASSERT_NE(tar.find("sparse.bin"), std::string::npos);
  ASSERT_LT(tar.size(), std::size_t{1} << 20) << "the tar holds the holes: not sparse";

  const auto read = read_contents(tar);
  ASSERT_EQ(read.summary.contents.size(), 1U);
  EXPECT_EQ(read.tree.path(read.summary.contents[0].node), "/sparse.bin");
  EXPECT_EQ("sha256:" + read.summary.contents[0].sha256, expected);
}

TEST(LayerContents, WhiteoutsAreNeverReadAsFiles) {
  const TemporaryDir dir("hubtel-whiteout-");
  const auto root = dir.path() / "root";
  fs::create_directories(root / "etc");
  write_file_atomically(root / "etc" / "keep.conf", "kept\n");
  write_file_atomically(root / "etc" / ".wh.gone", "");
  write_file_atomically(root / "etc" / ".wh..wh..opq", "");
  write_file_atomically(root / ".wh..wh.plnk", "");
  const auto read = read_contents(gnu_tar(root));
  ASSERT_EQ(read.summary.contents.size(), 1U);
  const auto& content = read.summary.contents[0];
  EXPECT_EQ(read.tree.path(content.node), "/etc/keep.conf");
  ASSERT_TRUE(content.text.has_value());
  EXPECT_EQ(*content.text, "kept\n");
  EXPECT_EQ("sha256:" + content.sha256, test::sha256("kept\n"));
}

}  // namespace
}  // namespace hubtel::inspect
