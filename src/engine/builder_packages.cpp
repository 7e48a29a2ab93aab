// Reads a Debian builder's dpkg status file out of its image (a container created, never
// started) to tell whether the build's package step has anything to do.
#include "engine/builder_packages.hpp"

#include "common/error.hpp"
#include "common/files.hpp"
#include "common/temporary_dir.hpp"
#include "engine/bases.hpp"
#include "engine/docker_api.hpp"
#include "process/process.hpp"

#include <fmt/format.h>

#include <ostream>
#include <sstream>
#include <utility>

namespace fs = std::filesystem;

namespace hubtel::engine {
namespace {

// What the cache file of one builder image starts with; a file without it is read again.
constexpr std::string_view kCacheHeader = "hubtel builder packages 1\n";
// A dpkg status file of a few thousand packages is a few MiB: more is not a package database.
constexpr std::uintmax_t kMaxStatusBytes = std::uintmax_t{64} << 20U;
// The kept list: a name and an architecture a package, far less than its status file.
constexpr std::uintmax_t kMaxCacheBytes = std::uintmax_t{4} << 20U;

std::string dpkg_arch(const std::string& arch) {
  return arch == "arm64" ? "arm64" : "amd64";
}

// Runs an engine command quietly; its result says whether it worked (a client that cannot run
// is a failed command: the package step then asks inside the builder).
process::Result quietly(const Engine& engine, const std::vector<std::string>& argv) {
  try {
    return process::run({argv, environment_of(engine)});
  } catch (const Error& error) {
    process::Result failed;
    failed.steps.push_back({127, error.what()});
    return failed;
  }
}

// Removes the container it names, on every path out.
class CreatedContainer {
 public:
  CreatedContainer(const Engine& engine, std::string id) : engine_(engine), id_(std::move(id)) {}
  CreatedContainer(const CreatedContainer&) = delete;
  CreatedContainer& operator=(const CreatedContainer&) = delete;
  ~CreatedContainer() { quietly(engine_, {engine_.program, "rm", "--force", "--volumes", id_}); }
  [[nodiscard]] const std::string& id() const { return id_; }

 private:
  const Engine& engine_;
  std::string id_;
};

// What reading a builder's package database found.
struct Status {
  std::string text;    // the status file
  bool known = false;  // read, or known to be absent: worth keeping
};

// The builder image's dpkg status file, copied out of a container created from it (never
// started; labelled hubtel-ai.probe, should a signal end this process before it is removed).
Status read_status(const Engine& engine, const std::string& image_id) {
  // On the local daemon's socket, without a client start for each of the three steps.
  if (const auto socket = direct_socket(engine)) {
    try {
      ApiContainer container(*socket, image_id);
      const auto status = container.regular_file("/var/lib/dpkg/status", kMaxStatusBytes);
      return {status.value_or(std::string()), true};
    } catch (const Error&) {
      // Asked again with the client below.
    }
  }
  const auto created = quietly(engine, {engine.program, "create", "--network", "none", "--label",
                                        "hubtel-ai.probe=1", image_id, "/hubtel-probe"});
  if (!created.ok()) {
    return {};
  }
  std::istringstream lines(created.out);
  std::string id;
  std::getline(lines, id);
  if (id.empty()) {
    return {};
  }
  const CreatedContainer container(engine, id);
  const TemporaryDir dir("hubtel-builder-");
  const auto copy = dir.path() / "status";
  // --follow-link resolves a link inside the image, so the copy is never a link to a host file.
  const auto copied = quietly(engine, {engine.program, "cp", "--follow-link",
                                       container.id() + ":/var/lib/dpkg/status", copy.string()});
  if (!copied.ok()) {
    // No dpkg database at all (not a Debian builder) is worth keeping; any other failure is not.
    const auto& message = copied.steps.empty() ? std::string() : copied.steps.front().err;
    return {{}, message.find("Could not find the file") != std::string::npos};
  }
  std::error_code error;
  const auto kind = fs::symlink_status(copy, error);
  if (error || !fs::is_regular_file(kind) || fs::file_size(copy, error) > kMaxStatusBytes ||
      error) {
    return {};
  }
  return {read_file(copy), true};
}

}  // namespace

std::vector<std::string> debian_packages_needed(const spec::ImageSpec& spec, bool cross,
                                                const std::string& target_dpkg_arch) {
  // The same lists as templates/hubtel-deps.sh (a unit test compares them).
  std::vector<std::string> needed{"cmake",    "ninja-build", "make",
                                  "binutils", "file",        "ca-certificates"};
  if (cross) {
    needed.push_back(target_dpkg_arch == "arm64" ? "g++-aarch64-linux-gnu"
                                                 : "g++-x86-64-linux-gnu");
    // Cross-built tests run under QEMU.
    if (spec.tests) {
      needed.emplace_back("qemu-user-static");
    }
  } else {
    needed.emplace_back("g++");
  }
  for (const auto& package : spec.builder_packages) {
    const bool qualified = package.find(':') != std::string::npos;
    needed.push_back(cross && !qualified ? package + ":" + target_dpkg_arch : package);
  }
  return needed;
}

std::set<std::string> installed_packages(std::string_view status) {
  std::set<std::string> installed;
  std::string package;
  std::string arch;
  bool is_installed = false;
  const auto end_stanza = [&] {
    if (!package.empty() && !arch.empty() && is_installed) {
      installed.insert(package + ":" + arch);
    }
    package.clear();
    arch.clear();
    is_installed = false;
  };
  std::size_t start = 0;
  while (start <= status.size()) {
    auto stop = status.find('\n', start);
    if (stop == std::string_view::npos) {
      stop = status.size();
    }
    auto line = status.substr(start, stop - start);
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    if (line.empty()) {
      end_stanza();
    } else if (line.rfind("Package: ", 0) == 0) {
      package = std::string(line.substr(9));
    } else if (line.rfind("Architecture: ", 0) == 0) {
      arch = std::string(line.substr(14));
    } else if (line.rfind("Status: ", 0) == 0) {
      is_installed = line.substr(8) == "install ok installed";
    }
    start = stop + 1;
  }
  end_stanza();
  return installed;
}

std::string first_missing(const std::vector<std::string>& needed,
                          const std::set<std::string>& installed, const std::string& native_arch) {
  for (const auto& package : needed) {
    const bool found = package.find(':') != std::string::npos
                           ? installed.count(package) != 0
                           : installed.count(package + ":" + native_arch) != 0 ||
                                 installed.count(package + ":all") != 0;
    if (!found) {
      return package;
    }
  }
  return {};
}

bool builder_has_every_package(const Engine& engine, const spec::ImageSpec& spec,
                               const std::string& arch, std::ostream& err) {
  if (engine.kind != "docker-buildkit" || !spec.native()) {
    return false;
  }
  // A cross build's builder runs on the build platform (this machine, for a local engine). An
  // emulated one (a builder that cannot cross-compile, for another architecture) is left to the
  // package step, whose script tells it apart by TARGETARCH and BUILDARCH.
  if (!spec.cross && arch != host_arch()) {
    return false;
  }
  const bool cross = spec.cross && arch != host_arch();
  const auto builder_arch = dpkg_arch(cross ? host_arch() : arch);
  // The same answer the base lock had: one engine call for both. A client that cannot run, or an
  // engine that does not answer, leaves the package step to ask inside the builder, as before.
  std::optional<LocalImage> inspected;
  try {
    inspected = local_image(engine, spec.builder_image);
  } catch (const Error&) {
    return false;
  }
  if (!inspected || inspected->id.rfind("sha256:", 0) != 0 || inspected->id.size() != 71 ||
      inspected->os != "linux" || inspected->architecture != builder_arch) {
    return false;  // not pulled yet, or of another platform: the engine resolves it
  }
  const auto& image_id = inspected->id;

  const auto cache = user_cache_file(spec, "builders", image_id.substr(7) + ".packages");
  std::string listed;
  std::error_code error;
  if (fs::is_regular_file(cache, error) && fs::file_size(cache, error) <= kMaxCacheBytes) {
    try {
      listed = read_file(cache);
    } catch (const Error&) {
      listed.clear();  // read again below
    }
  }
  if (listed.rfind(kCacheHeader, 0) != 0) {
    const auto status = read_status(engine, image_id);
    listed = kCacheHeader;
    for (const auto& package : installed_packages(status.text)) {
      listed += package + "\n";
    }
    try {
      if (status.known) {
        fs::create_directories(cache.parent_path());
        write_file_atomically(cache, listed);
      }
    } catch (const std::exception&) {
      // A cache that cannot be written costs a read of the builder next time, nothing more.
    }
  }
  std::set<std::string> installed;
  std::istringstream lines(listed.substr(kCacheHeader.size()));
  for (std::string line; std::getline(lines, line);) {
    installed.insert(line);
  }
  const auto needed = debian_packages_needed(spec, cross, dpkg_arch(arch));
  if (!first_missing(needed, installed, builder_arch).empty()) {
    return false;
  }
  err << fmt::format(
      "hubtel: {} ({}): the builder {} has every package the build needs: no package step\n",
      spec.name, arch, spec.builder_image);
  return true;
}

}  // namespace hubtel::engine
