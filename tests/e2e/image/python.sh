#!/usr/bin/env bash
# The Python example on a plain Debian Python base: build, invoke (through HubtelAI's runtime
# client), a function error, and an edit to the handler that keeps the requirements layer.
source "$(dirname "$0")/lib.sh"
work=$1
root=$2
base=hubtel-test/python:3.11-amd64
source_dir="$work/python-src"
rm -rf "$source_dir"
cp -r "$root/examples/python-lambda" "$source_dir"

configure "$source_dir" "$work/python" \
  "-DHUBTEL_RUNTIME_IMAGE_PYTHON3_11=$base" "-DHUBTEL_BUILDER_IMAGE_PYTHON3_11=$base"
build "$work/python" greeter-image
out=$(build "$work/python" greeter-invoke)
expect_in "$out" '"message": "Hello, Lambda!"'

# A function error: the error document on stderr and exit 1.
echo '{"fail": true}' >"$work/fail.json"
set +e
err=$("$HUBTEL_AI" invoke --image hubtel/greeter:x86_64 --event "$work/fail.json" 2>&1 >/dev/null)
code=$?
set -e
[ "$code" -eq 1 ] || fail "a function error exited $code, not 1"
expect_in "$err" 'the event asked to fail'

layers() { "$docker" image inspect --format '{{range .RootFS.Layers}}{{println .}}{{end}}' "$1"; }
before=$(layers hubtel/greeter:x86_64)
sed -i 's/"request_id"/"request"/' "$source_dir/app.py"
out=$(build "$work/python" greeter-image)
expect_in "$out" 'Building Lambda image greeter'
after=$(layers hubtel/greeter:x86_64)
# Every layer but the sources' is the same: the requirements were not installed again.
[ "$(head -n -1 <<<"$before")" = "$(head -n -1 <<<"$after")" ] ||
  fail "an edit to the handler changed more than the sources layer"
[ "$(tail -n 1 <<<"$before")" != "$(tail -n 1 <<<"$after")" ] ||
  fail "an edit to the handler did not change the sources layer"
out=$(build "$work/python" greeter-invoke)
expect_in "$out" '"request": "'

# A module without the handler's function: an init error, classified as AWS's runtime does.
sed -i 's/^def handler(/def renamed(/' "$source_dir/app.py"
build "$work/python" greeter-image >/dev/null
set +e
err=$("$HUBTEL_AI" invoke --image-file "$work/python/hubtel/greeter/image-x86_64.id" 2>&1 >/dev/null)
code=$?
set -e
[ "$code" -eq 1 ] || fail "a missing handler exited $code, not 1"
expect_in "$err" 'Runtime\.HandlerNotFound'
echo "python image test passed"
