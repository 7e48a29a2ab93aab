# CLI tests of `hubtel-ai invoke`: every bad input is rejected before a container starts.
# Invokes of real images are end-to-end tests (tests/e2e/invoke.cmake).
set(_invoke_data "${CMAKE_CURRENT_SOURCE_DIR}/data/invoke")

_hubtel_cli_test(
  invoke.no-image
  COMMAND invoke --event "${_invoke_data}/event.json"
  RESULT 2
  STDOUT "^$"
  STDERR
    "^hubtel-ai: error: --image is required \\(a reference or an id\\), or --image-file <file>, or "
    "--spec <build>/hubtel/<name>/spec.json --arch <arch> for an image the build made\n")
_hubtel_cli_test(
  invoke.env-bad-name
  COMMAND invoke --image hubtel/fn:x86_64 --env 1KEY=value
  RESULT 2
  STDOUT "^$"
  STDERR
    "^hubtel-ai: error: --env: \"1KEY\" is not a variable name \\(expected \\[A-Za-z_\\]\\[A-Za-z0-9_\\]\\*\\)\n"
)
_hubtel_cli_test(
  invoke.env-no-value
  COMMAND invoke --image hubtel/fn:x86_64 --env KEY
  RESULT 2
  STDERR "^hubtel-ai: error: --env: \"KEY\" is not KEY=VALUE\n")
_hubtel_cli_test(
  invoke.env-newline
  COMMAND invoke --image hubtel/fn:x86_64 --env "KEY=one\nRUN two"
  RESULT 2
  STDERR
    "^hubtel-ai: error: --env: the value of KEY has a control character \\(a newline, a tab...\\)\n"
)
_hubtel_cli_test(
  invoke.env-runtime-api
  COMMAND invoke --image hubtel/fn:x86_64 --env AWS_LAMBDA_RUNTIME_API=10.0.0.1:80
  RESULT 2
  STDERR "^hubtel-ai: error: --env: AWS_LAMBDA_RUNTIME_API is set by invoke")
_hubtel_cli_test(
  invoke.event-missing
  COMMAND invoke --image hubtel/fn:x86_64 --event "${_invoke_data}/missing.json"
  RESULT 1
  STDOUT "^$"
  STDERR
    "^hubtel-ai: error: --event: cannot read '[^']*/missing.json': No such file or directory\n$")
_hubtel_cli_test(
  invoke.event-not-json
  COMMAND invoke --image hubtel/fn:x86_64 --event "${_invoke_data}/not-json.json"
  RESULT 1
  STDOUT "^$"
  STDERR
    "^hubtel-ai: error: event file '[^']*/not-json.json' is not valid JSON: parse error at line 1, column 19: [^\n]*\n$"
)
_hubtel_cli_test(
  invoke.event-stdin-not-json
  COMMAND invoke --image hubtel/fn:x86_64 --event -
  STDIN "${_invoke_data}/not-json.json"
  RESULT 1
  STDOUT "^$"
  STDERR
    "^hubtel-ai: error: the event on standard input is not valid JSON: parse error at line 1, column 19: [^\n]*\n$"
)
_hubtel_cli_test(
  invoke.timeout-zero
  COMMAND invoke --image hubtel/fn:x86_64 --timeout 0
  RESULT 2
  STDERR "^hubtel-ai: error: --timeout: Value 0 not in range 1 to 900\n")
_hubtel_cli_test(
  invoke.timeout-over-lambda-limit
  COMMAND invoke --image hubtel/fn:x86_64 --timeout 901
  RESULT 2
  STDERR "^hubtel-ai: error: --timeout: Value 901 not in range 1 to 900\n")
_hubtel_cli_test(
  invoke.timeout-not-a-number
  COMMAND invoke --image hubtel/fn:x86_64 --timeout 3s
  RESULT 2
  STDERR "^hubtel-ai: error: --timeout: ")
_hubtel_cli_test(
  invoke.bad-platform
  COMMAND invoke --image hubtel/fn:x86_64 --platform linux/s390x
  RESULT 2
  STDERR "^hubtel-ai: error: --platform: linux/s390x not in {linux/amd64,linux/arm64}\n")
_hubtel_cli_test(
  invoke.bad-memory
  COMMAND invoke --image hubtel/fn:x86_64 --memory 64
  RESULT 2
  STDERR "^hubtel-ai: error: --memory: Value 64 not in range 128 to 10240\n")
_hubtel_cli_test(
  invoke.bad-function-name
  COMMAND invoke --image hubtel/fn:x86_64 --function-name my.fn
  RESULT 2
  STDERR
    "^hubtel-ai: error: --function-name: \"my.fn\" is not a Lambda function name \\(1 to 64 of \\[A-Za-z0-9-_\\]\\)\n"
)
_hubtel_cli_test(
  invoke.engine-missing
  COMMAND invoke --image hubtel/fn:x86_64 --engine /nonexistent/docker
  RESULT 1
  STDOUT "^$"
  STDERR
    "^hubtel-ai: error: cannot run the container engine '/nonexistent/docker': no such program; install Debian's docker.io \\(apt-get install docker.io\\) and start dockerd, or install podman and pass --engine podman\n$"
)
_hubtel_cli_test(
  invoke.engine-not-on-path
  COMMAND invoke --image hubtel/fn:x86_64 --engine hubtel-no-such-engine
  RESULT 1
  STDERR
    "^hubtel-ai: error: cannot run the container engine 'hubtel-no-such-engine': no such program on PATH; install Debian's docker.io"
)
# An engine that answers nothing: /bin/false fails `image inspect` and `info` alike.
_hubtel_cli_test(
  invoke.engine-not-answering
  COMMAND invoke --image hubtel/fn:x86_64 --engine /bin/false
  RESULT 1
  STDOUT "^$"
  STDERR
    "^hubtel-ai: error: the container engine does not answer \\('/bin/false info' failed\\): start it \\(e.g. dockerd\\) and try again\n$"
)

file(WRITE "${CMAKE_CURRENT_BINARY_DIR}/invoke-bad.id" "hubtel/fn:x86_64\n")
_hubtel_cli_test(
  invoke.image-file-bad
  COMMAND invoke --image-file "${CMAKE_CURRENT_BINARY_DIR}/invoke-bad.id"
  RESULT 1
  STDOUT "^$"
  STDERR
    "^hubtel-ai: error: '[^']*invoke-bad.id' does not hold an image id \\(sha256:<64 hex digits>\\); build the image target again\n$"
)
_hubtel_cli_test(
  invoke.image-file-missing
  COMMAND invoke --image-file "${CMAKE_CURRENT_BINARY_DIR}/no-such.id"
  RESULT 1
  STDOUT "^$"
  STDERR "^hubtel-ai: error: .*no-such.id")
_hubtel_cli_test(
  invoke.image-and-image-file
  COMMAND invoke --image hubtel/fn:x86_64 --image-file "${CMAKE_CURRENT_BINARY_DIR}/invoke-bad.id"
  RESULT 2
  STDOUT "^$"
  STDERR "^hubtel-ai: error: --image excludes --image-file")

# The Runtime API against a stand-in engine whose runtime posts an 8 MB error document: it is
# capped as Lambda caps it, and a request without the per-invoke secret is refused.
_hubtel_cli_test(
  invoke.error-document-capped
  COMMAND invoke --image hubtel/fn:x86_64 --engine "${_invoke_data}/fake-engine.sh"
  RESULT 1
  STDOUT "^$"
  STDERR
    "REPORT RequestId: [^\n]*\n{\"errorMessage\":\"Error document size \\(8000000 bytes\\) exceeded maximum allowed payload size \\(6291456 bytes\\).\",\"errorType\":\"Function.ResponseSizeTooLarge\"}\nhubtel-ai: error: the function returned an error \\(Function.ResponseSizeTooLarge\\) for request [-0-9a-f]+\n$"
)
