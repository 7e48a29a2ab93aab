#!/usr/bin/env bash
# ALIAS against moto: the first deploy creates the alias at version 1, a change moves it to the
# version it publishes, an unchanged deploy leaves it, and a renamed alias is created while the
# old one stays where it was. Each deploy prints the version, the digest and the alias. With
# PUBLISH OFF nothing is published.
source "$(dirname "$0")/lib.sh"
use_moto
start_registry

role=$(lambda_role)
function=e2e-alias-$$-$RANDOM
spec=$(write_spec fn "\"repository\": \"$registry/e2e/alias\"" '"tag": "v1"' \
  "\"function_name\": \"$function\"" "\"role\": \"$role\"" '"alias": "live"')
dir=$(dirname "$spec")
tiny_image "alias one $$ $RANDOM" >"$dir/image-x86_64.id"
"$hubtel_ai" push --spec "$spec" >/dev/null 2>&1
ref=$(cat "$dir/push-x86_64.ref")

alias_version() {
  aws lambda get-alias --function-name "$function" --name "$1" --query FunctionVersion --output text
}
set_member() {
  python3 - "$spec" "$1" "$2" <<'PY'
import json, sys
spec = json.load(open(sys.argv[1])); spec[sys.argv[2]] = json.loads(sys.argv[3])
json.dump(spec, open(sys.argv[1], "w"))
PY
}

out=$("$hubtel_ai" deploy --spec "$spec" 2>"$work/err")
[ "$out" = "$function version 1 $ref alias live" ] || fail "deploy printed '$out'"
expect_in "$(cat "$work/err")" "alias live of $function created at version 1"
[ "$(alias_version live)" = 1 ] || fail "alias live is at $(alias_version live), expected 1"
grep -q '"alias": "live"' "$dir/deploy.json" || fail "deploy.json has no alias: $(cat "$dir/deploy.json")"

# A change publishes version 2 and moves the alias there.
set_member memory 256
out=$("$hubtel_ai" deploy --spec "$spec" 2>"$work/err")
[ "$out" = "$function version 2 $ref alias live" ] || fail "the second deploy printed '$out'"
expect_in "$(cat "$work/err")" "alias live of $function moved from version 1 to 2"
[ "$(alias_version live)" = 2 ] || fail "alias live is at $(alias_version live), expected 2"
# release.json: the function, the version and the alias it moved, beside the pushed digest.
python3 - "$dir/release.json" "$ref" "$function" <<'PY' || fail "release.json after the deploy: $(cat "$dir/release.json")"
import json, sys
r = json.load(open(sys.argv[1]))
f = r["function"]
assert f["name"] == sys.argv[3] and f["version"] == "2" and f["alias"] == "live", f
assert f["image"] == sys.argv[2] and f["architecture"] == "x86_64", f
assert f["arn"].endswith(":function:" + sys.argv[3]), f
assert r["architectures"]["x86_64"]["image"] == sys.argv[2] and r["architectures"]["x86_64"]["sbom"] is None, r
PY

# Unchanged: nothing is called, the alias stays.
out=$("$hubtel_ai" deploy --spec "$spec" --aws /nonexistent/aws)
[ "$out" = "$function version 2 $ref alias live" ] || fail "the unchanged deploy printed '$out'"

# Another alias: deployed again, created at the newest version; the old one is left alone.
set_member alias '"blue"'
out=$("$hubtel_ai" deploy --spec "$spec" 2>"$work/err")
expect_in "$out" "^$function version [0-9]+ $ref alias blue$"
version=$(sed -E 's/.* version ([0-9]+) .*/\1/' <<<"$out")
[ "$(alias_version blue)" = "$version" ] || fail "alias blue is at $(alias_version blue), expected $version"
[ "$(alias_version live)" = 2 ] || fail "alias live moved to $(alias_version live)"

# A hand-edited spec with a bad alias is refused by the reader, naming the member; nothing runs.
set_member alias '"12"'
set +e
err=$("$hubtel_ai" deploy --spec "$spec" --aws /nonexistent/aws 2>&1 >/dev/null)
code=$?
set -e
[ "$code" = 1 ] || fail "a bad alias exited $code"
expect_in "$err" "has a bad 'alias': \"12\" is not an alias name of letters, digits, '-' and '_', not digits alone"
# PUBLISH OFF: the deploy updates $LATEST alone and says so; no version is published.
plain=$function-unpublished
spec=$(write_spec plain "\"repository\": \"$registry/e2e/alias\"" '"tag": "v2"' \
  "\"function_name\": \"$plain\"" "\"role\": \"$role\"" '"publish": false')
tiny_image "alias unpublished $$ $RANDOM" >"$(dirname "$spec")/image-x86_64.id"
"$hubtel_ai" push --spec "$spec" >/dev/null 2>&1
out=$("$hubtel_ai" deploy --spec "$spec" 2>/dev/null)
[ "$out" = "$plain version \$LATEST $(cat "$(dirname "$spec")/push-x86_64.ref")" ] || fail "an unpublished deploy printed '$out'"
versions=$(aws lambda list-versions-by-function --function-name "$plain" --query 'Versions[].Version' --output text)
[ "$versions" = '$LATEST' ] || fail "PUBLISH OFF published versions: $versions"
echo "1 passed, 0 failed"
