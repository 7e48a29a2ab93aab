// Budgets and the .dive-ci rules file, parsed by hand: it is a two-level map of scalars.
#include "inspect/budget.hpp"

#include "common/error.hpp"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <cmath>

namespace hubtel::inspect {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::optional<double> parse_number(std::string_view text) {
  if (text.empty() || text.front() == '+' || text.front() == '-') {
    return std::nullopt;
  }
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

// A scalar without its comment and quotes.
std::string_view scalar(std::string_view value) {
  value = trim(value);
  if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'')) {
    const auto close = value.find(value.front(), 1);
    if (close != std::string_view::npos) {
      return value.substr(1, close - 1);
    }
  }
  if (const auto hash = value.find(" #"); hash != std::string_view::npos) {
    value = trim(value.substr(0, hash));
  }
  return value;
}

std::string fraction(double value) {
  return fmt::format("{:.4f}", value);
}

}  // namespace

std::optional<std::uint64_t> parse_byte_size(std::string_view text) {
  text = trim(text);
  std::size_t split = 0;
  while (split < text.size() &&
         (std::isdigit(static_cast<unsigned char>(text[split])) || text[split] == '.')) {
    ++split;
  }
  const auto number = parse_number(text.substr(0, split));
  if (!number) {
    return std::nullopt;
  }
  const auto unit = lower(trim(text.substr(split)));
  double scale = 0;
  static constexpr std::pair<std::string_view, double> units[] = {{"", 1},
                                                                  {"b", 1},
                                                                  {"k", 1e3},
                                                                  {"kb", 1e3},
                                                                  {"m", 1e6},
                                                                  {"mb", 1e6},
                                                                  {"g", 1e9},
                                                                  {"gb", 1e9},
                                                                  {"t", 1e12},
                                                                  {"tb", 1e12},
                                                                  {"ki", 1024.0},
                                                                  {"kib", 1024.0},
                                                                  {"mi", 1048576.0},
                                                                  {"mib", 1048576.0},
                                                                  {"gi", 1073741824.0},
                                                                  {"gib", 1073741824.0},
                                                                  {"ti", 1099511627776.0},
                                                                  {"tib", 1099511627776.0}};
  for (const auto& [name, factor] : units) {
    if (unit == name) {
      scale = factor;
    }
  }
  if (scale == 0) {
    return std::nullopt;
  }
  const double bytes = *number * scale;
  if (bytes >= 1.8e19 ||
      (scale == 1 && text.substr(0, split).find('.') != std::string_view::npos)) {
    return std::nullopt;
  }
  return static_cast<std::uint64_t>(std::llround(bytes));
}

void apply_dive_ci(Budget& budget, std::string_view text, std::string_view source) {
  bool in_rules = false;
  std::size_t line_number = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    auto line = text.substr(start, end - start);
    start = end + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    const auto content = trim(line);
    if (content.empty() || content.front() == '#' || content == "---") {
      continue;
    }
    const auto fail = [&](const std::string& what) {
      throw Error(fmt::format("{}:{}: {}", source, line_number, what));
    };
    const auto colon = content.find(':');
    if (colon == std::string_view::npos) {
      fail(fmt::format("expected 'key: value', got '{}'", content));
    }
    const auto key = trim(content.substr(0, colon));
    const auto value = scalar(content.substr(colon + 1));
    const bool indented = std::isspace(static_cast<unsigned char>(line.front())) != 0;
    if (!indented) {
      if (key != "rules") {
        fail(fmt::format("unknown section '{}' (expected 'rules:')", key));
      }
      if (!value.empty()) {
        fail("'rules:' takes the rules on the lines below it");
      }
      in_rules = true;
      continue;
    }
    if (!in_rules) {
      fail(fmt::format("'{}' is outside the 'rules:' section", key));
    }
    const bool disabled = lower(value) == "disabled";
    if (key == "lowestEfficiency" || key == "highestUserWastedPercent") {
      std::optional<double> ratio;
      if (!disabled) {
        ratio = parse_number(value);
        if (!ratio || *ratio > 1.0) {
          fail(fmt::format("{} must be a ratio from 0 to 1 or 'disabled', got '{}'", key, value));
        }
      }
      if (key == "lowestEfficiency") {
        budget.min_efficiency = ratio;
        budget.min_efficiency_rule = "lowestEfficiency";
      } else {
        budget.max_user_wasted_ratio = ratio;
      }
    } else if (key == "highestWastedBytes") {
      std::optional<std::uint64_t> bytes;
      if (!disabled) {
        bytes = parse_byte_size(value);
        if (!bytes) {
          fail(fmt::format("highestWastedBytes must be a size such as 20MB or 'disabled', got '{}'",
                           value));
        }
      }
      budget.max_wasted_bytes = bytes;
      budget.max_wasted_rule = "highestWastedBytes";
    } else {
      fail(
          fmt::format("unknown rule '{}' (known: lowestEfficiency, highestWastedBytes, "
                      "highestUserWastedPercent)",
                      key));
    }
  }
}

std::vector<std::string> check_budget(const SizeReport& report, const Budget& budget) {
  std::vector<std::string> failures;
  const auto over = [&](std::string_view rule, std::uint64_t actual, std::uint64_t limit) {
    if (actual > limit) {
      failures.push_back(fmt::format("{} {} > {} (by {})", rule, actual, limit, actual - limit));
    }
  };
  over("lambda-limit", report.total_bytes, lambda_limit_bytes);
  if (budget.max_bytes) {
    over("max-bytes", report.total_bytes, *budget.max_bytes);
  }
  if (budget.max_wasted_bytes) {
    over(budget.max_wasted_rule, report.wasted_bytes, *budget.max_wasted_bytes);
  }
  if (budget.min_efficiency && report.efficiency < *budget.min_efficiency) {
    failures.push_back(fmt::format("{} {} < {} (by {})", budget.min_efficiency_rule,
                                   fraction(report.efficiency), fraction(*budget.min_efficiency),
                                   fraction(*budget.min_efficiency - report.efficiency)));
  }
  if (budget.max_user_wasted_ratio) {
    const double ratio = report.total_bytes == 0 ? 0.0
                                                 : static_cast<double>(report.user_wasted_bytes) /
                                                       static_cast<double>(report.total_bytes);
    if (ratio > *budget.max_user_wasted_ratio) {
      failures.push_back(fmt::format("highestUserWastedPercent {} > {} (by {})", fraction(ratio),
                                     fraction(*budget.max_user_wasted_ratio),
                                     fraction(ratio - *budget.max_user_wasted_ratio)));
    }
  }
  if (budget.max_growth && report.compare) {
    const auto& compare = *report.compare;
    const auto growth = compare.total_bytes_after > compare.total_bytes_before
                            ? compare.total_bytes_after - compare.total_bytes_before
                            : 0;
    if (growth > *budget.max_growth) {
      failures.push_back(
          fmt::format("max-growth {} > {} (by {}): {} grew from {} to {} bytes against {}", growth,
                      *budget.max_growth, growth - *budget.max_growth, report.source,
                      compare.total_bytes_before, compare.total_bytes_after, compare.source));
    }
  }
  return failures;
}

}  // namespace hubtel::inspect
