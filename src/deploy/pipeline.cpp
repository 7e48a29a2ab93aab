// Runs programs and pipelines with posix_spawn, reading every output with poll(2) so no pipe fills.
#include "deploy/pipeline.hpp"

#include "common/error.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>

extern char** environ;

namespace hubtel::deploy {
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

void write_all(int fd, const std::string& text) {
  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
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

bool PipelineResult::ok() const {
  if (timed_out) {
    return false;
  }
  for (const auto& step : steps) {
    if (step.exit_code != 0) {
      return false;
    }
  }
  return true;
}

PipelineResult run_pipeline(const std::vector<Step>& steps, const PipelineOptions& options) {
  if (steps.empty()) {
    throw Error("no program to run");
  }
  const std::size_t count = steps.size();
  std::vector<Fd> err_reads;
  Fd out_read;
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
  out_read = std::move(previous_read);

  PipelineResult result;
  result.steps.resize(count);
  const auto deadline = std::chrono::steady_clock::now() + options.timeout;
  char buffer[8192];
  for (;;) {
    std::vector<pollfd> polled;
    std::vector<std::string*> sinks;
    std::vector<Fd*> owners;
    if (out_read.get() >= 0) {
      polled.push_back({out_read.get(), POLLIN, 0});
      sinks.push_back(&result.out);
      owners.push_back(&out_read);
    }
    for (std::size_t i = 0; i < count; ++i) {
      if (err_reads[i].get() >= 0) {
        polled.push_back({err_reads[i].get(), POLLIN, 0});
        sinks.push_back(&result.steps[i].err);
        owners.push_back(&err_reads[i]);
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
        continue;
      }
      sinks[i]->append(buffer, static_cast<std::size_t>(n));
      if (options.echo) {
        write_all(STDERR_FILENO, std::string(buffer, static_cast<std::size_t>(n)));
      }
    }
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
  return result;
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

}  // namespace hubtel::deploy
