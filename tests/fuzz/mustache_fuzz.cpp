// libFuzzer target: a Mustache template, its data and three partials from one input (parts split
// at NUL bytes), parsed and rendered in each escaping mode with small limits. Bad input must end
// in hubtel::Error, never in a crash, a leak, a hang or another exception.
#include "common/error.hpp"
#include "mustache/mustache.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace {

std::vector<std::string_view> split(std::string_view input) {
  std::vector<std::string_view> parts;
  while (parts.size() < 5) {
    const auto nul = input.find('\0');
    parts.push_back(input.substr(0, nul));
    if (nul == std::string_view::npos) {
      break;
    }
    input.remove_prefix(nul + 1);
  }
  parts.resize(5);
  return parts;
}

// The data as the command line reads it: nested at most `depth` deep; {} when it is no JSON.
nlohmann::json data_of(std::string_view text, int depth) {
  try {
    return nlohmann::json::parse(
        text, [depth](int at, nlohmann::json::parse_event_t, const nlohmann::json&) {
          if (at > depth) {
            throw hubtel::Error("too deep");
          }
          return true;
        });
  } catch (const std::exception&) {
    return nlohmann::json::object();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  const auto parts = split(std::string_view(reinterpret_cast<const char*>(bytes), size));
  const auto data = data_of(parts[1], 64);
  hubtel::mustache::MapLoader loader(
      {{"a", std::string(parts[2])}, {"b", std::string(parts[3])}, {"c", std::string(parts[4])}});
  for (const auto escape : {hubtel::mustache::Escape::html, hubtel::mustache::Escape::strict}) {
    hubtel::mustache::RenderOptions options;
    options.escape = escape;
    options.missing_partial_is_error = escape == hubtel::mustache::Escape::strict;
    options.max_nesting = 200;
    options.max_output_bytes = 1 << 20;
    options.max_steps = 200'000;
    try {
      hubtel::mustache::Renderer renderer(loader, options);
      (void)renderer.render(hubtel::mustache::parse(parts[0], "template"), data);
    } catch (const hubtel::Error&) {
    }
  }
  return 0;
}
