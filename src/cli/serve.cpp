// The 'serve' subcommand: a Lambda image behind a local HTTP front, on warm containers.
#include "lambda/serve.hpp"
#include "cli/commands.hpp"
#include "cli/function.hpp"
#include "common/error.hpp"

#include <CLI/CLI.hpp>

#include <memory>
#include <string>

namespace hubtel::cli {

void add_serve_command(CLI::App& app, Context& context) {
  auto* command = app.add_subcommand(
      "serve",
      "serve a Lambda image over HTTP on 127.0.0.1, as a function URL, an API Gateway API or an "
      "ALB fronts it, on warm containers");
  command->footer(
      "Prints 'listening on http://127.0.0.1:<port>' first. Each request becomes the front's "
      "event; a free container (started once, reused) answers it. A function error is a 502, a "
      "timeout a 504 (the container is replaced), a body over 6 MB a 413. Ctrl-C or SIGTERM "
      "stops every container it started. The function's logs and one line per request go to "
      "stderr.");
  auto function = add_function_options(*command, false);
  auto front = std::make_shared<std::string>("function-url");
  auto port = std::make_shared<int>(0);
  auto concurrency = std::make_shared<int>(1);
  command
      ->add_option("--as", *front,
                   "The front: function-url (default), apigw-http (payload 2.0), apigw-rest "
                   "(payload 1.0) or alb")
      ->check(CLI::IsMember({"function-url", "apigw-http", "apigw-rest", "alb"}));
  command->add_option("--port", *port, "The port on 127.0.0.1 (default: a free one, printed)")
      ->check(CLI::Range(0, 65535));
  command
      ->add_option("--concurrency", *concurrency,
                   "Warm containers, each one request at a time (default 1; at most 64)")
      ->check(CLI::Range(1, 64));
  command->callback([command, function, front, port, concurrency, &context] {
    lambda::ServeRequest request;
    request.function = resolve_function(*command, *function, false, context.err);
    request.front = *lambda::parse_http_front(*front);
    request.port = *port;
    request.concurrency = *concurrency;
    lambda::serve(request, context.out, context.err);
  });
}

}  // namespace hubtel::cli
