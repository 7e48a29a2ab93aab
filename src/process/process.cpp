// Runs programs and pipelines with posix_spawn, reading every output with poll(2) so no pipe fills.
#include "process/process.hpp"

#include "common/error.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string_view>

extern char** environ;

namespace hubtel::process {
namespace {

// Closes a descriptor on every path out.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    reset(std::exchange(other.fd_, -1));
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }
  void reset(int fd = -1) {
    if (fd_ >= 0) {
      ::close(fd_);
    }
    fd_ = fd;
  }
  [[nodiscard]] int get() const { return fd_; }

 private:
  int fd_;
};

std::pair<Fd, Fd> make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    throw Error(fmt::format("cannot create a pipe: {}", std::strerror(errno)));
  }
  return {Fd(fds[0]), Fd(fds[1])};
}

std::vector<std::string> merged_environment(
    const std::vector<std::pair<std::string, std::string>>& extra) {
  std::vector<std::string> result;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const auto key = text.substr(0, text.find('='));
    const bool replaced = std::any_of(extra.begin(), extra.end(), [&key](const auto& pair) {
      return pair.first == key || (pair.first.size() == key.size() + 1 &&
                                   pair.first.front() == '-' && pair.first.substr(1) == key);
    });
    if (!replaced) {
      result.emplace_back(text);
    }
  }
  for (const auto& [name, value] : extra) {
    if (name.empty() || name.front() != '-') {
      result.push_back(name + "=" + value);
    }
  }
  return result;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> result;
  result.reserve(strings.size() + 1);
  for (auto& text : strings) {
    result.push_back(text.data());
  }
  result.push_back(nullptr);
  return result;
}

// Kills and reaps whatever was started when a later spawn fails or the caller throws.
struct Children {
  std::vector<pid_t> pids;
  Children() = default;
  Children(const Children&) = delete;
  Children& operator=(const Children&) = delete;
  ~Children() {
    for (const pid_t pid : pids) {
      if (pid > 0) {
        ::kill(pid, SIGKILL);
        int status = 0;
        while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
      }
    }
  }
};

void write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return;
    }
    text.remove_prefix(static_cast<std::size_t>(n));
  }
}

// Copies output to our stderr a whole line at a time, each cut short past max_line characters.
class Echo {
 public:
  explicit Echo(std::size_t max_line) : max_line_(max_line) {}
  void add(std::string_view data) {
    for (const char c : data) {
      pending_ += c;
      if (c == '\n') {
        flush();
      }
    }
  }
  void flush() {
    if (pending_.empty()) {
      return;
    }
    if (pending_.back() != '\n') {
      pending_ += '\n';
    }
    if (max_line_ > 0 && pending_.size() > max_line_ + 1) {
      const auto cut = pending_.size() - 1 - max_line_;
      pending_ = pending_.substr(0, max_line_) + fmt::format(" [... {} more characters]\n", cut);
    }
    write_all(STDERR_FILENO, pending_);
    pending_.clear();
  }

 private:
  std::size_t max_line_;
  std::string pending_;
};

}  // namespace

bool Result::ok() const {
  return !timed_out && exit_code() == 0;
}

int Result::exit_code() const {
  for (const auto& step : steps) {
    if (step.exit_code != 0) {
      return step.exit_code;
    }
  }
  return 0;
}

Result run_pipeline(const std::vector<Step>& steps, const Options& options) {
  if (steps.empty()) {
    throw Error("no program to run");
  }
  const std::size_t count = steps.size();
  std::vector<Fd> err_reads;
  Fd previous_read(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  if (previous_read.get() < 0) {
    throw Error(fmt::format("cannot open /dev/null: {}", std::strerror(errno)));
  }
  Children children;
  for (std::size_t i = 0; i < count; ++i) {
    const auto& step = steps[i];
    if (step.argv.empty() || step.argv.front().empty()) {
      throw Error("no program to run");
    }
    auto [out_r, out_w] = make_pipe();
    auto [err_r, err_w] = make_pipe();
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, previous_read.get(), STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, out_w.get(), STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, err_w.get(), STDERR_FILENO);
    // dup2 onto itself clears close-on-exec (POSIX 2024, glibc 2.29).
    for (const int fd : options.inherited_fds) {
      posix_spawn_file_actions_adddup2(&actions, fd, fd);
    }
    std::vector<std::string> args = step.argv;
    auto arg_pointers = pointers(args);
    auto env = merged_environment(step.environment);
    auto env_pointers = pointers(env);
    pid_t pid = 0;
    const int spawned = ::posix_spawnp(&pid, args.front().c_str(), &actions, nullptr,
                                       arg_pointers.data(), env_pointers.data());
    posix_spawn_file_actions_destroy(&actions);
    if (spawned != 0) {
      throw Error(fmt::format("cannot run '{}': {}", step.argv.front(), std::strerror(spawned)));
    }
    children.pids.push_back(pid);
    previous_read = std::move(out_r);
    err_reads.push_back(std::move(err_r));
  }
  Fd out_read = std::move(previous_read);

  Result result;
  result.steps.resize(count);
  // One a pipe, so a line of one program's stderr never splices into a line of its stdout.
  std::vector<Echo> echoes(count + 1, Echo(options.max_line));
  const auto deadline = std::chrono::steady_clock::now() + options.timeout;
  char buffer[8192];
  bool too_much = false;
  for (;;) {
    std::vector<pollfd> polled;
    std::vector<std::string*> sinks;
    std::vector<Fd*> owners;
    std::vector<Echo*> shown;
    if (out_read.get() >= 0) {
      polled.push_back({out_read.get(), POLLIN, 0});
      sinks.push_back(&result.out);
      owners.push_back(&out_read);
      shown.push_back(&echoes[0]);
    }
    for (std::size_t i = 0; i < count; ++i) {
      if (err_reads[i].get() >= 0) {
        polled.push_back({err_reads[i].get(), POLLIN, 0});
        sinks.push_back(&result.steps[i].err);
        owners.push_back(&err_reads[i]);
        shown.push_back(&echoes[i + 1]);
      }
    }
    if (polled.empty()) {
      break;
    }
    int wait_ms = -1;
    if (options.timeout.count() > 0) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) {
        result.timed_out = true;
        for (const pid_t pid : children.pids) {
          ::kill(pid, SIGKILL);
        }
        break;
      }
      wait_ms = static_cast<int>(std::min<long long>(left.count(), 1000));
    }
    if (too_much) {
      for (const pid_t pid : children.pids) {
        ::kill(pid, SIGKILL);
      }
      break;
    }
    const int ready = ::poll(polled.data(), polled.size(), wait_ms);
    if (ready < 0 && errno != EINTR) {
      throw Error(fmt::format("cannot wait for '{}': {}", steps.front().argv.front(),
                              std::strerror(errno)));
    }
    for (std::size_t i = 0; ready > 0 && i < polled.size(); ++i) {
      if (polled[i].revents == 0) {
        continue;
      }
      const ssize_t n = ::read(polled[i].fd, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) {
        continue;
      }
      if (n <= 0) {
        owners[i]->reset();
        shown[i]->flush();
        continue;
      }
      const std::string_view data(buffer, static_cast<std::size_t>(n));
      if (options.capture) {
        auto& sink = *sinks[i];
        if (sinks[i] == &result.out) {
          if (data.size() > options.max_stdout - std::min(options.max_stdout, sink.size())) {
            too_much = true;
          } else {
            sink.append(data);
          }
        } else {
          sink.append(data);
          // The end of stderr is what errors are read from: its start goes first.
          if (sink.size() > options.max_stderr) {
            sink.erase(0, sink.size() - options.max_stderr);
          }
        }
      }
      if (!options.capture && options.keep_tail > 0) {
        auto& sink = *sinks[i];
        sink.append(data);
        if (sink.size() > options.keep_tail) {
          sink.erase(0, sink.size() - options.keep_tail);
        }
      }
      if (options.echo) {
        shown[i]->add(data);
      }
    }
  }
  for (auto& echo : echoes) {
    echo.flush();
  }
  for (std::size_t i = 0; i < count; ++i) {
    int status = 0;
    while (::waitpid(children.pids[i], &status, 0) < 0) {
      if (errno != EINTR) {
        throw Error(
            fmt::format("cannot wait for '{}': {}", steps[i].argv.front(), std::strerror(errno)));
      }
    }
    children.pids[i] = -1;
    result.steps[i].exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  if (too_much) {
    throw Error(
        fmt::format("'{}' printed more than {} bytes, more than hubtel-ai keeps in memory; "
                    "it was stopped",
                    steps.back().argv.front(), options.max_stdout));
  }
  return result;
}

Result run(const Step& step, const Options& options) {
  return run_pipeline({step}, options);
}

InputFile::InputFile(const std::string& content)
    : fd_(::memfd_create("hubtel-input", MFD_CLOEXEC)) {
  if (fd_ < 0) {
    throw Error(fmt::format("cannot create an in-memory file: {}", std::strerror(errno)));
  }
  std::size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = ::write(fd_, content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      const int saved = errno;
      ::close(fd_);
      throw Error(fmt::format("cannot write an in-memory file: {}", std::strerror(saved)));
    }
    written += static_cast<std::size_t>(n);
  }
}

InputFile::~InputFile() {
  ::close(fd_);
}

std::string InputFile::path() const {
  return fmt::format("/proc/self/fd/{}", fd_);
}

bool can_run(const std::string& program) {
  const auto executable = [](const std::filesystem::path& path) {
    std::error_code error;
    return std::filesystem::is_regular_file(path, error) && ::access(path.c_str(), X_OK) == 0;
  };
  if (program.empty()) {
    return false;
  }
  if (program.find('/') != std::string::npos) {
    return executable(program);
  }
  const char* path = std::getenv("PATH");
  std::string_view rest(path == nullptr ? "" : path);
  for (;;) {
    const auto colon = rest.find(':');
    const auto folder = rest.substr(0, colon);
    if (executable(std::filesystem::path(folder.empty() ? "." : folder) / program)) {
      return true;
    }
    if (colon == std::string_view::npos) {
      return false;
    }
    rest.remove_prefix(colon + 1);
  }
}

std::string last_line(const std::string& text) {
  std::size_t end = text.size();
  while (end > 0) {
    while (end > 0 && (text[end - 1] == '\n' || text[end - 1] == '\r' || text[end - 1] == ' ')) {
      --end;
    }
    if (end == 0) {
      break;
    }
    const auto start = text.rfind('\n', end - 1);
    const auto begin = start == std::string::npos ? 0 : start + 1;
    if (end > begin) {
      return text.substr(begin, end - begin);
    }
    end = begin;
  }
  return {};
}

std::string shown_command(const std::vector<std::string>& argv) {
  std::string result;
  for (const auto& word : argv) {
    if (!result.empty()) {
      result += ' ';
    }
    const bool plain = !word.empty() && word.find_first_not_of(
                                            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                            "0123456789@%_+=:,./-") == std::string::npos;
    if (plain) {
      result += word;
    } else {
      result += '\'';
      for (const char c : word) {
        result += c == '\'' ? std::string("'\\''") : std::string(1, c);
      }
      result += '\'';
    }
  }
  return result;
}

}  // namespace hubtel::process
