// Runs another program directly (never through a shell), as the engine and the AWS CLI are run.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace hubtel::engine {

struct CommandOptions {
  // Extra environment variables (KEY, value) on top of this process's environment.
  std::vector<std::pair<std::string, std::string>> environment;
  // Capture stdout into CommandResult::out instead of passing it through to our stderr.
  bool capture_stdout = false;
  // Discard the program's stderr (for probes whose failure we explain ourselves).
  bool quiet = false;
  // Forward the program's stdout and stderr to our stderr with lines longer than this cut short
  // (0: untouched). The engine echoes each RUN instruction whole; HubtelAI's own are long.
  std::size_t max_line = 0;
};

struct CommandResult {
  int exit_code = 0;  // the exit status, or 128 + signal
  std::string out;
};

// Runs argv[0] (looked up on PATH when it has no '/') and waits for it. The program's stdout
// goes to our stderr unless captured, so hubtel-ai's stdout carries data only. Throws Error when
// the program cannot be started.
CommandResult run_command(const std::vector<std::string>& argv, const CommandOptions& options = {});

// The command line as a person would type it, for error messages.
std::string shown_command(const std::vector<std::string>& argv);

}  // namespace hubtel::engine
