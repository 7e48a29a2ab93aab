#!/usr/bin/env bash
# Two images in one project: touching one program's source rebuilds that image only.
source "$(dirname "$0")/lib.sh"
work=$1
root=$2
base=hubtel-test/bookworm:amd64
project="$work/two-images-src"
rm -rf "$project"
cp -r "$root/tests/e2e/projects/two-images" "$project"

configure "$project" "$work/two" "-DTEST_BASE=$base"
build "$work/two" images
out=$(build "$work/two" images)
expect_in "$out" 'no work to do'
sleep 1
touch "$project/one.cpp"
out=$(build "$work/two" images)
expect_in "$out" 'Building Lambda image one \(x86_64\)'
expect_not_in "$out" 'Building Lambda image two'
out=$(build "$work/two" images)
expect_in "$out" 'no work to do'

# A function's settings are no input of its image: a new MEMORY builds nothing.
configure "$project" "$work/two" "-DTEST_BASE=$base" -DTEST_MEMORY=256
build "$work/two" images >/dev/null
cmake "$work/two" -DTEST_MEMORY=512 >/dev/null # the same build tree, reconfigured
expect_in "$(cat "$work/two/hubtel/one/spec.json")" '"memory": 512'
# Only the Dockerfile is rendered again (the spec is its data), to the same text: no engine runs.
out=$(build "$work/two" images)
expect_not_in "$out" 'Building Lambda image'
out=$(build "$work/two" images)
expect_in "$out" 'no work to do'
echo "incremental test passed"
