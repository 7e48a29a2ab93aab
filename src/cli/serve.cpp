// The 'serve' and 'watch' subcommands: a Lambda image behind a local HTTP front, on warm
// containers; watch also builds it again when its context changes and serves the new image.
#include "lambda/serve.hpp"
#include "cli/commands.hpp"
#include "cli/function.hpp"
#include "cli/watch.hpp"
#include "common/error.hpp"
#include "process/process.hpp"
#include "spec/image_spec.hpp"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <memory>
#include <string>
#include <vector>

namespace hubtel::cli {
namespace {

struct ServeOptions {
  std::shared_ptr<FunctionOptions> function;
  std::string front = "function-url";
  int port = 0;
  int concurrency = 1;
};

// The options serve and watch share: the function's, --as, --port and --concurrency.
std::shared_ptr<ServeOptions> add_serve_options(CLI::App& command) {
  auto options = std::make_shared<ServeOptions>();
  options->function = add_function_options(command, false);
  command
      .add_option("--as", options->front,
                  "The front: function-url (default), apigw-http (payload 2.0), apigw-rest "
                  "(payload 1.0) or alb")
      ->check(CLI::IsMember({"function-url", "apigw-http", "apigw-rest", "alb"}));
  command
      .add_option("--port", options->port, "The port on 127.0.0.1 (default: a free one, printed)")
      ->check(CLI::Range(0, 65535));
  command
      .add_option("--concurrency", options->concurrency,
                  "Warm containers, each one request at a time (default 1; at most 64)")
      ->check(CLI::Range(1, 64));
  return options;
}

lambda::ServeRequest serve_request(const CLI::App& command, const ServeOptions& options,
                                   std::ostream& err) {
  lambda::ServeRequest request;
  request.function = resolve_function(command, *options.function, false, err);
  request.front = *lambda::parse_http_front(options.front);
  request.port = options.port;
  request.concurrency = options.concurrency;
  return request;
}

}  // namespace

void add_serve_command(CLI::App& app, Context& context) {
  auto* command = app.add_subcommand(
      "serve",
      "serve a Lambda image over HTTP on 127.0.0.1, as a function URL, an API Gateway API or an "
      "ALB fronts it, on warm containers");
  command->footer(
      "Prints 'listening on http://127.0.0.1:<port>' first. Each request becomes the front's "
      "event; a free container (started once, reused) answers it. A function error is a 502, "
      "as is an answer without statusCode behind apigw-rest or alb (function-url and apigw-http "
      "take one as a 200 with the JSON as body), a timeout a 504 (the container is replaced), a "
      "body over 6 MB a 413, a compressed body a 415. Ctrl-C or SIGTERM stops every container it "
      "started. The function's logs and one line per request go to stderr.");
  auto options = add_serve_options(*command);
  command->callback([command, options, &context] {
    lambda::serve(serve_request(*command, *options, context.err), context.out, context.err);
  });
}

void add_watch_command(CLI::App& app, Context& context) {
  auto* command = app.add_subcommand(
      "watch",
      "serve a Lambda image as 'serve' does, build it again when a file of its context changes, "
      "and serve the new image once it is ready");
  command->footer(
      "Needs --spec and --arch. After 'listening on', it looks at the files of the image's build "
      "context every 0.2 s (less often when reading them takes long); after a change it runs the "
      "build command (default: cmake --build <build tree> --target <name>-image; <name>-watch "
      "gives the command that builds this architecture's image alone), its output on stderr. "
      "When that makes another image (or the spec gives the function other settings), "
      "containers of it start beside the serving ones, and once they are ready every later "
      "request reaches them: 'ready in <s> s from the save (build <s> s): <id>' is printed on "
      "stdout then. A build that fails, or a new image that does not start, leaves the previous "
      "one serving.");
  auto options = add_serve_options(*command);
  // watch serves what the spec's build records: no image of another origin (refused below).
  command->get_option("--image")->group("");
  command->get_option("--image-file")->group("");
  auto build = std::make_shared<std::vector<std::string>>();
  command->add_option("build", *build,
                      "The build command that makes the image again, after '--' (argv, not a "
                      "shell line)");
  command->callback([command, options, build, &context] {
    const auto& function = *options->function;
    if (function.spec_file.empty() || !function.image_file.empty() ||
        command->count("--image") > 0) {
      throw Error(
          "watch needs --spec and --arch, and no --image or --image-file: it watches the "
          "context of the image the spec describes, and serves what its build records",
          ExitCode::usage);
    }
    auto request = serve_request(*command, *options, context.err);
    WatchSettings settings;
    settings.spec_file = function.spec_file;
    settings.function = request.function;
    settings.resolve = [command, options, &context] {
      return resolve_function(*command, *options->function, false, context.err);
    };
    settings.build_command = *build;
    if (settings.build_command.empty()) {
      const auto spec = spec::read(function.spec_file);
      const auto tree = spec.dir.parent_path().parent_path();
      settings.build_command = {"cmake", "--build", tree.string(), "--target",
                                spec.name + "-image"};
    }
    if (!process::can_run(settings.build_command.front())) {
      throw Error(fmt::format("cannot run the build command '{}': no such program; give the "
                              "command that builds the image after '--' (e.g. cmake --build "
                              "<build tree> --target <name>-image)",
                              settings.build_command.front()),
                  ExitCode::usage);
    }
    lambda::serve(request, context.out, context.err,
                  watch_loop(std::move(settings), context.out, context.err));
  });
}

}  // namespace hubtel::cli
