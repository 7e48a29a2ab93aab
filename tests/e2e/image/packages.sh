#!/usr/bin/env bash
# The builder's package step: skipped when the builder has every package, and run once for ten
# images that share a builder, however many engine builds run at once.
source "$(dirname "$0")/lib.sh"
work=$1
root=$2
base=hubtel-test/bookworm:amd64
builder=hubtel-test/builder:amd64
project="$work/shared-builder-src"
rm -rf "$project"
cp -r "$root/tests/e2e/projects/shared-builder" "$project"
# A step of the builder's package stage that counts its runs in a cache mount of this run alone:
# every image's package stage is the same stage only if it runs once.
nonce="$(date +%s%N)-$$"
cat >"$project/deps.mustache" <<TEMPLATE
{{< Dockerfile.native}}
{{\$deps_extra}}
RUN --mount=type=cache,id=hubtel-test-runs-$nonce,target=/runs echo run >>/runs/count
{{/deps_extra}}
{{/Dockerfile.native}}
TEMPLATE

configure "$project" "$work/shared-builder" "-DTEST_BASE=$base" "-DTEST_BUILDER=$builder" \
  -DTEST_IMAGES=10 -DHUBTEL_ENGINE_JOBS=4 >/dev/null
out=$(cmake --build "$work/shared-builder" --target images -- -j4 2>&1) ||
  fail "building ten images failed:
$out"
for i in $(seq 10); do
  expect_in "$(cat "$work/shared-builder/hubtel/f$i/image-x86_64.id")" '^sha256:[0-9a-f]{64}$'
done
# The builder has every package: its package database, read before the build, says so, and
# the deps stage has no package step: neither the package manager nor its script ran.
expect_in "$out" "hubtel: f1 \\(x86_64\\): the builder $builder has every package the build needs: no package step"
expect_in "$out" '\[deps-present'
expect_not_in "$out" 'apt-get update|hubtel: installing|every package is installed already'

# A step of its own (never cached), not --no-cache: that would mount the cache empty.
runs=$(printf '%s\n' "FROM $base" \
  "RUN --mount=type=cache,id=hubtel-test-runs-$nonce,target=/runs cat /runs/count # $(date +%s%N)" |
  "$docker" build --progress=plain - 2>&1 | grep -cE '^#[0-9]+ [0-9.]+ run$' || true)
[ "$runs" = 1 ] || fail "the package stage of ten images ran $runs times, not once"

# A builder that lacks a package installs just that one.
sed -i 's/BUILDER_IMAGE \${TEST_BUILDER}/BUILDER_IMAGE ${TEST_BUILDER} BUILDER_PACKAGES zlib1g-dev/' \
  "$project/CMakeLists.txt"
configure "$project" "$work/shared-builder" "-DTEST_BASE=$base" "-DTEST_BUILDER=$builder" \
  -DTEST_IMAGES=1 >/dev/null
out=$(build "$work/shared-builder" f1-image)
expect_in "$out" 'hubtel: installing zlib1g-dev$'
expect_not_in "$out" 'no package step'

echo "packages test passed"
