#!/usr/bin/env bash
# The push attaches the image's SBOM to its digest: Debian's docker-registry has no referrers API,
# so the artifact manifest (subject: the image) goes to the tag sha256-<hex>.sbom. The image's tag
# still names the single-platform manifest the engine pushed, which the Lambda gate passes: the
# function is created from it (moto).
source "$(dirname "$0")/lib.sh"
use_moto
start_registry

role=$(lambda_role)
function=e2e-sbom-$$-$RANDOM
repo=$registry/e2e/sbom
spec=$(write_spec sbom "\"repository\": \"$repo\"" '"tag": "v1"' \
  "\"function_name\": \"$function\"" "\"role\": \"$role\"")
dir=$(dirname "$spec")
id=$(tiny_image "sbom $$ $RANDOM")
printf '%s\n' "$id" >"$dir/image-x86_64.id"
# The SBOM of the image as <name>-sbom writes it (this image has no base: all its files are added).
"$docker" save --output "$work/image.tar" "$id"
"$hubtel_ai" sbom --image "$work/image.tar" --name sbom --arch x86_64 \
  --output "$dir/sbom-x86_64.spdx.json"
rm -f "$work/image.tar"

"$hubtel_ai" push --spec "$spec" >"$work/out" 2>"$work/err" ||
  fail "push failed: $(cat "$work/err")"
ref=$(cat "$dir/push-x86_64.ref")
digest=${ref#*@}
expect_in "$(cat "$work/err")" \
  "hubtel: sbom \\(x86_64\\): attached its SBOM sha256:[0-9a-f]{12} as the tag sha256-${digest#sha256:}\\.sbom"

# The artifact: its subject is the pushed image, its one layer the SBOM file, byte for byte.
artifact=$(curl -fsS -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
  "http://$registry/v2/e2e/sbom/manifests/sha256-${digest#sha256:}.sbom")
python3 - "$artifact" "$digest" "$registry" "$dir/sbom-x86_64.spdx.json" <<'PY'
import hashlib, json, sys, urllib.request
artifact, digest, registry, sbom = sys.argv[1:]
manifest = json.loads(artifact)
assert manifest["artifactType"] == "application/spdx+json", manifest
assert manifest["subject"]["digest"] == digest, manifest["subject"]
layer = manifest["layers"][0]
assert layer["mediaType"] == "application/spdx+json", layer
blob = urllib.request.urlopen(f"http://{registry}/v2/e2e/sbom/blobs/{layer['digest']}").read()
assert blob == open(sbom, "rb").read(), "the attached SBOM is not the file"
assert "sha256:" + hashlib.sha256(blob).hexdigest() == layer["digest"]
PY

# The tag still names the engine's single-platform manifest, not an index.
tagged=$(curl -fsS -H 'Accept: application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json' \
  "http://$registry/v2/e2e/sbom/manifests/v1")
expect_not_in "$tagged" '"manifests"'
expect_in "$tagged" '"layers"'

# The deploy gate passes it and Lambda (moto) takes it.
out=$("$hubtel_ai" deploy --spec "$spec" 2>"$work/err") || fail "deploy failed: $(cat "$work/err")"
expect_in "$out" "^$function version 1 $ref"
[ "$(aws lambda get-function --function-name "$function" --query Code.ImageUri --output text)" = "$ref" ] ||
  fail "the function does not run $ref"

# A second push of the same image leaves the records and pushes nothing again.
"$hubtel_ai" push --spec "$spec" >/dev/null 2>"$work/err"
expect_in "$(cat "$work/err")" "is already in"
# release.json names the SBOM by its digest and where the push attached it.
python3 - "$dir/release.json" "$dir/sbom-x86_64.spdx.json" "$digest" <<'PY'
import hashlib, json, sys
release, sbom, digest = sys.argv[1:]
entry = json.load(open(release))["architectures"]["x86_64"]["sbom"]
assert entry["file"] == "sbom-x86_64.spdx.json", entry
assert entry["digest"] == "sha256:" + hashlib.sha256(open(sbom, "rb").read()).hexdigest(), entry
attached = entry["attached"]
assert attached["image"] == digest and attached["how"] == "tag", attached
assert attached["tag"] == "sha256-" + digest[7:] + ".sbom", attached
assert attached["manifest"].startswith("sha256:"), attached
PY

# A rebuilt image: the SBOM on disk is the old image's, so the push leaves it unattached, says so,
# and release.json names no SBOM for the new image.
id2=$(tiny_image "sbom again $$ $RANDOM")
printf '%s\n' "$id2" >"$dir/image-x86_64.id"
"$hubtel_ai" push --spec "$spec" >/dev/null 2>"$work/err" || fail "push failed: $(cat "$work/err")"
expect_in "$(cat "$work/err")" \
  "hubtel: sbom \\(x86_64\\): .*sbom-x86_64\\.spdx\\.json is the SBOM of ${id:0:19}, not of the image pushed \\(${id2:0:19}\\): not attached; build the sbom-sbom target"
digest2=$(cut -d@ -f2 "$dir/push-x86_64.ref")
[ "$digest2" != "$digest" ] || fail "the rebuilt image was not pushed"
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
  "http://$registry/v2/e2e/sbom/manifests/sha256-${digest2#sha256:}.sbom")
[ "$code" = 404 ] || fail "a stale SBOM was attached to the rebuilt image (HTTP $code)"
python3 -c 'import json,sys; e=json.load(open(sys.argv[1]))["architectures"]["x86_64"]; assert e["sbom"] is None and e["image_id"] == sys.argv[2], e' \
  "$dir/release.json" "$id2"
echo "sbom deploy test passed"
