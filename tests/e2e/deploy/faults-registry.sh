#!/usr/bin/env bash
# Registry faults, from a fault proxy in front of the test registry: a registry that answers every
# manifest upload with 500 gets a bounded number of attempts, then the push ends with an error
# naming the push and the registry and records nothing, and a rerun against the healthy registry
# converges; a manifest upload cut off once, or a blob upload answered with 500 once, is retried
# and the push goes through.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/../fixtures/faults.sh"
start_registry
start_fault_proxy "$registry" "$work/proxy"
trap 'stop_fault_proxy; [ -z "$own_registry_pid" ] || kill "$own_registry_pid" 2>/dev/null || true' EXIT

repo=e2e/faults-$$-$RANDOM
spec=$(write_spec faults "\"repository\": \"$fault_proxy/$repo\"" '"tag": "v1"')
dir=$(dirname "$spec")
tiny_image "registry faults $$ $RANDOM" >"$dir/image-x86_64.id"
manifests="\"method\": \"PUT\", \"path\": \"^/v2/$repo/manifests/\""
blobs="\"method\": \"PUT\", \"path\": \"^/v2/$repo/blobs/uploads/\""
server_error='"status": 500, "headers": {"Content-Type": "application/json"}, "body": "{\"errors\": [{\"code\": \"UNKNOWN\", \"message\": \"injected fault\"}]}"'

# push_fails <pattern> <what>: a push that must fail with <pattern> and record nothing; its
# output is left in $err.
push_fails() {
  local start code
  start=$(date +%s)
  set +e
  err=$(timeout 600 "$hubtel_ai" push --spec "$spec" 2>&1 >/dev/null)
  code=$?
  set -e
  echo "$err" | tail -n 3
  echo "the failing push took $(($(date +%s) - start)) s"
  [ "$code" = 1 ] || fail "a push $2 exited $code, expected 1"
  expect_in "$err" "$1"
  expect_no_push_record "$dir" "a push $2"
  expect_no_staging "$dir" "a push $2"
}

# expect_pushed: the record names the manifest the registry serves for the tag; sets $served.
expect_pushed() {
  served=$(manifest_digest "$registry" "$repo" v1)
  [ -n "$served" ] || fail "the registry serves no manifest for $repo:v1"
  [ "$(cat "$dir/push-x86_64.ref")" = "$fault_proxy/$repo@$served" ] ||
    fail "recorded $(cat "$dir/push-x86_64.ref"), the registry serves $served"
}

failed_push="^hubtel-ai: error: push faults \\(x86_64\\): /usr/bin/docker push $fault_proxy/$repo:v1 failed: "
retried="^hubtel-ai: push faults \\(x86_64\\): the registry failed; attempt 2 of 3 in 2 s$"

# Every manifest upload answered with 500: three attempts, then the error.
set_faults "[{$manifests, \"count\": 100, $server_error}]"
push_fails "${failed_push}received unexpected HTTP status: 500 Internal Server Error; the registry failed 3 times in a row: check its health and push again$" "answered with 500"
expect_in "$err" "$retried"
[ "$(fault_count 0 matched)" = 3 ] || fail "the manifest was sent $(fault_count 0 matched) times, expected 3"
manifest_digest "$registry" "$repo" v1 2>/dev/null | grep -q . && fail "the registry holds the manifest"

# The registry is healthy again: the rerun converges.
set_faults '[]'
"$hubtel_ai" push --spec "$spec" >/dev/null
expect_pushed
first=$served

# A manifest upload cut off once: tried again, and the push goes through in the same run.
tiny_image "registry faults two $$ $RANDOM" >"$dir/image-x86_64.id"
set_faults "[{$manifests, \"count\": 1, \"drop\": true}]"
err=$("$hubtel_ai" push --spec "$spec" 2>&1 >/dev/null)
expect_in "$err" "$retried"
[ "$(fault_count 0 matched)" = 2 ] || fail "the manifest was sent $(fault_count 0 matched) times, expected 2"
expect_pushed
[ "$served" != "$first" ] || fail "the second image was not pushed"

# A blob upload answered with 500 once: the engine retries it, and the push goes through.
tiny_image "registry faults three $$ $RANDOM" >"$dir/image-x86_64.id"
set_faults "[{$blobs, \"count\": 1, $server_error}]"
start=$(date +%s)
"$hubtel_ai" push --spec "$spec" >/dev/null
echo "the push retried past one blob fault in $(($(date +%s) - start)) s"
[ "$(fault_count 0 faulted)" = 1 ] || fail "no blob upload was answered with 500"
expect_pushed
echo "1 passed, 0 failed"
