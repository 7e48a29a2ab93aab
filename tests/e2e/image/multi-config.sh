#!/usr/bin/env bash
# Ninja Multi-Config: each configuration builds an image of its own, with the configuration's
# name as the builder's build type (Debug without NDEBUG, Release with it), into files of its own
# under hubtel/<name>/<configuration>; a second build of a configuration does nothing; invoke,
# size and push of a configuration use its image; the default configuration is what
# CMAKE_DEFAULT_BUILD_TYPE names; and a BUILD_TYPE given wins in every configuration.
source "$(dirname "$0")/lib.sh"
work=$1
root=$2
base=hubtel-test/bookworm:amd64
builder=hubtel-test/builder:amd64
project="$work/multi-config-src"
build_dir="$work/multi-config"
images="$build_dir/hubtel/report"
rm -rf "$project" "$build_dir"
cp -r "$root/tests/e2e/projects/build-type" "$project"
# A program no earlier run built: the first build of each configuration compiles it.
echo "// $(date +%s%N)" >>"$project/report.cpp"

configure_multi() {
  cmake -S "$project" -B "$build_dir" -G "Ninja Multi-Config" \
    "-DCMAKE_PREFIX_PATH=$HUBTEL_TEST_PREFIX" -DHUBTEL_ENGINE=/usr/bin/docker \
    "-DTEST_BASE=$base" "-DTEST_BUILDER=$builder" "-DTEST_REGISTRY=$(registry)" "$@" >/dev/null
}

# build_in <config> <target>...: builds in one configuration (no config: the default one).
build_in() {
  local config=$1 out
  shift
  local args=()
  [ -z "$config" ] || args=(--config "$config")
  out=$(cmake --build "$build_dir" "${args[@]}" --target "$@" 2>&1) ||
    fail "building $* in configuration '${config:-default}' failed:
$out"
  printf '%s\n' "$out"
}

configure_multi
out=$(build_in Debug report-image)
expect_in "$out" 'Building Lambda image report \(x86_64\)'
out=$(build_in Release report-image)
expect_in "$out" 'Building Lambda image report \(x86_64\)'
debug_id=$(cat "$images/Debug/image-x86_64.id")
release_id=$(cat "$images/Release/image-x86_64.id")
expect_in "$debug_id" '^sha256:[0-9a-f]{64}$'
expect_in "$release_id" '^sha256:[0-9a-f]{64}$'
[ "$debug_id" != "$release_id" ] || fail "Debug and Release gave the same image"
[ ! -e "$images/image-x86_64.id" ] && [ ! -e "$images/spec.json" ] ||
  fail "a configuration wrote the single-config files of hubtel/report"
expect_in "$(cat "$images/Debug/spec.json")" '"build_type": "Debug"'
expect_in "$(cat "$images/Release/spec.json")" '"build_type": "Release"'

# Built: nothing to do in either configuration, and neither touched the other's image.
expect_in "$(build_in Debug report-image)" 'no work to do'
expect_in "$(build_in Release report-image)" 'no work to do'
[ "$(cat "$images/Debug/image-x86_64.id")" = "$debug_id" ] || fail "the Debug image id moved"

# Each configuration's invoke runs its own image: Debug compiled without NDEBUG, Release with it.
out=$(build_in Debug report-invoke)
expect_in "$out" '\{"ndebug":false,"built_as":"Debug"\}'
expect_not_in "$out" 'Building Lambda image'
out=$(build_in Release report-invoke)
expect_in "$out" '\{"ndebug":true,"built_as":"Release"\}'
# The helper, given a configuration's spec, does the same.
out=$("$HUBTEL_AI" invoke --spec "$images/Debug/spec.json" --arch x86_64 --engine /usr/bin/docker)
expect_in "$out" '\{"ndebug":false,"built_as":"Debug"\}'

# Size measures the configuration's image, built already: no build runs.
for config in Debug Release; do
  out=$(build_in "$config" report-size)
  expect_in "$out" 'added +[0-9.]+ [KM]iB'
  expect_not_in "$out" 'Building Lambda image'
done

# Push: each configuration pushes its own image and keeps its own record of the digest.
build_in Debug report-push >/dev/null
build_in Release report-push >/dev/null
debug_ref=$(cat "$images/Debug/push-x86_64.ref")
release_ref=$(cat "$images/Release/push-x86_64.ref")
expect_in "$debug_ref" "^$(registry)/report@sha256:[0-9a-f]{64}\$"
expect_in "$release_ref" "^$(registry)/report@sha256:[0-9a-f]{64}\$"
[ "$debug_ref" != "$release_ref" ] || fail "Debug and Release pushed the same digest"
expect_in "$(build_in Debug report-push)" 'no work to do'

# No --config: the default configuration, Debug (the first of CMAKE_CONFIGURATION_TYPES) unless
# CMAKE_DEFAULT_BUILD_TYPE names another.
expect_in "$(build_in '' report-invoke)" '"built_as":"Debug"'
configure_multi -DCMAKE_DEFAULT_BUILD_TYPE=Release
expect_in "$(build_in '' report-image)" 'no work to do'
expect_in "$(build_in '' report-invoke)" '\{"ndebug":true,"built_as":"Release"\}'

# BUILD_TYPE given wins in every configuration: Debug builds again, as Release; Release's spec is
# unchanged, so it has nothing to do.
configure_multi -DTEST_BUILD_TYPE=Release
expect_in "$(cat "$images/Debug/spec.json")" '"build_type": "Release"'
out=$(build_in Debug report-image)
expect_in "$out" 'Building Lambda image report \(x86_64\)'
expect_in "$(build_in Release report-image)" 'no work to do'
expect_in "$(build_in Debug report-invoke)" '\{"ndebug":true,"built_as":"Release"\}'
expect_in "$(build_in Release report-invoke)" '\{"ndebug":true,"built_as":"Release"\}'
echo "multi-config test passed"
