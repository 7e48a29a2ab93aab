// Renders a Dockerfile-sized template: 200 lines, 1,000 values reached through sections, dotted
// names and a partial. Run: <build>/bench/mustache/mustache_bench
#include "mustache/mustache.hpp"

#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <string>

namespace {

using hubtel::mustache::Escape;
using nlohmann::json;

constexpr int groups = 15;  // config.group_<g>.key_<k>: 15 x 10 = 150 values
constexpr int keys = 10;
constexpr int services = 85;       // 85 services x 10 values = 850 values
constexpr int config_lines = 150;  // one dotted name a line

json make_data() {
  json data;
  for (int g = 0; g < groups; ++g) {
    for (int k = 0; k < keys; ++k) {
      data["config"][fmt::format("group_{}", g)][fmt::format("key_{}", k)] =
          fmt::format("value-{}-{}", g, k);
    }
  }
  for (int s = 0; s < services; ++s) {
    data["services"].push_back({{"name", fmt::format("service-{}", s)},
                                {"image", fmt::format("registry.local/app/service-{}:1.{}", s, s)},
                                {"port", 8000 + s},
                                {"debug", s % 3 == 0},
                                {"meta",
                                 {{"owner", "team-" + std::to_string(s % 7)},
                                  {"tier", s % 2 == 0 ? "gold" : "silver"},
                                  {"cpu", 0.25 * (s % 4 + 1)}}},
                                {"tags", {"a" + std::to_string(s), "b", "c"}}});
  }
  return data;
}

// 200 lines: a header, 150 dotted names, the services' section with its partial and inverted
// sections, and a footer.
std::string make_template() {
  std::string text = "{{! The benchmark's template: 200 lines. }}\n# {{config.group_0.key_0}}\n\n";
  for (int line = 0; line < config_lines; ++line) {
    const int g = line / keys;
    const int k = line % keys;
    text += fmt::format("ENV CONFIG_{}_{}={{{{config.group_{}.key_{}}}}}\n", g, k, g, k);
  }
  text +=
      "{{#services}}\n"
      "\n"
      "# service {{name}}\n"
      "{{> service}}\n"
      "{{#debug}}\n"
      "RUN echo debug {{name}} on {{port}}\n"
      "{{/debug}}\n"
      "{{^debug}}\n"
      "RUN echo release {{name}}\n"
      "{{/debug}}\n"
      "{{/services}}\n";
  // Padding comments and text to 200 lines, as a real Dockerfile template has.
  int lines = 3 + config_lines + 11;
  while (lines < 199) {
    text += "# static text line of the template, rendered as it is\n";
    ++lines;
  }
  text += "CMD [\"{{config.group_14.key_9}}\"]\n";
  return text;
}

const char* const service_partial =
    "FROM {{image}} AS {{name}}\n"
    "LABEL owner={{meta.owner}} tier={{meta.tier}} cpu={{meta.cpu}}\n"
    "EXPOSE {{port}}\n"
    "{{#tags}}\n"
    "LABEL tag.{{.}}=1\n"
    "{{/tags}}\n";

std::map<std::string, std::string, std::less<>> partials() {
  return {{"service", service_partial}};
}

void render_bench(benchmark::State& state, Escape escape) {
  const auto data = make_data();
  const auto text = make_template();
  if (std::count(text.begin(), text.end(), '\n') != 200) {
    state.SkipWithError("the template is not 200 lines long");
    return;
  }
  const auto tmpl = hubtel::mustache::parse(text, "bench.mustache");
  hubtel::mustache::MapLoader loader(partials());
  hubtel::mustache::RenderOptions options;
  options.escape = escape;
  hubtel::mustache::Renderer renderer(loader, options);
  std::string out;
  for (auto _ : state) {
    out.clear();
    renderer.render_to(tmpl, data, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["output_bytes"] = static_cast<double>(out.size());
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * out.size()));
}

void BM_RenderStrict(benchmark::State& state) {
  render_bench(state, Escape::strict);
}
void BM_RenderHtml(benchmark::State& state) {
  render_bench(state, Escape::html);
}

// What `hubtel-ai render` does per call: parse the template and its partial, then render.
void BM_ParseAndRenderStrict(benchmark::State& state) {
  const auto data = make_data();
  const auto text = make_template();
  for (auto _ : state) {
    hubtel::mustache::MapLoader loader(partials());
    hubtel::mustache::RenderOptions options;
    options.escape = Escape::strict;
    auto out = hubtel::mustache::render(text, data, loader, options);
    benchmark::DoNotOptimize(out.data());
  }
}

BENCHMARK(BM_RenderStrict)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_RenderHtml)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ParseAndRenderStrict)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
