// libFuzzer target: any bytes as a `docker save` archive, read, merged and rendered twice: streamed
// from memory with digest checks (libarchive reads every layer), and as a file (in memory) without
// them, read by offset, its plain layers' tar headers walked on threads of their own. Bad input
// must end in hubtel::Error, never in a crash, a leak or another exception.
#include "common/error.hpp"
#include "inspect/image.hpp"
#include "inspect/report.hpp"
#include "memfd.hpp"

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
    (void)hubtel::inspect::to_json(report).dump(-1, ' ', false,
                                                nlohmann::json::error_handler_t::replace);
    (void)hubtel::inspect::format_html(report);
    (void)hubtel::inspect::format_text(report, true);
  } catch (const hubtel::Error&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  hubtel::inspect::ReadOptions options;
  options.max_entries = 100'000;
  options.chunk_bytes = 64 << 10;  // a fuzz input is small: no need to touch a mebibyte each run
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  read_and_render("-", in, options);

  const auto path = hubtel::fuzz::as_file(data, size);
  if (!path.empty()) {
    options.verify_digests = false;
    std::istringstream none;
    read_and_render(path, none, options);
  }
  return 0;
}
