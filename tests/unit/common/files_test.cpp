// Atomic writes: unchanged content keeps the file and its mtime; failures leave nothing behind.
#include "common/files.hpp"
#include "common/error.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <thread>

namespace fs = std::filesystem;

namespace {

fs::path fresh_dir(const std::string& name) {
  auto dir = fs::temp_directory_path() / ("hubtel-files-test-" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

TEST(Files, WriteIfChangedKeepsMtimeWhenContentIsTheSame) {
  const auto dir = fresh_dir("same");
  const auto file = dir / "out.txt";
  EXPECT_TRUE(hubtel::write_file_if_changed(file, "hello\n"));
  const auto before = fs::last_write_time(file);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_FALSE(hubtel::write_file_if_changed(file, "hello\n"));
  EXPECT_EQ(before, fs::last_write_time(file));
  EXPECT_TRUE(hubtel::write_file_if_changed(file, "hello, world\n"));
  EXPECT_EQ(hubtel::read_file(file), "hello, world\n");
}

TEST(Files, FailedWriteLeavesNoTemporary) {
  const auto dir = fresh_dir("fail");
  EXPECT_THROW(hubtel::write_file_atomically(dir / "missing" / "out.txt", "x"), hubtel::Error);
  EXPECT_TRUE(fs::is_empty(dir));
}

TEST(Files, ReadOfMissingFileNamesThePath) {
  try {
    hubtel::read_file("/nonexistent/hubtel/file");
    FAIL() << "no error";
  } catch (const hubtel::Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/hubtel/file"), std::string::npos);
  }
}

TEST(Files, SecretFilesDropTheFinalLineBreakAndAreBounded) {
  const auto dir = fresh_dir("secret");
  hubtel::write_file_atomically(dir / "token", "s3cret\n");
  EXPECT_EQ(hubtel::read_secret_file(dir / "token"), "s3cret");
  hubtel::write_file_atomically(dir / "big", std::string(4097, 'x'));
  try {
    hubtel::read_secret_file(dir / "big");
    FAIL() << "no error";
  } catch (const hubtel::Error& e) {
    EXPECT_NE(std::string(e.what()).find("holds 4097 bytes; a variable's value fits in Lambda's "
                                         "4 KB of environment, at most 4096 bytes"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
