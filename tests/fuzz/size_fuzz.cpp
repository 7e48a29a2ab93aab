// libFuzzer target: any bytes as a `docker save` archive on stdin, read, merged and rendered.
// Bad input must end in hubtel::Error, never in a crash, a leak or another exception.
#include "common/error.hpp"
#include "image/image.hpp"
#include "image/report.hpp"

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  hubtel::image::ReadOptions options;
  options.max_entries = 100'000;
  try {
    const auto image = hubtel::image::read_image("-", in, options);
    const auto report = hubtel::image::analyse(image);
    (void)hubtel::image::to_json(report).dump();
    (void)hubtel::image::format_html(report);
    (void)hubtel::image::format_text(report, true);
  } catch (const hubtel::Error&) {
  }
  return 0;
}
