// Tests of the comparison of two images: layers matched by content, files by path, bounded lists,
// signed deltas that never wrap, the growth budget and the renderings.
#include "inspect/compare.hpp"
#include "fixtures.hpp"
#include "inspect/budget.hpp"
#include "inspect/image.hpp"
#include "inspect/report.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <sstream>

using namespace hubtel::inspect;
using hubtel::test::FixtureImage;
using hubtel::test::Layout;

namespace {

Image image_of(const FixtureImage& fixture, Layout layout = Layout::legacy) {
  std::istringstream in(save_archive(fixture, layout));
  return read_image("-", in);
}

void expect_totals(const ChangeTotals& totals, std::uint64_t files, std::uint64_t before,
                   std::uint64_t after) {
  EXPECT_EQ(totals.files, files);
  EXPECT_EQ(totals.bytes_before, before);
  EXPECT_EQ(totals.bytes_after, after);
}

}  // namespace

TEST(Compare, GrownAgainstKnown) {
  const auto result =
      compare_images(image_of(hubtel::test::grown_image()), image_of(hubtel::test::known_image()));
  EXPECT_EQ(result.total_bytes_before, 23600U);
  EXPECT_EQ(result.total_bytes_after, 26180U);
  expect_totals(result.added, 1, 0, 500);
  expect_totals(result.removed, 1, 50, 0);
  expect_totals(result.changed, 2, 7150, 9080);
  expect_totals(result.unchanged, 2, 5000, 5000);  // libbig.so and its hardlink
  expect_totals(result.rewritten, 0, 0, 0);
  expect_totals(result.layers_shared, 2, 16600, 16600);
  expect_totals(result.layers_added, 1, 0, 9580);
  expect_totals(result.layers_removed, 1, 7000, 0);

  ASSERT_EQ(result.paths.size(), 4U);
  EXPECT_EQ(result.paths[0].path, "/app/main");
  EXPECT_EQ(result.paths[0].change, PathChange::grown);
  EXPECT_EQ(result.paths[0].bytes_before, 7000U);
  EXPECT_EQ(result.paths[0].bytes_after, 9000U);
  EXPECT_EQ(result.paths[1].path, "/app/new.txt");
  EXPECT_EQ(result.paths[1].change, PathChange::added);
  EXPECT_EQ(result.paths[2].path, "/etc/conf");
  EXPECT_EQ(result.paths[2].change, PathChange::shrunk);
  EXPECT_EQ(result.paths[3].path, "/opt/data/new");
  EXPECT_EQ(result.paths[3].change, PathChange::removed);
  EXPECT_EQ(result.paths[3].bytes_after, 0U);

  ASSERT_EQ(result.layers.size(), 4U);
  EXPECT_EQ(result.layers[0].change, LayerChange::shared);
  EXPECT_EQ(result.layers[0].index_before, 1U);
  EXPECT_EQ(result.layers[2].change, LayerChange::added);
  EXPECT_EQ(result.layers[2].index, 3U);
  EXPECT_FALSE(result.layers[2].index_before);
  EXPECT_EQ(result.layers[3].change, LayerChange::removed);
  EXPECT_FALSE(result.layers[3].index);
  EXPECT_EQ(result.layers[3].index_before, 3U);
  EXPECT_EQ(result.layers[3].bytes, 7000U);
}

TEST(Compare, LayersMatchByDiffIdAcrossStorage) {
  // The OCI archive stores the layers gzip- and zstd-compressed: other digests, same diff_ids.
  const auto result = compare_images(image_of(hubtel::test::known_image(), Layout::oci_archive),
                                     image_of(hubtel::test::known_image(), Layout::legacy));
  expect_totals(result.layers_shared, 3, 23600, 23600);
  EXPECT_EQ(result.layers_added.files, 0U);
  EXPECT_EQ(result.layers_removed.files, 0U);
  EXPECT_EQ(result.unchanged.files, 5U);
  EXPECT_TRUE(result.paths.empty());
}

TEST(Compare, SameSizeFromAnotherLayerIsRewrittenNotUnchanged) {
  FixtureImage before;
  before.layers.push_back({{{"bin/app", 'f', 100, {}}, {"etc/keep", 'f', 7, {}}}, "", "one"});
  FixtureImage after = before;
  after.layers.push_back({{{"bin/app", 'f', 100, {}}}, "", "rebuilt"});
  const auto result = compare_images(image_of(after), image_of(before));
  expect_totals(result.rewritten, 1, 100, 100);
  expect_totals(result.unchanged, 1, 7, 7);
  EXPECT_TRUE(result.paths.empty());
  EXPECT_EQ(result.total_bytes_after - result.total_bytes_before, 100U);
}

TEST(Compare, FileAndDirectorySwapPlaces) {
  FixtureImage before;
  before.layers.push_back(
      {{{"a", 'f', 10, {}}, {"b/c", 'f', 20, {}}, {"b/d/e", 'f', 30, {}}}, "", ""});
  FixtureImage after;
  after.layers.push_back({{{"a/x", 'f', 1, {}}, {"b", 'f', 2, {}}}, "", ""});
  const auto result = compare_images(image_of(after), image_of(before));
  expect_totals(result.added, 2, 0, 3);
  expect_totals(result.removed, 3, 60, 0);
  ASSERT_EQ(result.paths.size(), 5U);
  EXPECT_EQ(result.paths[0].path, "/b/d/e");
  EXPECT_EQ(result.paths[4].path, "/a/x");
}

TEST(Compare, PathListIsBoundedAndKeepsTheLargest) {
  FixtureImage before;
  FixtureImage after;
  hubtel::test::FixtureLayer layer;
  for (int i = 0; i < 1000; ++i) {
    layer.entries.push_back({"f/" + std::to_string(i), 'f', static_cast<std::uint64_t>(i % 7), {}});
  }
  after.layers.push_back(layer);
  before.layers.push_back({{{"g", 'f', 1, {}}}, "", ""});
  CompareOptions options;
  options.top_paths = 3;
  const auto result = compare_images(image_of(after), image_of(before), options);
  EXPECT_EQ(result.added.files, 1000U);
  ASSERT_EQ(result.paths.size(), 3U);
  // Ties at 6 bytes go in path order.
  EXPECT_EQ(result.paths[0].path, "/f/104");
  EXPECT_EQ(result.paths[1].path, "/f/111");
  EXPECT_EQ(result.paths[2].path, "/f/118");
  for (const auto& path : result.paths) {
    EXPECT_EQ(path.bytes_after, 6U);
  }
}

TEST(Compare, SignedDeltasSaturate) {
  constexpr auto max = std::numeric_limits<std::uint64_t>::max();
  EXPECT_EQ(signed_delta(10, 25), 15);
  EXPECT_EQ(signed_delta(25, 10), -15);
  EXPECT_EQ(signed_delta(0, max), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(signed_delta(max, 0), std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(signed_delta(0, std::uint64_t{1} << 63), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(signed_delta(std::uint64_t{1} << 63, 1), std::numeric_limits<std::int64_t>::min() + 1);
}

TEST(Compare, GrowthBudgetAndRenderings) {
  const auto grown = image_of(hubtel::test::grown_image());
  auto report = analyse(grown);
  report.source = "grown.tar";
  report.compare = compare_images(grown, image_of(hubtel::test::known_image()));
  report.compare->source = "known<&>.tar";
  Budget budget;
  budget.max_growth = 2580;
  EXPECT_TRUE(check_budget(report, budget).empty());
  budget.max_growth = 2000;
  EXPECT_EQ(check_budget(report, budget),
            std::vector<std::string>{"max-growth 2580 > 2000 (by 580): grown.tar grew from 23600 "
                                     "to 26180 bytes against known<&>.tar"});

  const auto json = to_json(report);
  ASSERT_TRUE(json.contains("compare"));
  EXPECT_EQ(json["compare"]["total_bytes_delta"], 2580);
  EXPECT_EQ(json["compare"]["paths"][0]["path"], "/app/main");
  EXPECT_EQ(json["compare"]["paths"][0]["bytes_before"], 7000);
  EXPECT_EQ(json["compare"]["paths"][0]["bytes_after"], 9000);
  EXPECT_EQ(json["compare"]["paths"][2]["bytes_delta"], -70);
  EXPECT_NE(format_text(report, false).find("+2.5 KiB  (23600 -> 26180 bytes)"), std::string::npos);
  EXPECT_NE(format_markdown(report).find("| grown | +2.0 KiB | 7000 | 9000 | /app/main |"),
            std::string::npos);
  const auto html = format_html(report);
  EXPECT_NE(html.find("known&lt;&amp;&gt;.tar"), std::string::npos);
  EXPECT_NE(html.find("class=\"grown\" data-path=\"/app/main\""), std::string::npos);
  EXPECT_NE(html.find("<tr class=\"added\"><td><mark class=\"added\">added</mark>"),
            std::string::npos);
  EXPECT_EQ(format_html(analyse(grown)).find("id=\"compare\""), std::string::npos);
}
