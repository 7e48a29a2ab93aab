#!/usr/bin/env bash
# x86_64 and arm64 images of one function: the arm64 one cross-compiled on this x86_64 machine
# against a multi-arch runtime index from the local registry, each a single-architecture image
# that answers an invoke (arm64 through QEMU).
source "$(dirname "$0")/lib.sh"
work=$1
root=$2
runtime="$(registry)/hubtel-test/bookworm:multi"
builder=hubtel-test/bookworm:amd64

configure "$root/examples/multiarch" "$work/multi" \
  "-DHUBTEL_RUNTIME_IMAGE_PROVIDED_AL2023=$runtime" "-DHUBTEL_BUILDER_IMAGE_PROVIDED_AL2023=$builder"
out=$(build "$work/multi" hello-multi-image)
# The helper says how each architecture is built, every time (the compile step itself may come
# from the build cache of an earlier run, and then prints nothing).
expect_in "$out" 'hello-multi \(arm64\): the builder runs on the build platform and cross-builds for linux/arm64'
expect_not_in "$out" 'emulating'
for arch in x86_64 arm64; do
  [ -s "$work/multi/hubtel/hello-multi/image-$arch.id" ] || fail "no image id for $arch"
done
[ "$("$docker" image inspect --format '{{.Architecture}}' hubtel/hello-multi:arm64)" = arm64 ] ||
  fail "the arm64 image is not arm64"
[ "$("$docker" image inspect --format '{{.Architecture}}' hubtel/hello-multi:x86_64)" = amd64 ] ||
  fail "the x86_64 image is not amd64"
# The builder's own ABI check passed it; the helper's agrees, on the program the image holds.
container=$("$docker" create --platform linux/arm64 hubtel/hello-multi:arm64)
"$docker" cp "$container:/var/runtime/bootstrap" "$work/multi/bootstrap-arm64"
"$docker" rm "$container" >/dev/null
"$HUBTEL_AI" abi-check "$work/multi/bootstrap-arm64" --arch arm64 || fail "abi-check refused the arm64 program"

out=$(build "$work/multi" hello-multi-invoke-arm64)
expect_in "$out" '"message":"Hello, Lambda!"'
out=$(build "$work/multi" hello-multi-invoke-x86_64)
expect_in "$out" '"message":"Hello, Lambda!"'

# Each architecture's size report; the arm64 image's builder is the cross builder of the host.
out=$(build "$work/multi" hello-multi-size)
expect_in "$out" 'image hubtel/hello-multi:arm64 \(linux/arm64\)'
expect_in "$out" 'shipping the builder stage \(it runs on linux/amd64 and cross-compiles\) would be'
echo "multiarch image test passed"
