// The ABI gate: every ELF file of a payload is checked against what its runtime base provides.
#include "engine/abi_gate.hpp"

#include "common/error.hpp"
#include "elf/abi.hpp"

#include <fmt/format.h>

#include <ostream>

namespace fs = std::filesystem;

namespace hubtel::engine {
namespace {

// The highest version with `prefix` that a library defines, or nullopt when it is absent.
std::optional<std::string> provided(const fs::path& library, std::string_view prefix) {
  if (!fs::exists(library)) {
    return std::nullopt;
  }
  auto version = elf::highest_version(elf::inspect_elf(library).defined_versions, prefix);
  if (version.empty()) {
    return std::nullopt;
  }
  return version;
}

}  // namespace

void check_payload_abi(const fs::path& payload, const std::string& arch, std::ostream& err) {
  const auto target = elf::parse_arch(arch);
  if (!target) {
    throw Error(fmt::format("architecture '{}' is not supported (supported: x86_64, arm64)", arch));
  }
  elf::AbiLimits limits;
  limits.arch = *target;
  limits.glibc = provided(payload / "base" / "libc.so.6", "GLIBC_");
  if (!limits.glibc) {
    throw Error(fmt::format(
        "the runtime base has no libc.so.6 (looked in {}): Lambda functions need a glibc base",
        (payload / "base").string()));
  }
  // A bundled libstdc++ serves the program; else the base's own.
  limits.glibcxx = provided(payload / "rootfs" / "opt" / "lib" / "libstdc++.so.6", "GLIBCXX_");
  if (!limits.glibcxx) {
    limits.glibcxx = provided(payload / "base" / "libstdc++.so.6", "GLIBCXX_");
  }

  const auto report = elf::check_abi({payload / "rootfs"}, limits);
  if (!report.ok()) {
    std::string problems;
    for (const auto& problem : report.problems()) {
      problems += "\n  " + problem;
    }
    throw Error(fmt::format(
        "the image would not start on its runtime base (GLIBC {}, GLIBCXX {}):{}\nBuild with a "
        "builder whose glibc and libstdc++ are not newer than the runtime base's (for example "
        "Debian bullseye for provided.al2023)",
        *limits.glibc, limits.glibcxx.value_or("none"), problems));
  }
  std::string needs_glibc;
  std::string needs_glibcxx;
  for (const auto& file : report.files) {
    if (!file.info.glibc.empty() &&
        (needs_glibc.empty() || elf::compare_versions(file.info.glibc, needs_glibc) > 0)) {
      needs_glibc = file.info.glibc;
    }
    if (!file.info.glibcxx.empty() &&
        (needs_glibcxx.empty() || elf::compare_versions(file.info.glibcxx, needs_glibcxx) > 0)) {
      needs_glibcxx = file.info.glibcxx;
    }
  }
  err << fmt::format(
      "hubtel: ABI check passed: {} ELF files for {}, needing GLIBC {} (base has {}) and GLIBCXX "
      "{} (available {})\n",
      report.files.size(), arch, needs_glibc.empty() ? "-" : needs_glibc, *limits.glibc,
      needs_glibcxx.empty() ? "-" : needs_glibcxx, limits.glibcxx.value_or("none"));
}

}  // namespace hubtel::engine
