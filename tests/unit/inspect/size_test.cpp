// The size report against images written here: every input form, the merge rules, base split,
// budgets, .dive-ci rules, renderings and the refusals.
#include "fixtures.hpp"
#include "inspect/budget.hpp"
#include "inspect/image.hpp"
#include "inspect/report.hpp"

#include "common/error.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;
using namespace hubtel::inspect;
using hubtel::test::FixtureImage;
using hubtel::test::FixtureLayer;
using hubtel::test::Layout;
using hubtel::test::TarEntry;

namespace {

const fs::path& work_dir() {
  static const fs::path dir = [] {
    auto path = fs::temp_directory_path() / ("hubtel-size-test-" + std::to_string(::getpid()));
    fs::remove_all(path);
    fs::create_directories(path);
    return path;
  }();
  return dir;
}

SizeReport report_of_stream(const std::string& bytes) {
  std::istringstream in(bytes);
  return analyse(read_image("-", in));
}

SizeReport report_of_folder(const FixtureImage& image, const std::string& name) {
  const auto dir = work_dir() / name;
  fs::remove_all(dir);
  hubtel::test::write_oci_folder(image, dir);
  std::istringstream none;
  return analyse(read_image(dir.string(), none));
}

std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const hubtel::Error& e) {
    return e.what();
  }
  return "(no error)";
}

void expect_known_figures(const SizeReport& report) {
  EXPECT_EQ(report.total_bytes, 23600U);
  EXPECT_EQ(report.visible_bytes, 12200U);
  EXPECT_EQ(report.wasted_bytes, 11400U);
  EXPECT_NEAR(report.efficiency, 12200.0 / 23600.0, 1e-12);
  EXPECT_EQ(report.architecture, "amd64");
  ASSERT_EQ(report.layers.size(), 3U);
  EXPECT_EQ(report.layers[0].bytes, 9400U);
  EXPECT_EQ(report.layers[1].bytes, 7200U);
  EXPECT_EQ(report.layers[2].bytes, 7000U);
  EXPECT_EQ(report.layers[0].files, 9U);
  EXPECT_EQ(report.layers[1].files, 3U);
  EXPECT_EQ(report.layers[2].files, 1U);
  EXPECT_EQ(report.layers[0].wasted_bytes, 4400U);
  EXPECT_EQ(report.layers[1].wasted_bytes, 7000U);
  EXPECT_EQ(report.layers[2].wasted_bytes, 0U);
  EXPECT_EQ(report.user_wasted_bytes, 7000U);
  EXPECT_EQ(report.layers[0].index, 1U);
  EXPECT_EQ(report.layers[0].created_by, "/bin/sh -c #(nop) ADD file:base in / ");
  EXPECT_EQ(report.layers[2].created_by, "COPY main /app/main # buildkit");
  for (const auto& layer : report.layers) {
    EXPECT_TRUE(layer.digest.starts_with("sha256:")) << layer.digest;
    EXPECT_EQ(layer.digest.size(), 71U);
  }
  const std::vector<std::pair<std::string, std::uint64_t>> expected{{"/app", 7000},
                                                                    {"/app/main", 7000},
                                                                    {"/usr", 5000},
                                                                    {"/usr/lib", 5000},
                                                                    {"/usr/lib/libbig.so", 5000},
                                                                    {"/etc", 150},
                                                                    {"/etc/conf", 150},
                                                                    {"/opt", 50},
                                                                    {"/opt/data", 50},
                                                                    {"/opt/data/new", 50}};
  ASSERT_EQ(report.largest_paths.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(report.largest_paths[i].path, expected[i].first);
    EXPECT_EQ(report.largest_paths[i].bytes, expected[i].second);
  }
}

}  // namespace

TEST(SizeReport, LegacySaveArchive) {
  const auto report = report_of_stream(save_archive(hubtel::test::known_image(), Layout::legacy));
  expect_known_figures(report);
  // Legacy layers are plain tars: the blob is the tar, its digest the diff_id.
  EXPECT_EQ(report.layers[0].digest, report.layers[0].diff_id);
  ASSERT_TRUE(report.compressed_bytes.has_value());
}

TEST(SizeReport, DockerTwentyFiveArchive) {
  expect_known_figures(
      report_of_stream(save_archive(hubtel::test::known_image(), Layout::docker25)));
}

TEST(SizeReport, OciArchiveWithGzipAndZstdLayers) {
  const auto image = hubtel::test::known_image();
  const auto report = report_of_stream(save_archive(image, Layout::oci_archive));
  expect_known_figures(report);
  // Compressed layers: the digest is the blob's, the diff_id the config's.
  EXPECT_NE(report.layers[1].digest, report.layers[1].diff_id);
  EXPECT_EQ(report.layers[1].diff_id,
            hubtel::test::sha256(hubtel::test::make_tar(image.layers[1].entries)));
  EXPECT_LT(*report.layers[1].compressed_bytes, 7200U);
}

TEST(SizeReport, OciFolder) {
  expect_known_figures(report_of_folder(hubtel::test::known_image(), "oci"));
}

TEST(SizeReport, ArchiveFileOnDisk) {
  const auto path = work_dir() / "legacy.tar";
  std::ofstream(path, std::ios::binary)
      << save_archive(hubtel::test::known_image(), Layout::legacy);
  std::istringstream none;
  expect_known_figures(analyse(read_image(path.string(), none)));
}

// Without digest checks an archive on disk is read by offset, its layers' file contents skipped:
// the figures are the same, whatever headers (pax here) come before a member.
TEST(SizeReport, ArchiveFileReadByOffset) {
  auto image = hubtel::test::known_image();
  image.long_member_names = true;
  const auto path = work_dir() / "long-names.tar";
  std::ofstream(path, std::ios::binary) << save_archive(image, Layout::legacy);
  std::istringstream none;
  ReadOptions options;
  options.verify_digests = false;
  expect_known_figures(analyse(read_image(path.string(), none, options)));
  expect_known_figures(analyse(read_image(path.string(), none)));
  const auto oci = work_dir() / "oci.tar";
  std::ofstream(oci, std::ios::binary) << save_archive(image, Layout::oci_archive);
  expect_known_figures(analyse(read_image(oci.string(), none, options)));
}

// A member cut short on disk is a truncated archive, not a short layer.
TEST(Refusals, TruncatedArchiveReadByOffset) {
  const auto legacy = save_archive(hubtel::test::known_image(), Layout::legacy);
  const auto path = work_dir() / "cut.tar";
  std::ofstream(path, std::ios::binary) << legacy.substr(0, legacy.size() * 2 / 3);
  std::istringstream none;
  ReadOptions options;
  options.verify_digests = false;
  EXPECT_NE(error_of([&] {
              read_image(path.string(), none, options);
            }).find("truncated or corrupt archive"),
            std::string::npos);
}

TEST(SizeReport, EmptyImageIsFullyEfficient) {
  FixtureImage image;
  image.layers.push_back({{{"tmp", 'd', 0, {}}}, "", "empty"});
  const auto report = report_of_stream(save_archive(image, Layout::legacy));
  EXPECT_EQ(report.total_bytes, 0U);
  EXPECT_EQ(report.efficiency, 1.0);
  EXPECT_TRUE(report.largest_paths.empty());
}

TEST(MergedFilesystem, FileReplacedByDirectoryAndBack) {
  FixtureImage image;
  image.layers.push_back(
      {{{"a", 'f', 10, {}}, {"b/c", 'f', 20, {}}, {"b/d", 'f', 30, {}}}, "", ""});
  // "a" becomes a directory (the file is waste); "b" becomes a file (its contents are waste).
  image.layers.push_back({{{"a/x", 'f', 1, {}}, {"b", 'f', 2, {}}}, "", ""});
  const auto report = report_of_stream(save_archive(image, Layout::legacy));
  EXPECT_EQ(report.total_bytes, 63U);
  EXPECT_EQ(report.visible_bytes, 3U);
  EXPECT_EQ(report.wasted_bytes, 60U);
}

TEST(MergedFilesystem, WhiteoutThenAddedAgain) {
  FixtureImage image;
  image.layers.push_back({{{"d/one", 'f', 100, {}}, {"d/two", 'f', 200, {}}}, "", ""});
  image.layers.push_back({{{".wh.d", 'f', 0, {}}}, "", ""});
  image.layers.push_back({{{"d/two", 'f', 5, {}}}, "", ""});
  const auto report = report_of_stream(save_archive(image, Layout::legacy));
  EXPECT_EQ(report.visible_bytes, 5U);
  EXPECT_EQ(report.wasted_bytes, 300U);
  ASSERT_FALSE(report.largest_paths.empty());
  EXPECT_EQ(report.largest_paths[0].path, "/d");
}

TEST(MergedFilesystem, OpaqueKeepsItsOwnLayer) {
  FixtureImage image;
  image.layers.push_back(
      {{{"d/sub/deep", 'f', 100, {}}, {"d/top", 'f', 200, {}}, {"e", 'f', 7, {}}}, "", ""});
  // The opaque marker comes after the layer's own entry here: order within a layer does not matter.
  image.layers.push_back({{{"d/new", 'f', 3, {}}, {"d/.wh..wh..opq", 'f', 0, {}}}, "", ""});
  const auto report = report_of_stream(save_archive(image, Layout::legacy));
  EXPECT_EQ(report.visible_bytes, 10U);
  EXPECT_EQ(report.wasted_bytes, 300U);
}

TEST(MergedFilesystem, HardlinksAddNoBytes) {
  FixtureImage image;
  image.layers.push_back({{{"big", 'f', 1000, {}}, {"alias", 'h', 0, "big"}}, "", ""});
  const auto report = report_of_stream(save_archive(image, Layout::legacy));
  EXPECT_EQ(report.total_bytes, 1000U);
  EXPECT_EQ(report.visible_bytes, 1000U);
  EXPECT_EQ(report.layers[0].files, 2U);
}

TEST(MergedFilesystem, HardlinkKeepsADeletedTargetsBytes) {
  FixtureImage image;
  image.layers.push_back({{{"lib/real.so", 'f', 1000, {}},
                           {"lib/alias.so", 'h', 0, "lib/real.so"},
                           {"lib/alias2.so", 'h', 0, "./lib/real.so"},
                           {"lib/other", 'f', 7, {}}},
                          "",
                          ""});
  image.layers.push_back({{{"lib/.wh.real.so", 'f', 0, {}}}, "", ""});
  auto report = report_of_stream(save_archive(image, Layout::legacy));
  EXPECT_EQ(report.total_bytes, 1007U);
  EXPECT_EQ(report.visible_bytes, 1007U);  // one inode, two names left
  EXPECT_EQ(report.wasted_bytes, 0U);
  ASSERT_FALSE(report.largest_paths.empty());
  EXPECT_EQ(report.largest_paths[0].path, "/lib");
  EXPECT_EQ(report.largest_paths[0].bytes, 1007U);

  image.layers[1] = {{{"lib/real.so", 'f', 10, {}}, {"lib/.wh.alias2.so", 'f', 0, {}}}, "", ""};
  report = report_of_stream(save_archive(image, Layout::legacy));
  EXPECT_EQ(report.total_bytes, 1017U);
  EXPECT_EQ(report.visible_bytes, 1017U);

  image.layers[1] = {{{".wh.lib", 'f', 0, {}}}, "", ""};
  report = report_of_stream(save_archive(image, Layout::legacy));
  EXPECT_EQ(report.visible_bytes, 0U);
  EXPECT_EQ(report.wasted_bytes, 1007U);
}

TEST(SizeReport, BaseSplit) {
  const auto image = hubtel::test::known_image();
  FixtureImage base;
  base.layers.push_back(image.layers[0]);
  auto report = report_of_stream(save_archive(image, Layout::oci_archive));
  std::istringstream in(save_archive(base, Layout::legacy));
  ReadOptions light;
  light.summarise_layers = false;
  apply_base(report, read_image("-", in, light));
  EXPECT_TRUE(report.has_base);
  EXPECT_EQ(report.base_layers, 1U);
  EXPECT_EQ(report.base_bytes, 9400U);
  EXPECT_EQ(report.added_bytes, 14200U);
  EXPECT_TRUE(report.layers[0].base);
  EXPECT_FALSE(report.layers[1].base);
  EXPECT_EQ(report.user_wasted_bytes, 7000U);
}

TEST(SizeReport, UnrelatedBaseSharesNothing) {
  FixtureImage other;
  other.layers.push_back({{{"x", 'f', 1, {}}}, "", ""});
  auto report = report_of_stream(save_archive(hubtel::test::known_image(), Layout::legacy));
  std::istringstream in(save_archive(other, Layout::legacy));
  apply_base(report, read_image("-", in));
  EXPECT_EQ(report.base_layers, 0U);
  EXPECT_EQ(report.base_bytes, 0U);
  EXPECT_EQ(report.added_bytes, 23600U);
  EXPECT_EQ(report.user_wasted_bytes, 11400U);
}

TEST(Refusals, BrokenImages) {
  auto image = hubtel::test::known_image();
  image.corrupt_blob = true;
  EXPECT_NE(error_of([&] {
              report_of_stream(save_archive(image, Layout::oci_archive));
            }).find("does not match its digest"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              report_of_stream(save_archive(image, Layout::legacy));
            }).find("does not match the image config"),
            std::string::npos);
  EXPECT_NE(error_of([&] { report_of_folder(image, "corrupt"); }).find("does not match its digest"),
            std::string::npos);
  image = hubtel::test::known_image();
  image.drop_last_layer = true;
  EXPECT_NE(error_of([&] {
              report_of_stream(save_archive(image, Layout::oci_archive));
            }).find("layer 3 ('blobs/sha256/"),
            std::string::npos);
  image = hubtel::test::known_image();
  image.layer_media_type = "text/plain";
  EXPECT_NE(error_of([&] {
              report_of_stream(save_archive(image, Layout::oci_archive));
            }).find("unknown media type \"text/plain\""),
            std::string::npos);
  FixtureImage climbing;
  climbing.layers.push_back({{{"a/../../b", 'f', 1, {}}}, "", ""});
  EXPECT_NE(error_of([&] {
              report_of_stream(save_archive(climbing, Layout::legacy));
            }).find("climbs out of the image root"),
            std::string::npos);
  const auto legacy = save_archive(hubtel::test::known_image(), Layout::legacy);
  EXPECT_NE(error_of([&] {
              report_of_stream(legacy.substr(0, legacy.size() / 2));
            }).find("truncated or corrupt archive"),
            std::string::npos);
  EXPECT_NE(error_of([&] { report_of_stream(std::string(2048, 'z')); }).find("<stdin>: "),
            std::string::npos);
}

TEST(Refusals, TooManyEntries) {
  FixtureImage image;
  FixtureLayer layer;
  for (int i = 0; i < 100; ++i) {
    layer.entries.push_back({"f" + std::to_string(i), 'f', 0, {}});
  }
  image.layers.push_back(layer);
  std::istringstream in(save_archive(image, Layout::legacy));
  ReadOptions options;
  options.max_entries = 99;
  EXPECT_NE(error_of([&] { read_image("-", in, options); }).find("more than 99 entries"),
            std::string::npos);
}

TEST(Limits, ARepeatedLayerIsReadAndKeptOnce) {
  std::vector<TarEntry> entries;
  for (int i = 0; i < 100; ++i) {
    entries.push_back({"d/" + std::to_string(i), 'f', 10, {}});
  }
  const auto archive = hubtel::test::repeated_layer_archive(entries, 200);
  std::istringstream in(archive);
  const auto image = read_image("-", in);
  ASSERT_EQ(image.layers.size(), 200U);
  for (const auto& layer : image.layers) {
    EXPECT_EQ(layer.summary.get(), image.layers[0].summary.get());
  }
  const auto report = analyse(image);
  EXPECT_EQ(report.total_bytes, 200U * 1000U);
  EXPECT_EQ(report.visible_bytes, 1000U);
  // Each listing is merged again, so the listings count against the entry limit.
  std::istringstream again(archive);
  ReadOptions options;
  options.max_entries = 10'000;
  EXPECT_NE(error_of([&] { read_image("-", again, options); })
                .find("<stdin>: layer 101 ('layer.tar') repeats an earlier layer: more than 10000 "
                      "entries to merge in all; raise --max-paths to read it"),
            std::string::npos);
  // An OCI folder reads a repeated blob once too.
  FixtureImage twice;
  twice.layers.push_back({entries, "", "a"});
  twice.layers.push_back({entries, "", "a"});
  const auto dir = work_dir() / "repeated";
  hubtel::test::write_oci_folder(twice, dir);
  std::istringstream none;
  const auto folder = read_image(dir.string(), none);
  ASSERT_EQ(folder.layers.size(), 2U);
  EXPECT_EQ(folder.layers[0].summary.get(), folder.layers[1].summary.get());
}

TEST(Limits, SizesSaturateAndFailEveryByteBudget) {
  FixtureImage image;
  FixtureLayer sparse;
  for (int i = 0; i < 5; ++i) {
    sparse.entries.push_back({"var/sparse" + std::to_string(i), 's', 1ULL << 62, {}});
  }
  image.layers.push_back(sparse);
  image.layers.push_back(sparse);
  const auto report = report_of_stream(save_archive(image, Layout::legacy));
  EXPECT_EQ(report.layers[0].bytes, UINT64_MAX);
  EXPECT_EQ(report.total_bytes, UINT64_MAX);
  EXPECT_EQ(report.visible_bytes, UINT64_MAX);
  EXPECT_EQ(report.wasted_bytes, 0U);
  Budget budget;
  budget.max_bytes = UINT64_MAX - 1;
  const auto failures = check_budget(report, budget);
  ASSERT_EQ(failures.size(), 2U);
  EXPECT_TRUE(failures[0].starts_with("lambda-limit 18446744073709551615 > ")) << failures[0];
  EXPECT_TRUE(failures[1].starts_with("max-bytes 18446744073709551615 > ")) << failures[1];
  EXPECT_EQ(add_bytes(UINT64_MAX - 1, 1), UINT64_MAX);
  EXPECT_EQ(add_bytes(UINT64_MAX, UINT64_MAX), UINT64_MAX);
  EXPECT_EQ(add_bytes(2, 3), 5U);
}

TEST(Limits, JsonMembersKeptInMemoryAreBounded) {
  std::vector<std::pair<std::string, std::string>> documents;
  for (int i = 0; i < 40; ++i) {
    documents.emplace_back(std::to_string(i) + ".json", "{" + std::string(1 << 20, ' ') + "}");
  }
  EXPECT_NE(error_of([&] {
              report_of_stream(hubtel::test::make_archive(documents, "gzip"));
            }).find("<stdin>: the archive's JSON documents add up to more than 32 MiB"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              report_of_stream(
                  hubtel::test::make_archive({{"big.json", "{" + std::string(17 << 20, ' ')}}));
            }).find("'big.json' is a JSON document larger than 16 MiB"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              report_of_stream(hubtel::test::make_archive(
                  {{"manifest.json", std::string(100'000, '[') + std::string(100'000, ']')}}));
            }).find("<stdin>: manifest.json nests more than 64 deep"),
            std::string::npos);
}

TEST(Limits, NamesAndPathsAreBounded) {
  FixtureImage image;
  image.layers.push_back({{{"a/" + std::string(256, 'n'), 'f', 1, {}}}, "", ""});
  EXPECT_NE(error_of([&] {
              report_of_stream(save_archive(image, Layout::legacy));
            }).find("a path has a component of 256 bytes; a file name has at most 255"),
            std::string::npos);
  // A deep path makes a node per component: paths count against the limit as entries do.
  std::string deep = "top";
  for (int i = 0; i < 200; ++i) {
    deep += "/d";
  }
  FixtureImage deep_image;
  deep_image.layers.push_back({{{deep, 'f', 1, {}}, {"other", 'f', 1, {}}}, "", ""});
  std::istringstream in(save_archive(deep_image, Layout::legacy));
  ReadOptions options;
  options.max_entries = 100;
  EXPECT_NE(error_of([&] { read_image("-", in, options); }).find("more than 100 entries"),
            std::string::npos);
}

TEST(ByteSizes, Parse) {
  EXPECT_EQ(parse_byte_size("1234"), 1234U);
  EXPECT_EQ(parse_byte_size("20MB"), 20'000'000U);
  EXPECT_EQ(parse_byte_size("50MiB"), 52'428'800U);
  EXPECT_EQ(parse_byte_size("1GB"), 1'000'000'000U);
  EXPECT_EQ(parse_byte_size("1.5 GiB"), 1'610'612'736U);
  EXPECT_EQ(parse_byte_size("10k"), 10'000U);
  EXPECT_EQ(parse_byte_size("20mb"), 20'000'000U);
  EXPECT_FALSE(parse_byte_size(""));
  EXPECT_FALSE(parse_byte_size("-5"));
  EXPECT_FALSE(parse_byte_size("12 parsecs"));
  EXPECT_FALSE(parse_byte_size("1.5"));
  EXPECT_FALSE(parse_byte_size("MB"));
}

TEST(DiveCi, Rules) {
  Budget budget;
  apply_dive_ci(budget,
                "---\nrules:\n  # a comment\n  lowestEfficiency: 0.95\n  highestWastedBytes: 20MB\n"
                "  highestUserWastedPercent: '0.20' # ratio\n",
                ".dive-ci");
  EXPECT_EQ(budget.min_efficiency, 0.95);
  EXPECT_EQ(budget.max_wasted_bytes, 20'000'000U);
  EXPECT_EQ(budget.max_user_wasted_ratio, 0.20);
  apply_dive_ci(budget, "rules:\r\n  lowestEfficiency: disabled\r\n", "x");
  EXPECT_FALSE(budget.min_efficiency);
  EXPECT_EQ(error_of([&] { apply_dive_ci(budget, "rules:\n  lowest: 1\n", "f"); }),
            "f:2: unknown rule 'lowest' (known: lowestEfficiency, highestWastedBytes, "
            "highestUserWastedPercent)");
  EXPECT_EQ(error_of([&] { apply_dive_ci(budget, "rules:\n  lowestEfficiency: 95\n", "f"); }),
            "f:2: lowestEfficiency must be a ratio from 0 to 1 or 'disabled', got '95'");
  EXPECT_EQ(error_of([&] { apply_dive_ci(budget, "  lowestEfficiency: 0.9\n", "f"); }),
            "f:1: 'lowestEfficiency' is outside the 'rules:' section");
  EXPECT_EQ(error_of([&] { apply_dive_ci(budget, "rules:\n  highestWastedBytes: lots\n", "f"); }),
            "f:2: highestWastedBytes must be a size such as 20MB or 'disabled', got 'lots'");
  EXPECT_EQ(error_of([&] { apply_dive_ci(budget, "plugins:\n", "f"); }),
            "f:1: unknown section 'plugins' (expected 'rules:')");
}

TEST(Budgets, FailuresNameRuleActualLimitAndExcess) {
  const auto report = report_of_stream(save_archive(hubtel::test::known_image(), Layout::legacy));
  Budget budget;
  EXPECT_TRUE(check_budget(report, budget).empty());
  budget.max_bytes = 20000;
  budget.max_wasted_bytes = 11400;
  budget.min_efficiency = 0.6;
  budget.max_user_wasted_ratio = 0.25;
  const auto failures = check_budget(report, budget);
  ASSERT_EQ(failures.size(), 3U);
  EXPECT_EQ(failures[0], "max-bytes 23600 > 20000 (by 3600)");
  EXPECT_EQ(failures[1], "min-efficiency 0.5169 < 0.6000 (by 0.0831)");
  EXPECT_EQ(failures[2], "highestUserWastedPercent 0.2966 > 0.2500 (by 0.0466)");
  SizeReport huge;
  huge.total_bytes = lambda_limit_bytes + 1;
  EXPECT_EQ(check_budget(huge, Budget{}),
            std::vector<std::string>{"lambda-limit 10737418241 > 10737418240 (by 1)"});
}

TEST(Renderings, CarryTheFigures) {
  auto report = report_of_stream(save_archive(hubtel::test::known_image(), Layout::oci_archive));
  report.source = "known<&>.tar";
  const auto json = to_json(report);
  for (const char* key : {"total_bytes", "visible_bytes", "wasted_bytes", "efficiency",
                          "compressed_bytes", "architecture", "layers", "largest_paths"}) {
    EXPECT_TRUE(json.contains(key)) << key;
  }
  for (const char* key : {"index", "digest", "bytes", "compressed_bytes", "files", "created_by"}) {
    EXPECT_TRUE(json["layers"][0].contains(key)) << key;
  }
  EXPECT_EQ(json["largest_paths"][0], (nlohmann::ordered_json{{"path", "/app"}, {"bytes", 7000}}));

  const auto text = format_text(report, false);
  EXPECT_NE(text.find("total         23.0 KiB  (23600 bytes in 3 layers)"), std::string::npos)
      << text;
  EXPECT_EQ(text.find("\x1b["), std::string::npos);
  EXPECT_NE(format_text(report, true).find("\x1b[1m"), std::string::npos);

  const auto markdown = format_markdown(report);
  EXPECT_NE(markdown.find("| total | 23600 | 23.0 KiB in 3 layers |"), std::string::npos);
  EXPECT_NE(markdown.find("| 6.8 KiB | /app/main |"), std::string::npos);

  const auto html = format_html(report);
  EXPECT_NE(html.find("<svg id=\"treemap\""), std::string::npos);
  EXPECT_NE(html.find("data-path=\"/app/main\""), std::string::npos);
  EXPECT_NE(html.find("known&lt;&amp;&gt;.tar"), std::string::npos);
  EXPECT_EQ(html.find("http://"), html.find("http://www.w3.org/2000/svg"));
  EXPECT_EQ(html.find("https://"), std::string::npos);
}

TEST(Renderings, HumanBytes) {
  EXPECT_EQ(human_bytes(0), "0 B");
  EXPECT_EQ(human_bytes(1023), "1023 B");
  EXPECT_EQ(human_bytes(1024), "1.0 KiB");
  EXPECT_EQ(human_bytes(10'737'418'240), "10.0 GiB");
}
