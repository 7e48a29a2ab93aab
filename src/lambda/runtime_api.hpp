// A local Lambda Runtime API (2018-06-01): hands events to a runtime and collects its answers.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace hubtel::lambda {

// Lambda's limit on a synchronous invocation's response payload (and its request): 6 MiB.
inline constexpr std::size_t max_payload_bytes = 6U * 1024U * 1024U;

// What the function looks like to the runtime: the ARN, the deadline.
struct FunctionConfig {
  std::string name = "function";
  std::string region = "us-east-1";
  std::chrono::seconds timeout{30};
};

// How an invocation ended, as the runtime reported it.
struct Outcome {
  enum class Kind {
    response,        // POST .../invocation/{id}/response: payload is the function's result
    function_error,  // POST .../invocation/{id}/error: payload is the error document
    init_error,      // POST /runtime/init/error: payload is the error document
  };
  Kind kind = Kind::response;
  std::string payload;
  std::string error_type;  // the document's errorType, or Lambda-Runtime-Function-Error-Type
  std::chrono::steady_clock::time_point reported = std::chrono::steady_clock::now();
};

// Where an invocation stands when a wait returns.
struct InvocationStatus {
  // When a runtime took the event with /next (steady clock), if it has.
  std::optional<std::chrono::steady_clock::time_point> handed_out;
  std::optional<Outcome> outcome;
};

// The Runtime API server, bound to loopback on a port of its own. One runtime, one invocation at
// a time, as in a Lambda execution environment.
//
// Any local process can reach loopback: with a `secret`, the API serves only below "/<secret>"
// (the runtime finds it in AWS_LAMBDA_RUNTIME_API, "127.0.0.1:<port>/<secret>") and refuses
// every other request with 403, so no other process can take the event or post a forged answer.
class RuntimeApi {
 public:
  explicit RuntimeApi(FunctionConfig config, std::string secret = {});
  RuntimeApi(const RuntimeApi&) = delete;
  RuntimeApi& operator=(const RuntimeApi&) = delete;
  ~RuntimeApi();

  // Binds 127.0.0.1 on a free port and serves on a thread of its own; returns the port.
  std::uint16_t start();
  // Releases waiting runtimes and stops serving. Safe to call more than once.
  void stop();

  // Queues an event for the next /next; returns its request id.
  std::string invoke(std::string event);

  // Waits up to `timeout` for the invocation `request_id` to end (or an init error), or for
  // wake() to be called.
  InvocationStatus wait(const std::string& request_id, std::chrono::milliseconds timeout);
  // Waits up to `timeout` for the runtime to end its init: true once it asked for an event
  // (/next), false on an init error, a wake() or the timeout.
  bool wait_initialized(std::chrono::milliseconds timeout);
  // The runtime's init error, once it posted one.
  std::optional<Outcome> init_error();
  // Ends a wait() early, e.g. when the runtime's container exited.
  void wake();
  // Forgets an invocation that has its outcome, so a long-running server keeps no event or
  // answer it has served.
  void release(const std::string& request_id);

  [[nodiscard]] const FunctionConfig& config() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// 32 hex digits from OpenSSL's random generator: a secret no other process can guess.
std::string make_secret();
// A random version-4 UUID, as Lambda's request ids are.
std::string make_request_id();
// An X-Ray trace header: Root=1-<8 hex epoch seconds>-<24 hex>;Parent=<16 hex>;Sampled=0.
std::string make_trace_id();
// arn:aws:lambda:<region>:000000000000:function:<name>
std::string function_arn(const FunctionConfig& config);

}  // namespace hubtel::lambda
