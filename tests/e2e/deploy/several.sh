#!/usr/bin/env bash
# A deploy of several functions: each is deployed on its own, so one refused by the gate leaves the
# others deployed and itself as it was; the summary names each one's outcome; a rerun after the
# fix deploys that one alone.
source "$(dirname "$0")/lib.sh"
use_moto
start_registry

role=$(lambda_role)
prefix=e2e-several-$$-$RANDOM
specs=()
for name in a b c; do
  specs+=("$(write_spec "$name" "\"repository\": \"$registry/e2e/several-$name\"" '"tag": "v1"' \
    "\"function_name\": \"$prefix-$name\"" "\"role\": \"$role\"")")
done
spec_args() { for s in "${specs[@]}"; do printf -- '--spec\n%s\n' "$s"; done; }
push() { # push <spec> <label> [<change>]
  tiny_image "several $2 $$ $RANDOM" ${3:+"$3"} >"$(dirname "$1")/image-x86_64.id"
  "$hubtel_ai" push --spec "$1" >/dev/null 2>&1 || fail "push $2"
  cat "$(dirname "$1")/push-x86_64.ref"
}
uri_of() { aws lambda get-function --function-name "$1" --query Code.ImageUri --output text; }

# b runs a good image first.
b_old=$(push "${specs[1]}" b-old)
"$hubtel_ai" deploy --spec "${specs[1]}" >/dev/null 2>&1 || fail "the first deploy of b"

a=$(push "${specs[0]}" a)
push "${specs[1]}" b-bad 'LABEL purpose=test' >/dev/null
c=$(push "${specs[2]}" c)
mapfile -t args < <(spec_args)
set +e
out=$("$hubtel_ai" deploy "${args[@]}" 2>"$work/err")
code=$?
set -e
cat "$work/err"
[ "$code" = 1 ] || fail "a deploy with one refused function exited $code, expected 1"
[ "$out" = "$prefix-a version 1 $a
$prefix-c version 1 $c" ] || fail "the deploy printed '$out'"
expect_in "$(cat "$work/err")" "^hubtel-ai: deployed 2 of 3 functions:$"
expect_in "$(cat "$work/err")" "^  $prefix-a: deployed, version 1$"
expect_in "$(cat "$work/err")" "^  $prefix-b: failed: deploy $prefix-b: .* has neither an ENTRYPOINT nor a CMD"
expect_in "$(cat "$work/err")" "^  $prefix-c: deployed, version 1$"
[ "$(uri_of "$prefix-a")" = "$a" ] || fail "a runs $(uri_of "$prefix-a")"
[ "$(uri_of "$prefix-c")" = "$c" ] || fail "c runs $(uri_of "$prefix-c")"
[ "$(uri_of "$prefix-b")" = "$b_old" ] || fail "the refused b runs $(uri_of "$prefix-b"), not its old image"

# Fixed: the rerun deploys b alone.
b=$(push "${specs[1]}" b-good)
out=$("$hubtel_ai" deploy "${args[@]}" 2>"$work/err") || fail "the rerun: $(cat "$work/err")"
expect_in "$(cat "$work/err")" "^hubtel-ai: deployed 3 of 3 functions:$"
expect_in "$(cat "$work/err")" "^  $prefix-a: unchanged, version 1$"
expect_in "$(cat "$work/err")" "^  $prefix-b: deployed, version 2$"
expect_in "$(cat "$work/err")" "^  $prefix-c: unchanged, version 1$"
[ "$(uri_of "$prefix-b")" = "$b" ] || fail "b runs $(uri_of "$prefix-b") after the rerun"
echo "1 passed, 0 failed"
