// The container of a local invoke or serve, and what starting one needs: see container.hpp.
#include "lambda/container.hpp"

#include "common/error.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <unistd.h>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <random>

namespace hubtel::lambda {

using namespace std::chrono_literals;

namespace {

std::atomic<int> received_signal{0};

extern "C" void note_signal(int signal) {
  received_signal = signal;
}

}  // namespace

int received_signal_number() {
  return received_signal.load();
}

SignalGuard::SignalGuard() {
  received_signal = 0;
  struct sigaction action {};
  action.sa_handler = note_signal;
  sigemptyset(&action.sa_mask);
  for (std::size_t i = 0; i < signals_.size(); ++i) {
    ::sigaction(signals_[i], nullptr, &previous_[i]);
    // An ignored signal stays ignored (nohup, a shell's background job), as shells expect.
    if (previous_[i].sa_handler != SIG_IGN) {
      ::sigaction(signals_[i], &action, nullptr);
    }
  }
}

SignalGuard::~SignalGuard() {
  for (std::size_t i = 0; i < signals_.size(); ++i) {
    ::sigaction(signals_[i], &previous_[i], nullptr);
  }
}

void require_engine(const std::string& program) {
  const bool found = process::can_run(program);
  if (!found) {
    throw Error(fmt::format(
        "cannot run the container engine '{}': no such program{}; install Debian's docker.io "
        "(apt-get install docker.io) and start dockerd, or install podman and pass --engine "
        "podman",
        program, program.find('/') == std::string::npos ? " on PATH" : ""));
  }
}

void require_image(const InvokeRequest& request) {
  const auto inspected = process::run(
      {{request.engine, "image", "inspect", "--format", "{{.Os}}/{{.Architecture}}", request.image},
       {}});
  if (inspected.exit_code() != 0) {
    if (process::run({{request.engine, "info"}, {}}).exit_code() != 0) {
      throw Error(fmt::format(
          "the container engine does not answer ('{} info' failed): start it (e.g. dockerd) "
          "and try again",
          request.engine));
    }
    throw Error(fmt::format(
        "no image '{}' in {}'s image store ('{}' failed); build it first (the <name>-image "
        "target)",
        request.image, request.engine,
        process::shown_command({request.engine, "image", "inspect", request.image})));
  }
  auto platform = inspected.out;
  while (!platform.empty() && (platform.back() == '\n' || platform.back() == '\r')) {
    platform.pop_back();
  }
  // The architecture decides; an image imported without an OS still runs as linux.
  const auto arch_of = [](const std::string& value) {
    const auto slash = value.find('/');
    return slash == std::string::npos
               ? value
               : value.substr(slash + 1, value.find('/', slash + 1) - slash - 1);
  };
  if (request.platform && !arch_of(platform).empty() &&
      arch_of(platform) != arch_of(*request.platform)) {
    throw Error(fmt::format("image '{}' is {}, not {} (--platform)", request.image, platform,
                            *request.platform));
  }
}

std::string random_hex(std::size_t digits) {
  std::mt19937_64 generator{std::random_device{}()};
  std::uniform_int_distribution<int> nibble(0, 15);
  std::string result;
  for (std::size_t i = 0; i < digits; ++i) {
    result += "0123456789abcdef"[nibble(generator)];
  }
  return result;
}

FunctionConfig function_config(const InvokeRequest& request) {
  for (const auto& assignment : request.environment) {
    if (auto problem = environment_problem(assignment); !problem.empty()) {
      throw Error("--env: " + problem, ExitCode::usage);
    }
  }
  FunctionConfig config;
  config.name =
      request.function_name.empty() ? function_name_of(request.image) : request.function_name;
  if (auto problem = function_name_problem(config.name); !problem.empty()) {
    throw Error("--function-name: " + problem, ExitCode::usage);
  }
  config.region = region_from_environment();
  config.timeout = std::chrono::seconds(request.timeout_seconds);
  return config;
}

std::string region_from_environment() {
  for (const char* name : {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
    const char* value = std::getenv(name);
    if (value != nullptr && *value != '\0') {
      const std::string region(value);
      if (region.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") == std::string::npos) {
        return region;
      }
    }
  }
  return "us-east-1";
}

std::vector<std::string> lambda_environment(const FunctionConfig& config, int memory_mib) {
  const auto today = fmt::format("{:%Y/%m/%d}", fmt::gmtime(std::time(nullptr)));
  return {
      "AWS_LAMBDA_RUNTIME_API",
      "AWS_LAMBDA_FUNCTION_NAME=" + config.name,
      fmt::format("AWS_LAMBDA_FUNCTION_MEMORY_SIZE={}", memory_mib),
      "AWS_LAMBDA_FUNCTION_VERSION=$LATEST",
      "AWS_LAMBDA_INITIALIZATION_TYPE=on-demand",
      "AWS_REGION=" + config.region,
      "AWS_DEFAULT_REGION=" + config.region,
      "AWS_LAMBDA_LOG_GROUP_NAME=/aws/lambda/" + config.name,
      fmt::format("AWS_LAMBDA_LOG_STREAM_NAME={}/[$LATEST]{}", today, random_hex(32)),
      "TZ=:UTC",
  };
}

Container::Container(std::string engine, std::string name, std::vector<std::string> argv,
                     process::Environment environment, RuntimeApi& api)
    : engine_(std::move(engine)), name_(std::move(name)) {
  thread_ = std::thread([this, argv = std::move(argv), environment = std::move(environment), &api] {
    int code = -1;
    try {
      // What the container prints goes to our stderr as it comes; none of it is kept.
      process::Options shown;
      shown.capture = false;
      shown.echo = true;
      code = process::run({argv, environment}, shown).exit_code();
    } catch (const Error& error) {
      std::lock_guard lock(mutex_);
      start_error_ = error.what();
    }
    exit_code_ = code;
    exited_ = true;
    api.wake();
  });
}

void Container::remove() {
  if (!thread_.joinable()) {
    return;
  }
  // Captured and dropped: the engine echoes the container's name.
  for (int attempt = 0; attempt < 20 && !exited_; ++attempt) {
    try {
      process::run({{engine_, "kill", name_}, {}});
    } catch (const Error&) {
      break;
    }
    for (int tick = 0; tick < 20 && !exited_; ++tick) {
      std::this_thread::sleep_for(50ms);
    }
  }
  if (!exited_) {
    try {
      process::run({{engine_, "rm", "--force", name_}, {}});
    } catch (const Error&) {
      // The run thread is joined regardless; nothing more can be done from here.
    }
  }
  thread_.join();
}

}  // namespace hubtel::lambda
