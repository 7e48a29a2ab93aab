#!/usr/bin/env bash
# AWS faults, from a fault proxy in front of moto_server: throttling (429 TooManyRequestsException)
# and an update in progress (409 ResourceConflictException) are retried with backoff and the deploy
# converges; more faults than attempts fail naming the step, leave deploy.json as it was, and a
# rerun converges. The AWS CLI is told not to retry, so every retry seen is the deploy's own.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/../fixtures/faults.sh"
use_moto
start_registry
start_fault_proxy "${AWS_ENDPOINT_URL#http://}" "$work/proxy"
trap stop_fault_proxy EXIT
export AWS_ENDPOINT_URL="http://$fault_proxy" AWS_MAX_ATTEMPTS=1

role=$(lambda_role)
function=e2e-faults-$$-$RANDOM
spec=$(write_spec faults "\"repository\": \"$registry/e2e/faults\"" '"tag": "v1"' \
  "\"function_name\": \"$function\"" "\"role\": \"$role\"")
dir=$(dirname "$spec")
# Two images, pushed as the deploys will need them (the gate reads each from the registry).
refs=()
for n in 1 2; do
  tiny_image "faults aws $n $$ $RANDOM" >"$dir/image-x86_64.id"
  "$hubtel_ai" push --spec "$spec" >/dev/null 2>&1 || fail "push $n"
  refs+=("$(cat "$dir/push-x86_64.ref")")
done
image_ref() { echo "${refs[$1 - 1]}"; }
image_ref 1 >"$dir/push-x86_64.ref"

# fault <method> <path-regex> <count> <status> <code> <message>: a rule answering as Lambda does.
fault() {
  python3 -c 'import json, sys
method, path, count, status, code, message = sys.argv[1:]
print(json.dumps({"method": method, "path": path, "count": int(count), "status": int(status),
                  "headers": {"x-amzn-ErrorType": code, "Content-Type": "application/json"},
                  "body": json.dumps({"Type": "User", "message": message})}))' "$@"
}
throttled() { fault "$1" "$2" "$3" 429 TooManyRequestsException "Rate exceeded"; }
in_progress() {
  fault "$1" "$2" "$3" 409 ResourceConflictException \
    "The operation cannot be performed at this time. An update is in progress for resource: arn:aws:lambda:us-east-1:123456789012:function:$function"
}

functions=/2015-03-31/functions
deploy_timed() {
  local start
  start=$(date +%s.%N)
  local code=0
  "$hubtel_ai" deploy --spec "$spec" || code=$?
  echo "deploy took $(python3 -c "import sys; print(round($(date +%s.%N) - $start, 1))") s" >&2
  return "$code"
}

# Creating, throttled twice: two retries with backoff, then the function exists.
set_faults "[$(throttled POST "^$functions/?(\\?|\$)" 2)]"
out=$(deploy_timed 2>"$work/err")
cat "$work/err"
err=$(cat "$work/err")
expect_in "$err" "^hubtel-ai: deploy $function: creating the function: aws lambda create-function: TooManyRequestsException; attempt 2 of 6 in 1\\.0 s$"
expect_in "$err" "^hubtel-ai: deploy $function: creating the function: aws lambda create-function: TooManyRequestsException; attempt 3 of 6 in 2\\.0 s$"
[ "$out" = "$function version 1 $(image_ref 1)" ] || fail "the throttled create printed '$out'"
[ "$(fault_count 0 matched)" = 3 ] || fail "create-function was called $(fault_count 0 matched) times, expected 3"
grep -q '"version": "1"' "$dir/deploy.json" || fail "deploy.json: $(cat "$dir/deploy.json")"

# A configuration update while another is in progress, twice: retried, then applied.
python3 - "$spec" <<'PY'
import json, sys
spec = json.load(open(sys.argv[1])); spec["memory"] = 512
json.dump(spec, open(sys.argv[1], "w"))
PY
set_faults "[$(in_progress PUT "^$functions/$function/configuration" 2)]"
out=$(deploy_timed 2>"$work/err")
cat "$work/err"
expect_in "$(cat "$work/err")" "^hubtel-ai: deploy $function: updating the function's configuration: aws lambda update-function-configuration: ResourceConflictException; attempt 3 of 6 in 2\\.0 s$"
[ "$out" = "$function version 2 $(image_ref 1)" ] || fail "the conflicting update printed '$out'"
[ "$(fault_count 0 matched)" = 3 ] ||
  fail "update-function-configuration was called $(fault_count 0 matched) times, expected 3"
[ "$(aws lambda get-function-configuration --function-name "$function" --query MemorySize --output text)" = 512 ] ||
  fail "the memory size was not updated"

# Throttled more often than the deploy tries, after the code update went through: the step is
# named, after its attempts, and deploy.json keeps the last deploy.
image_ref 2 >"$dir/push-x86_64.ref"
python3 - "$spec" <<'PY'
import json, sys
spec = json.load(open(sys.argv[1])); spec["memory"] = 1024
json.dump(spec, open(sys.argv[1], "w"))
PY
cp "$dir/deploy.json" "$work/deploy.json.before"
set_faults "[$(throttled POST "^$functions/$function/versions" 100)]"
set +e
err=$(deploy_timed 2>&1 >/dev/null)
code=$?
set -e
echo "$err"
[ "$code" = 1 ] || fail "a deploy throttled without end exited $code, expected 1"
expect_in "$err" "^hubtel-ai: error: deploy $function: publishing a version: aws lambda publish-version failed \\(after 6 attempts with backoff\\): An error occurred \\(TooManyRequestsException\\).*Rate exceeded"
[ "$(fault_count 0 matched)" = 6 ] || fail "publish-version was called $(fault_count 0 matched) times, expected 6"
cmp -s "$dir/deploy.json" "$work/deploy.json.before" || fail "a failed deploy changed deploy.json"
# The code and configuration updates had gone through: both are put back, so the function is as
# it was.
expect_in "$err" "^hubtel-ai: deploy $function: failed; the function is as it was before$"
[ "$(aws lambda get-function --function-name "$function" --query Code.ImageUri --output text)" = "$(image_ref 1)" ] ||
  fail "a failed deploy left the new code in place"
[ "$(aws lambda get-function-configuration --function-name "$function" --query MemorySize --output text)" = 512 ] ||
  fail "a failed deploy left the new memory size in place"

# Without faults, a rerun converges: the new code published and recorded.
set_faults '[]'
out=$(deploy_timed)
[ "$out" = "$function version 3 $(image_ref 2)" ] || fail "the rerun printed '$out'"
[ "$(aws lambda get-function --function-name "$function" --query Code.ImageUri --output text)" = "$(image_ref 2)" ] ||
  fail "the rerun did not update the code"
[ "$(aws lambda get-function-configuration --function-name "$function" --query MemorySize --output text)" = 1024 ] ||
  fail "the rerun did not update the memory size"
grep -q '"version": "3"' "$dir/deploy.json" || fail "deploy.json: $(cat "$dir/deploy.json")"
echo "1 passed, 0 failed"
