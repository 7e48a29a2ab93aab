// Sample events of the services that invoke Lambda functions, in the shapes AWS documents, for
// `hubtel-ai event` and `<name>-invoke` (EVENT_KIND).
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hubtel::lambda {

struct EventKind {
  std::string_view name;
  std::string_view what;  // one line: the service and the shape
};

// Every kind, in the order `hubtel-ai event --list` prints them.
const std::vector<EventKind>& event_kinds();

// A change to a sample event: the value at a JSON pointer.
struct EventSetting {
  std::string pointer;  // e.g. /queryStringParameters/name
  nlohmann::ordered_json value;
};

// Reads "<json-pointer>=<json>" (as --set takes it); a value that is not JSON is taken as a
// string. Throws Error naming the argument when the pointer is not one.
EventSetting parse_event_setting(std::string_view argument);

// The sample event of `kind`, with `body` (when given) where that kind carries its payload, then
// each setting applied in order. For cloudwatch-logs the settings and the body apply to the log
// document that Lambda delivers gzip-compressed and Base64-encoded in awslogs.data. Throws Error
// for an unknown kind (naming the kinds), a body a kind cannot carry (s3-put, s3-delete, and for
// dynamodb-stream anything but a JSON object, its NewImage), or a pointer that cannot be set.
nlohmann::ordered_json make_event(std::string_view kind, const std::optional<std::string>& body,
                                  const std::vector<EventSetting>& settings);

}  // namespace hubtel::lambda
