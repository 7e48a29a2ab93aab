// The 'event' subcommand: prints a sample event of a service that invokes Lambda functions.
#include "cli/commands.hpp"
#include "common/error.hpp"
#include "lambda/events.hpp"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <fstream>
#include <iostream>
#include <memory>
#include <optional>

namespace hubtel::cli {
namespace {

// Lambda takes at most 6 MB in a synchronous request; a body over it could never be sent.
constexpr std::size_t max_body = 6 * 1024 * 1024;

std::string read_body(const std::string& source, std::istream& in) {
  std::ifstream file;
  std::istream* stream = &in;
  if (source != "-") {
    file.open(source, std::ios::binary);
    if (!file) {
      throw Error(fmt::format("cannot read the body file {}: it is missing or unreadable", source));
    }
    stream = &file;
  }
  std::string body(max_body + 1, '\0');
  stream->read(body.data(), static_cast<std::streamsize>(body.size()));
  body.resize(static_cast<std::size_t>(stream->gcount()));
  if (body.size() > max_body) {
    throw Error(fmt::format("the body from {} is over {} bytes, Lambda's limit for a request",
                            source == "-" ? "standard input" : source, max_body));
  }
  return body;
}

}  // namespace

void add_event_command(CLI::App& app, Context& context) {
  auto kind = std::make_shared<std::string>();
  auto settings = std::make_shared<std::vector<std::string>>();
  auto body = std::make_shared<std::string>();
  auto list = std::make_shared<bool>(false);
  auto* command = app.add_subcommand(
      "event", "print a sample event of a service that invokes Lambda functions, as AWS shapes it");
  command->footer(
      "--set takes a JSON pointer and a JSON value (a value that is not JSON is taken as a "
      "string), applied after --body; for cloudwatch-logs both apply to the log document that "
      "awslogs.data carries gzip-compressed and Base64-encoded. The body goes where the kind "
      "carries its payload: an HTTP body (Base64 with isBase64Encoded when it is not text), an "
      "SQS body (md5OfBody follows), an SNS message, an EventBridge detail (JSON), a DynamoDB "
      "NewImage (JSON), Kinesis data (Base64), a log event's message.");
  command->add_option("kind", *kind, "The kind of event (see --list)");
  command->add_flag("--list", *list, "Name every kind, one a line, with what it is");
  command->add_option("--set", *settings, "<json-pointer>=<json>: a value to change (repeatable)");
  command->add_option("--body", *body, "The payload: a file, or - for standard input");
  command->callback([=, &context] {
    if (*list) {
      if (!kind->empty()) {
        throw CLI::ValidationError("--list", "takes no kind");
      }
      for (const auto& each : lambda::event_kinds()) {
        context.out << fmt::format("{:<16} {}\n", each.name, each.what);
      }
      context.exit_code = 0;
      return;
    }
    if (kind->empty()) {
      throw CLI::RequiredError("a kind (or --list)");
    }
    std::vector<lambda::EventSetting> parsed;
    for (const auto& setting : *settings) {
      parsed.push_back(lambda::parse_event_setting(setting));
    }
    std::optional<std::string> payload;
    if (!body->empty()) {
      payload = read_body(*body, context.in);
    }
    context.out << lambda::make_event(*kind, payload, parsed).dump(2) << "\n";
    context.exit_code = 0;
  });
}

}  // namespace hubtel::cli
