#!/usr/bin/env bash
# The ABI gate: a program built on bookworm (glibc 2.36) for a bullseye runtime base (glibc
# 2.31) needs GLIBC versions that base lacks, so the build stage fails before an image exists,
# saying which file needs what, and the helper says where to look.
source "$(dirname "$0")/lib.sh"
work=$1
root=$2
builder=hubtel-test/bookworm:amd64
old=hubtel-test/bullseye:amd64

if ! "$docker" image inspect "$old" >/dev/null 2>&1; then
  cache=${HUBTEL_TEST_CACHE:-/var/cache/hubtel-test}
  mkdir -p "$cache"
  if [ ! -s "$cache/bullseye-amd64.tar" ]; then
    rootfs=$(mktemp -d)
    debootstrap --variant=minbase bullseye "$rootfs" http://deb.debian.org/debian >/dev/null ||
      fail "debootstrap of bullseye failed"
    tar -C "$rootfs" -cf "$cache/bullseye-amd64.tar.tmp" .
    mv "$cache/bullseye-amd64.tar.tmp" "$cache/bullseye-amd64.tar"
    rm -rf "$rootfs"
  fi
  "$docker" import "$cache/bullseye-amd64.tar" "$old" >/dev/null
fi

project="$work/abi-src"
rm -rf "$project"
cp -r "$root/tests/e2e/projects/two-images" "$project"
configure "$project" "$work/abi" "-DTEST_BASE=$builder" \
  "-DTEST_OLD_BASE=$old"
out=$(build_fails "$work/abi" old-image "a program needing a newer glibc than its base was built into an image")
expect_in "$out" 'hubtel: error: the image would not start on its runtime base \(GLIBC 2\.3[01]'
expect_in "$out" '/var/runtime/bootstrap needs GLIBC_2\.3[4-6] but the runtime base provides 2\.3[01] \(build with an older builder, e\.g\. Debian (bullseye|buster)\)'
expect_in "$out" 'hubtel-ai: error: the engine command failed'
[ ! -e "$work/abi/hubtel/old/image-x86_64.id" ] || fail "an image id was written"
"$docker" image inspect hubtel/old:x86_64 >/dev/null 2>&1 && fail "the image was built"
echo "ABI gate test passed"
