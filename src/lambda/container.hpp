// The container of a local invoke or serve: `<engine> run` of the image against a local Runtime
// API, the variables Lambda sets, the checks before a run, and the signals that end one.
#pragma once

#include "lambda/invoke.hpp"
#include "lambda/runtime_api.hpp"
#include "process/process.hpp"

#include <array>
#include <atomic>
#include <csignal>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace hubtel::lambda {

// The last of SIGINT, SIGTERM and SIGHUP received while a SignalGuard lives (0: none).
int received_signal_number();

// Notes SIGINT, SIGTERM and SIGHUP while it lives, so containers are removed before this process
// ends; the previous dispositions come back afterwards.
class SignalGuard {
 public:
  SignalGuard();
  SignalGuard(const SignalGuard&) = delete;
  SignalGuard& operator=(const SignalGuard&) = delete;
  ~SignalGuard();

 private:
  std::array<int, 3> signals_{SIGINT, SIGTERM, SIGHUP};
  std::array<struct sigaction, 3> previous_{};
};

// The engine's program as posix_spawnp will find it, or a clear error naming what to install.
void require_engine(const std::string& program);

// Checks that the engine has the image (no pull: a run takes what was built) for the platform.
void require_image(const InvokeRequest& request);

// `digits` random hex digits, for container names.
std::string random_hex(std::size_t digits);

// The function as its Runtime API shows it (name, region, timeout), after the request's
// environment and function name are checked. Throws Error (usage) naming the bad option.
FunctionConfig function_config(const InvokeRequest& request);

// $AWS_REGION, else $AWS_DEFAULT_REGION, else us-east-1.
std::string region_from_environment();

// The variables Lambda sets in a function's environment. The Runtime API's address holds its
// secret: it is named here and its value reaches the engine through the engine's own environment,
// never a command line that any local user can read.
std::vector<std::string> lambda_environment(const FunctionConfig& config, int memory_mib);

// The container's `<engine> run`, on a thread of its own; wakes the API's waiter when it ends.
class Container {
 public:
  Container(std::string engine, std::string name, std::vector<std::string> argv,
            process::Environment environment, RuntimeApi& api);
  Container(const Container&) = delete;
  Container& operator=(const Container&) = delete;
  ~Container() { remove(); }

  [[nodiscard]] bool exited() const { return exited_; }
  [[nodiscard]] int exit_code() const { return exit_code_; }
  std::string start_error() {
    std::lock_guard lock(mutex_);
    return start_error_;
  }

  // Kills the container (--rm removes it) and waits for `<engine> run` to return. A kill can
  // come before the engine has created the container, so it is repeated until the run ends.
  void remove();

 private:
  std::string engine_;
  std::string name_;
  std::thread thread_;
  std::mutex mutex_;
  std::string start_error_;
  std::atomic<bool> exited_{false};
  std::atomic<int> exit_code_{-1};
};

}  // namespace hubtel::lambda
