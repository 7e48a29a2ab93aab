#!/usr/bin/env bash
# The registry build cache: build with HUBTEL_REGISTRY_CACHE, push the cache, wipe this image's
# local images and the engine's whole build cache, then build as another machine would, from
# another copy of the sources (other paths, other file times) in another build folder: the
# compile step comes from the registry, not from the compiler.
source "$(dirname "$0")/lib.sh"
work=$1
root=$2
reg=$(registry)
base="$reg/hubtel-test/bookworm:multi"
project="$work/cache-src"
rm -rf "$project"
cp -r "$root/tests/e2e/projects/two-images" "$project"
echo "// cache test $(date +%s%N)" >>"$project/one.cpp"

configure "$project" "$work/cache" "-DTEST_BASE=$base" "-DTEST_REGISTRY=$reg" \
  -DHUBTEL_REGISTRY_CACHE=ON
# The push sends the image and, with HUBTEL_REGISTRY_CACHE, its build cache.
out=$(build "$work/cache" one-push)
expect_in "$out" "pushed the build cache of one \\(x86_64\\)"

wipe() {
  "$docker" rmi -f hubtel/one:x86_64 "$reg/one:hubtel-cache-x86_64" \
    "$reg/one:hubtel-cache-build-x86_64" "$base" >/dev/null 2>&1 || true
  "$docker" builder prune --all --force >/dev/null
}
wipe
elsewhere="$work/cache-elsewhere/src"
rm -rf "$work/cache-elsewhere"
mkdir -p "$work/cache-elsewhere"
cp -r "$project" "$elsewhere"
touch "$elsewhere"/*
configure "$elsewhere" "$work/cache-elsewhere/build" "-DTEST_BASE=$base" "-DTEST_REGISTRY=$reg" \
  -DHUBTEL_REGISTRY_CACHE=ON
out=$(build "$work/cache-elsewhere/build" one-image)
# The step that compiles is "[build 1/1] RUN ... hubtel-build"; its outcome is "#<n> CACHED", or
# "#<n> CANCELED" when the runtime stage's cache made it needless.
step=$(grep -E '^#[0-9]+ \[build 1/1\] RUN' <<<"$out" | tail -n 1 | cut -d' ' -f1)
[ -n "$step" ] || fail "no compile step in the build output"
expect_in "$out" "^$step (CACHED|CANCELED)"
expect_not_in "$out" 'Building CXX object'
echo "registry cache test passed (compile step $step came from $reg)"
