// Serves a Lambda image over HTTP: see serve.hpp. Each warm container has a Runtime API of its own
// (one invocation at a time, as in a Lambda execution environment); requests take a free one.
#include "lambda/serve.hpp"

#include "common/error.hpp"
#include "lambda/container.hpp"
#include "lambda/runtime_api.hpp"

#include <fmt/format.h>
#include <httplib.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <thread>

namespace hubtel::lambda {
namespace {

using namespace std::chrono_literals;

// One warm execution environment: a Runtime API and the container that calls it.
struct Warm {
  std::unique_ptr<RuntimeApi> api;
  std::unique_ptr<Container> container;
  std::string name;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  FunctionConfig config;  // as this container's function was started (a swap may change it)

  Warm(const InvokeRequest& function, const FunctionConfig& function_config)
      : config(function_config) {
    const auto secret = make_secret();
    api = std::make_unique<RuntimeApi>(config, secret);
    const auto port = api->start();
    process::Environment environment{
        {"AWS_LAMBDA_RUNTIME_API", fmt::format("127.0.0.1:{}/{}", port, secret)}};
    environment.insert(environment.end(), function.secret_environment.begin(),
                       function.secret_environment.end());
    name = "hubtel-serve-" + random_hex(12);
    container = std::make_unique<Container>(
        function.engine, name,
        run_command_line(function, name, lambda_environment(config, function.memory_mib)),
        std::move(environment), *api);
  }
  Warm(const Warm&) = delete;
  Warm& operator=(const Warm&) = delete;
  ~Warm() {
    container->remove();
    api->stop();
  }
};

// What one invocation on a warm container came to.
struct Answer {
  std::optional<Outcome> outcome;
  int status = 200;      // for answers without an outcome
  std::string message;   // why there is no outcome
  bool replace = false;  // the container is gone or no longer to be trusted
};

// The percent-encoded form of a decoded path or query part: the HTTP library hands both over
// decoded, so the raw forms are written again from them.
std::string encode(std::string_view text, bool keep_slash) {
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) != 0 || c == '-' || c == '.' || c == '_' || c == '~' ||
        (keep_slash && c == '/')) {
      out.push_back(c);
    } else {
      out += fmt::format("%{:02X}", byte);
    }
  }
  return out;
}

// The boundary of a multipart Content-Type (its boundary parameter, quoted or not).
std::string multipart_boundary(const std::string& content_type) {
  const auto at = content_type.find("boundary=");
  if (at == std::string::npos) {
    return {};
  }
  auto value = content_type.substr(at + 9);
  if (!value.empty() && value.front() == '"') {
    const auto end = value.find('"', 1);
    return value.substr(1, end == std::string::npos ? std::string::npos : end - 1);
  }
  return value.substr(0, value.find_first_of("; \t"));
}

// A part's name or file name inside the quotes of its Content-Disposition.
std::string quoted_part_value(const std::string& value) {
  std::string out;
  for (const char c : value) {
    if (c == '"' || c == '\\') {
      out += '\\';
    }
    if (c != '\r' && c != '\n') {
      out += c;
    }
  }
  return out;
}

std::string target_of(const httplib::Request& request) {
  auto target = encode(request.path, true);
  // The library also reads a form body into the parameters: those are not the query's.
  auto params = request.params;
  if (request.get_header_value("Content-Type").rfind("application/x-www-form-urlencoded", 0) == 0) {
    httplib::Params from_body;
    httplib::detail::parse_query_text(request.body, from_body);
    for (const auto& [key, value] : from_body) {
      const auto range = params.equal_range(key);
      for (auto it = range.first; it != range.second; ++it) {
        if (it->second == value) {
          params.erase(it);
          break;
        }
      }
    }
  }
  std::string query;
  for (const auto& [key, value] : params) {
    // Appended piece by piece: GCC 12 warns (-Wrestrict, wrongly) on "literal" + std::string.
    if (!query.empty()) {
      query += '&';
    }
    query += encode(key, false);
    query += '=';
    query += encode(value, false);
  }
  if (!query.empty()) {
    target += "?" + query;
  }
  return target;
}

class Server final : public Serving {
 public:
  Server(const ServeRequest& request, FunctionConfig config, std::ostream& err)
      : request_(request), function_(request.function), config_(std::move(config)), err_(err) {
    for (int i = 0; i < request.concurrency; ++i) {
      warm_.push_back(std::make_unique<Warm>(function_, config_));
      staged_.emplace_back();
      free_.push_back(static_cast<std::size_t>(i));
    }
  }
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Ends every wait and removes every container.
  void stop() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
      for (auto& warm : warm_) {
        if (warm) {
          warm->api->wake();
        }
      }
    }
    freed_.notify_all();
  }

  // Removes every container; returns how many there were.
  std::size_t remove_all() {
    std::vector<std::unique_ptr<Warm>> all;
    {
      std::lock_guard lock(mutex_);
      for (auto* list : {&warm_, &staged_}) {
        for (auto& warm : *list) {
          if (warm) {
            all.push_back(std::move(warm));
          }
        }
        list->clear();
      }
    }
    const auto count = all.size();
    all.clear();
    return count;
  }

  bool swap(const InvokeRequest& function, const std::function<void()>& ready) override {
    const auto config = function_config(function);
    // The new containers start beside the old ones, which serve until the new are ready.
    std::vector<std::unique_ptr<Warm>> fresh;
    bool all_ready = true;
    for (std::size_t i = 0; i < staged_.size() && all_ready; ++i) {
      try {
        fresh.push_back(std::make_unique<Warm>(function, config));
      } catch (const Error& error) {
        say(fmt::format("cannot start a container of the new image: {}", error.what()));
        all_ready = false;
      }
    }
    for (auto& warm : fresh) {
      all_ready = all_ready && wait_initialized(*warm);
    }
    if (!all_ready || interrupted()) {
      return false;  // `fresh` goes, and with it its containers
    }
    std::vector<std::unique_ptr<Warm>> old;
    {
      std::lock_guard lock(mutex_);
      function_ = function;
      config_ = config;
      // A free container is replaced now; a busy one when its request ends (release).
      for (std::size_t slot = 0; slot < staged_.size(); ++slot) {
        if (staged_[slot]) {
          old.push_back(std::move(staged_[slot]));  // of an earlier swap, never used
        }
        staged_[slot] = std::move(fresh[slot]);
      }
      for (const auto slot : free_) {
        old.push_back(std::move(warm_[slot]));
        warm_[slot] = std::move(staged_[slot]);
      }
    }
    ready();
    old.clear();  // removes their containers
    return true;
  }

  // `body` is the request's body, read by the caller.
  void handle(const httplib::Request& http, std::string body, httplib::Response& response) {
    const auto start = std::chrono::steady_clock::now();
    HttpRequest request;
    request.method = http.method;
    request.target = target_of(http);
    for (const auto& [name, value] : http.headers) {
      // The library adds these of its own.
      if (name == "REMOTE_ADDR" || name == "REMOTE_PORT" || name == "LOCAL_ADDR" ||
          name == "LOCAL_PORT") {
        continue;
      }
      request.headers.emplace_back(name, value);
    }
    request.body = std::move(body);
    request.source_ip = http.remote_addr.empty() ? "127.0.0.1" : http.remote_addr;
    // A header or query that is not UTF-8 cannot stand in JSON: its bad bytes become U+FFFD.
    const auto event =
        request_event(request_.front, request, make_request_id(), std::chrono::system_clock::now())
            .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    if (event.size() > max_payload_bytes) {
      fail(response, 413,
           fmt::format("the event is {} bytes, over Lambda's {} (the body is Base64-encoded when "
                       "it is not text)",
                       event.size(), max_payload_bytes));
    } else {
      run(event, response);
    }
    log(http.method, request.target, response.status, std::chrono::steady_clock::now() - start);
  }

  // A request with a body, which is read here whatever its type: the library would otherwise parse
  // a form's body as form fields, and refuse one over 8 KiB with a 413 of its own.
  void handle_with_body(const httplib::Request& http_request, httplib::Response& response,
                        const httplib::ContentReader& content_reader) {
    std::string body;
    bool over = false;
    const auto append = [&body, &over](std::string_view data) {
      if (data.size() > max_payload_bytes - body.size()) {
        over = true;
        return false;
      }
      body.append(data);
      return true;
    };
    bool read = false;
    if (http_request.is_multipart_form_data()) {
      // The library reads a multipart body part by part: it is written again, each part with its
      // name, file name and type, between the request's own boundaries, as the function would
      // have received it.
      const auto boundary = multipart_boundary(http_request.get_header_value("Content-Type"));
      bool first = true;
      read = content_reader(
          [&](const httplib::MultipartFormData& part) {
            std::string head = first ? "" : "\r\n";
            first = false;
            head += fmt::format("--{}\r\nContent-Disposition: form-data; name=\"{}\"", boundary,
                                quoted_part_value(part.name));
            if (!part.filename.empty()) {
              head += fmt::format("; filename=\"{}\"", quoted_part_value(part.filename));
            }
            head += "\r\n";
            if (!part.content_type.empty()) {
              head += fmt::format("Content-Type: {}\r\n", part.content_type);
            }
            return append(head + "\r\n");
          },
          [&](const char* data, std::size_t length) {
            return append({data, length});
          });
      read = read && append(fmt::format("{}--{}--\r\n", first ? "" : "\r\n", boundary));
    } else {
      read = content_reader([&](const char* data, std::size_t length) {
        return append({data, length});
      });
    }
    if (!read || over) {
      if (over || response.status == 413) {
        refuse(http_request, response, 413,
               fmt::format("the request body is over Lambda's {} bytes", max_payload_bytes));
      } else {
        refuse(http_request, response, 400,
               "the request body could not be read (cut short, or a malformed chunk)");
      }
      return;
    }
    handle(http_request, std::move(body), response);
  }

  // Answers a request the server does not take, and logs it.
  void refuse(const httplib::Request& http, httplib::Response& response, int status,
              const std::string& why) {
    fail(response, status, why);
    log(http.method, target_of(http), status, std::chrono::steady_clock::duration{});
  }

 private:
  void run(const std::string& event, httplib::Response& response) {
    const auto slot = acquire();
    if (!slot) {
      fail(response, 503, "the server is stopping");
      return;
    }
    if (!warm_[*slot]) {
      fail(response, 502, "no container could be started for this request");
      release(*slot, true);
      return;
    }
    auto& warm = *warm_[*slot];
    const auto answer = invoke(warm, event);
    if (answer.outcome) {
      respond(*answer.outcome, response);
    } else {
      fail(response, answer.status, answer.message);
    }
    release(*slot, answer.replace ||
                       (answer.outcome && answer.outcome->kind == Outcome::Kind::init_error));
  }

  Answer invoke(Warm& warm, const std::string& event) {
    Answer answer;
    const auto request_id = warm.api->invoke(event);
    for (;;) {
      const auto status = warm.api->wait(request_id, 100ms);
      if (status.outcome) {
        answer.outcome = status.outcome;
        break;
      }
      {
        std::lock_guard lock(mutex_);
        if (stopping_) {
          answer.status = 503;
          answer.message = "the server is stopping";
          answer.replace = true;
          break;
        }
      }
      if (warm.container->exited()) {
        answer.status = 502;
        answer.message =
            fmt::format("the container exited with status {} {} (Runtime.ExitError)",
                        warm.container->exit_code(),
                        status.handed_out ? "before answering" : "before asking for the event");
        answer.replace = true;
        break;
      }
      // As invoke: the timeout runs from the event's handing out; init gets at least 10 s.
      const auto timeout = std::chrono::duration_cast<std::chrono::seconds>(warm.config.timeout);
      const auto limit = status.handed_out ? timeout : std::max(timeout, std::chrono::seconds(10));
      const auto since = status.handed_out.value_or(warm.started);
      if (std::chrono::steady_clock::now() - since >= limit) {
        answer.status = 504;
        answer.message = fmt::format("the function timed out after {} s", limit.count());
        answer.replace = true;
        break;
      }
    }
    warm.api->release(request_id);
    return answer;
  }

  void respond(const Outcome& outcome, httplib::Response& response) {
    if (outcome.kind != Outcome::Kind::response) {
      // As API Gateway and function URLs answer a function error: 502, here with its document.
      response.status = 502;
      response.set_header("content-type", "application/json");
      response.body = outcome.payload;
      say(fmt::format(
          "the function {}: {}",
          outcome.kind == Outcome::Kind::init_error ? "failed to initialize" : "returned an error",
          error_excerpt(outcome.payload)));
      return;
    }
    try {
      auto http = http_response(request_.front, outcome.payload);
      response.status = http.status;
      for (auto& [name, value] : http.headers) {
        response.headers.emplace(std::move(name), std::move(value));
      }
      response.body = std::move(http.body);
    } catch (const Error& error) {
      fail(response, 502, error.what());
    }
  }

  void fail(httplib::Response& response, int status, const std::string& why) {
    response.status = status;
    response.headers.clear();
    response.set_header("content-type", "application/json");
    const char* message = status == 400   ? "Bad Request"
                          : status == 413 ? "Request Entity Too Large"
                          : status == 415 ? "Unsupported Media Type"
                          : status == 504 ? "Endpoint request timed out"
                          : status == 503 ? "Service Unavailable"
                                          : "Internal Server Error";
    response.body = nlohmann::json{{"message", message}}.dump();
    say(why);
  }

  // A free warm container; nullopt when the server stops first.
  std::optional<std::size_t> acquire() {
    std::unique_lock lock(mutex_);
    freed_.wait(lock, [this] { return stopping_ || !free_.empty(); });
    if (stopping_) {
      return std::nullopt;
    }
    const auto slot = free_.front();
    free_.pop_front();
    // One that exited while idle, or that could not start, is replaced before it takes a
    // request (the slot is this request's alone now).
    const auto* warm = warm_[slot].get();
    if (warm == nullptr || warm->container->exited()) {
      lock.unlock();
      if (warm != nullptr) {
        say(fmt::format("container {} exited with status {}; starting another", warm->name,
                        warm->container->exit_code()));
      }
      replace(slot);
    }
    return slot;
  }

  void release(std::size_t slot, bool replace_it) {
    std::unique_ptr<Warm> old;
    {
      // A container of a newer image waits for this slot: it takes the next request.
      std::lock_guard lock(mutex_);
      if (slot < staged_.size() && staged_[slot]) {
        old = std::move(warm_[slot]);
        warm_[slot] = std::move(staged_[slot]);
        replace_it = false;
      }
    }
    old.reset();
    if (replace_it) {
      replace(slot);
    }
    {
      std::lock_guard lock(mutex_);
      free_.push_back(slot);
    }
    freed_.notify_one();
  }

  void replace(std::size_t slot) {
    std::unique_ptr<Warm> old;
    {
      std::lock_guard lock(mutex_);
      if (stopping_) {
        return;
      }
      old = std::move(warm_[slot]);
    }
    old.reset();  // removes its container
    InvokeRequest function;
    FunctionConfig config;
    {
      std::lock_guard lock(mutex_);
      function = function_;
      config = config_;
    }
    std::unique_ptr<Warm> fresh;
    try {
      fresh = std::make_unique<Warm>(function, config);
    } catch (const Error& error) {
      // The slot stays empty; the next request to take it tries again.
      say(fmt::format("cannot start a container: {}", error.what()));
    }
    std::lock_guard lock(mutex_);
    warm_[slot] = std::move(fresh);
  }

  void say(const std::string& line) {
    std::lock_guard lock(output_);
    err_ << "hubtel-ai: " << line << '\n';
    err_.flush();
  }

  void log(const std::string& method, const std::string& target, int status,
           std::chrono::steady_clock::duration took) {
    std::lock_guard lock(output_);
    err_ << fmt::format("{} {} {} {:.1f} ms\n", method, target, status,
                        std::chrono::duration<double, std::milli>(took).count());
    err_.flush();
  }

  // True once the runtime asked for its first event; false when its init failed or took over
  // the function's init limit (the timeout, at least 10 s).
  bool wait_initialized(Warm& warm) {
    const auto limit =
        std::max(std::chrono::duration_cast<std::chrono::seconds>(warm.config.timeout),
                 std::chrono::seconds(10));
    while (std::chrono::steady_clock::now() - warm.started < limit) {
      if (warm.api->wait_initialized(100ms)) {
        return true;
      }
      if (const auto error = warm.api->init_error()) {
        say(fmt::format("the new image's function failed to initialize: {}",
                        error_excerpt(error->payload)));
        return false;
      }
      if (warm.container->exited()) {
        say(
            fmt::format("a container of the new image exited with status {} before its first "
                        "event",
                        warm.container->exit_code()));
        return false;
      }
      if (interrupted()) {
        return false;
      }
    }
    say(fmt::format("a container of the new image did not ask for an event within {} s",
                    limit.count()));
    return false;
  }

  // A stop was asked for: the server is stopping, or a signal came (before the loop returns).
  bool interrupted() {
    std::lock_guard lock(mutex_);
    return stopping_ || received_signal_number() != 0;
  }

  const ServeRequest& request_;
  InvokeRequest function_;  // what the containers run: a swap changes it
  FunctionConfig config_;
  std::ostream& err_;
  std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<std::unique_ptr<Warm>> warm_;
  std::vector<std::unique_ptr<Warm>> staged_;  // of a newer image, for a slot that was busy
  std::deque<std::size_t> free_;
  bool stopping_ = false;
  std::mutex output_;
};

}  // namespace

void serve(const ServeRequest& request, std::ostream& out, std::ostream& err,
           const ServeLoop& loop) {
  const auto& function = request.function;
  const auto config = function_config(function);
  if (request.concurrency < 1 || request.concurrency > 64) {
    throw Error(fmt::format("--concurrency {} is not from 1 to 64", request.concurrency),
                ExitCode::usage);
  }
  if (request.port < 0 || request.port > 65535) {
    throw Error(fmt::format("--port {} is not from 0 to 65535", request.port), ExitCode::usage);
  }
  require_engine(function.engine);
  require_image(function);

  SignalGuard signals;
  httplib::Server http;
  // SO_REUSEADDR alone: the library's default also sets SO_REUSEPORT, with which a second server
  // would share a port in use instead of being refused.
  http.set_socket_options([](socket_t socket) {
    int yes = 1;
    ::setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  int port = request.port;
  if (port == 0) {
    port = http.bind_to_any_port("127.0.0.1");
    if (port < 0) {
      throw Error("cannot listen on 127.0.0.1: no free port");
    }
  } else if (!http.bind_to_port("127.0.0.1", port)) {
    throw Error(fmt::format(
        "cannot listen on 127.0.0.1:{}: the port is in use or not allowed; pick another "
        "(--port), or leave it out for a free one",
        port));
  }
  Server server(request, config, err);
  // The requests beyond the warm containers wait in the library's threads for one to be free.
  const auto threads = static_cast<std::size_t>(request.concurrency) + 8;
  http.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  http.set_payload_max_length(max_payload_bytes);
  // One request a connection: a request refused before its body was read whole (too large, or
  // compressed) leaves bytes that must never be read as the next request.
  http.set_keep_alive_max_count(1);
  // A slow client holds a thread: bound each read, so it cannot hold the others or the shutdown.
  http.set_read_timeout(5, 0);
  // A compressed body would be inflated whole before the 6 MB check: refused before it is read.
  http.set_pre_routing_handler(
      [&server](const httplib::Request& http_request, httplib::Response& response) {
        const auto encoding = http_request.get_header_value("Content-Encoding");
        if (encoding.empty() || encoding == "identity") {
          return httplib::Server::HandlerResponse::Unhandled;
        }
        server.refuse(http_request, response, 415,
                      "a compressed request body (Content-Encoding: " + encoding +
                          ") is not served here: send it uncompressed");
        return httplib::Server::HandlerResponse::Handled;
      });
  const auto handler = [&server](const httplib::Request& http_request,
                                 httplib::Response& response) {
    server.handle(http_request, http_request.body, response);
  };
  const auto with_body = [&server](const httplib::Request& http_request,
                                   httplib::Response& response,
                                   const httplib::ContentReader& content_reader) {
    server.handle_with_body(http_request, response, content_reader);
  };
  http.Get(".*", handler);
  http.Post(".*", with_body);
  http.Put(".*", with_body);
  http.Patch(".*", with_body);
  http.Delete(".*", with_body);
  http.Options(".*", handler);

  out << fmt::format("listening on http://127.0.0.1:{}\n", port);
  out.flush();
  err << fmt::format(
      "hubtel-ai: serving {} as {} on {} warm container{}; Ctrl-C stops it and removes them\n",
      function.image, http_front_name(request.front), request.concurrency,
      request.concurrency == 1 ? "" : "s");
  err.flush();
  std::thread listener([&http] { http.listen_after_bind(); });
  // stop() does nothing to a server that is not yet running: wait for it first.
  while (!http.is_running() && listener.joinable()) {
    std::this_thread::sleep_for(1ms);
  }
  std::exception_ptr failure;
  try {
    if (loop) {
      loop(server);
    }
    while (received_signal_number() == 0) {
      std::this_thread::sleep_for(100ms);
    }
  } catch (...) {
    failure = std::current_exception();
  }
  server.stop();
  http.stop();
  listener.join();
  if (failure) {
    server.remove_all();
    std::rethrow_exception(failure);
  }
  const auto removed = server.remove_all();
  err << fmt::format("hubtel-ai: stopped by signal {}; removed {} container{}\n",
                     received_signal_number(), removed, removed == 1 ? "" : "s");
  err.flush();
}

}  // namespace hubtel::lambda
