#!/usr/bin/env bash
# The main job on a Debian bookworm machine (as root): set up, build and install HubtelAI, build
# the C++ example's Lambda image, invoke it on a local Runtime API, and show where its bytes went.
#
# No registry on the internet can be reached here, so the example's base image is made locally
# (a Debian bookworm root from debootstrap) and passed through HubtelAI's documented cache
# variables; in a project of your own the defaults are AWS's Lambda base images.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${HUBTEL_EXAMPLE_DIR:-$root/build-example}
state="$work/state"
mkdir -p "$state"

step() { printf '\n== %s\n' "$*"; }

step "Installing what is missing (apt)"
"$root/scripts/setup-debian.sh"

step "Building and installing HubtelAI into $work/prefix"
cmake -S "$root" -B "$work/hubtel" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DHUBTEL_AI_BUILD_TESTS=OFF -DHUBTEL_AI_BUILD_BENCHMARKS=OFF >/dev/null
cmake --build "$work/hubtel"
cmake --install "$work/hubtel" --prefix "$work/prefix" >/dev/null

step "Starting the container engine (dockerd, if it is not running) and making the base image"
"$root/tests/e2e/fixtures/engine.sh" start "$state"
"$root/tests/e2e/fixtures/base-images.sh" "$state"
base=hubtel-test/bookworm:amd64

step "Configuring examples/cpp-lambda"
cmake -S "$root/examples/cpp-lambda" -B "$work/cpp-lambda" -G Ninja \
  "-DCMAKE_PREFIX_PATH=$work/prefix" \
  "-DHUBTEL_RUNTIME_IMAGE_PROVIDED_AL2023=$base" \
  "-DHUBTEL_BUILDER_IMAGE_PROVIDED_AL2023=$base"

step "Building the image (ninja hello-image)"
cmake --build "$work/cpp-lambda" --target hello-image
step "Building it again: nothing to do"
cmake --build "$work/cpp-lambda" --target hello-image

step "Invoking it (ninja hello-invoke)"
cmake --build "$work/cpp-lambda" --target hello-invoke

step "Where its bytes went (ninja hello-size)"
cmake --build "$work/cpp-lambda" --target hello-size

step "Done"
echo "The Dockerfile: $work/cpp-lambda/hubtel/hello/Dockerfile"
echo "The image:      hubtel/hello:x86_64 ($(cat "$work/cpp-lambda/hubtel/hello/image-x86_64.id"))"
echo "Try: ninja -C $work/cpp-lambda hello-invoke"
