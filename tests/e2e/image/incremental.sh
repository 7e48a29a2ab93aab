#!/usr/bin/env bash
# Two images in one project, one context: the host compiles neither program for its image, an
# edit of one program's source builds both images again (the engine reuses the other's steps, so
# its image id and everything after it stay as they were), and a build with no edit does nothing.
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
[ ! -e "$work/two/one" ] && [ ! -e "$work/two/two" ] || fail "the host compiled a program for its image"
two_id=$(cat "$work/two/hubtel/two/image-x86_64.id")
two_time=$(stat -c %Y "$work/two/hubtel/two/image-x86_64.id")
sleep 1
echo "// an edit" >>"$project/one.cpp"
out=$(build "$work/two" images)
expect_in "$out" 'Building Lambda image one \(x86_64\)'
[ "$(cat "$work/two/hubtel/two/image-x86_64.id")" = "$two_id" ] || fail "image two changed"
[ "$(stat -c %Y "$work/two/hubtel/two/image-x86_64.id")" = "$two_time" ] || fail "image two's id file was written"
[ ! -e "$work/two/one" ] || fail "the host compiled one for its image"
out=$(build "$work/two" images)
expect_in "$out" 'no work to do'
# A new file in the context counts as an edit.
touch "$project/notes.txt"
out=$(build "$work/two" images)
expect_in "$out" 'Building Lambda image one \(x86_64\)'
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
