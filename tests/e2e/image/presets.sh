#!/usr/bin/env bash
# The examples' CMakePresets.json as a user runs it: `cmake --preset default`, then the image and
# invoke build presets, from the project's folder. A user preset that names a missing engine is
# warned about by its name, file and key.
source "$(dirname "$0")/lib.sh"
work=$1
root=$2
base=hubtel-test/bookworm:amd64
project="$work/presets-src"
rm -rf "$project"
cp -r "$root/examples/cpp-lambda" "$project"
rm -rf "$project/build" "$project/build-arm64"

# This machine's base images and engine, and the installed HubtelAI, given on the command line
# as a user would for what the preset leaves to them.
out=$(cd "$project" && cmake --preset default "-DCMAKE_PREFIX_PATH=$HUBTEL_TEST_PREFIX" \
  -DHUBTEL_ENGINE=/usr/bin/docker "-DHUBTEL_RUNTIME_IMAGE_PROVIDED_AL2023=$base" \
  "-DHUBTEL_BUILDER_IMAGE_PROVIDED_AL2023=$base" 2>&1) || fail "cmake --preset default failed: $out"
[ -f "$project/build/build.ninja" ] || fail "the default preset did not configure build/ with Ninja"
expect_in "$(grep '^HUBTEL_DEFAULT_ARCHITECTURES:' "$project/build/CMakeCache.txt")" '=x86_64$'
out=$(cd "$project" && cmake --build --preset image 2>&1) || fail "the image preset failed: $out"
expect_in "$out" 'hubtel: hello \(x86_64\) is hubtel/hello:x86_64'
out=$(cd "$project" && cmake --build --preset invoke 2>&1) || fail "the invoke preset failed: $out"
expect_in "$out" '"message":"Hello, Lambda!"'
# The deploy preset without a repository says what is missing.
set +e
out=$(cd "$project" && cmake --build --preset deploy 2>&1)
set -e
expect_in "$out" 'REPOSITORY'

# The graviton preset configures arm64 in a folder of its own.
out=$(cd "$project" && cmake --preset graviton "-DCMAKE_PREFIX_PATH=$HUBTEL_TEST_PREFIX" \
  -DHUBTEL_ENGINE=/usr/bin/docker 2>&1) || fail "cmake --preset graviton failed: $out"
expect_in "$(grep '^HUBTEL_DEFAULT_ARCHITECTURES:' "$project/build-arm64/CMakeCache.txt")" '=arm64$'
[ -f "$project/build-arm64/hubtel/hello/spec.json" ] || fail "no spec in build-arm64"
expect_in "$(cat "$project/build-arm64/hubtel/hello/spec.json")" '"architectures": \["arm64"\]'

# A user preset that names a missing engine: the warning says which preset, file and key.
cat >"$project/CMakeUserPresets.json" <<'JSON'
{
  "version": 3,
  "configurePresets": [
    {
      "name": "mine",
      "inherits": "default",
      "binaryDir": "${sourceDir}/build-mine",
      "cacheVariables": {"HUBTEL_ENGINE": "no-such-engine"}
    }
  ]
}
JSON
out=$(cd "$project" && cmake --preset mine "-DCMAKE_PREFIX_PATH=$HUBTEL_TEST_PREFIX" 2>&1) ||
  fail "a missing engine failed the configure: $out"
folded=$(tr '\n' ' ' <<<"$out" | tr -s ' ')
expect_in "$folded" "HUBTEL_ENGINE \"no-such-engine\" \\(cacheVariables.HUBTEL_ENGINE of configure preset \"mine\" in $project/CMakeUserPresets.json\\) is no program here"
echo "presets test passed"
