#!/usr/bin/env bash
# Deploy against moto: create with role, memory, timeout and environment; an unchanged deploy
# calls nothing; configuration and code updates by digest; two functions deployed in parallel;
# missing credentials, an unreachable endpoint and a missing role fail cleanly.
source "$(dirname "$0")/lib.sh"
use_moto
start_registry

role=$(lambda_role)
function=e2e-fn-$$-$RANDOM

spec=$(write_spec fn "\"repository\": \"$registry/e2e/fn\"" '"tag": "v1"' "\"function_name\": \"$function\"" \
  "\"role\": \"$role\"" '"memory": 512' '"timeout": 30' '"environment": {"GREETING": "hi, there: \"you\"", "MODE": "e2e"}')
dir=$(dirname "$spec")
tiny_image "deploy one $$ $RANDOM" >"$dir/image-x86_64.id"
"$hubtel_ai" push --spec "$spec" >/dev/null 2>&1
ref=$(cat "$dir/push-x86_64.ref")

out=$("$hubtel_ai" deploy --spec "$spec")
[ "$out" = "$function version 1 $ref" ] || fail "deploy printed '$out'"
config=$(aws lambda get-function --function-name "$function" --output json)
check() {
  python3 - "$1" "$2" <<'PY' || fail "function configuration: $config"
import json, sys
config, expected = json.loads(sys.argv[1]), json.loads(sys.argv[2])
c = config["Configuration"]
actual = {"ImageUri": config["Code"]["ImageUri"], "PackageType": c["PackageType"],
          "Role": c["Role"], "MemorySize": c["MemorySize"], "Timeout": c["Timeout"],
          "Architectures": c["Architectures"], "Variables": c.get("Environment", {}).get("Variables", {})}
for key, value in expected.items():
    if actual[key] != value:
        sys.exit(f"{key}: {actual[key]!r}, expected {value!r}")
PY
}
check "$config" "{\"ImageUri\": \"$ref\", \"PackageType\": \"Image\", \"Role\": \"$role\", \"MemorySize\": 512,
  \"Timeout\": 30, \"Architectures\": [\"x86_64\"], \"Variables\": {\"GREETING\": \"hi, there: \\\"you\\\"\", \"MODE\": \"e2e\"}}"
python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert d["version"] == "1" and d["digest"] == sys.argv[2].split("@")[1] and d["function_arn"].endswith(":function:" + sys.argv[3]), d' \
  "$dir/deploy.json" "$ref" "$function" || fail "deploy.json: $(cat "$dir/deploy.json")"

# Unchanged: deploy calls no AWS at all (an AWS CLI that cannot run would fail it).
before=$(mtime "$dir/deploy.json")
out=$("$hubtel_ai" deploy --spec "$spec" --aws /nonexistent/aws)
[ "$out" = "$function version 1 $ref" ] || fail "the unchanged deploy printed '$out'"
[ "$(mtime "$dir/deploy.json")" = "$before" ] || fail "an unchanged deploy rewrote deploy.json"

# A configuration change: applied, published as version 2; the code stays.
python3 - "$spec" <<'PY'
import json, sys
spec = json.load(open(sys.argv[1])); spec["memory"] = 1024; spec["environment"] = {"MODE": "two"}
json.dump(spec, open(sys.argv[1], "w"))
PY
err=$("$hubtel_ai" deploy --spec "$spec" 2>&1 >/dev/null)
expect_in "$err" "updating the configuration of Lambda function $function \(Environment, MemorySize\)"
expect_not_in "$err" "updating the code"
check "$(aws lambda get-function --function-name "$function" --output json)" \
  "{\"ImageUri\": \"$ref\", \"MemorySize\": 1024, \"Timeout\": 30, \"Variables\": {\"MODE\": \"two\"}}"
grep -q '"version": "2"' "$dir/deploy.json" || fail "no version 2 in deploy.json"

# A new image: the code is updated to the new digest.
tiny_image "deploy two $$ $RANDOM" >"$dir/image-x86_64.id"
"$hubtel_ai" push --spec "$spec" >/dev/null 2>&1
ref2=$(cat "$dir/push-x86_64.ref")
[ "$ref2" != "$ref" ] || fail "the new image kept its digest"
out=$("$hubtel_ai" deploy --spec "$spec" 2>"$work/err")
expect_in "$(cat "$work/err")" "updating the code of Lambda function $function to $ref2"
[ "$out" = "$function version 3 $ref2" ] || fail "the code update printed '$out'"
check "$(aws lambda get-function --function-name "$function" --output json)" "{\"ImageUri\": \"$ref2\"}"

# Two functions in parallel: no cross-talk.
pids=()
for n in 1 2; do
  s=$(write_spec "par$n" "\"repository\": \"$registry/e2e/par$n\"" '"tag": "v1"' \
    "\"function_name\": \"$function-par$n\"" "\"role\": \"$role\"" "\"memory\": $((256 * n))" \
    "\"environment\": {\"WHICH\": \"par$n\"}")
  tiny_image "parallel $n $$ $RANDOM" >"$(dirname "$s")/image-x86_64.id"
  ("$hubtel_ai" push --spec "$s" && "$hubtel_ai" deploy --spec "$s") >"$work/par$n.out" 2>"$work/par$n.err" &
  pids+=($!)
done
for n in 1 2; do
  wait "${pids[$((n - 1))]}" || fail "parallel deploy $n failed: $(cat "$work/par$n.err")"
  pref=$(cat "$work/hubtel/par$n/push-x86_64.ref")
  check "$(aws lambda get-function --function-name "$function-par$n" --output json)" \
    "{\"ImageUri\": \"$pref\", \"MemorySize\": $((256 * n)), \"Variables\": {\"WHICH\": \"par$n\"}}"
done

# Failures: each names its step and leaves deploy.json as it was.
cp "$dir/deploy.json" "$work/deploy.json.before"
python3 - "$spec" <<'PY'
import json, sys
spec = json.load(open(sys.argv[1])); spec["timeout"] = 60
json.dump(spec, open(sys.argv[1], "w"))
PY
expect_failure() {
  local pattern=$1
  shift
  set +e
  err=$("$@" 2>&1 >/dev/null)
  code=$?
  set -e
  [ "$code" = 1 ] || fail "expected exit 1 from $*, got $code: $err"
  expect_in "$err" "$pattern"
  cmp -s "$dir/deploy.json" "$work/deploy.json.before" || fail "a failed deploy changed deploy.json"
}
expect_failure "^hubtel-ai: error: deploy $function: reading the function: aws lambda get-function failed: Unable to locate credentials.*give the AWS CLI credentials" \
  env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN "$hubtel_ai" deploy --spec "$spec"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
expect_failure "^hubtel-ai: error: deploy $function: reading the function: .*Could not connect to the endpoint URL.*AWS_ENDPOINT_URL" \
  env "AWS_ENDPOINT_URL=http://127.0.0.1:$port" AWS_MAX_ATTEMPTS=1 "$hubtel_ai" deploy --spec "$spec"

# A new function without a role cannot be created: said before any change.
norole=$(write_spec norole "\"repository\": \"$registry/e2e/fn\"" "\"function_name\": \"$function-norole\"")
cp "$dir/push-x86_64.ref" "$work/hubtel/norole/push-x86_64.ref"
set +e
err=$("$hubtel_ai" deploy --spec "$norole" 2>&1 >/dev/null)
set -e
expect_in "$err" "deploy $function-norole: the function does not exist yet, and creating it needs a role; add ROLE"
if aws lambda get-function --function-name "$function-norole" >/dev/null 2>&1; then
  fail "a function was created without a role"
fi
echo "1 passed, 0 failed"
