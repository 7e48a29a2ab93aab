#!/usr/bin/env bash
# The main job on a Debian bookworm machine (as root): set up, build and install HubtelAI, build
# the C++ example's Lambda image, invoke it on a local Runtime API, show where its bytes went,
# and deploy it to a local stand-in for AWS (a registry and moto_server on loopback).
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
"$root/tests/e2e/fixtures/base-images.sh" "$state" bookworm-amd64
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

step "Deploying it to a LOCAL stand-in for AWS: a registry and moto_server on loopback"
# Nothing here reaches AWS: the image goes to a registry on 127.0.0.1 and the function to
# moto_server, with throwaway credentials in the environment. Both stop when this script ends.
stop_local() {
  "$root/tests/e2e/fixtures/moto.sh" stop "$state/moto" || true
  "$root/tests/e2e/fixtures/registry.sh" stop "$state/registry" || true
}
trap stop_local EXIT
"$root/tests/e2e/fixtures/registry.sh" start "$state/registry"
"$root/tests/e2e/fixtures/moto.sh" start "$state/moto"
export AWS_ENDPOINT_URL="http://127.0.0.1:$(cat "$state/moto/port")"
export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_DEFAULT_REGION=us-east-1
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
aws iam create-role --role-name hello-lambda --assume-role-policy-document \
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}' \
  >/dev/null
cmake "$work/cpp-lambda" "-DHELLO_REPOSITORY=127.0.0.1:$(cat "$state/registry/port")/hello" \
  -DHELLO_ROLE=arn:aws:iam::123456789012:role/hello-lambda >/dev/null
cmake --build "$work/cpp-lambda" --target hello-deploy
step "Deploying again: nothing to do"
cmake --build "$work/cpp-lambda" --target hello-deploy
aws lambda get-function --function-name hello-cpp \
  --query '{function: Configuration.FunctionName, image: Code.ImageUri, state: Configuration.State}'

# Shipping safely: each deploy publishes a version and moves the alias live to it; KEEP_IMAGES 2
# cleans up after each deploy; a rollback builds and pushes nothing.
step "A change (HELLO_GREETING=Hola), deployed: version 2, alias live moved"
cmake "$work/cpp-lambda" -DHELLO_GREETING=Hola >/dev/null
cmake --build "$work/cpp-lambda" --target hello-deploy
step "The versions (ninja hello-versions)"
cmake --build "$work/cpp-lambda" --target hello-versions
step "Rolling back (ninja hello-rollback): alias live to version 1, no build, no push"
cmake --build "$work/cpp-lambda" --target hello-rollback
cmake --build "$work/cpp-lambda" --target hello-versions
step "Another change (HELLO_GREETING=Hallo), deployed: version 3; KEEP_IMAGES 2 cleans up"
cmake "$work/cpp-lambda" -DHELLO_GREETING=Hallo >/dev/null
cmake --build "$work/cpp-lambda" --target hello-deploy
step "The clean-up's plan for keeping one (hubtel-ai gc --keep 1 --dry-run)"
"$work/prefix/bin/hubtel-ai" gc --spec "$work/cpp-lambda/hubtel/hello/spec.json" --keep 1 --dry-run

step "Done"
echo "The Dockerfile:       $work/cpp-lambda/hubtel/hello/Dockerfile"
echo "The image:            hubtel/hello:x86_64 ($(cat "$work/cpp-lambda/hubtel/hello/image-x86_64.id"))"
echo "Deployed (LOCALLY):   $(cat "$work/cpp-lambda/hubtel/hello/push-x86_64.ref")"
echo "Try: ninja -C $work/cpp-lambda hello-invoke (or hello-serve, hello-watch: README, \"The edit loop\")"
