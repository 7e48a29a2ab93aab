# CLI tests of `hubtel-ai size` inputs that are registry references, for the errors no registry is
# needed for: an input that is neither a file nor a reference, a malformed --platform, --platform
# with a file, and a registry that does not answer. tests/e2e/size/registry.sh reads real ones.
_hubtel_cli_test(
  size.registry.not-a-reference
  COMMAND size "localhost:5000/Team/App:v1"
  RESULT 1
  STDOUT "^$"
  STDERR
    "^hubtel-ai: error: 'localhost:5000/Team/App:v1' is no file, and no registry reference either \\(host\\[:port\\]/repository:tag or host\\[:port\\]/repository@sha256:<digest>; repository names are lower case\\)\n$"
)
_hubtel_cli_test(
  size.registry.bare-name
  COMMAND size "absent-image"
  RESULT 1
  STDOUT "^$"
  STDERR "^hubtel-ai: error: cannot read 'absent-image': No such file or directory\n$")
_hubtel_cli_test(
  size.registry.bad-platform
  COMMAND size "127.0.0.1:1/team/app:v1" --platform linux
  RESULT 2
  STDOUT "^$"
  STDERR "--platform: 'linux' is not os/arch\\[/variant\\] \\(e\\.g\\. linux/amd64, linux/arm64\\)")
_hubtel_cli_test(
  size.registry.platform-with-file
  COMMAND size "${PROJECT_SOURCE_DIR}/README.md" --platform linux/amd64
  RESULT 2
  STDOUT "^$"
  STDERR
    "^hubtel-ai: error: --platform picks an image from a registry index; '[^\n]*README.md' is a file\n$"
)
_hubtel_cli_test(
  size.registry.unreachable
  COMMAND
    size
    "127.0.0.1:1/team/app@sha256:0000000000000000000000000000000000000000000000000000000000000000"
  RESULT 1
  STDOUT "^$"
  STDERR
    "^hubtel-ai: error: size 127.0.0.1:1/team/app@sha256:0+: cannot reach the registry at http://127.0.0.1:1 \\([^\n]*\\); is it running and reachable from here\\?\n$"
)
_hubtel_cli_test(
  size.registry.control-character
  COMMAND size "127.0.0.1:5000/team/app:v1\nsecond-line"
  RESULT 1
  STDOUT "^$"
  STDERR
    "^hubtel-ai: error: \"127.0.0.1:5000/team/app:v1\\\\nsecond-line\" holds a control character: it is no file name or registry reference this reads \\([^\n]*\\)\n$"
)
_hubtel_cli_test(
  size.registry.localhost-any-case
  COMMAND size "LOCALHOST:1/team/app:v1"
  RESULT 1
  STDOUT "^$"
  STDERR
    "^hubtel-ai: error: size LOCALHOST:1/team/app:v1: cannot reach the registry at http://LOCALHOST:1 [^\n]*\n$"
)
