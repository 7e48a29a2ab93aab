// The 'abi-check' subcommand: ELF machine and highest GLIBC_/GLIBCXX_ versions of files.
#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "common/error.hpp"
#include "elf/abi.hpp"

#include <CLI/CLI.hpp>

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

// Reports every file's machine and versions; any mismatch with the limits fails.
int check_files(const AbiCheckOptions& options, std::ostream& out, std::ostream& err) {
  elf::AbiLimits limits;
  limits.arch = *elf::parse_arch(options.arch);
  if (!options.glibc.empty()) {
    limits.glibc = options.glibc;
  }
  if (!options.glibcxx.empty()) {
    limits.glibcxx = options.glibcxx;
  }
  std::vector<std::filesystem::path> inputs(options.inputs.begin(), options.inputs.end());
  const auto report = elf::check_abi(inputs, limits);
  if (options.format == "json") {
    out << elf::to_json(report).dump(2) << '\n';
  } else {
    out << elf::format_text(report);
  }
  out.flush();
  // Every mismatch is reported, not only the first, so one run shows all a fix must cover.
  for (const auto& problem : report.problems()) {
    err << "hubtel-ai: error: " << problem << '\n';
  }
  return report.ok() ? 0 : static_cast<int>(ExitCode::failure);
}

}  // namespace

void add_abi_check_command(CLI::App& app, Context& context) {
  const auto [command, options] = add_request_command(
      app, context, "abi-check",
      "ELF machine and the highest GLIBC_/GLIBCXX_ versions each file needs", check_files);
  command
      ->add_option("files", options->inputs,
                   "ELF programs or libraries; a directory adds every ELF file below it")
      ->required();
  add_arch_option(*command, options->arch, "the image's architecture")->required();
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
}

}  // namespace hubtel::cli
