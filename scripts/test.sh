#!/usr/bin/env bash
# Sets up a Debian bookworm machine (as root; apt installs what is missing) and runs HubtelAI's
# whole test suite: unit, command line, CMake cases, format checks, and end-to-end tests against
# a real dockerd, a local registry and moto_server, which the tests start and stop themselves.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${HUBTEL_BUILD_DIR:-$root/build-test}

"$root/scripts/setup-debian.sh"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DHUBTEL_AI_WERROR=ON
cmake --build "$build"
ctest --test-dir "$build" --output-on-failure --parallel 2 "$@"
