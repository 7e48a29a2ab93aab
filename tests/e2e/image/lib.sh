# Shared steps of the image end-to-end tests: configure a project against the installed HubtelAI
# and the locally made base images, build targets, and check what came out.
set -euo pipefail

docker=${DOCKER:-/usr/bin/docker}
export DOCKER_BUILDKIT=1

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# configure <source> <build> [cmake-arg...]
configure() {
  local source=$1 build=$2
  shift 2
  rm -rf "$build"
  cmake -S "$source" -B "$build" -G Ninja "-DCMAKE_PREFIX_PATH=$HUBTEL_TEST_PREFIX" \
    -DHUBTEL_ENGINE=/usr/bin/docker "$@"
}

# build <build> <target>...: prints Ninja's output and fails the test when the build fails.
build() {
  local dir=$1
  shift
  cmake --build "$dir" --target "$@" 2>&1 | tee "$dir/last-build.log"
  [ "${PIPESTATUS[0]}" -eq 0 ] || fail "building $* failed"
}

# build_fails <build> <target> <what it means if it builds>: prints the output of a build that
# must fail, and fails the test when it succeeds.
build_fails() {
  local out code
  set +e
  out=$(cmake --build "$1" --target "$2" 2>&1)
  code=$?
  set -e
  [ "$code" -ne 0 ] || fail "$3"
  printf '%s\n' "$out"
}

expect_in() {
  local text=$1 pattern=$2
  grep -Eq -- "$pattern" <<<"$text" || fail "expected /$pattern/ in:
$text"
}

expect_not_in() {
  local text=$1 pattern=$2
  if grep -Eq -- "$pattern" <<<"$text"; then
    fail "did not expect /$pattern/ in:
$text"
  fi
}

registry() {
  echo "127.0.0.1:$(cat "$HUBTEL_TEST_REGISTRY_PORT_FILE")"
}

# Every case works under the folder it is given.
mkdir -p "${1:?usage: <case>.sh <work-dir> <HubtelAI source>}"
