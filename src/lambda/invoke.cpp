// Invokes a Lambda image locally: the container, the Runtime API it calls, and the cleanup.
#include "lambda/invoke.hpp"

#include "common/error.hpp"
#include "common/files.hpp"
#include "lambda/container.hpp"
#include "lambda/runtime_api.hpp"
#include "process/process.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <unistd.h>
#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <istream>
#include <iterator>
#include <mutex>
#include <ostream>
#include <random>
#include <thread>

namespace hubtel::lambda {
namespace {

using namespace std::chrono_literals;

constexpr const char* api_hint =
    "the image's program must call the Lambda Runtime API at $AWS_LAMBDA_RUNTIME_API "
    "(GET http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime/invocation/next)";

bool has_control_character(const std::string& text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte == 0x7f;
  });
}

// Lambda's REPORT log line. Its init duration runs from `<engine> run` to the runtime's first
// /next, so it includes the engine's container start.
std::string report_line(const std::string& request_id, std::chrono::steady_clock::duration init,
                        std::chrono::steady_clock::duration run, int memory_mib) {
  const auto ms = [](std::chrono::steady_clock::duration d) {
    return std::chrono::duration<double, std::milli>(d).count();
  };
  return fmt::format(
      "REPORT RequestId: {}\tInit Duration: {:.2f} ms\tDuration: {:.2f} ms\tBilled Duration: {} "
      "ms\tMemory Size: {} MB\n",
      request_id, ms(init), ms(run), std::chrono::ceil<std::chrono::milliseconds>(run).count(),
      memory_mib);
}

}  // namespace

std::string environment_problem(const std::string& assignment) {
  const auto equals = assignment.find('=');
  if (equals == std::string::npos) {
    return fmt::format("\"{}\" is not KEY=VALUE", assignment);
  }
  const auto key = assignment.substr(0, equals);
  const bool key_ok =
      !key.empty() && (std::isalpha(static_cast<unsigned char>(key[0])) != 0 || key[0] == '_') &&
      key.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") ==
          std::string::npos;
  if (!key_ok) {
    return fmt::format("\"{}\" is not a variable name (expected [A-Za-z_][A-Za-z0-9_]*)",
                       has_control_character(key) ? nlohmann::json(key).dump() : key);
  }
  if (key == "AWS_LAMBDA_RUNTIME_API") {
    return "AWS_LAMBDA_RUNTIME_API is set by invoke (it points at its own Runtime API)";
  }
  if (has_control_character(assignment.substr(equals + 1))) {
    return fmt::format("the value of {} has a control character (a newline, a tab...)", key);
  }
  return {};
}

std::string function_name_problem(const std::string& name) {
  const bool ok = !name.empty() && name.size() <= 64 &&
                  name.find_first_not_of(
                      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                      "0123456789-_") == std::string::npos;
  return ok ? std::string()
            : fmt::format("\"{}\" is not a Lambda function name (1 to 64 of [A-Za-z0-9-_])",
                          has_control_character(name) ? nlohmann::json(name).dump() : name);
}

std::string function_name_of(const std::string& image) {
  auto reference = image.substr(0, image.find('@'));
  const auto slash = reference.rfind('/');
  const auto colon = reference.rfind(':');
  if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
    reference.resize(colon);
  }
  auto name = slash == std::string::npos ? reference : reference.substr(slash + 1);
  const bool is_id =
      name == "sha256" ||
      (name.size() >= 12 && name.find_first_not_of("0123456789abcdef") == std::string::npos);
  if (is_id || name.empty()) {
    return "function";
  }
  for (auto& c : name) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '-' && c != '_') {
      c = '-';
    }
  }
  return name.substr(0, 64);
}

std::string read_event(const std::string& path, std::istream& in) {
  std::string event;
  std::string source;
  if (path.empty()) {
    return "{}";
  }
  if (path == "-") {
    event.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    source = "the event on standard input";
  } else {
    try {
      event = read_file(path);
    } catch (const Error& error) {
      throw Error(fmt::format("--event: {}", error.what()));
    }
    source = fmt::format("event file '{}'", path);
  }
  if (event.size() > max_payload_bytes) {
    throw Error(fmt::format("{} is {} bytes; Lambda accepts at most {} (6 MiB)", source,
                            event.size(), max_payload_bytes));
  }
  try {
    const auto parsed = nlohmann::json::parse(event);
    (void)parsed;
  } catch (const nlohmann::json::parse_error& error) {
    // nlohmann's message starts with its own name; the reader needs where and what.
    const std::string what = error.what();
    const auto start = what.find("parse error");
    throw Error(fmt::format("{} is not valid JSON: {}", source,
                            start == std::string::npos ? what : what.substr(start)));
  }
  return event;
}

std::string error_excerpt(const std::string& document) {
  if (document.size() <= max_shown_error_bytes) {
    return document;
  }
  return fmt::format("{}\n... ({} more bytes of the error document not shown)",
                     document.substr(0, max_shown_error_bytes),
                     document.size() - max_shown_error_bytes);
}

std::vector<std::string> run_command_line(const InvokeRequest& request,
                                          const std::string& container_name,
                                          const std::vector<std::string>& lambda_environment) {
  std::vector<std::string> argv{request.engine, "run",    "--rm",        "--network",
                                "host",         "--name", container_name};
  if (request.platform) {
    argv.insert(argv.end(), {"--platform", *request.platform});
  }
  for (const auto& assignment : lambda_environment) {
    argv.insert(argv.end(), {"--env", assignment});
  }
  // The user's variables come last: the engine keeps the last value of a repeated name.
  for (const auto& assignment : request.environment) {
    argv.insert(argv.end(), {"--env", assignment});
  }
  for (const auto& [key, value] : request.secret_environment) {
    argv.insert(argv.end(), {"--env", key});
  }
  argv.push_back(request.image);
  return argv;
}

void invoke(const InvokeRequest& request, std::istream& in, std::ostream& out, std::ostream& err) {
  const auto config = function_config(request);
  const auto event = read_event(request.event_path, in);
  require_engine(request.engine);
  require_image(request);

  SignalGuard signals;
  const auto secret = make_secret();
  RuntimeApi api(config, secret);
  const auto port = api.start();
  process::Environment run_environment{
      {"AWS_LAMBDA_RUNTIME_API", fmt::format("127.0.0.1:{}/{}", port, secret)}};
  run_environment.insert(run_environment.end(), request.secret_environment.begin(),
                         request.secret_environment.end());
  const auto request_id = api.invoke(event);
  const auto name = "hubtel-invoke-" + random_hex(12);
  std::optional<Outcome> outcome;
  std::optional<std::chrono::steady_clock::time_point> handed_out;
  const auto started = std::chrono::steady_clock::now();
  {
    Container container(
        request.engine, name,
        run_command_line(request, name, lambda_environment(config, request.memory_mib)),
        std::move(run_environment), api);
    for (;;) {
      const auto status = api.wait(request_id, 100ms);
      handed_out = status.handed_out;
      if (status.outcome) {
        outcome = status.outcome;
        break;
      }
      if (const int signal = received_signal_number(); signal != 0) {
        container.remove();
        throw Error(fmt::format("interrupted by signal {} ({}); the container was removed", signal,
                                ::strsignal(signal)));
      }
      if (container.exited()) {
        container.remove();
        if (auto start_error = container.start_error(); !start_error.empty()) {
          throw Error(start_error);
        }
        const int code = container.exit_code();
        if (code == 125 || code == 126 || code == 127) {
          throw Error(
              fmt::format("'{} run' could not start '{}' (exit status {}; see its message "
                          "above)",
                          request.engine, request.image, code));
        }
        if (status.handed_out) {
          throw Error(fmt::format(
              "the container exited with status {} before answering request {} "
              "(Runtime.ExitError): the program must post .../invocation/<id>/response or "
              ".../error",
              code, request_id));
        }
        throw Error(fmt::format(
            "the container exited with status {} before asking for the event; {}", code, api_hint));
      }
      // The timeout runs from the event's handing out, as on Lambda; init (the container's start
      // included) gets as long, and at least the 10 s Lambda gives it.
      const auto since = status.handed_out.value_or(started);
      const auto limit =
          status.handed_out
              ? std::chrono::duration_cast<std::chrono::seconds>(config.timeout)
              : std::max(std::chrono::duration_cast<std::chrono::seconds>(config.timeout),
                         std::chrono::seconds(10));
      if (std::chrono::steady_clock::now() - since >= limit) {
        container.remove();
        throw Error(fmt::format(
            "timed out after {} s {}; the container was stopped ('{} kill {}') (--timeout)",
            limit.count(),
            status.handed_out
                ? fmt::format("running request {}", request_id)
                : fmt::format("waiting for the runtime to ask for the event; {}", api_hint),
            request.engine, name));
      }
    }
  }
  api.stop();

  if (outcome->kind != Outcome::Kind::init_error && handed_out) {
    err << report_line(request_id, *handed_out - started, outcome->reported - *handed_out,
                       request.memory_mib);
    err.flush();
  }
  switch (outcome->kind) {
    case Outcome::Kind::response:
      out << outcome->payload;
      out.flush();
      return;
    case Outcome::Kind::function_error:
      err << error_excerpt(outcome->payload) << '\n';
      err.flush();
      throw Error(fmt::format("the function returned an error ({}) for request {}",
                              outcome->error_type, request_id));
    case Outcome::Kind::init_error:
      err << error_excerpt(outcome->payload) << '\n';
      err.flush();
      throw Error(
          fmt::format("the function failed to initialize ({}): it posted /runtime/init/"
                      "error",
                      outcome->error_type));
  }
}

}  // namespace hubtel::lambda
