// Size budgets: byte, efficiency and waste limits from flags or dive's .dive-ci rules file, and
// AWS Lambda's 10 GB image limit that always applies.
#pragma once

#include "inspect/report.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hubtel::inspect {

// AWS Lambda's limit on a container image's uncompressed size.
inline constexpr std::uint64_t lambda_limit_bytes = 10'737'418'240;

struct Budget {
  std::optional<std::uint64_t> max_bytes;         // on total_bytes
  std::optional<std::uint64_t> max_wasted_bytes;  // on wasted_bytes
  std::optional<double> min_efficiency;           // on efficiency
  std::optional<double> max_user_wasted_ratio;    // user_wasted_bytes / total_bytes
  std::optional<std::uint64_t> max_growth;        // on total_bytes against the compared image
  // Rule names as the failures name them: the flag's or the .dive-ci key's.
  std::string max_wasted_rule = "max-wasted-bytes";
  std::string min_efficiency_rule = "min-efficiency";
};

// "1234", "50MiB", "1GB", "1.5 GiB", "20mb": decimal units are powers of 1000, binary (KiB...)
// of 1024, as dive reads them. nullopt for anything else.
std::optional<std::uint64_t> parse_byte_size(std::string_view text);

// Applies the rules of a .dive-ci file to `budget`: `rules:` with `lowestEfficiency`,
// `highestWastedBytes` and `highestUserWastedPercent`; a value `disabled` turns a rule off.
// Throws Error naming `source` and the line on anything else.
void apply_dive_ci(Budget& budget, std::string_view text, std::string_view source);

// One line per failed rule: "<rule> <actual> > <limit> (by <diff>)".
std::vector<std::string> check_budget(const SizeReport& report, const Budget& budget);

}  // namespace hubtel::inspect
