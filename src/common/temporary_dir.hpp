// Private temporary folders that are removed when their owner ends, and also when SIGINT or
// SIGTERM ends the process, since they may hold credentials.
#pragma once

#include <filesystem>
#include <string_view>

namespace hubtel {

class TemporaryDir {
 public:
  // Creates <TMPDIR or /tmp>/<prefix>XXXXXX with mode 0700; throws Error when it cannot.
  explicit TemporaryDir(std::string_view prefix);
  TemporaryDir(const TemporaryDir&) = delete;
  TemporaryDir& operator=(const TemporaryDir&) = delete;
  ~TemporaryDir();
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  int slot_;  // where the signal handler finds the path; -1 when none was free
};

}  // namespace hubtel
