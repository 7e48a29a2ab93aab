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
echo "incremental test passed"
