// Errors as exceptions that carry the exit code they map to; reported once, at the command line's
// edge.
#pragma once

#include <stdexcept>
#include <string>

namespace hubtel {

enum class ExitCode : int { ok = 0, failure = 1, usage = 2, budget = 3 };

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& what, ExitCode code = ExitCode::failure)
      : std::runtime_error(what), code_(code) {}
  [[nodiscard]] ExitCode code() const noexcept { return code_; }

 private:
  ExitCode code_;
};

}  // namespace hubtel
