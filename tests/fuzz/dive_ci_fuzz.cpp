// libFuzzer target: any text as a .dive-ci rules file and as a byte size, then the budget it
// makes checked against a report. Bad input must end in hubtel::Error, never in a crash or
// another exception.
#include "common/error.hpp"
#include "inspect/budget.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)hubtel::inspect::parse_byte_size(text);
  hubtel::inspect::Budget budget;
  try {
    hubtel::inspect::apply_dive_ci(budget, text, ".dive-ci");
  } catch (const hubtel::Error&) {
    return 0;
  }
  hubtel::inspect::SizeReport report;
  report.total_bytes = UINT64_MAX;
  report.visible_bytes = 1;
  report.wasted_bytes = UINT64_MAX - 1;
  report.user_wasted_bytes = UINT64_MAX;
  report.efficiency = 0.0;
  (void)hubtel::inspect::check_budget(report, budget);
  return 0;
}
