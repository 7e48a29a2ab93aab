# CLI tests of `hubtel-ai event`: the kinds, a body from a file and from standard input, and each
# refusal with its message.
set(_event_data "${CMAKE_CURRENT_BINARY_DIR}/event")
file(MAKE_DIRECTORY "${_event_data}")
file(WRITE "${_event_data}/body.json" "{\"order\": 42}")
file(WRITE "${_event_data}/words.txt" "Hello from a file")

_hubtel_cli_test(
  event.list
  COMMAND event --list
  RESULT 0
  STDOUT
    "^apigw-rest +API Gateway REST API[^\n]*\napigw-http [^\n]*\nfunction-url [^\n]*\nalb [^\n]*\ns3-put [^\n]*\ns3-delete [^\n]*\nsqs [^\n]*\nsns [^\n]*\neventbridge [^\n]*\nscheduled [^\n]*\ndynamodb-stream [^\n]*\nkinesis [^\n]*\ncloudwatch-logs [^\n]*\n$"
  STDERR "^$")
_hubtel_cli_test(
  event.apigw-http-with-body
  COMMAND event apigw-http --body "${_event_data}/body.json" --set
          "/requestContext/http/method=\"POST\""
  RESULT 0
  STDOUT "\"version\": \"2.0\".*\"method\": \"POST\".*\"body\": \"{\\\\\"order\\\\\": 42}\""
  STDERR "^$")
_hubtel_cli_test(
  event.sqs-from-stdin
  COMMAND event sqs --body -
  STDIN "${_event_data}/words.txt"
  RESULT 0
  STDOUT "\"body\": \"Hello from a file\".*\"md5OfBody\": \"[0-9a-f]+\"")
_hubtel_cli_test(
  event.cloudwatch-logs
  COMMAND event cloudwatch-logs
  RESULT 0
  STDOUT "^{\n  \"awslogs\": {\n    \"data\": \"H4sI[A-Za-z0-9+/=]+\"\n  }\n}\n$")
_hubtel_cli_test(
  event.unknown-kind
  COMMAND event java
  RESULT 1
  STDOUT "^$"
  STDERR
    "^hubtel-ai: error: there is no event kind \"java\" \\(kinds: apigw-rest, apigw-http, function-url, alb, s3-put, s3-delete, sqs, sns, eventbridge, scheduled, dynamodb-stream, kinesis, cloudwatch-logs\\)\n$"
)
_hubtel_cli_test(
  event.no-kind
  COMMAND event
  RESULT 2
  STDERR "^hubtel-ai: error: a kind \\(or --list\\) is required")
_hubtel_cli_test(
  event.list-and-kind
  COMMAND event sqs --list
  RESULT 2
  STDERR "^hubtel-ai: error: [^\n]*--list[^\n]*takes no kind")
_hubtel_cli_test(
  event.no-body-for-s3
  COMMAND event s3-put --body "${_event_data}/words.txt"
  RESULT 1
  STDERR
    "^hubtel-ai: error: an s3-put event carries no body; change it with --set <json-pointer>=<json> instead\n$"
)
_hubtel_cli_test(
  event.detail-not-json
  COMMAND event eventbridge --body "${_event_data}/words.txt"
  RESULT 1
  STDERR "^hubtel-ai: error: the body of an eventbridge event is its detail, which must be JSON\n$")
_hubtel_cli_test(
  event.pointer-without-slash
  COMMAND event sqs --set name=1
  RESULT 1
  STDERR
    "^hubtel-ai: error: --set \"name=1\" is not <json-pointer>=<json>: the pointer starts with '/'")
_hubtel_cli_test(
  event.pointer-nowhere
  COMMAND event sqs --set /Records/x/y=1
  RESULT 1
  STDERR
    "^hubtel-ai: error: --set /Records/x/y: the sqs event has no place there \\(unresolved reference token 'x'\\)\n$"
)
_hubtel_cli_test(
  event.set-without-equals
  COMMAND event sqs --set /Records/0/body
  RESULT 1
  STDERR "^hubtel-ai: error: --set \"/Records/0/body\" has no '=': give <json-pointer>=<json>")
# An item past an array's end is never made up (nlohmann would pad the array with nulls).
_hubtel_cli_test(
  event.set-past-the-end
  COMMAND event sqs --set "/Records/5={}"
  RESULT 1
  STDERR
    "^hubtel-ai: error: --set /Records/5: the sqs event's /Records has 1 item: set one of them \\(0 to 0\\), or add one with /Records/-\n$"
)
_hubtel_cli_test(
  event.set-into-text
  COMMAND event sqs --set /Records/0/body/x=1
  RESULT 1
  STDERR
    "^hubtel-ai: error: --set /Records/0/body/x: the sqs event's /Records/0/body is \"Hello from SQS!\", which holds nothing: set it whole instead, e.g. --set /Records/0/body=<json>\n$"
)
# A member the sample leaves null becomes what is set into it; only a made-up array index is refused.
_hubtel_cli_test(event.set-into-null COMMAND event apigw-rest --set "/stageVariables/stage=\"beta\""
                 STDOUT "\"stageVariables\": {\n    \"stage\": \"beta\"\n  }")
_hubtel_cli_test(
  event.set-index-into-null
  COMMAND event apigw-rest --set /stageVariables/3=1
  RESULT 1
  STDERR
    "^hubtel-ai: error: --set /stageVariables/3: the apigw-rest event's /stageVariables is null; an array made there starts at /stageVariables/0\n$"
)
_hubtel_cli_test(
  event.set-records-away
  COMMAND event sqs --set /Records=5
  RESULT 1
  STDERR
    "^hubtel-ai: error: --set left the sqs event without /Records/0, the record an SQS event carries"
)
_hubtel_cli_test(
  event.detail-not-json-scheduled
  COMMAND event scheduled --body "${_event_data}/words.txt"
  RESULT 1
  STDERR "^hubtel-ai: error: the body of a scheduled event is its detail, which must be JSON\n$")
_hubtel_cli_test(
  event.missing-body-file
  COMMAND event sqs --body "${_event_data}/missing.txt"
  RESULT 1
  STDERR
    "^hubtel-ai: error: cannot read the body file [^\n]*missing.txt: it is missing or unreadable\n$"
)

# One byte over Lambda's 6 MB request limit, made when the tests run.
add_test(NAME cli.event.setup COMMAND sh -c "head -c 6291457 /dev/zero > '${_event_data}/big'")
set_tests_properties(cli.event.setup PROPERTIES FIXTURES_SETUP hubtel_event_big LABELS cli)
_hubtel_cli_test(
  event.body-too-large
  COMMAND event sqs --body -
  STDIN "${_event_data}/big"
  RESULT 1
  STDERR
    "^hubtel-ai: error: the body from standard input is over 6291456 bytes, Lambda's limit for a request\n$"
)
set_tests_properties(cli.event.body-too-large PROPERTIES FIXTURES_REQUIRED hubtel_event_big)
