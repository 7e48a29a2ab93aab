// The 'invoke' subcommand: runs a Lambda image locally with one event, over a local Runtime API.
#include "lambda/invoke.hpp"
#include "cli/commands.hpp"
#include "cli/function.hpp"

#include <CLI/CLI.hpp>

namespace hubtel::cli {

void add_invoke_command(CLI::App& app, Context& context) {
  auto* command = app.add_subcommand(
      "invoke",
      "run a Lambda image locally with one event and print the function's response payload");
  command->footer(
      "A local Runtime API on 127.0.0.1 hands the event to the container (host network). The "
      "function's logs go to stderr; a function error prints its error document there and exits "
      "1. The region is $AWS_REGION (or $AWS_DEFAULT_REGION, else us-east-1).");
  auto function = add_function_options(*command, true);
  command->callback([command, function, &context] {
    auto request = resolve_function(*command, *function, true, context.err);
    lambda::invoke(request, context.in, context.out, context.err);
  });
}

}  // namespace hubtel::cli
