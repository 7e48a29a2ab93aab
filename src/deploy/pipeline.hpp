// Runs one program, or a pipeline of programs (a | b), directly with posix_spawn: no shell.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace hubtel::deploy {

// One program of a pipeline.
struct Step {
  std::vector<std::string> argv;
  // Extra environment variables (KEY, value) on top of this process's environment.
  std::vector<std::pair<std::string, std::string>> environment;
};

struct PipelineOptions {
  // Files the programs read as /proc/self/fd/<n> (see InputFile), kept open across the spawn.
  std::vector<int> inherited_fds;
  // Kill every program when the pipeline runs longer than this (zero: no limit).
  std::chrono::milliseconds timeout{0};
  // Copy what the programs print (stdout and stderr) to our stderr as it comes, besides
  // capturing it: progress for people, while hubtel-ai's stdout carries data only.
  bool echo = false;
};

struct StepResult {
  int exit_code = 0;  // the exit status, or 128 + signal
  std::string err;    // the program's stderr
};

struct PipelineResult {
  std::vector<StepResult> steps;  // one a step, in order
  std::string out;                // the last program's stdout
  bool timed_out = false;

  // True when every program exited with 0 in time.
  [[nodiscard]] bool ok() const;
};

// Runs steps[0] | steps[1] | ...: each program's stdout feeds the next one's stdin; the last one's
// stdout and each one's stderr are captured. Throws Error when a program cannot be started.
PipelineResult run_pipeline(const std::vector<Step>& steps, const PipelineOptions& options = {});

// A file that lives only in memory (memfd): content a child reads as a path, /proc/self/fd/<n>,
// without a temporary file on disk or the content on a command line.
class InputFile {
 public:
  explicit InputFile(const std::string& content);
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;
  ~InputFile();
  [[nodiscard]] int fd() const { return fd_; }
  // The path a child process opens to read the content.
  [[nodiscard]] std::string path() const;

 private:
  int fd_;
};

// The last non-empty line of a program's output, for error messages.
std::string last_line(const std::string& text);

}  // namespace hubtel::deploy
