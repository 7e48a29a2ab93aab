// The local Lambda Runtime API: the four runtime endpoints of version 2018-06-01 over cpp-httplib.
#include "lambda/runtime_api.hpp"

#include "common/error.hpp"

#include <fmt/format.h>
#include <httplib.h>
#include <openssl/rand.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

namespace hubtel::lambda {
namespace {

constexpr const char* json_type = "application/json";

std::string random_hex(std::size_t digits) {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  std::uniform_int_distribution<int> nibble(0, 15);
  std::string result;
  result.reserve(digits);
  for (std::size_t i = 0; i < digits; ++i) {
    result += "0123456789abcdef"[nibble(generator)];
  }
  return result;
}

// The error body the Runtime API answers with: {"errorMessage": ..., "errorType": ...}.
void render_error(httplib::Response& response, int status, const std::string& type,
                  const std::string& message) {
  response.status = status;
  response.set_content(nlohmann::json{{"errorMessage", message}, {"errorType", type}}.dump(),
                       json_type);
}

void render_accepted(httplib::Response& response) {
  response.status = 202;
  response.set_content(R"({"status":"OK"})", json_type);
}

// The runtime's error document when it is JSON, else one built from the error type header, as
// Lambda does when the body cannot be read.
std::string error_document(const std::string& body, const std::string& type) {
  if (nlohmann::json::accept(body)) {
    return body;
  }
  return nlohmann::json{{"errorMessage", body.empty() ? type : body},
                        {"errorType", type},
                        {"stackTrace", nlohmann::json::array()}}
      .dump();
}

// The error's type as the header names it (Lambda-Runtime-Function-Error-Type), or `fallback`.
std::string header_type(const httplib::Request& request, const std::string& fallback) {
  auto type = request.get_header_value("Lambda-Runtime-Function-Error-Type");
  return type.empty() ? fallback : type;
}

// The errorType of an error document, or `fallback`.
std::string document_type(const std::string& document, const std::string& fallback) {
  const auto parsed = nlohmann::json::parse(document, nullptr, false);
  if (parsed.is_object() && parsed.contains("errorType") && parsed["errorType"].is_string() &&
      !parsed["errorType"].get<std::string>().empty()) {
    return parsed["errorType"].get<std::string>();
  }
  return fallback;
}

// A request's body, kept up to `max` bytes and counted beyond: a runtime may post any amount, and
// what is kept must stay bounded.
struct CappedBody {
  std::string text;
  std::size_t size = 0;
  [[nodiscard]] bool over() const { return size > max_payload_bytes; }
};

CappedBody read_capped(const httplib::ContentReader& read_body) {
  CappedBody body;
  read_body([&](const char* data, std::size_t length) {
    body.size += length;
    if (body.size <= max_payload_bytes) {
      body.text.append(data, length);
    }
    return true;
  });
  return body;
}

// Lambda's answer to a document over the limit: the outcome names the size, the runtime hears 413.
Outcome oversized(Outcome::Kind kind, std::string_view what, std::size_t size,
                  httplib::Response& response) {
  const auto message =
      fmt::format("{} size ({} bytes) exceeded maximum allowed payload size ({} bytes).", what,
                  size, max_payload_bytes);
  render_error(response, 413, "RequestEntityTooLarge",
               fmt::format("Exceeded maximum allowed payload size ({} bytes).", max_payload_bytes));
  return Outcome{
      kind,
      nlohmann::json{{"errorMessage", message}, {"errorType", "Function.ResponseSizeTooLarge"}}
          .dump(),
      "Function.ResponseSizeTooLarge"};
}

}  // namespace

std::string make_request_id() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  std::uniform_int_distribution<int> nibble(0, 15);
  auto id = random_hex(32);
  id[12] = '4';                                                      // version 4
  id[16] = "89ab"[static_cast<std::size_t>(nibble(generator)) % 4];  // RFC 4122 variant
  return fmt::format("{}-{}-{}-{}-{}", id.substr(0, 8), id.substr(8, 4), id.substr(12, 4),
                     id.substr(16, 4), id.substr(20));
}

std::string make_trace_id() {
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
  return fmt::format("Root=1-{:08x}-{};Parent={};Sampled=0", seconds, random_hex(24),
                     random_hex(16));
}

std::string function_arn(const FunctionConfig& config) {
  return fmt::format("arn:aws:lambda:{}:000000000000:function:{}", config.region, config.name);
}

std::string make_secret() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    throw Error("cannot make a secret for the Runtime API: OpenSSL's random generator failed");
  }
  std::string out;
  for (const unsigned char byte : bytes) {
    out += "0123456789abcdef"[byte >> 4];
    out += "0123456789abcdef"[byte & 15];
  }
  return out;
}

struct RuntimeApi::Impl {
  Impl(FunctionConfig function, std::string prefix)
      : config(std::move(function)), secret(std::move(prefix)) {}

  // An event waiting for /next, or handed out and waiting for its answer.
  struct Invocation {
    std::string request_id;
    std::string event;
    std::optional<std::chrono::steady_clock::time_point> handed_out;
    std::optional<Outcome> outcome;
  };

  FunctionConfig config;
  std::string secret;
  httplib::Server server;
  std::thread listener;
  std::mutex mutex;
  std::condition_variable changed;
  std::deque<Invocation> pending;   // queued events, oldest first
  std::vector<Invocation> handled;  // handed out (the last one may still be running)
  std::optional<Outcome> init_error;
  bool initialized = false;  // a runtime called /next: init is over
  bool stopping = false;
  bool woken = false;

  // The invocation a runtime is working on: the last handed out, while it has no outcome.
  Invocation* running() {
    if (handled.empty() || handled.back().outcome) {
      return nullptr;
    }
    return &handled.back();
  }

  void next(httplib::Response& response) {
    std::unique_lock lock(mutex);
    if (!initialized) {
      initialized = true;
      changed.notify_all();
    }
    if (auto* invocation = running()) {
      render_error(response, 403, "InvalidStateTransition",
                   fmt::format("invocation {} is running: post its response or error first",
                               invocation->request_id));
      return;
    }
    changed.wait(lock, [this] { return stopping || !pending.empty(); });
    if (stopping) {
      render_error(response, 500, "InternalServerError", "the Runtime API is shutting down");
      return;
    }
    auto invocation = std::move(pending.front());
    pending.pop_front();
    const auto now = std::chrono::system_clock::now();
    const auto deadline = std::chrono::duration_cast<std::chrono::milliseconds>(
                              (now + config.timeout).time_since_epoch())
                              .count();
    response.status = 200;
    response.set_header("Lambda-Runtime-Aws-Request-Id", invocation.request_id);
    response.set_header("Lambda-Runtime-Deadline-Ms", std::to_string(deadline));
    response.set_header("Lambda-Runtime-Invoked-Function-Arn", function_arn(config));
    response.set_header("Lambda-Runtime-Trace-Id", make_trace_id());
    response.set_content(invocation.event, json_type);
    invocation.handed_out = std::chrono::steady_clock::now();
    handled.push_back(std::move(invocation));
    changed.notify_all();
  }

  // Checks that `request_id` names the running invocation; renders the API's error otherwise.
  Invocation* answerable(const std::string& request_id, httplib::Response& response) {
    auto* invocation = running();
    if (invocation == nullptr) {
      const bool known = std::any_of(handled.begin(), handled.end(), [&](const Invocation& i) {
        return i.request_id == request_id;
      });
      if (!known) {
        render_error(response, 400, "InvalidRequestID", "Invalid request ID");
      } else {
        render_error(response, 403, "InvalidStateTransition",
                     fmt::format("invocation {} has already been answered", request_id));
      }
      return nullptr;
    }
    if (invocation->request_id != request_id) {
      render_error(response, 400, "InvalidRequestID", "Invalid request ID");
      return nullptr;
    }
    return invocation;
  }

  // Records the running invocation's answer, made from the body by `make`; a body over the cap
  // becomes a function error naming `what`.
  template <typename Make>
  void answer(const std::string& request_id, const httplib::ContentReader& read_body,
              std::string_view what, httplib::Response& response, Make make) {
    // Bodies are read before the state is looked at, so an oversized payload is counted, not
    // stored.
    auto body = read_capped(read_body);
    std::lock_guard lock(mutex);
    auto* invocation = answerable(request_id, response);
    if (invocation == nullptr) {
      return;
    }
    if (body.over()) {
      invocation->outcome = oversized(Outcome::Kind::function_error, what, body.size, response);
    } else {
      invocation->outcome = make(body.text);
      render_accepted(response);
    }
    changed.notify_all();
  }

  void respond(const std::string& request_id, const httplib::ContentReader& read_body,
               httplib::Response& response) {
    answer(request_id, read_body, "Response payload", response, [](std::string& text) {
      return Outcome{Outcome::Kind::response, std::move(text), ""};
    });
  }

  void fail(const std::string& request_id, const httplib::Request& request,
            const httplib::ContentReader& read_body, httplib::Response& response) {
    answer(request_id, read_body, "Error document", response, [&](const std::string& text) {
      // As Lambda reports it: the header says Unhandled or Handled, the document the error's
      // type.
      const auto header = header_type(request, "Unhandled");
      auto document = error_document(text, header);
      auto type = document_type(document, header);
      return Outcome{Outcome::Kind::function_error, std::move(document), type};
    });
  }

  void fail_init(const httplib::Request& request, const httplib::ContentReader& read_body,
                 httplib::Response& response) {
    auto body = read_capped(read_body);
    std::lock_guard lock(mutex);
    if (initialized || init_error) {
      render_error(response, 403, "InvalidStateTransition",
                   "init/error is only accepted before the first invocation/next");
      return;
    }
    if (body.over()) {
      init_error = oversized(Outcome::Kind::init_error, "Init error document", body.size, response);
    } else {
      // The runtime's classification (e.g. Runtime.ImportModuleError) names an init error best.
      auto type = header_type(request, document_type(body.text, "Runtime.Unknown"));
      auto document = error_document(body.text, type);
      init_error = Outcome{Outcome::Kind::init_error, std::move(document), type};
      render_accepted(response);
    }
    changed.notify_all();
  }

  void routes() {
    const std::string base = (secret.empty() ? "" : "/" + secret) + "/2018-06-01/runtime";
    server.Get(base + "/invocation/next",
               [this](const httplib::Request&, httplib::Response& response) { next(response); });
    server.Post(base + "/invocation/([^/]+)/response",
                [this](const httplib::Request& request, httplib::Response& response,
                       const httplib::ContentReader& read_body) {
                  respond(request.matches[1], read_body, response);
                });
    server.Post(base + "/invocation/([^/]+)/error",
                [this](const httplib::Request& request, httplib::Response& response,
                       const httplib::ContentReader& read_body) {
                  fail(request.matches[1], request, read_body, response);
                });
    server.Post(base + "/init/error",
                [this](const httplib::Request& request, httplib::Response& response,
                       const httplib::ContentReader& read_body) {
                  fail_init(request, read_body, response);
                });
    // Anything else, in particular a request without the secret, is refused.
    const auto refuse = [](const httplib::Request&, httplib::Response& response) {
      render_error(response, 403, "AccessDenied",
                   "this Runtime API serves one container: use the address in its "
                   "AWS_LAMBDA_RUNTIME_API");
    };
    server.Get(".*", refuse);
    server.Post(".*", [refuse](const httplib::Request& request, httplib::Response& response,
                               const httplib::ContentReader&) { refuse(request, response); });
    server.Put(".*", refuse);
    server.Delete(".*", refuse);
  }
};

RuntimeApi::RuntimeApi(FunctionConfig config, std::string secret)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(secret))) {
  impl_->routes();
}

RuntimeApi::~RuntimeApi() {
  stop();
}

std::uint16_t RuntimeApi::start() {
  const int port = impl_->server.bind_to_any_port("127.0.0.1");
  if (port <= 0) {
    throw Error("cannot serve the Lambda Runtime API: no free port on 127.0.0.1");
  }
  impl_->listener = std::thread([this] { impl_->server.listen_after_bind(); });
  // stop() only takes effect once the server runs.
  while (!impl_->server.is_running()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return static_cast<std::uint16_t>(port);
}

void RuntimeApi::stop() {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stopping = true;
  }
  impl_->changed.notify_all();
  if (impl_->listener.joinable()) {
    impl_->server.stop();
    impl_->listener.join();
  }
}

std::string RuntimeApi::invoke(std::string event) {
  auto request_id = make_request_id();
  {
    std::lock_guard lock(impl_->mutex);
    impl_->pending.push_back(Impl::Invocation{request_id, std::move(event), {}, {}});
  }
  impl_->changed.notify_all();
  return request_id;
}

InvocationStatus RuntimeApi::wait(const std::string& request_id,
                                  std::chrono::milliseconds timeout) {
  std::unique_lock lock(impl_->mutex);
  const auto status = [&] {
    InvocationStatus result;
    for (const auto& invocation : impl_->handled) {
      if (invocation.request_id == request_id) {
        result.handed_out = invocation.handed_out;
        result.outcome = invocation.outcome;
      }
    }
    if (!result.outcome && impl_->init_error) {
      result.outcome = impl_->init_error;
    }
    return result;
  };
  impl_->changed.wait_for(lock, timeout, [&] { return impl_->woken || status().outcome; });
  impl_->woken = false;
  return status();
}

bool RuntimeApi::wait_initialized(std::chrono::milliseconds timeout) {
  std::unique_lock lock(impl_->mutex);
  impl_->changed.wait_for(lock, timeout, [&] {
    return impl_->initialized || impl_->init_error.has_value() || impl_->woken;
  });
  impl_->woken = false;
  return impl_->initialized;
}

std::optional<Outcome> RuntimeApi::init_error() {
  std::lock_guard lock(impl_->mutex);
  return impl_->init_error;
}

void RuntimeApi::release(const std::string& request_id) {
  std::lock_guard lock(impl_->mutex);
  auto& handled = impl_->handled;
  handled.erase(std::remove_if(handled.begin(), handled.end(),
                               [&](const auto& invocation) {
                                 return invocation.request_id == request_id &&
                                        invocation.outcome.has_value();
                               }),
                handled.end());
}

void RuntimeApi::wake() {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->woken = true;
  }
  impl_->changed.notify_all();
}

const FunctionConfig& RuntimeApi::config() const {
  return impl_->config;
}

}  // namespace hubtel::lambda
