#!/usr/bin/env bash
# The Unix Makefiles generator: an image builds with make, a second make does nothing, and so does
# a third after a build that gave the same image (make has no restat: the id is written after
# every build), while an edit builds a new image. The host never compiles the target.
source "$(dirname "$0")/lib.sh"
work=$1
root=$2
base=hubtel-test/bookworm:amd64
builder=hubtel-test/builder:amd64
project="$work/makefiles-src"
build_dir="$work/makefiles"
rm -rf "$project" "$build_dir"
cp -r "$root/tests/e2e/projects/shared-builder" "$project"
cmake -S "$project" -B "$build_dir" -G "Unix Makefiles" "-DCMAKE_PREFIX_PATH=$HUBTEL_TEST_PREFIX" \
  -DHUBTEL_ENGINE=/usr/bin/docker "-DTEST_BASE=$base" "-DTEST_BUILDER=$builder" -DTEST_IMAGES=1 \
  >/dev/null
id_file="$build_dir/hubtel/f1/image-x86_64.id"

make_image() {
  local out
  out=$(make -C "$build_dir" f1-image 2>&1) || fail "make f1-image failed:
$out"
  printf '%s\n' "$out"
}

out=$(make_image)
expect_in "$out" 'Building Lambda image f1 \(x86_64\)'
expect_not_in "$out" '^\[ *[0-9]+%\] Building CXX object'
first=$(cat "$id_file")
expect_in "$first" '^sha256:[0-9a-f]{64}$'

out=$(make_image)
expect_not_in "$out" 'Building Lambda image'

# A source touched, not changed: the engine gives the same image; the next make does nothing.
touch "$project/function.cpp"
out=$(make_image)
expect_in "$out" 'Building Lambda image f1 \(x86_64\)'
[ "$(cat "$id_file")" = "$first" ] || fail "a touched source gave another image"
out=$(make_image)
expect_not_in "$out" 'Building Lambda image'

# An edit: a new image.
printf '// edited\nint edited() { return 1; }\n' >>"$project/function.cpp"
out=$(make_image)
expect_in "$out" 'Building Lambda image f1 \(x86_64\)'
expect_not_in "$out" '^\[ *[0-9]+%\] Building CXX object'
[ "$(cat "$id_file")" != "$first" ] || fail "an edited source gave the same image"
out=$(make_image)
expect_not_in "$out" 'Building Lambda image'
echo "makefiles test passed"
