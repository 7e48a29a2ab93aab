// The packages of an rpm database (Amazon Linux bases) through librpm: sqlite (AL2023) and
// Berkeley DB, read-only (AL2).
#include "sbom/inventory.hpp"

#include "common/error.hpp"
#include "sbom/lazy_rpm.hpp"

#include <fmt/format.h>
#include <rpm/header.h>
#include <rpm/rpmdb.h>
#include <rpm/rpmlib.h>
#include <rpm/rpmlog.h>
#include <rpm/rpmmacro.h>
#include <rpm/rpmtag.h>
#include <rpm/rpmts.h>

#include <fcntl.h>

#include <filesystem>
#include <memory>
#include <mutex>

namespace fs = std::filesystem;

namespace hubtel::sbom {
namespace {

std::mutex rpm_lock;  // librpm's macros and log are process-wide
std::string rpm_messages;

int collect_message(rpmlogRec record, rpmlogCallbackData /*data*/) {
  if (const char* text = rpmlogRecMessage(record); text != nullptr) {
    rpm_messages += text;
  }
  return 0;  // nothing printed: the error says it
}

std::string string_tag(Header header, rpmTagVal tag) {
  const char* value = headerGetString(header, tag);
  return value == nullptr ? std::string() : std::string(value);
}

}  // namespace

std::vector<Package> read_rpm_database(const std::string& dbpath, const std::string& where) {
  const std::lock_guard<std::mutex> guard(rpm_lock);
  static const bool configured = rpmReadConfigFiles(nullptr, nullptr) == 0;
  if (!configured) {
    throw Error(
        fmt::format("{}: librpm cannot read its configuration (/usr/lib/rpm/rpmrc); "
                    "reinstall Debian's librpm9",
                    where));
  }
  rpm_messages.clear();
  rpmlogSetCallback(collect_message, nullptr);
  // The backend the files are of, so librpm reads them without converting anything.
  std::error_code error;
  const char* backend = fs::exists(fs::path(dbpath) / "rpmdb.sqlite", error) ? "sqlite" : "bdb_ro";
  rpmPushMacro(nullptr, "_dbpath", nullptr, dbpath.c_str(), RMIL_CMDLINE);
  rpmPushMacro(nullptr, "_db_backend", nullptr, backend, RMIL_CMDLINE);
  const std::unique_ptr<struct rpmts_s, rpmts (*)(rpmts)> ts(rpmtsCreate(), rpmtsFree);
  rpmtsSetRootDir(ts.get(), "/");
  rpmtsSetVSFlags(ts.get(),
                  static_cast<rpmVSFlags>(RPMVSF_MASK_NODIGESTS | RPMVSF_MASK_NOSIGNATURES));
  const auto fail = [&](std::string_view what) {
    rpmPopMacro(nullptr, "_db_backend");
    rpmPopMacro(nullptr, "_dbpath");
    rpmlogSetCallback(nullptr, nullptr);
    // librpm's lines, as one, naming the image's database rather than the copy it read.
    std::string said;
    for (std::size_t at = 0; at < rpm_messages.size();) {
      auto end = rpm_messages.find('\n', at);
      end = end == std::string::npos ? rpm_messages.size() : end;
      auto line = rpm_messages.substr(at, end - at);
      for (auto found = line.find(dbpath); found != std::string::npos;
           found = line.find(dbpath, found)) {
        line.replace(found, dbpath.size(), "the database");
      }
      if (!line.empty()) {
        said += (said.empty() ? "" : "; ") + line;
      }
      at = end + 1;
    }
    throw Error(fmt::format(
        "{}: {} ({}); the image's rpm database is corrupt or of a kind librpm "
        "{} cannot read: rebuild the runtime base, or run 'rpm --rebuilddb' "
        "in it",
        where, what, said.empty() ? "librpm said nothing more" : said, librpm_version()));
  };
  if (rpmtsOpenDB(ts.get(), O_RDONLY) != 0) {
    fail("librpm cannot open it");
  }
  std::vector<Package> out;
  rpmdbMatchIterator iterator = rpmtsInitIterator(ts.get(), RPMDBI_PACKAGES, nullptr, 0);
  if (iterator == nullptr) {
    fail("librpm cannot read its packages");
  }
  Header header = nullptr;
  while ((header = rpmdbNextIterator(iterator)) != nullptr) {
    Package package;
    package.manager = "rpm";
    package.name = string_tag(header, RPMTAG_NAME);
    if (package.name == "gpg-pubkey") {
      continue;  // an imported signing key, not a package
    }
    const auto epoch = headerGetNumber(header, RPMTAG_EPOCH);
    const bool has_epoch = headerIsEntry(header, RPMTAG_EPOCH) != 0;
    package.version =
        fmt::format("{}{}-{}", has_epoch ? fmt::format("{}:", epoch) : "",
                    string_tag(header, RPMTAG_VERSION), string_tag(header, RPMTAG_RELEASE));
    package.architecture = string_tag(header, RPMTAG_ARCH);
    package.license = string_tag(header, RPMTAG_LICENSE);
    package.supplier = string_tag(header, RPMTAG_VENDOR);
    auto source = string_tag(header, RPMTAG_SOURCERPM);
    // "glibc-2.34-52.amzn2023.0.3.src.rpm": the name is what comes before version-release.
    const auto suffix = fmt::format("-{}-{}.src.rpm", string_tag(header, RPMTAG_VERSION),
                                    string_tag(header, RPMTAG_RELEASE));
    if (source.ends_with(suffix)) {
      source.resize(source.size() - suffix.size());
    }
    if (!source.empty() && source != package.name) {
      package.source = source;
    }
    out.push_back(std::move(package));
  }
  rpmdbFreeIterator(iterator);
  const bool troubled = !rpm_messages.empty() && out.empty();
  if (troubled) {
    fail("librpm read no package from it");
  }
  rpmPopMacro(nullptr, "_db_backend");
  rpmPopMacro(nullptr, "_dbpath");
  rpmlogSetCallback(nullptr, nullptr);
  return out;
}

}  // namespace hubtel::sbom
