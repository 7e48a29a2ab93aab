#!/usr/bin/env bash
# Failures at build time: no engine, and a failing engine build. Each says which command failed
# and what to do, and leaves no image id behind.
source "$(dirname "$0")/lib.sh"
work=$1
root=$2
base=hubtel-test/bookworm:amd64
project="$work/errors-src"
rm -rf "$project"
cp -r "$root/tests/e2e/projects/two-images" "$project"

configure "$project" "$work/no-engine" "-DTEST_BASE=$base" -DHUBTEL_ENGINE=/nonexistent/docker
out=$(build_fails "$work/no-engine" one-image "a build without an engine succeeded")
expect_in "$out" "hubtel-ai: error: .*(cannot run '/nonexistent/docker'|no container engine)"
[ ! -e "$work/no-engine/hubtel/one/image-x86_64.id" ] || fail "an image id was left behind"

configure "$project" "$work/bad-package" "-DTEST_BASE=$base" \
  -DTEST_BAD_PACKAGE=ON
out=$(build_fails "$work/bad-package" bad-image "a build with a missing package succeeded")
expect_in "$out" 'hubtel-ai: error: the engine command failed with exit code [0-9]+: /usr/bin/docker build'
expect_not_in "$out" 'cannot get the base image'
[ ! -e "$work/bad-package/hubtel/bad/image-x86_64.id" ] || fail "an image id was left behind"

# A program that is no engine (it ends well and builds nothing): the build says so.
configure "$project" "$work/true-engine" "-DTEST_BASE=$base" -DHUBTEL_ENGINE=/bin/true
out=$(build_fails "$work/true-engine" one-image "a build with /bin/true as the engine succeeded")
# (Its base images are looked up first, and it prints no image id for them.)
expect_in "$out" "hubtel-ai: error: the engine /bin/true ended well but printed no image id for the base image $base: is it docker, podman or buildah\? \(HUBTEL_ENGINE names it\)"
[ ! -e "$work/true-engine/hubtel/one/image-x86_64.id" ] || fail "an image id was left behind"

# A base image the engine does not have and cannot pull (nothing can be pulled here): the error
# names the image and the settings that pick it, from the step that locks the bases, before any
# build.
configure "$project" "$work/no-base" "-DTEST_BASE=hubtel-test/missing-base:none"
out=$(build_fails "$work/no-base" one-image "a build on a missing base image succeeded")
expect_in "$out" 'hubtel-ai: error: cannot lock the base image hubtel-test/missing-base:none of one: the engine does not have it, and its registry cannot say what it is'
expect_in "$out" '^the engine cannot get the base image hubtel-test/missing-base:none: pull it or log in to its registry, or name an image the engine has \(RUNTIME_IMAGE and BUILDER_IMAGE of hubtel_add_lambda_image\(\), or HUBTEL_RUNTIME_IMAGE_<RUNTIME> and HUBTEL_BUILDER_IMAGE_<RUNTIME>'
[ ! -e "$work/no-base/hubtel/one/bases.lock" ] || fail "a failed lock step wrote a lock"
[ ! -e "$work/no-base/hubtel/one/image-x86_64.id" ] || fail "an image id was left behind"

# An arm64 image on amd64-only bases: the engine's own message is a failed registry lookup, so
# the build says what a single-architecture base does to a foreign build.
configure "$project" "$work/single-arch" "-DTEST_BASE=$base" -DTEST_SINGLE_ARCH_ARM64=ON
out=$(build_fails "$work/single-arch" foreign-image "an arm64 build on an amd64-only base succeeded")
expect_in "$out" 'building for linux/arm64: a base image with no arm64 variant \(a single-architecture image\) fails this way'
[ ! -e "$work/single-arch/hubtel/foreign/image-arm64.id" ] || fail "an image id was left behind"
echo "error test passed"
