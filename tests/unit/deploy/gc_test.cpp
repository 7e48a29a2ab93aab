// The clean-up's plan: which versions and images go, and why, from what Lambda and the registry
// hold.
#include "deploy/gc.hpp"

#include <gtest/gtest.h>

namespace hubtel::deploy {
namespace {

std::string digest(char c) {
  return "sha256:" + std::string(64, c);
}

const GcItem& find(const std::vector<GcItem>& items, const std::string& what) {
  for (const auto& item : items) {
    if (item.what == what) {
      return item;
    }
  }
  throw std::runtime_error("no " + what);
}

TEST(GcPlan, KeepsTheNewestAndAliasedVersionsAndTheImagesTheyRun) {
  const std::vector<GcVersion> versions{{"4", {digest('4')}, {}},
                                        {"3", {digest('3')}, {}},
                                        {"2", {digest('2')}, {"live"}},
                                        {"1", {digest('1')}, {}}};
  // Newest push first: 5 was pushed and never deployed.
  const std::vector<GcImage> images{{digest('5'), {"other"}, {}},
                                    {digest('4'), {"v1"}, {}},
                                    {digest('3'), {}, {}},
                                    {digest('2'), {}, {}},
                                    {digest('1'), {}, {}}};
  const auto plan = plan_gc(versions, {digest('4')}, images, 1);
  EXPECT_TRUE(find(plan.versions, "version 4").keep);
  EXPECT_EQ(find(plan.versions, "version 4").why, "among the 1 newest");
  EXPECT_FALSE(find(plan.versions, "version 3").keep);
  EXPECT_EQ(find(plan.versions, "version 2").why, "alias live points at it");
  EXPECT_FALSE(find(plan.versions, "version 1").keep);

  EXPECT_EQ(find(plan.images, "image " + digest('5')).why,
            "among the 1 newest pushes (tags other)");
  EXPECT_EQ(find(plan.images, "image " + digest('4')).why, "$LATEST runs it (tags v1)");
  EXPECT_FALSE(find(plan.images, "image " + digest('3')).keep);
  EXPECT_EQ(find(plan.images, "image " + digest('2')).why, "version 2 runs it");
  EXPECT_FALSE(find(plan.images, "image " + digest('1')).keep);
  EXPECT_EQ(find(plan.images, "image " + digest('1')).why,
            "nothing runs it, and it is not among the 1 newest pushes");
}

TEST(GcPlan, KeepsCachesAndTheManifestsOfAnIndexInUse) {
  const std::vector<GcVersion> versions{{"1", {digest('a')}, {}}};
  const std::vector<GcImage> images{{digest('c'), {"hubtel-cache-x86_64"}, {}},
                                    {digest('d'), {"new"}, {}},
                                    {digest('a'), {"v1"}, {digest('b')}},
                                    {digest('b'), {}, {}},
                                    {digest('e'), {"old"}, {}}};
  const auto plan = plan_gc(versions, {}, images, 1);
  EXPECT_EQ(find(plan.images, "image " + digest('c')).why,
            "a registry build cache (tags hubtel-cache-x86_64)");
  // The cache is no push of an image: the newest push is d.
  EXPECT_TRUE(find(plan.images, "image " + digest('d')).keep);
  EXPECT_EQ(find(plan.images, "image " + digest('b')).why, "an index that is kept holds it");
  EXPECT_FALSE(find(plan.images, "image " + digest('e')).keep);
}

TEST(GcPlan, AnAliasRoutingCallsKeepsItsVersionWhateverItsAge) {
  const std::vector<GcVersion> versions{
      {"9", {digest('9')}, {}}, {"8", {digest('8')}, {}}, {"2", {digest('2')}, {"live", "canary"}}};
  const auto plan = plan_gc(versions, {digest('9')}, {}, 1);
  EXPECT_FALSE(find(plan.versions, "version 8").keep);
  EXPECT_EQ(find(plan.versions, "version 2").why, "alias live, canary points at it");
  EXPECT_EQ(plan.versions.size(), 3U);
  EXPECT_TRUE(plan.images.empty());
}

TEST(GcPlan, AnIndexKeptForBeingNewKeepsItsManifestsAndCountsOnce) {
  // i is the newest push, an index of x and y; z is an older single image nothing runs.
  const std::vector<GcImage> images{{digest('i'), {"v2"}, {digest('x'), digest('y')}},
                                    {digest('x'), {}, {}},
                                    {digest('y'), {}, {}},
                                    {digest('z'), {"v1"}, {}}};
  const auto plan = plan_gc({}, {}, images, 1);
  EXPECT_EQ(find(plan.images, "image " + digest('i')).why, "among the 1 newest pushes (tags v2)");
  EXPECT_EQ(find(plan.images, "image " + digest('x')).why, "an index that is kept holds it");
  EXPECT_TRUE(find(plan.images, "image " + digest('y')).keep);
  EXPECT_FALSE(find(plan.images, "image " + digest('z')).keep);
  // Deleted with their index when nothing else holds or runs them.
  const auto older =
      plan_gc({}, {}, {{digest('n'), {"v3"}, {}}, images[0], images[1], images[2]}, 1);
  EXPECT_EQ(find(older.images, "image " + digest('x')).why,
            "nothing runs it, and every index that holds it is deleted");
}

TEST(GcPlan, APushOfSeveralArchitecturesCountsAsOnePush) {
  const std::vector<GcImage> images{{digest('a'), {"v2-arm64"}, {}},
                                    {digest('b'), {"v2-x86_64"}, {}},
                                    {digest('c'), {"v1-arm64"}, {}},
                                    {digest('d'), {"v1-x86_64"}, {}}};
  const auto plan = plan_gc({}, {}, images, 1, 2);
  EXPECT_EQ(find(plan.images, "image " + digest('b')).why,
            "among the 2 newest images (1 push of 2 architectures) (tags v2-x86_64)");
  EXPECT_FALSE(find(plan.images, "image " + digest('c')).keep);
  EXPECT_FALSE(find(plan.images, "image " + digest('d')).keep);
}

TEST(GcPlan, EveryDigestAVersionRunsIsKept) {
  // The description said one digest, Lambda resolved another: both stay.
  const std::vector<GcVersion> versions{{"1", {digest('d'), digest('r')}, {"live"}}};
  const std::vector<GcImage> images{
      {digest('n'), {"new"}, {}}, {digest('d'), {}, {}}, {digest('r'), {}, {}}};
  const auto plan = plan_gc(versions, {}, images, 1);
  EXPECT_EQ(find(plan.images, "image " + digest('d')).why, "version 1 runs it");
  EXPECT_EQ(find(plan.images, "image " + digest('r')).why, "version 1 runs it");
}

}  // namespace
}  // namespace hubtel::deploy
