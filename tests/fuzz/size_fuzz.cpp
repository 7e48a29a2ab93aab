// libFuzzer target: any bytes as a `docker save` archive, read, merged and rendered twice: streamed
// on stdin with digest checks, and as a file on disk without them (read by offset, layers mapped).
// Bad input must end in hubtel::Error, never in a crash, a leak or another exception.
#include "common/error.hpp"
#include "inspect/image.hpp"
#include "inspect/report.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

namespace {

void read_and_render(const std::string& input, std::istream& in,
                     const hubtel::inspect::ReadOptions& options) {
  try {
    const auto image = hubtel::inspect::read_image(input, in, options);
    const auto report = hubtel::inspect::analyse(image);
    (void)hubtel::inspect::to_json(report).dump();
    (void)hubtel::inspect::format_html(report);
    (void)hubtel::inspect::format_text(report, true);
  } catch (const hubtel::Error&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  hubtel::inspect::ReadOptions options;
  options.max_entries = 100'000;
  read_and_render("-", in, options);

  const int fd = ::memfd_create("fuzz-archive", MFD_CLOEXEC);
  if (fd < 0) {
    return 0;
  }
  std::size_t written = 0;
  while (written < size) {
    const auto n = ::write(fd, data + written, size - written);
    if (n <= 0) {
      break;
    }
    written += static_cast<std::size_t>(n);
  }
  if (written == size) {
    options.verify_digests = false;
    std::istringstream none;
    read_and_render("/proc/self/fd/" + std::to_string(fd), none, options);
  }
  ::close(fd);
  return 0;
}
