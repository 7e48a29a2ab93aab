// Unit tests of a native image's context inputs: what its depfile lists, and how it is written.
#include "engine/context_inputs.hpp"

#include "common/error.hpp"
#include "spec/spec_fixture.hpp"

#include <gtest/gtest.h>

#include <array>
#include <fstream>

#include <fcntl.h>
#include <sys/stat.h>

namespace fs = std::filesystem;
using namespace hubtel;
using namespace hubtel::test;

namespace {

void touch(const fs::path& path) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << "x\n";
}

spec::ImageSpec context_spec(const fs::path& context) {
  spec::ImageSpec spec;
  spec.name = "hello";
  spec.context = context;
  return spec;
}

std::vector<std::string> relative(const std::vector<fs::path>& inputs, const fs::path& base) {
  std::vector<std::string> out;
  for (const auto& input : inputs) {
    out.push_back(input.lexically_relative(base).string());
  }
  return out;
}

}  // namespace

TEST(ContextInputs, ListFilesAndFoldersTheEngineSees) {
  const TempDir temp;
  const auto ctx = temp.path();
  touch(ctx / "CMakeLists.txt");
  touch(ctx / "src" / "main.cpp");
  touch(ctx / "include" / "a b.h");
  touch(ctx / "include" / "c#$.h");
  touch(ctx / ".git" / "HEAD");
  touch(ctx / "lib" / ".git" / "HEAD");
  touch(ctx / "lib" / "CMakeFiles" / "x.o");
  touch(ctx / "lib" / "CMakeCache.txt");  // a build tree: left out whole
  touch(ctx / "lib" / "y.cpp");
  touch(ctx / "out" / "z.o");
  touch(ctx / "bad:name.cpp");
  fs::create_symlink("src/main.cpp", ctx / "link.cpp");
  fs::create_symlink("nowhere", ctx / "dangling.cpp");
  auto spec = context_spec(ctx);
  spec.ignore_paths = {"out"};
  const auto inputs = relative(engine::context_inputs(spec), ctx);
  const std::vector<std::string> expected{".",   "CMakeLists.txt", "include", "include/a b.h",
                                          "src", "src/main.cpp"};
  EXPECT_EQ(inputs, expected);
}

TEST(ContextInputs, TheContextRootMayHoldACache) {
  const TempDir temp;
  touch(temp.path() / "CMakeCache.txt");
  touch(temp.path() / "main.cpp");
  const auto inputs = relative(engine::context_inputs(context_spec(temp.path())), temp.path());
  EXPECT_EQ(inputs, (std::vector<std::string>{".", "main.cpp"}));
}

// An in-source build: the build tree is the context, and HubtelAI's and the build tool's own
// files stay out (else each build would be an input of the next).
TEST(ContextInputs, AnInSourceBuildLeavesItsOwnFilesOut) {
  const TempDir temp;
  const auto ctx = temp.path();
  touch(ctx / "CMakeCache.txt");
  touch(ctx / "main.cpp");
  touch(ctx / "build.ninja");
  touch(ctx / ".ninja_log");
  touch(ctx / "hubtel" / "hello" / "image-x86_64.id");
  touch(ctx / "sub" / "build.ninja");  // a project's own file of that name, below the top
  auto spec = context_spec(ctx);
  spec.dir = ctx / "hubtel" / "hello";
  const auto inputs = relative(engine::context_inputs(spec), ctx);
  EXPECT_EQ(inputs, (std::vector<std::string>{".", "main.cpp", "sub", "sub/build.ninja"}));
}

// The same with Ninja Multi-Config: the spec one folder deeper (hubtel/<name>/<configuration>),
// and a build-<configuration>.ninja per configuration.
TEST(ContextInputs, AnInSourceMultiConfigBuildLeavesItsOwnFilesOut) {
  const TempDir temp;
  const auto ctx = temp.path();
  touch(ctx / "CMakeCache.txt");
  touch(ctx / "main.cpp");
  touch(ctx / "build.ninja");
  touch(ctx / "build-Debug.ninja");
  touch(ctx / "build-RelWithDebInfo.ninja");
  touch(ctx / "hubtel" / "hello" / "Debug" / "image-x86_64.id");
  touch(ctx / "sub" / "build-Debug.ninja");  // a project's own file of that name, below the top
  auto spec = context_spec(ctx);
  spec.dir = ctx / "hubtel" / "hello" / "Debug";
  const auto inputs = relative(engine::context_inputs(spec), ctx);
  EXPECT_EQ(inputs, (std::vector<std::string>{".", "main.cpp", "sub", "sub/build-Debug.ninja"}));
}

TEST(ContextInputs, TellsPathsADepfileCannotName) {
  EXPECT_TRUE(engine::depfile_can_name("/home/me/my project/src"));
  EXPECT_FALSE(engine::depfile_can_name("/home/me/c#/src"));
  EXPECT_FALSE(engine::depfile_can_name("/home/me/$x"));
  EXPECT_FALSE(engine::depfile_can_name("/home/me/a:b"));
}

TEST(ContextInputs, RefusesAContextOverTheLimit) {
  const TempDir temp;
  for (int i = 0; i < 5; ++i) {
    touch(temp.path() / ("f" + std::to_string(i)));
  }
  const auto message = error_of([&] { engine::context_inputs(context_spec(temp.path()), 4); });
  EXPECT_NE(message.find("holds more than 4 files and folders"), std::string::npos) << message;
  EXPECT_NE(message.find("CONTEXT"), std::string::npos) << message;
  EXPECT_EQ(engine::context_inputs(context_spec(temp.path()), 6).size(), 6U);
}

TEST(ContextInputs, RefusesAMissingContext) {
  const TempDir temp;
  const auto message =
      error_of([&] { engine::context_inputs(context_spec(temp.path() / "gone")); });
  EXPECT_NE(message.find("cannot read the build context"), std::string::npos) << message;
  EXPECT_NE(message.find("image 'hello'"), std::string::npos) << message;
}

TEST(ContextInputs, WritesADepfileMakeAndNinjaRead) {
  const auto text = engine::depfile_text("/b/hubtel/h/image-x86_64.id", {"/s", "/s/a b.cpp"});
  EXPECT_EQ(text, "/b/hubtel/h/image-x86_64.id: \\\n  /s \\\n  /s/a\\ b.cpp\n");
}

TEST(ContextState, NewestChangeNamesTheNewestTimeAmongWhatDiffers) {
  using engine::InputState;
  const std::vector<InputState> before{{"/c", 10, 0}, {"/c/a.cpp", 20, 5}, {"/c/b.cpp", 30, 7}};
  EXPECT_EQ(engine::newest_change(before, before), std::nullopt);
  // Changed in time or in size alone.
  auto after = before;
  after[1].modified_ns = 50;
  EXPECT_EQ(engine::newest_change(before, after), 50);
  after = before;
  after[2].size = 8;
  EXPECT_EQ(engine::newest_change(before, after), 30);
  // Added, among other changes: the newest wins.
  after = before;
  after.insert(after.begin() + 2, InputState{"/c/new.cpp", 70, 1});
  after[0].modified_ns = 60;
  EXPECT_EQ(engine::newest_change(before, after), 70);
  // A removal alone still counts, without a time of its own.
  after = before;
  after.pop_back();
  EXPECT_EQ(engine::newest_change(before, after), 0);
  EXPECT_EQ(engine::newest_change({}, before), 30);
}

TEST(ContextState, ReadsTimesAndSizesOfTheInputs) {
  const TempDir temp;
  touch(temp.path() / "main.cpp");
  const auto spec = context_spec(temp.path());
  const auto first = engine::context_state(spec);
  ASSERT_EQ(first.size(), 2U);
  EXPECT_EQ(first[1].path, temp.path() / "main.cpp");
  EXPECT_EQ(first[1].size, 2U);
  EXPECT_EQ(engine::newest_change(first, engine::context_state(spec)), std::nullopt);
  std::ofstream(temp.path() / "main.cpp", std::ios::app) << "more\n";
  const auto second = engine::context_state(spec);
  EXPECT_EQ(second[1].size, 7U);
  EXPECT_EQ(engine::newest_change(first, second), second[1].modified_ns);
}

TEST(ContextState, ATimeFarInTheFutureIsSaturatedNotOverflowed) {
  const TempDir temp;
  touch(temp.path() / "main.cpp");
  const std::array<timespec, 2> times{timespec{0, UTIME_OMIT}, timespec{40'000'000'000, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, (temp.path() / "main.cpp").c_str(), times.data(), 0), 0);
  const auto state = engine::context_state(context_spec(temp.path()));
  ASSERT_EQ(state.size(), 2U);
  EXPECT_GT(state[1].modified_ns, std::int64_t{9'000'000'000'000'000'000});
}
