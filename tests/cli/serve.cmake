# CLI tests of `hubtel-ai serve`: every bad input is refused before a port is bound or a
# container starts. Serving real images is end to end (tests/e2e/invoke.cmake, serve.*).
_hubtel_cli_test(
  serve.no-image
  COMMAND serve
  RESULT 2
  STDOUT "^$"
  STDERR
    "^hubtel-ai: error: --image is required \\(a reference or an id\\), or --image-file <file>, or "
    "--spec <build>/hubtel/<name>/spec.json --arch <arch> for an image the build made\n")
_hubtel_cli_test(
  serve.bad-front
  COMMAND serve --image hubtel/fn:x86_64 --as sqs
  RESULT 2
  STDOUT "^$"
  STDERR "^hubtel-ai: error: --as: sqs not in \\{")
_hubtel_cli_test(
  serve.no-concurrency
  COMMAND serve --image hubtel/fn:x86_64 --concurrency 0
  RESULT 2
  STDERR "^hubtel-ai: error: --concurrency: Value 0 not in range 1 to 64\n")
_hubtel_cli_test(
  serve.too-much-concurrency
  COMMAND serve --image hubtel/fn:x86_64 --concurrency 65
  RESULT 2
  STDERR "^hubtel-ai: error: --concurrency: Value 65 not in range 1 to 64\n")
_hubtel_cli_test(
  serve.bad-port
  COMMAND serve --image hubtel/fn:x86_64 --port 65536
  RESULT 2
  STDERR "^hubtel-ai: error: --port: Value 65536 not in range 0 to 65535\n")
_hubtel_cli_test(
  serve.no-event
  COMMAND serve --image hubtel/fn:x86_64 --event e.json
  RESULT 2
  STDERR "^hubtel-ai: error: The following arguments were not expected: e.json --event\n")
_hubtel_cli_test(
  serve.env-newline
  COMMAND serve --image hubtel/fn:x86_64 --env "KEY=one\nRUN two"
  RESULT 2
  STDERR
    "^hubtel-ai: error: --env: the value of KEY has a control character \\(a newline, a tab...\\)\n"
)
_hubtel_cli_test(
  serve.spec-without-arch
  COMMAND serve --spec /nonexistent/spec.json
  RESULT 2
  STDERR "^hubtel-ai: error: --spec needs --arch \\(x86_64 or arm64\\)\n")
_hubtel_cli_test(
  serve.missing-engine
  COMMAND serve --image hubtel/fn:x86_64 --engine /nonexistent/docker
  RESULT 1
  STDOUT "^$"
  STDERR "^hubtel-ai: error: cannot run the container engine '/nonexistent/docker': no such program"
)

# `hubtel-ai watch`: serve's options, and a spec whose context it watches.
_hubtel_cli_test(
  watch.no-spec
  COMMAND watch
  RESULT 2
  STDOUT "^$"
  STDERR "^hubtel-ai: error: watch needs --spec and --arch, and no --image or --image-file: it "
         "watches the context of the image the spec describes")
_hubtel_cli_test(
  watch.image
  COMMAND watch --image hubtel/fn:x86_64
  RESULT 2
  STDERR "^hubtel-ai: error: watch needs --spec and --arch, and no --image")
_hubtel_cli_test(
  watch.spec-without-arch
  COMMAND watch --spec /nonexistent/spec.json
  RESULT 2
  STDERR "^hubtel-ai: error: --spec needs --arch \\(x86_64 or arm64\\)\n")
_hubtel_cli_test(
  watch.missing-spec
  COMMAND watch --spec /nonexistent/spec.json --arch x86_64
  RESULT 1
  STDERR "^hubtel-ai: error: the image spec '/nonexistent/spec.json' cannot be read")
_hubtel_cli_test(
  watch.bad-front
  COMMAND watch --spec /nonexistent/spec.json --arch x86_64 --as sqs
  RESULT 2
  STDERR "^hubtel-ai: error: --as: sqs not in \\{")
