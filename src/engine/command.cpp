// Runs another program directly with posix_spawn, never through a shell.
#include "engine/command.hpp"

#include "common/error.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>

extern char** environ;

namespace hubtel::engine {
namespace {

// Closes a descriptor on every path out.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
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

std::vector<std::string> merged_environment(
    const std::vector<std::pair<std::string, std::string>>& extra) {
  std::vector<std::string> result;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const auto key = text.substr(0, text.find('='));
    bool replaced = false;
    for (const auto& [name, value] : extra) {
      replaced = replaced || name == key;
    }
    if (!replaced) {
      result.emplace_back(text);
    }
  }
  for (const auto& [name, value] : extra) {
    result.push_back(name + "=" + value);
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

// Writes a line of the program's output to our stderr, cut short past max_line characters.
void forward_line(const std::string& line, std::size_t max_line) {
  std::string shown = line;
  if (shown.size() > max_line + 1) {
    const auto cut = shown.size() - 1 - max_line;
    shown = shown.substr(0, max_line) + fmt::format(" [... {} more characters]\n", cut);
  }
  std::size_t written = 0;
  while (written < shown.size()) {
    const ssize_t n = ::write(STDERR_FILENO, shown.data() + written, shown.size() - written);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return;
    }
    written += static_cast<std::size_t>(n);
  }
}

}  // namespace

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

CommandResult run_command(const std::vector<std::string>& argv, const CommandOptions& options) {
  if (argv.empty() || argv.front().empty()) {
    throw Error("no program to run");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  Fd read_end;
  Fd write_end;
  const bool shorten = options.max_line > 0 && !options.capture_stdout;
  if (options.capture_stdout || shorten) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
      posix_spawn_file_actions_destroy(&actions);
      throw Error(fmt::format("cannot create a pipe: {}", std::strerror(errno)));
    }
    read_end.reset(fds[0]);
    write_end.reset(fds[1]);
    posix_spawn_file_actions_adddup2(&actions, write_end.get(), STDOUT_FILENO);
    if (shorten) {
      posix_spawn_file_actions_adddup2(&actions, write_end.get(), STDERR_FILENO);
    }
  } else {
    posix_spawn_file_actions_adddup2(&actions, STDERR_FILENO, STDOUT_FILENO);
  }
  if (options.quiet) {
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  }

  std::vector<std::string> args = argv;
  auto arg_pointers = pointers(args);
  auto env = merged_environment(options.environment);
  auto env_pointers = pointers(env);
  pid_t pid = 0;
  const int spawned = ::posix_spawnp(&pid, args.front().c_str(), &actions, nullptr,
                                     arg_pointers.data(), env_pointers.data());
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    throw Error(fmt::format("cannot run '{}': {}", argv.front(), std::strerror(spawned)));
  }
  write_end.reset();

  CommandResult result;
  if (options.capture_stdout || shorten) {
    char buffer[8192];
    std::string line;
    for (;;) {
      const ssize_t n = ::read(read_end.get(), buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) {
        continue;
      }
      if (n <= 0) {
        break;
      }
      if (!shorten) {
        result.out.append(buffer, static_cast<std::size_t>(n));
        continue;
      }
      for (ssize_t i = 0; i < n; ++i) {
        line += buffer[i];
        if (buffer[i] == '\n') {
          forward_line(line, options.max_line);
          line.clear();
        }
      }
    }
    if (!line.empty()) {
      forward_line(line + "\n", options.max_line);
    }
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      throw Error(fmt::format("cannot wait for '{}': {}", argv.front(), std::strerror(errno)));
    }
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

}  // namespace hubtel::engine
