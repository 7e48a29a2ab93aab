// Serves a Lambda image over HTTP on loopback, as a function URL, an API Gateway API or an ALB
// would front it, on warm containers that are started once and reused.
#pragma once

#include "lambda/http_front.hpp"
#include "lambda/invoke.hpp"

#include <iosfwd>

namespace hubtel::lambda {

struct ServeRequest {
  InvokeRequest function;  // the image and the function's settings; its event is not used
  HttpFront front = HttpFront::function_url;
  int port = 0;         // 0: a free port, chosen and printed
  int concurrency = 1;  // warm containers; requests beyond them wait their turn
};

// Prints "listening on http://127.0.0.1:<port>" to `out`, then serves until SIGINT, SIGTERM or
// SIGHUP, and removes every container it started. Each request becomes the front's event and is
// handed to a free container; its answer becomes the HTTP response. A function error answers 502
// with the error document, a malformed response 502, a timeout 504 (the container is replaced), a
// body over Lambda's 6 MB 413. A container that exits is replaced. One line per request goes to
// `err` (method, path, status, duration), after the function's own log lines.
void serve(const ServeRequest& request, std::ostream& out, std::ostream& err);

}  // namespace hubtel::lambda
