#!/usr/bin/env bash
# Versions and rollback against moto: three deploys make three versions, each described by its
# digest; versions lists them with the alias; rollback moves the alias back (to the previous
# version, a version number, or a digest) without the engine or the registry; without an alias it
# puts an older image back as the function's code; with nothing older it says so and changes
# nothing.
source "$(dirname "$0")/lib.sh"
use_moto
start_registry

role=$(lambda_role)
function=e2e-rollback-$$-$RANDOM
spec=$(write_spec fn "\"repository\": \"$registry/e2e/rollback\"" '"tag": "v1"' \
  "\"function_name\": \"$function\"" "\"role\": \"$role\"" '"alias": "live"')
dir=$(dirname "$spec")

# deploy_new <label>: a new image, pushed and deployed; prints its pushed reference.
deploy_new() {
  tiny_image "rollback $1 $$ $RANDOM" >"$dir/image-x86_64.id"
  "$hubtel_ai" push --spec "$spec" >/dev/null 2>&1
  "$hubtel_ai" deploy --spec "$spec" >/dev/null 2>"$work/deploy.err" || fail "deploy $1: $(cat "$work/deploy.err")"
  cat "$dir/push-x86_64.ref"
}
refs=("$(deploy_new one)" "$(deploy_new two)" "$(deploy_new three)")

python3 - "$("$hubtel_ai" versions --spec "$spec" --format json)" "$function" "${refs[@]}" <<'PY' || fail "versions --format json"
import json, sys
listing, function, *refs = sys.argv[1:]
data = json.loads(listing)
assert data["function_name"] == function, data
versions = data["versions"]
assert [v["version"] for v in versions] == ["3", "2", "1"], versions
assert [v["digest"] for v in versions] == [r.split("@")[1] for r in reversed(refs)], versions
assert [v["image_uri"] for v in versions] == list(reversed(refs)), versions
assert versions[0]["aliases"] == ["live"] and versions[1]["aliases"] == [], versions
assert all(v["last_modified"] for v in versions), versions
assert all(v["revision"] is None or v["revision"].isalnum() for v in versions), versions
PY
text=$("$hubtel_ai" versions --spec "$spec")
expect_in "$text" "^version +last modified +digest +revision +aliases$"
# The revision is the context's git revision when it lies in a git work tree, else "-".
expect_in "$text" "^3 .* ${refs[2]#*@} +([0-9a-f]+|-) +live$"
expect_in "$text" "^1 .* ${refs[0]#*@} +([0-9a-f]+|-) +$"

# Rollback touches neither the engine nor the registry: neither can be reached here.
rollback() {
  DOCKER_HOST=unix:///nonexistent/docker.sock "$hubtel_ai" rollback --spec "$spec" "$@"
}
alias_version() {
  aws lambda get-alias --function-name "$function" --name live --query FunctionVersion --output text
}
out=$(rollback 2>"$work/err")
[ "$out" = "$function version 2 ${refs[1]} alias live" ] || fail "rollback printed '$out', pushed: ${refs[*]}"
expect_in "$(cat "$work/err")" "alias live of $function moved from version 3 to 2"
[ "$(alias_version)" = 2 ] || fail "the alias is at $(alias_version), expected 2"
out=$(rollback 2>/dev/null)
[ "$out" = "$function version 1 ${refs[0]} alias live" ] || fail "the second rollback printed '$out'"
set +e
err=$(rollback 2>&1 >/dev/null)
code=$?
set -e
[ "$code" = 1 ] || fail "a rollback with nothing older exited $code"
expect_in "$err" "^hubtel-ai: error: rollback $function: no published version is older than version 1 \(versions: 3, 2, 1\); nothing to roll back to$"
[ "$(alias_version)" = 1 ] || fail "a refused rollback moved the alias to $(alias_version)"
out=$(rollback --to "${refs[2]#*@}" 2>/dev/null)
[ "$out" = "$function version 3 ${refs[2]} alias live" ] || fail "rollback --to <digest> printed '$out'"
out=$(rollback --to 2 2>/dev/null)
[ "$out" = "$function version 2 ${refs[1]} alias live" ] || fail "rollback --to 2 printed '$out'"
set +e
err=$(rollback --to 9 2>&1 >/dev/null)
code=$?
set -e
[ "$code" = 1 ] || fail "rollback to a version that does not exist exited $code"
expect_in "$err" "rollback $function: 9 is not a published version \(versions: 3, 2, 1\)"
set +e
err=$(rollback --to "sha256:$(printf '0%.0s' $(seq 64))" 2>&1 >/dev/null)
code=$?
set -e
[ "$code" = 1 ] || fail "rollback to a digest no version runs exited $code"
expect_in "$err" "rollback $function: no published version runs sha256:0{64}; \`hubtel-ai versions\` lists them"

# Without an alias: the function's code goes back to the image before the running one, past a
# version that changed the configuration alone.
plain=$function-plain
spec=$(write_spec plain "\"repository\": \"$registry/e2e/rollback\"" '"tag": "v2"' \
  "\"function_name\": \"$plain\"" "\"role\": \"$role\"")
dir=$(dirname "$spec")
first=$(deploy_new four)
second=$(deploy_new five)
python3 - "$spec" <<'PY'
import json, sys
spec = json.load(open(sys.argv[1])); spec["memory"] = 256
json.dump(spec, open(sys.argv[1], "w"))
PY
"$hubtel_ai" deploy --spec "$spec" >/dev/null 2>&1 || fail "the configuration deploy failed"
out=$(rollback 2>"$work/err")
[ "$out" = "$plain version 1 $first" ] || fail "rollback without an alias printed '$out'"
expect_in "$(cat "$work/err")" "the code of $plain is version 1's image again \(its configuration stays as it is\)"
uri=$(aws lambda get-function --function-name "$plain" --query Code.ImageUri --output text)
[ "$uri" = "$first" ] || fail "the function runs $uri, expected $first"
[ "$second" != "$first" ] || fail "the two images share a digest"
set +e
err=$(rollback 2>&1 >/dev/null)
code=$?
set -e
[ "$code" = 1 ] || fail "a rollback past the oldest image exited $code"
expect_in "$err" "no published version of another image is older than version 1 \(versions: 3, 2, 1\)"

# A function that was never deployed, and one that publishes nothing: each says what to do.
spec=$(write_spec never "\"repository\": \"$registry/e2e/rollback\"" "\"function_name\": \"$function-never\"")
set +e
err=$("$hubtel_ai" versions --spec "$spec" 2>&1 >/dev/null)
set -e
expect_in "$err" "^hubtel-ai: error: versions $function-never: the function does not exist; deploy it first \(never-deploy\)$"
spec=$(write_spec unpublished "\"repository\": \"$registry/e2e/rollback\"" '"tag": "v3"' \
  "\"function_name\": \"$function-unpublished\"" "\"role\": \"$role\"" '"publish": false')
dir=$(dirname "$spec")
deploy_new six >/dev/null
set +e
err=$(rollback 2>&1 >/dev/null)
set -e
expect_in "$err" "no version is published, as PUBLISH is OFF for hubtel_add_lambda_image\(unpublished\); set PUBLISH ON and deploy"
echo "1 passed, 0 failed"
