// The 'render' subcommand: a Mustache template and JSON data to a file (written only on change).
#include "cli/commands.hpp"
#include "common/error.hpp"
#include "common/files.hpp"
#include "inspect/budget.hpp"
#include "mustache/mustache.hpp"

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace hubtel::cli {

namespace {

struct RenderCommandOptions {
  std::string template_path;
  std::string data_path;
  std::vector<std::string> partials_dirs;
  std::string escape = "html";
  std::string missing_partial = "error";
  std::string output;
  std::size_t max_depth = mustache::RenderOptions{}.max_nesting;
  std::string max_output;
  std::uint64_t max_steps = mustache::RenderOptions{}.max_steps;
};

// The data, nested at most `max_depth` deep: deeper data would take the renderer's stack.
nlohmann::json read_json(const std::filesystem::path& path, std::size_t max_depth) {
  const auto text = read_file(path);
  const auto limit = static_cast<int>(max_depth);
  try {
    return nlohmann::json::parse(
        text, [&](int depth, nlohmann::json::parse_event_t event, const nlohmann::json&) {
          if (depth >= limit && (event == nlohmann::json::parse_event_t::object_start ||
                                 event == nlohmann::json::parse_event_t::array_start)) {
            throw Error(fmt::format("{}: the data nests more than {} deep (--max-depth)",
                                    path.string(), max_depth));
          }
          return true;
        });
  } catch (const nlohmann::json::parse_error& e) {
    // nlohmann's messages start with "[json.exception.parse_error.101] ": ours name the file.
    std::string_view what = e.what();
    if (const auto end = what.find("] ");
        !what.empty() && what.front() == '[' && end != std::string_view::npos) {
      what.remove_prefix(end + 2);
    }
    throw Error(fmt::format("{} is not valid JSON: {}", path.string(), what));
  }
}

}  // namespace

void add_render_command(CLI::App& app, Context& context) {
  auto options = std::make_shared<RenderCommandOptions>();
  auto* command = app.add_subcommand(
      "render", "render a Mustache template (spec v1.3 with inheritance) against JSON data");
  command->add_option("--template", options->template_path, "the template (.mustache)")->required();
  command->add_option("--data", options->data_path, "the data (JSON)")->required();
  command->add_option("--partials", options->partials_dirs,
                      "where {{>name}} and {{<name}} find name.mustache; repeat it to look in "
                      "several folders, in order (default: the template's folder)");
  command
      ->add_option("--escape", options->escape,
                   "html: escape & < > \" (the spec); none; strict: no escaping, and a value "
                   "with a newline or control character is an error")
      ->check(CLI::IsMember({"html", "none", "strict"}));
  command
      ->add_option("--missing-partial", options->missing_partial,
                   "error: a partial or parent that cannot be found is an error (the default); "
                   "empty: it renders as nothing, as the Mustache spec says")
      ->check(CLI::IsMember({"error", "empty"}));
  command
      ->add_option("--max-depth", options->max_depth,
                   "how deep the data, and sections, blocks and partials while rendering, may nest "
                   "(default 1000)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{10000}));
  command
      ->add_option("--max-output", options->max_output,
                   "the longest output allowed (default 64MiB; e.g. 1GiB)")
      ->check(CLI::Validator(
          [](std::string& value) -> std::string {
            return inspect::parse_byte_size(value)
                       ? std::string()
                       : "\"" + value + "\" is not a size (expected bytes or e.g. 64MiB)";
          },
          "SIZE"));
  command
      ->add_option("--max-steps", options->max_steps,
                   "the most template nodes one render may visit (default 100000000)")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40));
  command->add_option("--output", options->output,
                      "write here (atomically, and only when the content changes); default: "
                      "stdout");

  command->callback([options, &context] {
    const std::filesystem::path template_path(options->template_path);
    const auto text = read_file(template_path);
    const auto data = read_json(options->data_path, options->max_depth);
    std::vector<std::filesystem::path> partials_dirs(options->partials_dirs.begin(),
                                                     options->partials_dirs.end());
    if (partials_dirs.empty()) {
      partials_dirs.emplace_back(template_path.has_parent_path() ? template_path.parent_path()
                                                                 : std::filesystem::path("."));
    }

    mustache::DirectoryLoader loader(std::move(partials_dirs));
    mustache::RenderOptions render_options;
    render_options.escape = *mustache::parse_escape(options->escape);
    render_options.missing_partial_is_error = options->missing_partial == "error";
    render_options.max_nesting = options->max_depth;
    render_options.max_steps = options->max_steps;
    if (!options->max_output.empty()) {
      render_options.max_output_bytes =
          static_cast<std::size_t>(*inspect::parse_byte_size(options->max_output));
    }
    mustache::Renderer renderer(loader, render_options);
    const auto rendered = renderer.render(mustache::parse(text, template_path.string()), data);

    if (options->output.empty()) {
      context.out << rendered;
      context.out.flush();
    } else {
      write_file_if_changed(options->output, rendered);
    }
  });
}

}  // namespace hubtel::cli
