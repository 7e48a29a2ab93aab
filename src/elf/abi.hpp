// ELF inspection for the ABI gate: machine, needed libraries, interpreter and the GNU symbol
// versions (GLIBC_, GLIBCXX_, CXXABI_) a file needs from, or defines for, the runtime.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hubtel::elf {

// The architectures an image can target, by the names the CMake API uses.
enum class Arch { x86_64, arm64 };

// "x86_64" or "arm64"; nullopt for anything else.
std::optional<Arch> parse_arch(std::string_view name);
std::string_view arch_name(Arch arch);

// True for dotted non-negative integers such as "2.34" or "3.4.30".
bool is_version(std::string_view text);

// Numeric comparison per dot-separated component, missing components counting as 0, so
// 2.10 > 2.9 and 2.34 == 2.34.0. Both sides must satisfy is_version(). Returns <0, 0 or >0.
int compare_versions(std::string_view a, std::string_view b);

// The highest version with the given prefix (e.g. "GLIBC_") among names, without the prefix;
// names whose rest is not numeric (GLIBC_PRIVATE) are ignored. Empty when there is none.
std::string highest_version(const std::vector<std::string>& names, std::string_view prefix);

struct ElfInfo {
  std::filesystem::path path;
  std::uint16_t machine = 0;                  // e_machine
  std::optional<Arch> arch;                   // nullopt for machines images cannot target
  std::string machine_name;                   // "x86_64", "aarch64", ..., or "machine <n>"
  std::vector<std::string> needed;            // DT_NEEDED, in file order
  std::string interpreter;                    // PT_INTERP; empty when there is none
  std::vector<std::string> needed_versions;   // every SHT_GNU_verneed name, in file order
  std::vector<std::string> defined_versions;  // every SHT_GNU_verdef name (libraries)
  // Highest needed versions without their prefix; empty when none is needed.
  std::string glibc;
  std::string glibcxx;
  std::string cxxabi;
};

// Reads one ELF file. Throws Error naming the file when it cannot be read, is not ELF, or is
// truncated or corrupt.
ElfInfo inspect_elf(const std::filesystem::path& path);

// True when the file starts with the ELF magic; false for unreadable or short files.
bool looks_like_elf(const std::filesystem::path& path);

struct AbiLimits {
  Arch arch = Arch::x86_64;
  std::optional<std::string> glibc;    // the highest GLIBC_ the runtime base provides
  std::optional<std::string> glibcxx;  // the highest GLIBCXX_ it provides
};

struct FileReport {
  ElfInfo info;
  std::vector<std::string> problems;  // each a full sentence naming the file
};

struct AbiReport {
  std::vector<FileReport> files;
  [[nodiscard]] bool ok() const;
  [[nodiscard]] std::vector<std::string> problems() const;
};

// The problems of one inspected file against the limits (empty when it passes).
std::vector<std::string> find_problems(const ElfInfo& info, const AbiLimits& limits);

// Checks files and directories: a directory contributes every ELF regular file below it
// (symbolic links and non-ELF files skipped), in path order; a file named explicitly must be
// ELF. Throws Error for unreadable, non-ELF (named explicitly) or corrupt input; mismatches
// against the limits are reported, not thrown.
AbiReport check_abi(const std::vector<std::filesystem::path>& inputs, const AbiLimits& limits);

// One line per file: path, machine, highest GLIBC, GLIBCXX and CXXABI, needed libraries.
std::string format_text(const AbiReport& report);

// {"files": [{"path", "machine", "arch", "glibc", "glibcxx", "cxxabi", "needed",
//  "interpreter", "problems"}...], "ok"}; absent versions and interpreter are null.
nlohmann::ordered_json to_json(const AbiReport& report);

}  // namespace hubtel::elf
