// ELF inspection against programs compiled here (native and aarch64 cross), checked with readelf.
#include "elf/abi.hpp"

#include "common/error.hpp"
#include "common/files.hpp"

#include <gnu/libc-version.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <regex>
#include <string>

namespace fs = std::filesystem;
using hubtel::elf::Arch;
using hubtel::elf::compare_versions;

namespace {

// One folder per test process: CTest runs the discovered tests as parallel processes.
const fs::path& work_dir() {
  static const fs::path dir = [] {
    auto path = fs::temp_directory_path() / ("hubtel-elf-test-" + std::to_string(::getpid()));
    fs::remove_all(path);
    fs::create_directories(path);
    return path;
  }();
  return dir;
}

class CleanUp : public ::testing::Environment {
 public:
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(work_dir(), ec);
  }
};
const auto* const clean_up = ::testing::AddGlobalTestEnvironment(new CleanUp);

struct Run {
  int status = -1;
  std::string output;
};

// Runs a shell command, returning its exit status and its stdout and stderr together.
Run run(const std::string& command) {
  Run result;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen((command + " 2>&1").c_str(), "r"), ::pclose);
  if (!pipe) {
    return result;
  }
  char buffer[4096];
  std::size_t got = 0;
  while ((got = std::fread(buffer, 1, sizeof buffer, pipe.get())) > 0) {
    result.output.append(buffer, got);
  }
  result.status = ::pclose(pipe.release());
  return result;
}

bool have_tool(const std::string& tool) {
  return run("command -v " + tool).status == 0;
}

// std::filesystem entered libstdc++.so with GCC 9 (GLIBCXX_3.4.26), so this needs a recent one.
constexpr const char* cxx_source = R"(#include <filesystem>
#include <iostream>
#include <string>
#include <vector>
int main(int argc, char** argv) {
  std::vector<std::string> words(argv, argv + argc);
  std::cout << words.size() << " words in " << std::filesystem::current_path() << "\n";
  return 0;
}
)";

constexpr const char* c_source = R"(#include <stdio.h>
int main(void) { puts("hello"); return 0; }
)";

// Compiles a fixture once per process; a missing compiler fails the test with how to get it.
fs::path compile(const std::string& compiler, const std::string& name, const char* source,
                 const std::string& flags = "") {
  static std::map<std::string, fs::path> built;
  if (auto it = built.find(name); it != built.end()) {
    return it->second;
  }
  if (!have_tool(compiler)) {
    const auto package = compiler.starts_with("aarch64-") ? "g++-aarch64-linux-gnu" : "g++";
    ADD_FAILURE() << compiler << " is not installed; install it with 'apt-get install -y "
                  << package << "'";
    return {};
  }
  const bool is_cxx = compiler.ends_with("g++");
  const auto source_path = work_dir() / (name + (is_cxx ? ".cpp" : ".c"));
  const auto output = work_dir() / name;
  hubtel::write_file_atomically(source_path, source);
  const auto result = run(compiler + " -O1 " + flags + " -o '" + output.string() + "' '" +
                          source_path.string() + "'");
  if (result.status != 0) {
    ADD_FAILURE() << compiler << " failed on " << source_path << ":\n" << result.output;
    return {};
  }
  built.emplace(name, output);
  return output;
}

fs::path native_cxx() {
  return compile("g++", "native-cxx", cxx_source);
}
fs::path native_c() {
  return compile("gcc", "native-c", c_source);
}
fs::path arm64_cxx() {
  return compile("aarch64-linux-gnu-g++", "arm64-cxx", cxx_source);
}
fs::path arm64_c() {
  return compile("aarch64-linux-gnu-gcc", "arm64-c", c_source);
}

// What readelf (binutils, an independent reader) says a file needs and defines.
struct ReadelfView {
  std::vector<std::string> needed_versions;
  std::vector<std::string> defined_versions;
  std::vector<std::string> needed_libraries;
  std::string interpreter;
  std::string machine;
};

ReadelfView readelf(const fs::path& file) {
  const auto result = run("LC_ALL=C readelf -W -h -l -d -V '" + file.string() + "'");
  EXPECT_EQ(result.status, 0) << result.output;
  ReadelfView view;
  enum class Part { other, needs, defines } part = Part::other;
  std::smatch match;
  const std::regex machine_line(R"(^\s*Machine:\s+(.*?)\s*$)");
  const std::regex interpreter_line(R"(\[Requesting program interpreter: (.*)\])");
  const std::regex needed_line(R"(\(NEEDED\)\s+Shared library: \[(.*)\])");
  const std::regex need_name(R"(Name: (\S+)\s+Flags)");
  const std::regex define_name(
      R"(^\s*0x[0-9a-f]+: Rev: \d+\s+Flags: (\S+)\s+Index: \d+\s+Cnt: \d+\s+Name: (\S+))");
  std::size_t start = 0;
  const auto& text = result.output;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) {
      end = text.size();
    }
    const std::string line = text.substr(start, end - start);
    start = end + 1;
    if (line.starts_with("Version needs section")) {
      part = Part::needs;
    } else if (line.starts_with("Version definition section")) {
      part = Part::defines;
    } else if (line.starts_with("Version symbols section")) {
      part = Part::other;
    }
    if (std::regex_search(line, match, machine_line)) {
      view.machine = match[1];
    } else if (std::regex_search(line, match, interpreter_line)) {
      view.interpreter = match[1];
    } else if (std::regex_search(line, match, needed_line)) {
      view.needed_libraries.push_back(match[1]);
    } else if (part == Part::needs && std::regex_search(line, match, need_name)) {
      view.needed_versions.push_back(match[1]);
    } else if (part == Part::defines && std::regex_search(line, match, define_name) &&
               match[1] != "BASE") {
      view.defined_versions.push_back(match[2]);
    }
  }
  return view;
}

// Compares every fact inspect_elf reports with readelf's reading of the same file.
void expect_matches_readelf(const hubtel::elf::ElfInfo& info) {
  const auto view = readelf(info.path);
  auto sorted = [](std::vector<std::string> names) {
    std::sort(names.begin(), names.end());
    return names;
  };
  EXPECT_EQ(sorted(info.needed_versions), sorted(view.needed_versions)) << info.path;
  EXPECT_EQ(sorted(info.defined_versions), sorted(view.defined_versions)) << info.path;
  EXPECT_EQ(info.needed, view.needed_libraries) << info.path;
  EXPECT_EQ(info.interpreter, view.interpreter) << info.path;
  EXPECT_EQ(info.glibc, hubtel::elf::highest_version(view.needed_versions, "GLIBC_"));
  EXPECT_EQ(info.glibcxx, hubtel::elf::highest_version(view.needed_versions, "GLIBCXX_"));
  EXPECT_EQ(info.cxxabi, hubtel::elf::highest_version(view.needed_versions, "CXXABI_"));
}

std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const hubtel::Error& e) {
    return e.what();
  }
  return "(no error)";
}

fs::path libc_path() {
  return "/lib/x86_64-linux-gnu/libc.so.6";
}

TEST(Versions, CompareNumericallyPerComponent) {
  EXPECT_GT(compare_versions("2.10", "2.9"), 0);
  EXPECT_LT(compare_versions("2.9", "2.10"), 0);
  EXPECT_EQ(compare_versions("2.34", "2.34.0"), 0);
  EXPECT_LT(compare_versions("2.2.5", "2.3"), 0);
  EXPECT_GT(compare_versions("3.4.30", "3.4.9"), 0);
  EXPECT_LT(compare_versions("3.4", "3.4.1"), 0);
}

TEST(Versions, HighestIgnoresNamesThatAreNotVersions) {
  const std::vector<std::string> names{"GLIBC_2.2.5", "GLIBC_PRIVATE", "GLIBC_2.17",
                                       "GLIBC_2.9",   "GLIBCXX_3.4.9", "GLIBCXX_3.4.30",
                                       "CXXABI_1.3",  "CXXABI_TM_1"};
  EXPECT_EQ(hubtel::elf::highest_version(names, "GLIBC_"), "2.17");
  EXPECT_EQ(hubtel::elf::highest_version(names, "GLIBCXX_"), "3.4.30");
  EXPECT_EQ(hubtel::elf::highest_version(names, "CXXABI_"), "1.3");
  EXPECT_EQ(hubtel::elf::highest_version(names, "GCC_"), "");
}

TEST(Versions, OnlyDottedNumbersAreVersions) {
  EXPECT_TRUE(hubtel::elf::is_version("2.34"));
  EXPECT_TRUE(hubtel::elf::is_version("3.4.30"));
  for (const auto* bad : {"", "2.", ".2", "2..3", "2.x", "v2.3", "2.3 "}) {
    EXPECT_FALSE(hubtel::elf::is_version(bad)) << '"' << bad << '"';
  }
}

TEST(InspectElf, NativeCxxProgramNeedsGlibcxx) {
  const auto program = native_cxx();
  ASSERT_FALSE(program.empty());
  const auto info = hubtel::elf::inspect_elf(program);
  EXPECT_EQ(info.arch, Arch::x86_64);
  EXPECT_EQ(info.machine_name, "x86_64");
  EXPECT_GE(compare_versions(info.glibcxx, "3.4.26"), 0) << info.glibcxx;
  EXPECT_FALSE(info.glibc.empty());
  EXPECT_NE(std::find(info.needed.begin(), info.needed.end(), "libstdc++.so.6"), info.needed.end());
  EXPECT_EQ(info.interpreter, "/lib64/ld-linux-x86-64.so.2");
  expect_matches_readelf(info);
}

TEST(InspectElf, NativeCProgramNeedsNoGlibcxx) {
  const auto program = native_c();
  ASSERT_FALSE(program.empty());
  const auto info = hubtel::elf::inspect_elf(program);
  EXPECT_EQ(info.arch, Arch::x86_64);
  EXPECT_EQ(info.glibcxx, "");
  EXPECT_EQ(info.cxxabi, "");
  EXPECT_EQ(info.needed, std::vector<std::string>{"libc.so.6"});
  // puts and __libc_start_main: GLIBC_2.2.5 and, since glibc 2.34, GLIBC_2.34.
  EXPECT_EQ(info.glibc, "2.34");
  expect_matches_readelf(info);
}

TEST(InspectElf, Arm64CxxProgramIsAarch64) {
  const auto program = arm64_cxx();
  ASSERT_FALSE(program.empty());
  const auto info = hubtel::elf::inspect_elf(program);
  EXPECT_EQ(info.arch, Arch::arm64);
  EXPECT_EQ(info.machine_name, "aarch64");
  EXPECT_EQ(info.interpreter, "/lib/ld-linux-aarch64.so.1");
  EXPECT_GE(compare_versions(info.glibcxx, "3.4.26"), 0) << info.glibcxx;
  expect_matches_readelf(info);
}

TEST(InspectElf, Arm64CProgram) {
  const auto program = arm64_c();
  ASSERT_FALSE(program.empty());
  const auto info = hubtel::elf::inspect_elf(program);
  EXPECT_EQ(info.arch, Arch::arm64);
  EXPECT_EQ(info.glibcxx, "");
  EXPECT_EQ(info.glibc, "2.34");
  expect_matches_readelf(info);
}

TEST(InspectElf, SystemLibcDefinesItsOwnVersion) {
  const auto info = hubtel::elf::inspect_elf(libc_path());
  expect_matches_readelf(info);
  // libc.so.6 needs only a few versions from the dynamic loader, and defines every GLIBC_ up to
  // its own release (2.36 on Debian bookworm).
  EXPECT_EQ(info.needed, std::vector<std::string>{"ld-linux-x86-64.so.2"});
  EXPECT_EQ(hubtel::elf::highest_version(info.defined_versions, "GLIBC_"), gnu_get_libc_version());
  EXPECT_LE(compare_versions(info.glibc, gnu_get_libc_version()), 0);
}

TEST(InspectElf, PackedRelativeRelocationsNeedGlibc236) {
  const auto program = compile("gcc", "native-relr", c_source, "-Wl,-z,pack-relative-relocs");
  ASSERT_FALSE(program.empty());
  const auto info = hubtel::elf::inspect_elf(program);
  EXPECT_NE(
      std::find(info.needed_versions.begin(), info.needed_versions.end(), "GLIBC_ABI_DT_RELR"),
      info.needed_versions.end());
  EXPECT_EQ(info.glibc, "2.36");
}

TEST(InspectElf, NotElfNamesTheFile) {
  const auto file = work_dir() / "script.sh";
  hubtel::write_file_atomically(file, "#!/bin/sh\necho hi\n");
  EXPECT_EQ(error_of([&] { hubtel::elf::inspect_elf(file); }),
            file.string() +
                " is not an ELF file (no \\x7fELF magic); name the compiled program or library");
  const auto empty = work_dir() / "empty";
  hubtel::write_file_atomically(empty, "");
  EXPECT_NE(error_of([&] { hubtel::elf::inspect_elf(empty); }).find("is not an ELF file"),
            std::string::npos);
}

TEST(InspectElf, MissingFileNamesIt) {
  const auto file = work_dir() / "missing";
  EXPECT_EQ(error_of([&] { hubtel::elf::inspect_elf(file); }),
            "cannot read " + file.string() + ": No such file or directory");
}

TEST(InspectElf, TruncatedFilesAreErrorsAtEveryLength) {
  const auto program = native_cxx();
  ASSERT_FALSE(program.empty());
  const auto content = hubtel::read_file(program);
  for (const std::size_t length :
       {std::size_t{4}, std::size_t{20}, std::size_t{63}, std::size_t{64}, std::size_t{500},
        content.size() / 2, content.size() - 1}) {
    const auto cut = work_dir() / ("cut-" + std::to_string(length));
    hubtel::write_file_atomically(cut, std::string_view(content).substr(0, length));
    const auto message = error_of([&] { hubtel::elf::inspect_elf(cut); });
    EXPECT_TRUE(message.starts_with(cut.string() + " is a truncated or corrupt ELF file"))
        << length << ": " << message;
  }
}

TEST(InspectElf, NamesThatAreNotPrintableAsciiAreShownWithQuestionMarks) {
  const auto program = native_c();
  ASSERT_FALSE(program.empty());
  auto content = hubtel::read_file(program);
  const auto at = content.find("libc.so.6");
  ASSERT_NE(at, std::string::npos);
  content.replace(at, 4, "l\xff\x1b[");
  const auto crafted = work_dir() / "crafted-names";
  hubtel::write_file_atomically(crafted, content);
  const auto info = hubtel::elf::inspect_elf(crafted);
  EXPECT_NE(std::find(info.needed.begin(), info.needed.end(), "l??[.so.6"), info.needed.end());
  hubtel::elf::AbiReport report;
  report.files.push_back({info, {}});
  EXPECT_NE(hubtel::elf::to_json(report).dump().find("l??[.so.6"), std::string::npos);
}

TEST(CheckAbi, WrongMachineIsAProblem) {
  const auto program = arm64_cxx();
  ASSERT_FALSE(program.empty());
  const auto report = hubtel::elf::check_abi({program}, {Arch::x86_64, {}, {}});
  EXPECT_FALSE(report.ok());
  EXPECT_EQ(report.problems(),
            std::vector<std::string>{program.string() + " is aarch64 (arm64) but the image is "
                                                        "x86_64"});
  const auto native = native_c();
  ASSERT_FALSE(native.empty());
  EXPECT_EQ(hubtel::elf::check_abi({native}, {Arch::arm64, {}, {}}).problems(),
            std::vector<std::string>{native.string() + " is x86_64 but the image is arm64"});
}

TEST(CheckAbi, TooNewGlibcAndGlibcxxAreProblems) {
  const auto program = native_cxx();
  ASSERT_FALSE(program.empty());
  const auto info = hubtel::elf::inspect_elf(program);
  const auto report = hubtel::elf::check_abi({program}, {Arch::x86_64, "2.30", "3.4.25"});
  EXPECT_EQ(report.problems(),
            (std::vector<std::string>{
                program.string() + " needs GLIBC_" + info.glibc +
                    " but the runtime base provides 2.30 (build with an older builder, e.g. "
                    "Debian buster)",
                program.string() + " needs GLIBCXX_" + info.glibcxx +
                    " but the runtime base provides 3.4.25 (build with an older builder, e.g. "
                    "Debian buster, or link with -static-libstdc++)"}));
  // Exactly the versions needed pass, and so does a newer base.
  EXPECT_TRUE(hubtel::elf::check_abi({program}, {Arch::x86_64, info.glibc, info.glibcxx}).ok());
  EXPECT_TRUE(hubtel::elf::check_abi({program}, {Arch::x86_64, "2.100", "3.4.100"}).ok());
}

TEST(CheckAbi, ContractExampleSuggestsBullseyeForGlibc234) {
  const auto program = compile("gcc", "native-relr", c_source, "-Wl,-z,pack-relative-relocs");
  ASSERT_FALSE(program.empty());
  EXPECT_EQ(hubtel::elf::check_abi({program}, {Arch::x86_64, "2.34", {}}).problems(),
            std::vector<std::string>{program.string() +
                                     " needs GLIBC_2.36 but the runtime base provides 2.34 (build "
                                     "with an older builder, e.g. Debian bullseye)"});
}

TEST(CheckAbi, DirectoryAddsEveryElfFileBelowItAndSkipsTheRest) {
  const auto cxx = native_cxx();
  const auto arm = arm64_c();
  ASSERT_FALSE(cxx.empty());
  ASSERT_FALSE(arm.empty());
  const auto root = work_dir() / "payload";
  fs::remove_all(root);
  fs::create_directories(root / "lib" / "deep");
  fs::copy_file(cxx, root / "bootstrap");
  fs::copy_file(arm, root / "lib" / "deep" / "libarm.so");
  hubtel::write_file_atomically(root / "README", "not a program\n");
  hubtel::write_file_atomically(root / "lib" / "tiny", "\x7f");
  fs::create_symlink("/bin/true", root / "lib" / "true");
  const auto report = hubtel::elf::check_abi({root}, {Arch::x86_64, {}, {}});
  ASSERT_EQ(report.files.size(), 2U);
  EXPECT_EQ(report.files[0].info.path, root / "bootstrap");
  EXPECT_TRUE(report.files[0].problems.empty());
  EXPECT_EQ(report.files[1].info.path, root / "lib" / "deep" / "libarm.so");
  EXPECT_EQ(report.files[1].problems.size(), 1U);
  EXPECT_FALSE(report.ok());
}

TEST(CheckAbi, ExplicitNonElfFileIsAnErrorEvenBesideADirectory) {
  const auto file = work_dir() / "notes.txt";
  hubtel::write_file_atomically(file, "plain text\n");
  EXPECT_THROW(hubtel::elf::check_abi({fs::path("/bin/true"), file}, {Arch::x86_64, {}, {}}),
               hubtel::Error);
}

TEST(CheckAbi, BadLimitIsAUsageError) {
  try {
    hubtel::elf::check_abi({fs::path("/bin/true")}, {Arch::x86_64, "2.x", {}});
    FAIL() << "no error";
  } catch (const hubtel::Error& e) {
    EXPECT_EQ(e.code(), hubtel::ExitCode::usage);
  }
}

TEST(Report, JsonAndTextCarryTheContractKeys) {
  const auto program = native_cxx();
  ASSERT_FALSE(program.empty());
  const auto report = hubtel::elf::check_abi({program, libc_path()}, {Arch::x86_64, {}, {}});
  const auto json = hubtel::elf::to_json(report);
  EXPECT_EQ(json.at("ok"), true);
  ASSERT_EQ(json.at("files").size(), 2U);
  const auto& first = json.at("files").at(0);
  for (const auto* key :
       {"path", "machine", "glibc", "glibcxx", "cxxabi", "needed", "interpreter"}) {
    EXPECT_TRUE(first.contains(key)) << key;
  }
  EXPECT_EQ(first.at("path"), program.string());
  EXPECT_EQ(first.at("machine"), "x86_64");
  EXPECT_EQ(first.at("interpreter"), "/lib64/ld-linux-x86-64.so.2");
  const auto& libc = json.at("files").at(1);
  EXPECT_TRUE(libc.at("glibcxx").is_null());
  EXPECT_TRUE(libc.at("interpreter").is_string());  // libc.so.6 is also runnable

  const auto info = report.files[0].info;
  const auto text = hubtel::elf::format_text(report);
  EXPECT_TRUE(text.starts_with(program.string() + " machine=x86_64 glibc=" + info.glibc +
                               " glibcxx=" + info.glibcxx + " cxxabi=" + info.cxxabi +
                               " needed=libstdc++.so.6,"))
      << text;
  EXPECT_NE(text.find("\n" + libc_path().string() + " machine=x86_64 glibc=" +
                      report.files[1].info.glibc + " glibcxx=- cxxabi=- needed=ld-linux"),
            std::string::npos)
      << text;
}

}  // namespace
