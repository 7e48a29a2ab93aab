#!/usr/bin/env bash
# The Lambda gate against a real registry and moto: an index pushed under the tag (made with
# `docker manifest create`) is replaced by its manifest for the function's architecture, and one
# whose other entries are attestations too; an index without that architecture, a manifest of the
# wrong architecture and an image without an entrypoint are refused with their causes before moto
# sees them.
source "$(dirname "$0")/lib.sh"
use_moto
start_registry

role=$(lambda_role)
function=e2e-gate-$$-$RANDOM
repo=$registry/e2e/gate
spec=$(write_spec gate "\"repository\": \"$repo\"" '"tag": "v1"' \
  "\"function_name\": \"$function\"" "\"role\": \"$role\"")
dir=$(dirname "$spec")

# The x86_64 image, pushed as a build pushes it.
tiny_image "gate amd64 $$ $RANDOM" >"$dir/image-x86_64.id"
"$hubtel_ai" push --spec "$spec" >/dev/null 2>&1 || fail "push"
amd64_ref=$(cat "$dir/push-x86_64.ref")
amd64=${amd64_ref#*@}

# An arm64 image: BuildKit writes its architecture without running anything for arm64.
mkdir -p "$work/arm"
printf 'arm64 %s\n' "$$" >"$work/arm/content.txt"
printf 'FROM scratch\nCOPY content.txt /\nENTRYPOINT ["/handler"]\n' >"$work/arm/Dockerfile"
DOCKER_BUILDKIT=1 "$docker" build -q --platform linux/arm64 -t "$repo:arm64" "$work/arm" >/dev/null
"$docker" push "$repo:arm64" >/dev/null
arm64=$(manifest_digest "$registry" e2e/gate arm64)

# index <tag> <digest...>: an index of those manifests, pushed under the tag; prints its reference.
index() {
  local tag=$1
  shift
  local refs=()
  for digest in "$@"; do refs+=("$repo@$digest"); done
  "$docker" manifest rm "$repo:$tag" >/dev/null 2>&1 || true
  "$docker" manifest create --insecure "$repo:$tag" "${refs[@]}" >/dev/null
  local pushed
  pushed=$("$docker" manifest push --insecure --purge "$repo:$tag" | tail -n 1)
  [[ $pushed == sha256:* ]] || fail "docker manifest push printed '$pushed'"
  echo "$repo@$pushed"
}

deploy() { "$hubtel_ai" deploy --spec "$spec"; }
refused() {
  local code=0
  deploy >/dev/null 2>"$work/err" || code=$?
  [ "$code" = 1 ] || fail "deploying $(cat "$dir/push-x86_64.ref") exited $code, expected 1"
  cat "$work/err"
}
function_exists() { aws lambda get-function --function-name "$function" >/dev/null 2>&1; }

# An index without linux/amd64: refused, and moto never saw the function.
only_arm=$(index only-arm "$arm64")
echo "$only_arm" >"$dir/push-x86_64.ref"
err=$(refused)
expect_in "$err" "^hubtel-ai: error: deploy $function: $only_arm is an index with no image for linux/amd64, the function's architecture \(it holds linux/arm64\); build the image for x86_64 \(ARCHITECTURES\) and push it again$"
if function_exists; then fail "the function was created from a refused index"; fi

# A manifest of the wrong architecture.
echo "$repo@$arm64" >"$dir/push-x86_64.ref"
err=$(refused)
expect_in "$err" "^hubtel-ai: error: deploy $function: $repo@$arm64 is an image for arm64, but the function runs on x86_64; build it for x86_64 \(ARCHITECTURES\) or deploy another architecture \(--arch\)$"
if function_exists; then fail "the function was created from an arm64 image"; fi

# An index with both: the amd64 manifest is deployed, and the deploy says so.
both=$(index both "$amd64" "$arm64")
echo "$both" >"$dir/push-x86_64.ref"
out=$(deploy 2>"$work/err") || fail "deploying the index: $(cat "$work/err")"
expect_in "$(cat "$work/err")" "^hubtel-ai: deploy $function: $both is an index, which Lambda refuses; deploying its linux/amd64 image $amd64_ref instead$"
[ "$out" = "$function version 1 $amd64_ref" ] || fail "deploying the index printed '$out'"
uri=$(aws lambda get-function --function-name "$function" --query Code.ImageUri --output text)
[ "$uri" = "$amd64_ref" ] || fail "the function runs $uri, expected $amd64_ref"
# A rerun with nothing changed reads nothing and prints the same line.
[ "$(deploy 2>/dev/null)" = "$out" ] || fail "the rerun printed another line"

# An OCI index as BuildKit pushes one with attestations: the attestation entries are not images.
attested=$(python3 - "$amd64" "$arm64" <<'PY'
import json, sys
amd64, arm64 = sys.argv[1:]
def entry(digest, os, arch, annotations=None):
    e = {"mediaType": "application/vnd.docker.distribution.manifest.v2+json", "digest": digest,
         "size": 1, "platform": {"os": os, "architecture": arch}}
    if annotations:
        e["annotations"] = annotations
    return e
attestation = {"vnd.docker.reference.type": "attestation-manifest", "vnd.docker.reference.digest": amd64}
print(json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                  "manifests": [entry(amd64, "linux", "amd64"), entry(arm64, "unknown", "unknown", attestation)]}))
PY
)
# The registry wants each entry's real size.
attested=$(python3 - "$attested" "$registry" "$amd64" "$arm64" <<'PY'
import json, sys, urllib.request
index, registry, *digests = sys.argv[1:]
index = json.loads(index)
for entry in index["manifests"]:
    request = urllib.request.Request(f"http://{registry}/v2/e2e/gate/manifests/{entry['digest']}", method="HEAD",
                                     headers={"Accept": entry["mediaType"]})
    entry["size"] = int(urllib.request.urlopen(request).headers["Content-Length"])
print(json.dumps(index))
PY
)
put_index() {
  curl -fsS -X PUT -H 'Content-Type: application/vnd.oci.image.index.v1+json' --data-binary "$2" \
    -D - -o /dev/null "http://$registry/v2/e2e/gate/manifests/$1" |
    tr -d '\r' | awk 'tolower($1) == "docker-content-digest:" {print $2}'
}
attested_digest=$(put_index attested "$attested")
echo "$repo@$attested_digest" >"$dir/push-x86_64.ref"
out=$(deploy 2>"$work/err") || fail "deploying the attested index: $(cat "$work/err")"
expect_in "$(cat "$work/err")" "deploying its linux/amd64 image $amd64_ref instead$"
[ "$out" = "$function version 1 $amd64_ref" ] || fail "deploying the attested index printed '$out'"

# Attestations alone: nothing to deploy.
alone=$(python3 -c 'import json, sys; i = json.loads(sys.argv[1]); i["manifests"] = i["manifests"][1:]; print(json.dumps(i))' "$attested")
echo "$repo@$(put_index alone "$alone")" >"$dir/push-x86_64.ref"
err=$(refused)
expect_in "$err" "is an index with no image for linux/amd64, the function's architecture \(it holds attestations alone\)"

# An image with neither ENTRYPOINT nor CMD: Lambda could not start it.
tiny_image "gate no entrypoint $$ $RANDOM" 'LABEL purpose=test' >"$dir/image-x86_64.id"
"$hubtel_ai" push --spec "$spec" >/dev/null 2>&1 || fail "push without an entrypoint"
bare=$(cat "$dir/push-x86_64.ref")
err=$(refused)
expect_in "$err" "^hubtel-ai: error: deploy $function: $bare has neither an ENTRYPOINT nor a CMD, so Lambda cannot start it; give the runtime stage one$"
uri=$(aws lambda get-function --function-name "$function" --query Code.ImageUri --output text)
[ "$uri" = "$amd64_ref" ] || fail "a refused image reached the function: $uri"

# A digest the registry does not hold, and a registry that is not there.
echo "$repo@sha256:$(printf '0%.0s' $(seq 64))" >"$dir/push-x86_64.ref"
err=$(refused)
expect_in "$err" "^hubtel-ai: error: deploy $function: $registry/e2e/gate has no manifest sha256:0{64}; push the image again$"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
echo "127.0.0.1:$port/e2e/gate@$amd64" >"$dir/push-x86_64.ref"
err=$(refused)
expect_in "$err" "^hubtel-ai: error: deploy $function: cannot reach the registry at http://127.0.0.1:$port \(.*\); is it running and reachable from here\?$"
echo "1 passed, 0 failed"
