// Reads ELF files with libelf and checks their machine and symbol versions against a runtime base.
#include "elf/abi.hpp"

#include "common/error.hpp"

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <system_error>

namespace fs = std::filesystem;

namespace hubtel::elf {

namespace {

// Owns a file descriptor so every early throw closes it.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (fd_ >= 0) {
      ::close(fd_);
    }
  }
  [[nodiscard]] int get() const { return fd_; }

 private:
  int fd_;
};

// Owns an Elf handle.
class ElfHandle {
 public:
  explicit ElfHandle(Elf* elf) : elf_(elf) {}
  ElfHandle(const ElfHandle&) = delete;
  ElfHandle& operator=(const ElfHandle&) = delete;
  ~ElfHandle() { elf_end(elf_); }
  [[nodiscard]] Elf* get() const { return elf_; }

 private:
  Elf* elf_;
};

constexpr std::array<char, 4> elf_magic{'\x7f', 'E', 'L', 'F'};

// glibc 2.36 introduced DT_RELR; a program linked with -z pack-relative-relocs needs this
// marker version, which no older glibc defines, so it counts as needing 2.36.
constexpr std::string_view dt_relr_marker = "GLIBC_ABI_DT_RELR";
constexpr std::string_view dt_relr_glibc = "2.36";

void init_libelf() {
  static const bool initialised = elf_version(EV_CURRENT) != EV_NONE;
  if (!initialised) {
    throw Error(fmt::format("libelf cannot be initialised: {}", elf_errmsg(-1)));
  }
}

std::string machine_name_of(std::uint16_t machine) {
  switch (machine) {
    case EM_X86_64:
      return "x86_64";
    case EM_AARCH64:
      return "aarch64";
    case EM_386:
      return "i386";
    case EM_ARM:
      return "arm";
    case EM_RISCV:
      return "riscv";
    case EM_PPC64:
      return "ppc64";
    case EM_S390:
      return "s390";
    default:
      return fmt::format("machine {}", machine);
  }
}

std::optional<Arch> arch_of(std::uint16_t machine) {
  switch (machine) {
    case EM_X86_64:
      return Arch::x86_64;
    case EM_AARCH64:
      return Arch::arm64;
    default:
      return std::nullopt;
  }
}

// How a machine reads in an error: aarch64 also by the name the CMake API uses for it.
std::string machine_for_message(const ElfInfo& info) {
  if (info.arch == Arch::arm64) {
    return info.machine_name + " (arm64)";
  }
  return info.machine_name;
}

[[noreturn]] void throw_corrupt(const fs::path& path, std::string_view what) {
  throw Error(fmt::format("{} is a truncated or corrupt ELF file ({}: {}); rebuild or replace it",
                          path.string(), what, elf_errmsg(-1)));
}

// A name from the file with every byte that is not printable ASCII as '?': names reach terminals
// and JSON, and a crafted file must not bring control characters or invalid UTF-8 along.
std::string printable(std::string_view text) {
  std::string out(text);
  for (auto& c : out) {
    if (c < 0x20 || c > 0x7e) {
      c = '?';
    }
  }
  return out;
}

std::string string_at(Elf* elf, const fs::path& path, std::size_t section, std::size_t offset) {
  const char* text = elf_strptr(elf, section, offset);
  if (text == nullptr) {
    throw_corrupt(path, fmt::format("string {} of section {}", offset, section));
  }
  return printable(text);
}

// A section's contents, read by libelf, which fails on one that lies outside the file.
Elf_Data* section_data(const fs::path& path, Elf_Scn* section, std::string_view name) {
  Elf_Data* data = elf_getdata(section, nullptr);
  if (data == nullptr) {
    throw_corrupt(path, name);
  }
  return data;
}

// Entry `index` of a table through libelf's accessor `get`, which fails on a cut-off table.
template <typename Source, typename Entry>
Entry entry_at(Entry* (*get)(Source*, int, Entry*), Source* source, std::size_t index,
               const fs::path& path, std::string_view what) {
  Entry entry;
  if (get(source, static_cast<int>(index), &entry) == nullptr) {
    throw_corrupt(path, what);
  }
  return entry;
}

// Walks a verneed or verdef chain of at most `count` entries from `offset`: `visit` reads the
// entry there and returns how far on the next one lies (0: it was the last).
template <typename Visit>
void walk_chain(std::size_t offset, std::size_t count, const Visit& visit) {
  for (std::size_t entry = 0; entry < count; ++entry) {
    const std::size_t next = visit(offset);
    if (next == 0) {
      break;
    }
    offset += next;
  }
}

// libelf hands the version entries back already in host byte order.
void read_verneed(Elf* elf, const fs::path& path, Elf_Scn* section, const GElf_Shdr& header,
                  std::vector<std::string>& names) {
  Elf_Data* data = section_data(path, section, ".gnu.version_r");
  walk_chain(0, header.sh_info, [&](std::size_t offset) {
    const auto need = entry_at(gelf_getverneed, data, offset, path, ".gnu.version_r entry");
    walk_chain(offset + need.vn_aux, need.vn_cnt, [&](std::size_t aux_offset) {
      const auto aux =
          entry_at(gelf_getvernaux, data, aux_offset, path, ".gnu.version_r auxiliary entry");
      names.emplace_back(string_at(elf, path, header.sh_link, aux.vna_name));
      return aux.vna_next;
    });
    return need.vn_next;
  });
}

void read_verdef(Elf* elf, const fs::path& path, Elf_Scn* section, const GElf_Shdr& header,
                 std::vector<std::string>& names) {
  Elf_Data* data = section_data(path, section, ".gnu.version_d");
  walk_chain(0, header.sh_info, [&](std::size_t offset) {
    const auto def = entry_at(gelf_getverdef, data, offset, path, ".gnu.version_d entry");
    // The first auxiliary entry names the version itself; the rest name its parents. The base
    // entry names the file (its soname), not a version.
    if (def.vd_cnt > 0) {
      const auto aux = entry_at(gelf_getverdaux, data, offset + def.vd_aux, path,
                                ".gnu.version_d auxiliary entry");
      if ((def.vd_flags & VER_FLG_BASE) == 0) {
        names.emplace_back(string_at(elf, path, header.sh_link, aux.vda_name));
      }
    }
    return def.vd_next;
  });
}

void read_dynamic(Elf* elf, const fs::path& path, Elf_Scn* section, const GElf_Shdr& header,
                  std::vector<std::string>& needed) {
  Elf_Data* data = section_data(path, section, ".dynamic");
  const auto entry_size = gelf_fsize(elf, ELF_T_DYN, 1, EV_CURRENT);
  const std::size_t count = entry_size == 0 ? 0 : data->d_size / entry_size;
  for (std::size_t i = 0; i < count; ++i) {
    const auto dyn = entry_at(gelf_getdyn, data, i, path, ".dynamic entry");
    if (dyn.d_tag == DT_NULL) {
      break;
    }
    if (dyn.d_tag == DT_NEEDED) {
      needed.emplace_back(string_at(elf, path, header.sh_link, dyn.d_un.d_val));
    }
  }
}

// Returns true when the file has a PT_DYNAMIC segment, so a missing .dynamic section means the
// section headers were stripped and the versions cannot be trusted to be absent.
bool read_segments(Elf* elf, const fs::path& path, ElfInfo& info) {
  std::size_t count = 0;
  if (elf_getphdrnum(elf, &count) != 0) {
    throw_corrupt(path, "program headers");
  }
  std::size_t file_size = 0;
  const char* raw = elf_rawfile(elf, &file_size);
  bool dynamic = false;
  for (std::size_t i = 0; i < count; ++i) {
    const auto phdr = entry_at(gelf_getphdr, elf, i, path, "program header");
    if (phdr.p_type == PT_DYNAMIC) {
      dynamic = true;
    }
    if (phdr.p_type != PT_INTERP) {
      continue;
    }
    if (raw == nullptr || phdr.p_offset > file_size || phdr.p_filesz > file_size - phdr.p_offset) {
      throw Error(fmt::format(
          "{} is a truncated or corrupt ELF file (its interpreter path at offset {} lies beyond "
          "its {} bytes); rebuild or replace it",
          path.string(), phdr.p_offset, file_size));
    }
    std::string_view text(raw + phdr.p_offset, phdr.p_filesz);
    info.interpreter = printable(text.substr(0, text.find('\0')));
  }
  return dynamic;
}

// libelf reads lazily and reports a cut-off file only for the parts it happens to touch (a
// missing section table reads as none), so every table and section must lie inside the file.
void check_extents(Elf* elf, const fs::path& path, const GElf_Ehdr& ehdr) {
  std::size_t file_size = 0;
  if (elf_rawfile(elf, &file_size) == nullptr) {
    throw_corrupt(path, "file contents");
  }
  auto check = [&](std::string_view what, std::uint64_t offset, std::uint64_t size) {
    if (offset > file_size || size > file_size - offset) {
      throw Error(fmt::format(
          "{} is a truncated or corrupt ELF file ({} at offset {} runs past its end at {} "
          "bytes); rebuild or replace it",
          path.string(), what, offset, file_size));
    }
  };
  check("the program header table", ehdr.e_phoff,
        static_cast<std::uint64_t>(ehdr.e_phnum) * ehdr.e_phentsize);
  if (ehdr.e_shoff != 0) {
    // e_shnum is 0 when the count overflows into section 0's sh_size; only then is libelf's
    // reading of it needed (and it reads a cut-off table as empty).
    std::size_t sections = ehdr.e_shnum;
    if (sections == 0 && elf_getshdrnum(elf, &sections) != 0) {
      throw_corrupt(path, "section headers");
    }
    sections = std::max<std::size_t>(sections, 1);
    check("the section header table", ehdr.e_shoff,
          static_cast<std::uint64_t>(sections) * ehdr.e_shentsize);
  }
  for (Elf_Scn* section = elf_nextscn(elf, nullptr); section != nullptr;
       section = elf_nextscn(elf, section)) {
    GElf_Shdr header;
    if (gelf_getshdr(section, &header) == nullptr) {
      throw_corrupt(path, "section header");
    }
    if (header.sh_type != SHT_NOBITS) {
      check(fmt::format("section {}", elf_ndxscn(section)), header.sh_offset, header.sh_size);
    }
  }
}

// Where a newer base could be found: the newest Debian release whose glibc (or libstdc++) the
// runtime base still provides.
std::string older_builder_hint(std::string_view prefix, std::string_view provided) {
  struct Release {
    std::string_view name;
    std::string_view glibc;
    std::string_view glibcxx;
  };
  static constexpr std::array<Release, 6> releases{{
      {"trixie", "2.41", "3.4.33"},
      {"bookworm", "2.36", "3.4.30"},
      {"bullseye", "2.31", "3.4.28"},
      {"buster", "2.28", "3.4.25"},
      {"stretch", "2.24", "3.4.22"},
      {"jessie", "2.19", "3.4.20"},
  }};
  for (const auto& release : releases) {
    const auto version = prefix == "GLIBC_" ? release.glibc : release.glibcxx;
    if (compare_versions(version, provided) <= 0) {
      return fmt::format("e.g. Debian {}", release.name);
    }
  }
  return "e.g. an older distribution";
}

}  // namespace

std::optional<Arch> parse_arch(std::string_view name) {
  if (name == "x86_64") {
    return Arch::x86_64;
  }
  if (name == "arm64") {
    return Arch::arm64;
  }
  return std::nullopt;
}

std::string_view arch_name(Arch arch) {
  return arch == Arch::arm64 ? "arm64" : "x86_64";
}

bool is_version(std::string_view text) {
  if (text.empty() || text.front() == '.' || text.back() == '.') {
    return false;
  }
  bool previous_dot = false;
  for (const char c : text) {
    if (c == '.') {
      if (previous_dot) {
        return false;
      }
      previous_dot = true;
    } else if (c >= '0' && c <= '9') {
      previous_dot = false;
    } else {
      return false;
    }
  }
  return true;
}

int compare_versions(std::string_view a, std::string_view b) {
  // Components beyond unsigned long long do not occur in symbol versions; from_chars leaves such
  // a component at its maximum, which still orders them sensibly.
  auto next = [](std::string_view& rest) -> unsigned long long {
    if (rest.empty()) {
      return 0;
    }
    const auto dot = rest.find('.');
    const auto part = rest.substr(0, dot);
    unsigned long long value = 0;
    const auto result = std::from_chars(part.data(), part.data() + part.size(), value);
    if (result.ec == std::errc::result_out_of_range) {
      value = ~0ULL;
    }
    rest = dot == std::string_view::npos ? std::string_view{} : rest.substr(dot + 1);
    return value;
  };
  while (!a.empty() || !b.empty()) {
    const auto left = next(a);
    const auto right = next(b);
    if (left != right) {
      return left < right ? -1 : 1;
    }
  }
  return 0;
}

std::string highest_version(const std::vector<std::string>& names, std::string_view prefix) {
  std::string highest;
  for (const auto& name : names) {
    if (!name.starts_with(prefix)) {
      continue;
    }
    const std::string_view rest = std::string_view(name).substr(prefix.size());
    if (is_version(rest) && (highest.empty() || compare_versions(rest, highest) > 0)) {
      highest = std::string(rest);
    }
  }
  return highest;
}

bool looks_like_elf(const fs::path& path) {
  const FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (fd.get() < 0) {
    return false;
  }
  std::array<char, 4> magic{};
  return ::pread(fd.get(), magic.data(), magic.size(), 0) == static_cast<ssize_t>(magic.size()) &&
         magic == elf_magic;
}

ElfInfo inspect_elf(const fs::path& path) {
  init_libelf();
  std::error_code ec;
  const auto status = fs::status(path, ec);
  if (ec || !fs::exists(status)) {
    throw Error(fmt::format("cannot read {}: {}", path.string(),
                            ec ? ec.message() : std::strerror(ENOENT)));
  }
  if (!fs::is_regular_file(status)) {
    throw Error(
        fmt::format("{} is not a regular file; name an ELF program or library", path.string()));
  }
  const FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    throw Error(fmt::format("cannot read {}: {}", path.string(), std::strerror(errno)));
  }
  std::array<char, 4> magic{};
  const auto got = ::pread(fd.get(), magic.data(), magic.size(), 0);
  if (got < 0) {
    throw Error(fmt::format("cannot read {}: {}", path.string(), std::strerror(errno)));
  }
  if (got != static_cast<ssize_t>(magic.size()) || magic != elf_magic) {
    throw Error(fmt::format(
        "{} is not an ELF file (no \\x7fELF magic); name the compiled program or library",
        path.string()));
  }

  const ElfHandle elf(elf_begin(fd.get(), ELF_C_READ_MMAP, nullptr));
  if (elf.get() == nullptr || elf_kind(elf.get()) != ELF_K_ELF) {
    throw_corrupt(path, "ELF header");
  }
  GElf_Ehdr ehdr;
  if (gelf_getehdr(elf.get(), &ehdr) == nullptr) {
    throw_corrupt(path, "ELF header");
  }

  check_extents(elf.get(), path, ehdr);

  ElfInfo info;
  info.path = path;
  info.machine = ehdr.e_machine;
  info.arch = arch_of(ehdr.e_machine);
  info.machine_name = machine_name_of(ehdr.e_machine);
  const bool has_dynamic_segment = read_segments(elf.get(), path, info);

  std::size_t section_count = 0;
  if (elf_getshdrnum(elf.get(), &section_count) != 0) {
    throw_corrupt(path, "section headers");
  }
  bool has_dynamic_section = false;
  for (Elf_Scn* section = elf_nextscn(elf.get(), nullptr); section != nullptr;
       section = elf_nextscn(elf.get(), section)) {
    GElf_Shdr header;
    if (gelf_getshdr(section, &header) == nullptr) {
      throw_corrupt(path, "section header");
    }
    switch (header.sh_type) {
      case SHT_GNU_verneed:
        read_verneed(elf.get(), path, section, header, info.needed_versions);
        break;
      case SHT_GNU_verdef:
        read_verdef(elf.get(), path, section, header, info.defined_versions);
        break;
      case SHT_DYNAMIC:
        has_dynamic_section = true;
        read_dynamic(elf.get(), path, section, header, info.needed);
        break;
      default:
        break;
    }
  }
  if (has_dynamic_segment && !has_dynamic_section) {
    throw Error(fmt::format(
        "{} is dynamically linked but has no section headers (stripped with sstrip?), so the "
        "versions it needs cannot be read; keep its section headers",
        path.string()));
  }

  info.glibc = highest_version(info.needed_versions, "GLIBC_");
  if (std::find(info.needed_versions.begin(), info.needed_versions.end(), dt_relr_marker) !=
          info.needed_versions.end() &&
      (info.glibc.empty() || compare_versions(info.glibc, dt_relr_glibc) < 0)) {
    info.glibc = std::string(dt_relr_glibc);
  }
  info.glibcxx = highest_version(info.needed_versions, "GLIBCXX_");
  info.cxxabi = highest_version(info.needed_versions, "CXXABI_");
  return info;
}

std::vector<std::string> find_problems(const ElfInfo& info, const AbiLimits& limits) {
  std::vector<std::string> problems;
  const auto file = info.path.string();
  if (info.arch != limits.arch) {
    problems.push_back(fmt::format("{} is {} but the image is {}", file, machine_for_message(info),
                                   arch_name(limits.arch)));
  }
  if (limits.glibc && !info.glibc.empty() && compare_versions(info.glibc, *limits.glibc) > 0) {
    problems.push_back(fmt::format(
        "{} needs GLIBC_{} but the runtime base provides {} (build with an older builder, {})",
        file, info.glibc, *limits.glibc, older_builder_hint("GLIBC_", *limits.glibc)));
  }
  if (limits.glibcxx && !info.glibcxx.empty() &&
      compare_versions(info.glibcxx, *limits.glibcxx) > 0) {
    problems.push_back(fmt::format(
        "{} needs GLIBCXX_{} but the runtime base provides {} (build with an older builder, {}, "
        "or link with -static-libstdc++)",
        file, info.glibcxx, *limits.glibcxx, older_builder_hint("GLIBCXX_", *limits.glibcxx)));
  }
  return problems;
}

bool AbiReport::ok() const {
  return std::all_of(files.begin(), files.end(),
                     [](const FileReport& file) { return file.problems.empty(); });
}

std::vector<std::string> AbiReport::problems() const {
  std::vector<std::string> all;
  for (const auto& file : files) {
    all.insert(all.end(), file.problems.begin(), file.problems.end());
  }
  return all;
}

AbiReport check_abi(const std::vector<fs::path>& inputs, const AbiLimits& limits) {
  for (const auto* version : {&limits.glibc, &limits.glibcxx}) {
    if (*version && !is_version(**version)) {
      throw Error(
          fmt::format("\"{}\" is not a version; expected digits and dots, e.g. 2.34", **version),
          ExitCode::usage);
    }
  }
  AbiReport report;
  auto add = [&](const fs::path& file) {
    FileReport entry{inspect_elf(file), {}};
    entry.problems = find_problems(entry.info, limits);
    report.files.push_back(std::move(entry));
  };
  for (const auto& input : inputs) {
    std::error_code ec;
    if (!fs::is_directory(input, ec)) {
      add(input);
      continue;
    }
    std::vector<fs::path> found;
    fs::recursive_directory_iterator walk(input, ec);
    if (ec) {
      throw Error(fmt::format("cannot read directory {}: {}", input.string(), ec.message()));
    }
    for (const fs::recursive_directory_iterator end; walk != end; walk.increment(ec)) {
      if (ec) {
        throw Error(fmt::format("cannot read directory {}: {}", input.string(), ec.message()));
      }
      // A link inside a payload may point at the host's files; its target, when in the tree,
      // is checked on its own.
      if (walk->is_regular_file(ec) && !walk->is_symlink(ec) && looks_like_elf(walk->path())) {
        found.push_back(walk->path());
      }
    }
    if (ec) {
      throw Error(fmt::format("cannot read directory {}: {}", input.string(), ec.message()));
    }
    std::sort(found.begin(), found.end());
    for (const auto& file : found) {
      add(file);
    }
  }
  return report;
}

std::string format_text(const AbiReport& report) {
  auto or_dash = [](const std::string& text) { return text.empty() ? std::string("-") : text; };
  std::string out;
  for (const auto& file : report.files) {
    const auto& info = file.info;
    out += fmt::format("{} machine={} glibc={} glibcxx={} cxxabi={} needed={}\n",
                       info.path.string(), info.machine_name, or_dash(info.glibc),
                       or_dash(info.glibcxx), or_dash(info.cxxabi),
                       info.needed.empty() ? "-" : fmt::format("{}", fmt::join(info.needed, ",")));
  }
  return out;
}

nlohmann::ordered_json to_json(const AbiReport& report) {
  using json = nlohmann::ordered_json;
  auto or_null = [](const std::string& text) { return text.empty() ? json(nullptr) : json(text); };
  auto files = json::array();
  for (const auto& file : report.files) {
    const auto& info = file.info;
    files.push_back({
        {"path", info.path.string()},
        {"machine", info.machine_name},
        {"arch", info.arch ? json(arch_name(*info.arch)) : json(nullptr)},
        {"glibc", or_null(info.glibc)},
        {"glibcxx", or_null(info.glibcxx)},
        {"cxxabi", or_null(info.cxxabi)},
        {"needed", info.needed},
        {"interpreter", or_null(info.interpreter)},
        {"problems", file.problems},
    });
  }
  json out;
  out["files"] = std::move(files);
  out["ok"] = report.ok();
  return out;
}

}  // namespace hubtel::elf
