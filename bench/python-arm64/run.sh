#!/usr/bin/env bash
# Build time of the Python example's image for arm64 against x86_64 on this x86_64 machine. The
# arm64 requirements are installed by pip on the build platform (binary wheels only) and the byte
# code compiled by the builder: no step runs under QEMU. One run is one image build after an edit
# of the requirements and the handler, so pip installs and the sources compile again each time.
#
#   bench/python-arm64/run.sh --setup <installed HubtelAI prefix> <multi-arch runtime base>
#       configures the two build folders in $BENCH_DIR (default /tmp/hubtel-bench-python-arm64),
#       e.g. --setup build/e2e-prefix 127.0.0.1:5000/hubtel-test/bookworm:multi
#   bench/python-arm64/run.sh --once <x86_64|arm64>
#       one timed unit: an edit, then that architecture's image; run it under a whole-process
#       timer, the two architectures alternated (A B A B ...), and quote the median ratio.
# Needs dockerd, the base images (tests/e2e/fixtures/base-images.sh: hubtel-test/python:3.11-amd64
# builds), a registry holding the multi-arch runtime base, and binfmt for nothing: no step is
# emulated.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=${BENCH_DIR:-/tmp/hubtel-bench-python-arm64}
builder=hubtel-test/python:3.11-amd64

case ${1:-} in
  --setup)
    prefix=$(cd "${2:?usage: run.sh --setup <prefix> <multi-arch runtime base>}" && pwd)
    runtime=${3:?usage: run.sh --setup <prefix> <multi-arch runtime base>}
    rm -rf "$work"
    mkdir -p "$work"
    cp -r "$root/examples/python-lambda" "$work/src"
    # Both architectures from one call, each built by its own target.
    sed -i 's/^  RUNTIME python3.11$/  RUNTIME python3.11\n  ARCHITECTURES x86_64 arm64/' "$work/src/CMakeLists.txt"
    cmake -S "$work/src" -B "$work/build" -G Ninja "-DCMAKE_PREFIX_PATH=$prefix" \
      -DHUBTEL_ENGINE=/usr/bin/docker "-DHUBTEL_RUNTIME_IMAGE_PYTHON3_11=$runtime" \
      "-DHUBTEL_BUILDER_IMAGE_PYTHON3_11=$builder" >/dev/null
    for arch in x86_64 arm64; do
      cmake --build "$work/build" --target "hubtel/greeter/image-$arch.id" >/dev/null
    done
    echo "set up in $work"
    ;;
  --once)
    arch=${2:?usage: run.sh --once <x86_64|arm64>}
    [ -d "$work/build" ] || { echo "run.sh: run --setup first" >&2; exit 2; }
    stamp="$arch-$(date +%s%N)"
    echo "# $stamp" >>"$work/src/requirements.txt"
    echo "# $stamp" >>"$work/src/app.py"
    cmake --build "$work/build" --target "hubtel/greeter/image-$arch.id" >"$work/last-$arch.log" 2>&1 ||
      { cat "$work/last-$arch.log" >&2; exit 1; }
    ;;
  *)
    echo "usage: run.sh --setup <prefix> <multi-arch runtime base> | --once <x86_64|arm64>" >&2
    exit 2
    ;;
esac
