// Whole-file reads and atomic writes.
#include "common/files.hpp"

#include "common/error.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace hubtel {
namespace {

[[noreturn]] void fail(std::string_view action, const std::filesystem::path& path, int err) {
  throw Error(fmt::format("cannot {} '{}': {}", action, path.string(), std::strerror(err)));
}

// Removes the temporary file unless the write succeeded.
class TempFile {
 public:
  explicit TempFile(std::filesystem::path path) : path_(std::move(path)) {}
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile() {
    if (!committed_) {
      ::unlink(path_.c_str());
    }
  }
  void commit() { committed_ = true; }
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  bool committed_ = false;
};

}  // namespace

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    fail("read", path, errno);
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) {
    fail("read", path, errno);
  }
  return std::move(buffer).str();
}

std::string read_line_file(const std::filesystem::path& path) {
  auto text = read_file(path);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
    text.pop_back();
  }
  return text;
}

void write_file_atomically(const std::filesystem::path& path, std::string_view content) {
  const auto folder = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  // Built with fmt: GCC 12's -Wrestrict misreads "." + std::string&& in optimised builds.
  std::string pattern = (folder / fmt::format(".{}.tmp.XXXXXX", path.filename().string())).string();
  const int fd = ::mkstemp(pattern.data());
  if (fd < 0) {
    fail("create a temporary file beside", path, errno);
  }
  TempFile temp(pattern);
  const char* data = content.data();
  std::size_t left = content.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, data, left);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      const int err = errno;
      ::close(fd);
      fail("write", path, err);
    }
    data += n;
    left -= static_cast<std::size_t>(n);
  }
  // mkstemp creates 0600; outputs are ordinary files.
  const mode_t mask = ::umask(0);
  ::umask(mask);
  ::fchmod(fd, 0666 & ~mask);
  if (::close(fd) != 0) {
    fail("write", path, errno);
  }
  if (std::rename(temp.path().c_str(), path.c_str()) != 0) {
    fail("replace", path, errno);
  }
  temp.commit();
}

bool write_file_if_changed(const std::filesystem::path& path, std::string_view content) {
  std::error_code ec;
  if (std::filesystem::is_regular_file(path, ec) &&
      std::filesystem::file_size(path, ec) == content.size() && !ec) {
    if (read_file(path) == content) {
      return false;
    }
  }
  write_file_atomically(path, content);
  return true;
}

std::string read_secret_file(const std::filesystem::path& path) {
  // Lambda holds at most 4 KB of environment: a larger file is not a secret variable's value, and
  // is never read whole.
  constexpr std::uintmax_t limit = 4096;
  std::error_code error;
  const auto size = std::filesystem::file_size(path, error);
  if (!error && size > limit) {
    throw Error(
        fmt::format("'{}' holds {} bytes; a variable's value fits in Lambda's 4 KB of "
                    "environment, at most {} bytes",
                    path.string(), size, limit));
  }
  auto value = read_file(path);
  while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) {
    value.pop_back();
  }
  return value;
}

}  // namespace hubtel
