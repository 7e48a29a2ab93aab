// Serves a Lambda image over HTTP on loopback, as a function URL, an API Gateway API or an ALB
// would front it, on warm containers that are started once and reused.
#pragma once

#include "lambda/http_front.hpp"
#include "lambda/invoke.hpp"

#include <cstddef>
#include <functional>
#include <iosfwd>
#include <string>

namespace hubtel::lambda {

struct ServeRequest {
  InvokeRequest function;  // the image and the function's settings; its event is not used
  HttpFront front = HttpFront::function_url;
  int port = 0;         // 0: a free port, chosen and printed
  int concurrency = 1;  // warm containers; requests beyond them wait their turn
};

// What runs beside a server (see ServeLoop) can do to it.
class Serving {
 public:
  virtual ~Serving() = default;
  // Puts `function` (its image and settings) in place of what the containers run: starts as
  // many containers of it and waits for each to end its init, the old ones serving meanwhile.
  // When all did, replaces every free container at once and each busy one when its request
  // ends, so every request from then on reaches the new function; calls `ready` then, before the
  // old ones are removed, and returns true. When one did not (it exited, failed its init, or
  // took over the init limit: said on stderr), or a stop came first, nothing changes and it
  // returns false. Throws Error when the function's settings are invalid.
  virtual bool swap(const InvokeRequest& function, const std::function<void()>& ready) = 0;
};

// Runs on the calling thread while the server serves; the server stops once it returns and a
// signal has come (it should return soon after received_signal_number() is not 0). What it
// throws stops the server and is thrown on.
using ServeLoop = std::function<void(Serving&)>;

// Prints "listening on http://127.0.0.1:<port>" to `out`, then serves until SIGINT, SIGTERM or
// SIGHUP, and removes every container it started. Each request becomes the front's event and is
// handed to a free container; its answer becomes the HTTP response. A function error answers 502
// with the error document, a malformed response 502, a timeout 504 (the container is replaced), a
// body over Lambda's 6 MB 413. A container that exits is replaced. One line per request goes to
// `err` (method, path, status, duration); the function's own log lines come as the engine
// passes them on, often after it. A header or query that is not UTF-8 reaches the function with
// U+FFFD in place of each bad byte.
void serve(const ServeRequest& request, std::ostream& out, std::ostream& err,
           const ServeLoop& loop = {});

}  // namespace hubtel::lambda
