// The 'size' subcommand: the size report of a saved image, its budgets, its comparison with
// another image and its renderings.
#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "common/error.hpp"
#include "common/files.hpp"
#include "inspect/budget.hpp"
#include "inspect/image.hpp"
#include "inspect/report.hpp"
#include "registry/remote_image.hpp"

#include <fmt/format.h>
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <cstdlib>
#include <exception>
#include <filesystem>
#include <istream>
#include <memory>
#include <ostream>
#include <string>

namespace hubtel::cli {

namespace {

struct SizeOptions {
  std::string input;
  std::string format;
  std::string output;
  std::string base;
  std::string name;
  std::string max_bytes;
  std::string max_wasted_bytes;
  std::optional<double> min_efficiency;
  std::string ci_config;
  registry::RegistryReadOptions registry;
  std::size_t top = 20;
  std::uint64_t max_paths = 2'000'000;
  bool no_verify = false;
  std::string compare;
  std::string max_growth;
};

const CLI::Validator byte_size_validator(
    [](std::string& value) -> std::string {
      return inspect::parse_byte_size(value)
                 ? std::string()
                 : "\"" + value + "\" is not a size (expected bytes or e.g. 50MiB, 1GB)";
    },
    "SIZE");

// The format an --output file's extension asks for, when --format is not given.
std::string format_for(const SizeOptions& options) {
  if (!options.format.empty()) {
    return options.format;
  }
  const auto extension = std::filesystem::path(options.output).extension().string();
  if (extension == ".json") {
    return "json";
  }
  if (extension == ".md" || extension == ".markdown") {
    return "markdown";
  }
  if (extension == ".html" || extension == ".htm") {
    return "html";
  }
  return "text";
}

bool colour_wanted(const SizeOptions& options) {
  if (!options.output.empty() || ::isatty(STDOUT_FILENO) == 0) {
    return false;
  }
  const char* no_colour = std::getenv("NO_COLOR");
  const char* term = std::getenv("TERM");
  return (no_colour == nullptr || *no_colour == '\0') &&
         (term == nullptr || std::string_view(term) != "dumb");
}

// --compare: the other image read as the image is (its own blobs checked the same way), then
// compared path by path and layer by layer.
void compare_with_other(inspect::SizeReport& report, const inspect::Image& image,
                        const SizeOptions& options, std::istream& in) {
  if (options.compare == "-" && (options.input == "-" || options.base == "-")) {
    throw Error("--compare cannot read stdin: the image or --base already does", ExitCode::usage);
  }
  inspect::ReadOptions read_options;
  read_options.max_entries = options.max_paths;
  read_options.verify_digests = !options.no_verify;
  const auto other = [&] {
    try {
      return registry::read_image_input(options.compare, in, options.registry, read_options);
    } catch (const Error& e) {
      throw Error(fmt::format("--compare: {}", e.what()), e.code());
    }
  }();
  inspect::CompareOptions compare_options;
  compare_options.top_paths = options.top;
  report.compare = inspect::compare_images(image, other, compare_options);
  report.compare->source = options.compare == "-" ? std::string("<stdin>") : options.compare;
}

}  // namespace

void add_size_command(CLI::App& app, Context& context) {
  auto options = std::make_shared<SizeOptions>();
  auto* command = app.add_subcommand(
      "size",
      "the size report of a saved or pushed image: total, visible and wasted bytes, layers, paths");
  command
      ->add_option("image", options->input,
                   "a `docker save` archive (optionally compressed), an OCI image layout folder, "
                   "- for an archive on stdin, or a registry reference (host[:port]/repo:tag or "
                   "host[:port]/repo@sha256:...)")
      ->required();
  command
      ->add_option("--format", options->format,
                   "output format (default: text, or --output's extension)")
      ->check(CLI::IsMember({"text", "json", "markdown", "html"}));
  command->add_option("--output", options->output, "write the report to this file (atomically)");
  command->add_option("--base", options->base,
                      "the base image (archive, folder or registry reference): its leading layers "
                      "count as base bytes");
  command->add_option("--name", options->name,
                      "how the report names the image (default: the input's path)");
  command->add_option("--max-bytes", options->max_bytes, "fail when total bytes exceed this")
      ->check(byte_size_validator);
  command
      ->add_option("--min-efficiency", options->min_efficiency,
                   "fail when visible/total is below this ratio (0 to 1)")
      ->check(CLI::Validator(
          [](const std::string& value) {
            double ratio = -1;
            try {
              std::size_t used = 0;
              ratio = std::stod(value, &used);
              if (used != value.size()) {
                ratio = -1;
              }
            } catch (const std::exception&) {
            }
            return ratio >= 0 && ratio <= 1
                       ? std::string()
                       : value + " is not a ratio from 0 to 1 (0.9 asks for 90%)";
          },
          "RATIO"));
  command
      ->add_option("--max-wasted-bytes", options->max_wasted_bytes,
                   "fail when wasted bytes exceed this")
      ->check(byte_size_validator);
  command->add_option("--ci-config", options->ci_config,
                      "dive's .dive-ci rules (lowestEfficiency, highestWastedBytes, "
                      "highestUserWastedPercent)");
  command->add_option("--top", options->top, "how many largest paths to list")
      ->check(CLI::Range(1, 100000));
  command
      ->add_option("--max-paths", options->max_paths,
                   "refuse images with more layer entries than this (bounds memory)")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 32));

  command
      ->add_option("--platform", options->registry.platform,
                   "os/arch[/variant]: the image to read from a registry index (required when it "
                   "holds several)")
      ->check(CLI::Validator(
          [](const std::string& value) {
            try {
              registry::parse_platform(value);
              return std::string();
            } catch (const Error& e) {
              return std::string(e.what());
            }
          },
          "PLATFORM"));
  add_aws_option(*command, options->registry.aws);
  command->add_flag("--no-verify", options->no_verify,
                    "skip the SHA-256 checks of blobs (faster; for archives you trust)");
  auto* compare = command->add_option(
      "--compare", options->compare,
      "another image (archive or folder) to compare with: the layers and files this one adds, "
      "removes and changes");
  command
      ->add_option("--max-growth", options->max_growth,
                   "fail when total bytes grew by more than this against --compare")
      ->check(byte_size_validator)
      ->needs(compare);

  command->callback([options, &context] {
    inspect::Budget budget;
    if (!options->max_bytes.empty()) {
      budget.max_bytes = inspect::parse_byte_size(options->max_bytes);
    }
    if (!options->max_wasted_bytes.empty()) {
      budget.max_wasted_bytes = inspect::parse_byte_size(options->max_wasted_bytes);
    }
    budget.min_efficiency = options->min_efficiency;
    if (!options->max_growth.empty()) {
      budget.max_growth = inspect::parse_byte_size(options->max_growth);
    }
    if (!options->ci_config.empty()) {
      inspect::apply_dive_ci(budget, read_file(options->ci_config), options->ci_config);
    }

    inspect::ReadOptions read_options;
    read_options.max_entries = options->max_paths;
    read_options.verify_digests = !options->no_verify;
    const auto image =
        registry::read_image_input(options->input, context.in, options->registry, read_options);
    inspect::AnalyseOptions analyse_options;
    analyse_options.top_paths = options->top;
    auto report = inspect::analyse(image, analyse_options);
    report.source = !options->name.empty()  ? options->name
                    : options->input == "-" ? std::string("<stdin>")
                                            : options->input;
    if (!options->base.empty()) {
      inspect::ReadOptions base_options;
      base_options.summarise_layers = false;
      base_options.max_entries = options->max_paths;
      base_options.verify_digests = !options->no_verify;
      if (options->base == "-" && options->input == "-") {
        throw Error("--base and the image cannot both be read from stdin", ExitCode::usage);
      }
      inspect::apply_base(report, registry::read_image_input(options->base, context.in,
                                                             options->registry, base_options));
    }
    if (!options->compare.empty()) {
      compare_with_other(report, image, *options, context.in);
    }

    const auto format = format_for(*options);
    std::string rendered;
    if (format == "json") {
      // A layer may name files in bytes that are not UTF-8: they are shown as U+FFFD.
      rendered =
          inspect::to_json(report).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) +
          "\n";
    } else if (format == "markdown") {
      rendered = inspect::format_markdown(report);
    } else if (format == "html") {
      rendered = inspect::format_html(report);
    } else {
      rendered = inspect::format_text(report, colour_wanted(*options));
    }
    if (options->output.empty()) {
      context.out << rendered;
      context.out.flush();
    } else {
      write_file_atomically(options->output, rendered);
    }

    for (const auto& failure : inspect::check_budget(report, budget)) {
      context.err << "hubtel-ai: error: budget failed: " << failure << '\n';
      context.exit_code = static_cast<int>(ExitCode::budget);
    }
  });
}

}  // namespace hubtel::cli
