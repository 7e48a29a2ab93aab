#!/usr/bin/env bash
# On an AWS Lambda base the program is /var/runtime/bootstrap with CMD ["handler"], and the base's
# own entry point stays: tested on a stand-in with that entry point contract (no AWS base image
# can be pulled here), chosen with LAMBDA_BASE ON.
source "$(dirname "$0")/lib.sh"
work=$1
root=$2
base=hubtel-test/bookworm:amd64
lambda_base=hubtel-test/lambda-like:amd64
source_dir="$work/lambda-base-src"
rm -rf "$source_dir"
cp -r "$root/examples/cpp-lambda" "$source_dir"
sed -i 's/^  TARGET hello$/  TARGET hello\n  LAMBDA_BASE ON/' "$source_dir/CMakeLists.txt"
grep -q 'LAMBDA_BASE ON' "$source_dir/CMakeLists.txt" || fail "could not set LAMBDA_BASE in the copy"

configure "$source_dir" "$work/lambda-base" \
  "-DHUBTEL_RUNTIME_IMAGE_PROVIDED_AL2023=$lambda_base" \
  "-DHUBTEL_BUILDER_IMAGE_PROVIDED_AL2023=$base"
build "$work/lambda-base" hello-image
expect_in "$(cat "$work/lambda-base/hubtel/hello/Dockerfile")" '^CMD \["handler"\]$'

entrypoint=$("$docker" image inspect --format '{{json .Config.Entrypoint}}' hubtel/hello:x86_64)
cmd=$("$docker" image inspect --format '{{json .Config.Cmd}}' hubtel/hello:x86_64)
[ "$entrypoint" = '["/lambda-entrypoint.sh"]' ] || fail "the base's entry point was replaced: $entrypoint"
[ "$cmd" = '["handler"]' ] || fail "the command is $cmd, not [\"handler\"]"
"$docker" run --rm --entrypoint /bin/sh hubtel/hello:x86_64 -c 'test -x /var/runtime/bootstrap' ||
  fail "no /var/runtime/bootstrap"

out=$(build "$work/lambda-base" hello-invoke)
expect_in "$out" '"message":"Hello, Lambda!"'
echo "lambda base test passed"
