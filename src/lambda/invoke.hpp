// Invokes a Lambda image locally: runs its container against a local Runtime API with one event.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace hubtel::lambda {

struct InvokeRequest {
  std::string image;                     // a reference or an image id
  std::string event_path;                // a JSON file, "-" for standard input, empty for {}
  std::optional<std::string> platform;   // linux/amd64 or linux/arm64
  std::vector<std::string> environment;  // KEY=VALUE, passed to the function
  // Passed to the function through the engine's environment, never its command line.
  std::vector<std::pair<std::string, std::string>> secret_environment;
  int timeout_seconds = 30;
  int memory_mib = 128;
  std::string function_name;  // empty: the image repository's last component
  std::string engine = "docker";
};

// The problem with a KEY=VALUE environment assignment, or an empty string when it is valid.
std::string environment_problem(const std::string& assignment);

// The problem with a Lambda function name, or an empty string when it is valid.
std::string function_name_problem(const std::string& name);

// The function name an image reference suggests: hubtel/hello:x86_64 is "hello"; an image id is
// "function".
std::string function_name_of(const std::string& image);

// The event: the file's bytes, standard input's for "-", {} for none. Throws Error unless it is
// one JSON document of at most 6 MiB.
std::string read_event(const std::string& path, std::istream& in);

// How much of an error document invoke shows on stderr.
inline constexpr std::size_t max_shown_error_bytes = 16U * 1024U;

// The error document as shown: whole when short, else its first max_shown_error_bytes and a line
// saying how much was left out.
std::string error_excerpt(const std::string& document);

// The engine's `run` command line for the function's container.
std::vector<std::string> run_command_line(const InvokeRequest& request,
                                          const std::string& container_name,
                                          const std::vector<std::string>& lambda_environment);

// Runs the image with the event: the response payload goes to `out` exactly, the function's logs
// (the container's output) to this process's stderr. A function error or an init error writes
// the error document to `err` and throws Error; so do a timeout and a container that exits
// without answering. The container is removed on every path.
void invoke(const InvokeRequest& request, std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace hubtel::lambda
