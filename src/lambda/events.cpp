// Sample events: see events.hpp. Each sample follows the example AWS documents for its service,
// with example.com-style names, account 123456789012 and region us-east-1.
#include "lambda/events.hpp"

#include "common/encoding.hpp"
#include "common/error.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace hubtel::lambda {
namespace {

using json = nlohmann::ordered_json;

const char* const kApigwRest = R"({
  "resource": "/{proxy+}",
  "path": "/hello",
  "httpMethod": "GET",
  "headers": {"Accept": "*/*", "Host": "abcdef1234.execute-api.us-east-1.amazonaws.com",
              "User-Agent": "curl/8.4.0", "X-Forwarded-For": "203.0.113.10",
              "X-Forwarded-Port": "443", "X-Forwarded-Proto": "https"},
  "multiValueHeaders": {"Accept": ["*/*"], "Host": ["abcdef1234.execute-api.us-east-1.amazonaws.com"],
                        "User-Agent": ["curl/8.4.0"], "X-Forwarded-For": ["203.0.113.10"],
                        "X-Forwarded-Port": ["443"], "X-Forwarded-Proto": ["https"]},
  "queryStringParameters": {"name": "Lambda"},
  "multiValueQueryStringParameters": {"name": ["Lambda"]},
  "pathParameters": {"proxy": "hello"},
  "stageVariables": null,
  "requestContext": {
    "resourceId": "a1b2c3", "resourcePath": "/{proxy+}", "httpMethod": "GET",
    "extendedRequestId": "Ab1CdEfGhIJKlMn=", "requestTime": "01/Dec/2026:12:00:00 +0000",
    "path": "/prod/hello", "accountId": "123456789012", "protocol": "HTTP/1.1", "stage": "prod",
    "domainPrefix": "abcdef1234", "requestTimeEpoch": 1796126400000,
    "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
    "identity": {"cognitoIdentityPoolId": null, "accountId": null, "cognitoIdentityId": null,
                 "caller": null, "sourceIp": "203.0.113.10", "principalOrgId": null,
                 "accessKey": null, "cognitoAuthenticationType": null,
                 "cognitoAuthenticationProvider": null, "userArn": null,
                 "userAgent": "curl/8.4.0", "user": null},
    "domainName": "abcdef1234.execute-api.us-east-1.amazonaws.com", "apiId": "abcdef1234"},
  "body": null,
  "isBase64Encoded": false
})";

const char* const kApigwHttp = R"({
  "version": "2.0",
  "routeKey": "$default",
  "rawPath": "/hello",
  "rawQueryString": "name=Lambda",
  "cookies": ["session=abc123"],
  "headers": {"accept": "*/*", "content-length": "0",
              "host": "abcdef1234.execute-api.us-east-1.amazonaws.com",
              "user-agent": "curl/8.4.0", "x-forwarded-for": "203.0.113.10",
              "x-forwarded-port": "443", "x-forwarded-proto": "https"},
  "queryStringParameters": {"name": "Lambda"},
  "requestContext": {
    "accountId": "123456789012", "apiId": "abcdef1234",
    "domainName": "abcdef1234.execute-api.us-east-1.amazonaws.com", "domainPrefix": "abcdef1234",
    "http": {"method": "GET", "path": "/hello", "protocol": "HTTP/1.1",
             "sourceIp": "203.0.113.10", "userAgent": "curl/8.4.0"},
    "requestId": "JKJaXmPLvHcESHA=", "routeKey": "$default", "stage": "$default",
    "time": "01/Dec/2026:12:00:00 +0000", "timeEpoch": 1796126400000},
  "isBase64Encoded": false
})";

const char* const kFunctionUrl = R"({
  "version": "2.0",
  "routeKey": "$default",
  "rawPath": "/hello",
  "rawQueryString": "name=Lambda",
  "cookies": ["session=abc123"],
  "headers": {"accept": "*/*", "host": "abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.on.aws",
              "user-agent": "curl/8.4.0", "x-amzn-tls-version": "TLSv1.2",
              "x-forwarded-for": "203.0.113.10", "x-forwarded-port": "443",
              "x-forwarded-proto": "https"},
  "queryStringParameters": {"name": "Lambda"},
  "requestContext": {
    "accountId": "anonymous", "apiId": "abcdefghijklmnopqrstuvwxyz012345",
    "domainName": "abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.on.aws",
    "domainPrefix": "abcdefghijklmnopqrstuvwxyz012345",
    "http": {"method": "GET", "path": "/hello", "protocol": "HTTP/1.1",
             "sourceIp": "203.0.113.10", "userAgent": "curl/8.4.0"},
    "requestId": "id-1234-5678", "routeKey": "$default", "stage": "$default",
    "time": "01/Dec/2026:12:00:00 +0000", "timeEpoch": 1796126400000},
  "isBase64Encoded": false
})";

const char* const kAlb = R"({
  "requestContext": {"elb": {"targetGroupArn":
    "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/lambda-tg/6d0ecf831eec9f09"}},
  "httpMethod": "GET",
  "path": "/hello",
  "queryStringParameters": {"name": "Lambda"},
  "headers": {"accept": "*/*", "host": "lambda-alb-123578498.us-east-1.elb.amazonaws.com",
              "user-agent": "curl/8.4.0", "x-amzn-trace-id": "Root=1-5c536348-3d683b8b04734faae651f476",
              "x-forwarded-for": "203.0.113.10", "x-forwarded-port": "80",
              "x-forwarded-proto": "http"},
  "body": "",
  "isBase64Encoded": false
})";

const char* const kS3 = R"({"Records": [{
  "eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": "us-east-1",
  "eventTime": "2026-12-01T12:00:00.000Z", "eventName": "ObjectCreated:Put",
  "userIdentity": {"principalId": "AWS:AIDAINPONIXQXHT3IKHL2"},
  "requestParameters": {"sourceIPAddress": "203.0.113.10"},
  "responseElements": {"x-amz-request-id": "C3D13FE58DE4C810",
                       "x-amz-id-2": "FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD"},
  "s3": {"s3SchemaVersion": "1.0", "configurationId": "hubtel-sample",
         "bucket": {"name": "example-bucket", "ownerIdentity": {"principalId": "A3NL1KOZZKExample"},
                    "arn": "arn:aws:s3:::example-bucket"},
         "object": {"key": "uploads/hello.txt", "size": 1024,
                    "eTag": "d41d8cd98f00b204e9800998ecf8427e", "sequencer": "0055AED6DCD90281E5"}}
}]})";

const char* const kSqs = R"({"Records": [{
  "messageId": "059f36b4-87a3-44ab-83d2-661975830a7d",
  "receiptHandle": "AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a",
  "body": "Hello from SQS!",
  "attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "1796126400000",
                 "SenderId": "AIDAIENQZJOLO23YVJ4VO",
                 "ApproximateFirstReceiveTimestamp": "1796126400001"},
  "messageAttributes": {},
  "md5OfBody": "",
  "eventSource": "aws:sqs",
  "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:example-queue",
  "awsRegion": "us-east-1"
}]})";

const char* const kSns = R"({"Records": [{
  "EventVersion": "1.0",
  "EventSubscriptionArn": "arn:aws:sns:us-east-1:123456789012:example-topic:2bcfbf39-05c3-41de-beaa-fcfcc21c8f55",
  "EventSource": "aws:sns",
  "Sns": {"SignatureVersion": "1", "Timestamp": "2026-12-01T12:00:00.000Z",
          "Signature": "EXAMPLE", "SigningCertUrl": "https://sns.us-east-1.amazonaws.com/EXAMPLE.pem",
          "MessageId": "95df01b4-ee98-5cb9-9903-4c221d41eb5e", "Message": "Hello from SNS!",
          "MessageAttributes": {}, "Type": "Notification",
          "UnsubscribeUrl": "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe",
          "TopicArn": "arn:aws:sns:us-east-1:123456789012:example-topic",
          "Subject": "Example subject"}
}]})";

const char* const kEventBridge = R"({
  "version": "0", "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718", "detail-type": "Example Event",
  "source": "com.example.app", "account": "123456789012", "time": "2026-12-01T12:00:00Z",
  "region": "us-east-1", "resources": [], "detail": {"message": "Hello from EventBridge!"}
})";

const char* const kScheduled = R"({
  "version": "0", "id": "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa", "detail-type": "Scheduled Event",
  "source": "aws.events", "account": "123456789012", "time": "2026-12-01T12:00:00Z",
  "region": "us-east-1", "resources": ["arn:aws:events:us-east-1:123456789012:rule/example-schedule"],
  "detail": {}
})";

const char* const kDynamoDb = R"({"Records": [{
  "eventID": "c4ca4238a0b923820dcc509a6f75849b", "eventName": "INSERT", "eventVersion": "1.1",
  "eventSource": "aws:dynamodb", "awsRegion": "us-east-1",
  "dynamodb": {"ApproximateCreationDateTime": 1796126400, "Keys": {"Id": {"N": "101"}},
               "NewImage": {"Message": {"S": "New item!"}, "Id": {"N": "101"}},
               "SequenceNumber": "4421584500000000017450439091", "SizeBytes": 26,
               "StreamViewType": "NEW_AND_OLD_IMAGES"},
  "eventSourceARN": "arn:aws:dynamodb:us-east-1:123456789012:table/ExampleTable/stream/2026-12-01T00:00:00.000"
}]})";

const char* const kKinesis = R"({"Records": [{
  "kinesis": {"kinesisSchemaVersion": "1.0", "partitionKey": "1",
              "sequenceNumber": "49590338271490256608559692538361571095921575989136588898",
              "data": "SGVsbG8gZnJvbSBLaW5lc2lzIQ==", "approximateArrivalTimestamp": 1796126400.0},
  "eventSource": "aws:kinesis", "eventVersion": "1.0",
  "eventID": "shardId-000000000006:49590338271490256608559692538361571095921575989136588898",
  "eventName": "aws:kinesis:record",
  "invokeIdentityArn": "arn:aws:iam::123456789012:role/lambda-role", "awsRegion": "us-east-1",
  "eventSourceARN": "arn:aws:kinesis:us-east-1:123456789012:stream/example-stream"
}]})";

const char* const kCloudWatchLogs = R"({
  "messageType": "DATA_MESSAGE", "owner": "123456789012", "logGroup": "/aws/lambda/example",
  "logStream": "2026/12/01/[$LATEST]0123456789abcdef0123456789abcdef",
  "subscriptionFilters": ["example-filter"],
  "logEvents": [{"id": "37961458213128093720473486329104916582624522580958658560",
                 "timestamp": 1796126400000, "message": "Hello from CloudWatch Logs!"}]
})";

struct Sample {
  EventKind kind;
  const char* text;
};

const std::vector<Sample>& samples() {
  static const std::vector<Sample> all{
      {{"apigw-rest", "API Gateway REST API, Lambda proxy integration (payload 1.0)"}, kApigwRest},
      {{"apigw-http", "API Gateway HTTP API (payload 2.0)"}, kApigwHttp},
      {{"function-url", "Lambda function URL (payload 2.0)"}, kFunctionUrl},
      {{"alb", "Application Load Balancer target"}, kAlb},
      {{"s3-put", "S3 notification, ObjectCreated:Put"}, kS3},
      {{"s3-delete", "S3 notification, ObjectRemoved:Delete"}, kS3},
      {{"sqs", "SQS queue, one message"}, kSqs},
      {{"sns", "SNS topic, one notification"}, kSns},
      {{"eventbridge", "EventBridge event from an application"}, kEventBridge},
      {{"scheduled", "EventBridge scheduled event"}, kScheduled},
      {{"dynamodb-stream", "DynamoDB stream, one INSERT"}, kDynamoDb},
      {{"kinesis", "Kinesis data stream, one record (data Base64-encoded)"}, kKinesis},
      {{"cloudwatch-logs",
        "CloudWatch Logs subscription (awslogs.data gzip-compressed and Base64-encoded)"},
       kCloudWatchLogs},
  };
  return all;
}

std::string kind_names() {
  std::string names;
  for (const auto& kind : event_kinds()) {
    names += (names.empty() ? "" : ", ") + std::string(kind.name);
  }
  return names;
}

// The body of an HTTP event: as it is when it is text, else Base64 with isBase64Encoded.
void set_http_body(json& event, const std::string& body) {
  const bool text = is_text(body);
  event["body"] = text ? body : base64(body);
  event["isBase64Encoded"] = !text;
}

// "a" or "an" before a kind's name, as it is read aloud (s3, sqs and sns letter by letter).
std::string_view article(std::string_view kind) {
  const bool vowel =
      !kind.empty() && std::string_view("aeiou").find(kind.front()) != std::string_view::npos;
  return vowel || kind.rfind("s3", 0) == 0 || kind == "sqs" || kind == "sns" ? "an" : "a";
}

void apply_body(std::string_view kind, json& event, const std::string& body) {
  if (kind == "apigw-rest" || kind == "apigw-http" || kind == "function-url" || kind == "alb") {
    set_http_body(event, body);
    if (event.contains("headers") && kind != "apigw-rest") {
      event["headers"]["content-length"] = std::to_string(body.size());
    }
  } else if (kind == "sqs") {
    event["Records"][0]["body"] = body;
  } else if (kind == "sns") {
    event["Records"][0]["Sns"]["Message"] = body;
  } else if (kind == "eventbridge" || kind == "scheduled") {
    try {
      event["detail"] = json::parse(body);
    } catch (const json::exception&) {
      throw Error(fmt::format("the body of {} {} event is its detail, which must be JSON",
                              article(kind), kind));
    }
  } else if (kind == "dynamodb-stream") {
    json image;
    try {
      image = json::parse(body);
    } catch (const json::exception&) {
      image = nullptr;
    }
    if (!image.is_object()) {
      throw Error(
          "the body of a dynamodb-stream event is the record's NewImage: a JSON object in "
          "DynamoDB's form, e.g. {\"Id\": {\"N\": \"101\"}}");
    }
    event["Records"][0]["dynamodb"]["NewImage"] = image;
  } else if (kind == "kinesis") {
    event["Records"][0]["kinesis"]["data"] = base64(body);
  } else if (kind == "cloudwatch-logs") {
    event["logEvents"][0]["message"] = body;
  } else {
    throw Error(fmt::format(
        "{} {} event carries no body; change it with --set <json-pointer>=<json> instead",
        article(kind), kind));
  }
}

}  // namespace

const std::vector<EventKind>& event_kinds() {
  static const std::vector<EventKind> kinds = [] {
    std::vector<EventKind> out;
    for (const auto& sample : samples()) {
      out.push_back(sample.kind);
    }
    return out;
  }();
  return kinds;
}

EventSetting parse_event_setting(std::string_view argument) {
  const auto equals = argument.find('=');
  if (equals == std::string_view::npos) {
    throw Error(
        fmt::format("--set \"{}\" has no '=': give <json-pointer>=<json>, e.g. "
                    "--set /queryStringParameters/name='\"you\"'",
                    argument));
  }
  if (argument.front() != '/') {
    throw Error(
        fmt::format("--set \"{}\" is not <json-pointer>=<json>: the pointer starts with '/', e.g. "
                    "--set /queryStringParameters/name='\"you\"'",
                    argument));
  }
  EventSetting setting;
  setting.pointer = std::string(argument.substr(0, equals));
  try {
    (void)json::json_pointer(setting.pointer);
  } catch (const json::exception& e) {
    throw Error(fmt::format("--set \"{}\": \"{}\" is not a JSON pointer ({})", argument,
                            setting.pointer, e.what()));
  }
  const auto text = std::string(argument.substr(equals + 1));
  try {
    setting.value = json::parse(text);
  } catch (const json::exception&) {
    setting.value = text;
  }
  return setting;
}

json make_event(std::string_view kind, const std::optional<std::string>& body,
                const std::vector<EventSetting>& settings) {
  const auto& all = samples();
  const auto sample =
      std::find_if(all.begin(), all.end(), [kind](const Sample& s) { return s.kind.name == kind; });
  if (sample == all.end()) {
    throw Error(fmt::format("there is no event kind \"{}\" (kinds: {})", kind, kind_names()));
  }
  auto event = json::parse(sample->text);
  if (kind == "s3-delete") {
    auto& record = event["Records"][0];
    record["eventName"] = "ObjectRemoved:Delete";
    record["s3"]["object"] = {{"key", "uploads/hello.txt"}, {"sequencer", "0055AED6DCD90281E6"}};
  }
  if (body) {
    apply_body(kind, event, *body);
  }
  for (const auto& setting : settings) {
    try {
      const json::json_pointer pointer(setting.pointer);
      if (!pointer.empty()) {
        // A new member of an object that is there, or an item of an array that is there (one
        // past its end, or "-", adds one): nothing else is made up on the way.
        const auto parent = pointer.parent_pointer();
        const auto& last = pointer.back();
        const json& holder = event.at(parent);
        if (holder.is_array()) {
          const bool append = last == "-" || last == std::to_string(holder.size());
          if (!append &&
              (last.empty() || last.find_first_not_of("0123456789") != std::string::npos ||
               (last.size() > 1 && last.front() == '0') || last.size() > 9 ||
               std::stoul(last) >= holder.size())) {
            throw Error(fmt::format(
                "--set {}: the {} event's {} has {} item{}: set one of them (0 to {}), or add one "
                "with {}/-",
                setting.pointer, kind, parent.to_string(), holder.size(),
                holder.size() == 1 ? "" : "s", holder.size() == 0 ? 0 : holder.size() - 1,
                parent.to_string()));
          }
        } else if (holder.is_null()) {
          // A member the sample leaves null (stageVariables, ...) becomes an object, or an
          // array by its first item.
          const bool index =
              !last.empty() && last.find_first_not_of("0123456789") == std::string::npos;
          if (index && last != "0") {
            throw Error(fmt::format(
                "--set {}: the {} event's {} is null; an array made there starts at {}/0",
                setting.pointer, kind, parent.to_string(), parent.to_string()));
          }
        } else if (!holder.is_object()) {
          throw Error(fmt::format(
              "--set {}: the {} event's {} is {}, which holds nothing: set it whole instead, "
              "e.g. --set {}=<json>",
              setting.pointer, kind, parent.to_string(), holder.dump().substr(0, 40),
              parent.to_string()));
        }
      }
      event[pointer] = setting.value;
    } catch (const json::exception& e) {
      // nlohmann's message after its "[json.exception...] " tag says which token failed.
      const std::string what = e.what();
      const auto tag_end = what.find("] ");
      throw Error(fmt::format("--set {}: the {} event has no place there ({})", setting.pointer,
                              kind,
                              tag_end == std::string::npos ? what : what.substr(tag_end + 2)));
    }
  }
  // What the MD5 below reads must still be there after --set (a pointer starts with '/', so the
  // event itself stays an object).
  if (kind == "sqs" && !(event.contains("Records") && event["Records"].is_array() &&
                         !event["Records"].empty() && event["Records"][0].is_object())) {
    throw Error(
        "--set left the sqs event without /Records/0, the record an SQS event carries: "
        "set its members (e.g. /Records/0/body) instead");
  }
  if (kind == "sqs") {
    auto& record = event["Records"][0];
    if (record["body"].is_string()) {
      record["md5OfBody"] = md5_hex(record["body"].get<std::string>());
    }
  }
  if (kind == "cloudwatch-logs") {
    return json{{"awslogs", {{"data", base64(gzip(event.dump()))}}}};
  }
  return event;
}

}  // namespace hubtel::lambda
