#!/usr/bin/env bash
# The C++ example on a plain Debian runtime base that has no libcurl: build, a no-op rebuild,
# invoke, what the runtime holds, the debug stage, and a size report.
source "$(dirname "$0")/lib.sh"
work=$1
root=$2
base=hubtel-test/bookworm:amd64
source_dir="$work/cpp-src"
rm -rf "$source_dir"
cp -r "$root/examples/cpp-lambda" "$source_dir"

# A cache folder of its own: what the runtime base holds is read from the engine, not recalled.
export XDG_CACHE_HOME="$work/cache"
rm -rf "$XDG_CACHE_HOME"
configure "$source_dir" "$work/cpp" \
  "-DHUBTEL_RUNTIME_IMAGE_PROVIDED_AL2023=$base" "-DHUBTEL_BUILDER_IMAGE_PROVIDED_AL2023=$base"
build "$work/cpp" hello-image
id=$(cat "$work/cpp/hubtel/hello/image-x86_64.id")
expect_in "$id" '^sha256:[0-9a-f]{64}$'
expect_in "$(cat "$work/cpp/hubtel/hello/Dockerfile")" 'AS runtime'
# The build step mounts the runtime base's library folders, as the engine says the base has them,
# not the whole base (whose checksum would cost the step 0.6 s before it starts); the libraries
# below are still told apart by what the base has.
narrowed=$(cat "$work/cpp/hubtel/hello/Dockerfile.narrowed-x86_64") ||
  fail "the build did not mount the runtime base as its folders"
expect_in "$narrowed" '--mount=type=bind,from=runtime-base,source=/usr/lib/x86_64-linux-gnu,target=/runtime-base/usr/lib/x86_64-linux-gnu \\$'
expect_not_in "$narrowed" 'from=runtime-base,target=/runtime-base '
base_id=$("$docker" image inspect --format '{{.Id}}' "$base")
expect_in "$(cat "$XDG_CACHE_HOME/hubtel-ai/bases/${base_id#sha256:}.x86_64-linux-gnu")" '^/usr/lib64$'
# The builder's package list, read on the daemon's socket too: the base as builder has libc6 but
# no compiler, so the package step ran.
builder_list=$(cat "$XDG_CACHE_HOME/hubtel-ai/builders/${base_id#sha256:}.packages")
expect_in "$builder_list" '^libc6:amd64$'
expect_not_in "$builder_list" '^g\+\+:amd64$'

# Nothing changed: Ninja has nothing to do and no engine runs.
out=$(build "$work/cpp" hello-image)
expect_in "$out" 'no work to do'

# The program runs on a base without libcurl, with libcurl and its needs in /opt/lib only.
"$docker" run --rm --entrypoint /bin/sh "$base" -c 'ls /usr/lib/x86_64-linux-gnu/libcurl* 2>/dev/null' &&
  fail "the test base has libcurl; it must not"
libs=$("$docker" run --rm --entrypoint /bin/ls hubtel/hello:x86_64 /opt/lib)
expect_in "$libs" '^libcurl\.so\.4$'
expect_not_in "$libs" '^libc\.so|^ld-linux'

# Invoke through the local Runtime API.
out=$(build "$work/cpp" hello-invoke)
expect_in "$out" '"message":"Hello, Lambda!"'

# The debug stage: gdb and the unstripped program.
build "$work/cpp" hello-image-debug
"$docker" run --rm --entrypoint /bin/sh hubtel/hello:debug-x86_64 -c \
  'command -v gdb && file_size=$(wc -c </var/runtime/bootstrap) && test "$file_size" -gt 0' ||
  fail "the debug stage has no gdb"

# Touching the source rebuilds the image (the engine runs again); the id stays the same when the
# program does.
sleep 1
touch "$source_dir/main.cpp"
out=$(build "$work/cpp" hello-image)
expect_in "$out" 'Building Lambda image hello \(x86_64\)'
# An edit of the program makes a new program layer only: the bundled libraries' layer below it
# is the one the image had, so there is nothing new to export or push but the program.
layers() { "$docker" image inspect --format '{{range .RootFS.Layers}}{{println .}}{{end}}' "$1"; }
before=$(layers hubtel/hello:x86_64)
echo "long long hubtel_e2e_edit() { return $(date +%s%N)LL; }" >>"$source_dir/main.cpp"
build "$work/cpp" hello-image >/dev/null
after=$(layers hubtel/hello:x86_64)
[ "$(grep -c . <<<"$after")" = "$(grep -c . <<<"$before")" ] || fail "an edit changed the layer count"
[ "$(tail -n 2 <<<"$before" | head -n 1)" = "$(tail -n 2 <<<"$after" | head -n 1)" ] ||
  fail "an edit of the program made a new libraries' layer: $before // $after"
[ "$(tail -n 1 <<<"$before")" != "$(tail -n 1 <<<"$after")" ] ||
  fail "an edit of the program left its layer as it was"
# Where the bytes went: the base against what the image adds, and what the multi-stage build
# saved against shipping the builder.
out=$(build "$work/cpp" hello-size)
expect_in "$out" 'added +[0-9.]+ MiB'
expect_in "$out" 'multi-stage: the runtime image is .* saved'
# The builder stage is built quietly: no engine progress in the report.
expect_in "$out" 'building the builder stage of hello \(x86_64\) to compare, quietly'
expect_not_in "$out" '^#[0-9]+ '

# MAX_SIZE is the size target's budget: below the image's size, the target fails and says by how
# much (exit 3 of the size report).
sed -i 's/MAX_SIZE 200MiB/MAX_SIZE 1MiB/' "$source_dir/CMakeLists.txt"
out=$(build_fails "$work/cpp" hello-size "hello-size passed a 1 MiB budget")
expect_in "$out" 'hubtel-ai: error: budget failed: max-bytes [0-9]+ > 1048576 \(by [0-9]+\)'
sed -i 's/MAX_SIZE 1MiB/MAX_SIZE 200MiB/' "$source_dir/CMakeLists.txt"
echo "native image test passed"
