// libFuzzer target: any bytes as an ELF file, inspected and checked against a base's limits.
// Bad input must end in hubtel::Error, never in a crash, a leak or another exception.
#include "common/error.hpp"
#include "elf/abi.hpp"
#include "memfd.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto path = hubtel::fuzz::as_file(data, size);
  if (path.empty()) {
    return 0;
  }
  try {
    hubtel::elf::AbiLimits limits;
    limits.glibc = "2.34";
    limits.glibcxx = "3.4.29";
    const auto report = hubtel::elf::check_abi({path}, limits);
    (void)hubtel::elf::to_json(report).dump();
    (void)hubtel::elf::format_text(report);
  } catch (const hubtel::Error&) {
  }
  return 0;
}
