#!/usr/bin/env bash
# SECRET_ENVIRONMENT: a file's content and an SSM parameter (in moto, read through the real AWS
# CLI) reach the function's environment; neither value is written to the build tree; a changed
# secret is deployed although nothing else changed; a missing file is named.
source "$(dirname "$0")/lib.sh"
use_moto
start_registry

role=$(lambda_role)
function=e2e-secret-$$-$RANDOM
token="file-secret-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
db="ssm-secret-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
secret_file="$work/token.txt"
printf '%s\n' "$token" >"$secret_file"
aws ssm put-parameter --name "/e2e/$function/db" --type SecureString --value "$db" >/dev/null

spec=$(write_spec secret "\"repository\": \"$registry/e2e/secret\"" '"tag": "v1"' \
  "\"function_name\": \"$function\"" "\"role\": \"$role\"" '"environment": {"MODE": "e2e"}' \
  "\"secret_environment\": {\"TOKEN\": \"file:$secret_file\", \"DB\": \"ssm:/e2e/$function/db\"}")
dir=$(dirname "$spec")
tiny_image "secret env $$ $RANDOM" >"$dir/image-x86_64.id"
"$hubtel_ai" push --spec "$spec" >/dev/null 2>&1

variables() {
  aws lambda get-function-configuration --function-name "$function" --output json |
    python3 -c 'import json, sys; print(json.dumps(json.load(sys.stdin)["Environment"]["Variables"], sort_keys=True))'
}
"$hubtel_ai" deploy --spec "$spec" >/dev/null
expected=$(python3 -c 'import json, sys; print(json.dumps({"DB": sys.argv[2], "MODE": "e2e", "TOKEN": sys.argv[1]}, sort_keys=True))' "$token" "$db")
[ "$(variables)" = "$expected" ] || fail "the function's variables: $(variables), expected $expected"
for value in "$token" "$db"; do
  if grep -r -F -q -- "$value" "$dir"; then
    fail "a secret's value is in the build tree: $(grep -r -F -l -- "$value" "$dir")"
  fi
done

# The file changes, nothing else does: the deploy sees it and updates the configuration.
token2="$token-rotated"
printf '%s\n' "$token2" >"$secret_file"
err=$("$hubtel_ai" deploy --spec "$spec" 2>&1 >/dev/null)
expect_in "$err" "updating the configuration of Lambda function $function \\(Environment\\)"
expected=$(python3 -c 'import json, sys; print(json.dumps({"DB": sys.argv[2], "MODE": "e2e", "TOKEN": sys.argv[1]}, sort_keys=True))' "$token2" "$db")
[ "$(variables)" = "$expected" ] || fail "after the rotation: $(variables)"

# A secret file that went missing is named, and nothing is deployed.
rm "$secret_file"
set +e
err=$("$hubtel_ai" deploy --spec "$spec" 2>&1 >/dev/null)
code=$?
set -e
[ "$code" = 1 ] || fail "a deploy without the secret's file exited $code"
expect_in "$err" "^hubtel-ai: error: deploy $function: SECRET_ENVIRONMENT TOKEN: cannot read '$secret_file'"
echo "1 passed, 0 failed"
