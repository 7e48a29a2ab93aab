// The 'abi-check' subcommand: ELF machine and highest GLIBC_/GLIBCXX_ versions of files.
#include "cli/commands.hpp"
#include "common/error.hpp"
#include "elf/abi.hpp"

#include <CLI/CLI.hpp>

#include <memory>
#include <ostream>

namespace hubtel::cli {

namespace {

struct AbiCheckOptions {
  std::vector<std::string> inputs;
  std::string arch;
  std::string glibc;
  std::string glibcxx;
  std::string format = "text";
};

// Accepts dotted numbers such as 2.34 or 3.4.30, so a typo is a usage error, not a silent pass.
const CLI::Validator version_validator(
    [](std::string& value) -> std::string {
      return elf::is_version(value) ? std::string()
                                    : "\"" + value + "\" is not a version (expected e.g. 2.34)";
    },
    "X.Y[.Z]");

}  // namespace

void add_abi_check_command(CLI::App& app, Context& context) {
  auto options = std::make_shared<AbiCheckOptions>();
  auto* command = app.add_subcommand(
      "abi-check", "ELF machine and the highest GLIBC_/GLIBCXX_ versions each file needs");
  command
      ->add_option("files", options->inputs,
                   "ELF programs or libraries; a directory adds every ELF file below it")
      ->required();
  command->add_option("--arch", options->arch, "the image's architecture")
      ->required()
      ->check(CLI::IsMember({"x86_64", "arm64"}));
  command
      ->add_option("--glibc", options->glibc,
                   "fail when a file needs a GLIBC_ version above this (the runtime base's)")
      ->check(version_validator);
  command
      ->add_option("--glibcxx", options->glibcxx,
                   "fail when a file needs a GLIBCXX_ version above this")
      ->check(version_validator);
  command->add_option("--format", options->format, "output format")
      ->check(CLI::IsMember({"text", "json"}));

  command->callback([options, &context] {
    elf::AbiLimits limits;
    limits.arch = *elf::parse_arch(options->arch);
    if (!options->glibc.empty()) {
      limits.glibc = options->glibc;
    }
    if (!options->glibcxx.empty()) {
      limits.glibcxx = options->glibcxx;
    }
    std::vector<std::filesystem::path> inputs(options->inputs.begin(), options->inputs.end());
    const auto report = elf::check_abi(inputs, limits);
    if (options->format == "json") {
      context.out << elf::to_json(report).dump(2) << '\n';
    } else {
      context.out << elf::format_text(report);
    }
    context.out.flush();
    // Every mismatch is reported, not only the first, so one run shows all a fix must cover.
    for (const auto& problem : report.problems()) {
      context.err << "hubtel-ai: error: " << problem << '\n';
    }
    if (!report.ok()) {
      context.exit_code = static_cast<int>(ExitCode::failure);
    }
  });
}

}  // namespace hubtel::cli
