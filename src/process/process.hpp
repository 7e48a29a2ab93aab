// Runs other programs directly with posix_spawn, never through a shell: one program, or a pipeline
// of programs (a | b), with their output captured, shown, or both.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace hubtel::process {

// Extra environment variables (KEY, value) on top of this process's environment; ("-KEY", "")
// removes KEY (some programs, such as the docker client, take a variable set to nothing as set).
using Environment = std::vector<std::pair<std::string, std::string>>;

// One program of a pipeline.
struct Step {
  std::vector<std::string> argv;  // argv[0] is looked up on PATH when it has no '/'
  Environment environment;
};

struct Options {
  // Files the programs read as /proc/self/fd/<n> (see InputFile), kept open across the spawn.
  std::vector<int> inherited_fds;
  // Kill every program when they run longer than this (zero: no limit).
  std::chrono::milliseconds timeout{0};
  // Copy what the programs print (stdout and stderr) to our stderr as it comes: progress for
  // people, while hubtel-ai's stdout carries data only.
  bool echo = false;
  // With echo: lines longer than this are shown cut short (0: whole). Engines echo each RUN
  // instruction whole, and HubtelAI's own are long.
  std::size_t max_line = 0;
  // Keep what the programs print in the Result; off for long builds whose output is only shown.
  bool capture = true;
  // Without capture: keep the last this many bytes of each output in the Result anyway (0: none),
  // for errors read from a long build's end.
  std::size_t keep_tail = 0;
  // Bounds on what is kept in memory: a last program that prints more than max_stdout bytes is
  // stopped and run_pipeline throws Error; of each program's stderr the last max_stderr bytes
  // are kept (errors are read from its end).
  std::size_t max_stdout = std::size_t{64} << 20U;
  std::size_t max_stderr = std::size_t{1} << 20U;
};

struct StepResult {
  int exit_code = 0;  // the exit status, or 128 + signal
  std::string err;    // the program's stderr (when captured)
};

struct Result {
  std::vector<StepResult> steps;  // one a step, in order
  std::string out;                // the last program's stdout (when captured)
  bool timed_out = false;

  // True when every program exited with 0 in time.
  [[nodiscard]] bool ok() const;
  // The first failing program's exit code (or 0).
  [[nodiscard]] int exit_code() const;
};

// Runs steps[0] | steps[1] | ...: each program's stdout feeds the next one's stdin (the first
// reads nothing). Throws Error when a program cannot be started.
Result run_pipeline(const std::vector<Step>& steps, const Options& options = {});

// Runs one program.
Result run(const Step& step, const Options& options = {});

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

// True when `program` names an executable file, or (without a '/') one on PATH, as a spawn finds
// it.
bool can_run(const std::string& program);

// The last non-empty line of a program's output, for error messages.
std::string last_line(const std::string& text);

// The command line as a person would type it into a shell, for messages.
std::string shown_command(const std::vector<std::string>& argv);

}  // namespace hubtel::process
