// One in-memory file a fuzz target rewrites for each input: readers that take a path read the
// input as /proc/self/fd/<n>, and no input ever touches a disk.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace hubtel::fuzz {

// The path of the in-memory file, now holding exactly `data`; empty if it cannot be written.
inline std::string as_file(const std::uint8_t* data, std::size_t size) {
  static const int fd = ::memfd_create("fuzz-input", MFD_CLOEXEC);
  if (fd < 0 || ::ftruncate(fd, 0) != 0) {
    return {};
  }
  std::size_t written = 0;
  while (written < size) {
    const auto n = ::pwrite(fd, data + written, size - written, static_cast<off_t>(written));
    if (n <= 0) {
      return {};
    }
    written += static_cast<std::size_t>(n);
  }
  return "/proc/self/fd/" + std::to_string(fd);
}

}  // namespace hubtel::fuzz
