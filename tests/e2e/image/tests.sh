#!/usr/bin/env bash
# TESTS ON: the builder builds the project's tests and runs ctest before the runtime stage takes
# anything. Passing tests build the image with ctest's summary in the log; a test edited to fail
# fails the image's build with ctest's output and leaves its id as it was; the fix builds it
# again; TEST_ARGS selects tests; arm64, cross-compiled, runs its tests under QEMU.
source "$(dirname "$0")/lib.sh"
work=$1
root=$2
base=hubtel-test/bookworm:amd64
project="$work/tested-src"
tree="$work/tested"
rm -rf "$project"
cp -r "$root/tests/e2e/projects/tested" "$project"
# A file of this run alone in the context: the engine's cache of an earlier run, whose steps ran
# the same tests on the same sources, is not taken, and each step below runs the tests.
date +%s%N >"$project/run.txt"
id_file="$tree/hubtel/tested/image-x86_64.id"

configure "$project" "$tree" "-DTEST_BASE=$base"
out=$(build "$tree" tested-image)
expect_in "$out" "tested \(x86_64\): running the project's tests: ctest --output-on-failure --no-tests=error"
expect_in "$out" '100% tests passed, 0 tests failed out of 2'
[ -s "$id_file" ] || fail "no image id after the tests passed"
id=$(cat "$id_file")
out=$(build "$tree" tested-image)
expect_in "$out" 'no work to do'

# A test edited to fail: the edit builds the image again, ctest's output shows why, the error
# names the image, and the image id is the one before.
sed -i 's/const int expected = 5;/const int expected = 7;/' "$project/check_sum.cpp"
out=$(build_fails "$tree" tested-image "the image built although a test fails")
expect_in "$out" 'check_sum: 2 \+ 3 = 5, expected 7'
expect_in "$out" '50% tests passed, 1 tests failed out of 2'
expect_in "$out" "hubtel-ai: error: Lambda image tested \(x86_64\): the project's tests failed \(ctest's output is above\), so the image was not built; TEST_ARGS passes options to ctest"
[ "$(cat "$id_file")" = "$id" ] || fail "a failing test changed the image id"
# Failing again: nothing is taken from a cache that would hide it.
out=$(build_fails "$tree" tested-image "the image built on a second try although a test fails")
expect_in "$out" '1 tests failed out of 2'

# TEST_ARGS selects the tests: leaving the failing one out builds the image.
cmake "$tree" '-DTEST_CTEST_ARGS=-E;^sum$' >/dev/null
out=$(build "$tree" tested-image)
expect_in "$out" 'ctest --output-on-failure --no-tests=error -E \^sum\$'
expect_in "$out" '100% tests passed, 0 tests failed out of 1'
# ... and running the unit label alone finds the failing one.
cmake "$tree" '-DTEST_CTEST_ARGS=-L;unit' >/dev/null
out=$(build_fails "$tree" tested-image "the unit tests passed although sum fails")
expect_in "$out" '0% tests passed, 1 tests failed out of 1'

# The fix (a new state of the sources, never built before) builds the image again, tests run.
cmake "$tree" -DTEST_CTEST_ARGS= >/dev/null
sed -i 's/const int sum = 2 + 3;/const int sum = 3 + 4;/' "$project/check_sum.cpp"
out=$(build "$tree" tested-image)
expect_in "$out" 'Building Lambda image tested \(x86_64\)'
expect_in "$out" '100% tests passed, 0 tests failed out of 2'
[ -s "$id_file" ] || fail "no image id after the fix"

# arm64, cross-compiled on this x86_64 machine: the tests run under QEMU in the builder.
configure "$project" "$tree" "-DTEST_BASE=$base" "-DTEST_MULTI_BASE=$(registry)/hubtel-test/bookworm:multi"
out=$(build "$tree" tested-arm64-image)
expect_in "$out" 'tested-arm64 \(arm64\): cross-compiling on x86_64 with aarch64-linux-gnu'
expect_in "$out" 'Test command: /usr/bin/qemu-aarch64-static "-L" "/usr/aarch64-linux-gnu" "/build/arm64/check_hello"'
expect_in "$out" 'check_hello: running an aarch64 program'
expect_in "$out" '100% tests passed, 0 tests failed out of 2'
[ "$("$docker" image inspect --format '{{.Architecture}}' hubtel/tested-arm64:arm64)" = arm64 ] ||
  fail "the arm64 image is not arm64"
echo "tests image test passed"
