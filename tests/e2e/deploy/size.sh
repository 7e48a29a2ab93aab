#!/usr/bin/env bash
# <name>-size (hubtel-ai build --size) against the deployed image: with nothing deployed it
# reports as before; after a deploy (moto) it compares the image with the digest deploy.json
# records, read from the registry (what grew, by path); a deployed image that cannot be read is
# said in a warning and the report goes on; a deploy of another architecture is no comparison.
source "$(dirname "$0")/lib.sh"
use_moto
start_registry

created=()
remove_images() {
  for image in "${created[@]}"; do "$docker" image rm -f "$image" >/dev/null 2>&1 || true; done
  [ -z "$own_registry_pid" ] || kill "$own_registry_pid" 2>/dev/null || true
}
trap remove_images EXIT

role=$(lambda_role)
function=e2e-size-$$-$RANDOM
repo=e2e/size-$$-$RANDOM
base=$(tiny_image "size base $$ $RANDOM")
base_tag=$("$docker" image inspect --format '{{index .RepoTags 0}}' "$base")
created+=("$base_tag")

# A Python image's spec (no builder stage to measure), its runtime base the tiny base image.
dir="$work/hubtel/sized"
mkdir -p "$dir"
spec="$dir/spec.json"
python3 - "$spec" "$(dirname "$spec_fixture")/python.json" "$work" "$registry/$repo" "$function" \
  "$role" "$base_tag" <<'PY'
import json, sys
out, fixture, work, repository, function, role, base = sys.argv[1:]
spec = json.load(open(fixture))
spec.update({"name": "sized", "context": work,
             "template": work + "/templates/Dockerfile.python.mustache",
             "partials": [work + "/templates"], "runtime_image": base, "builder_image": base,
             "repository": repository, "tag": "v1", "function_name": function, "role": role})
json.dump(spec, open(out, "w"), indent=2)
PY

size() { # size: the report of the image image-x86_64.id names; sets out and err
  "$hubtel_ai" build --spec "$spec" --arch x86_64 --size --engine "$docker" \
    --engine-kind docker-buildkit >"$work/size.out" 2>"$work/size.err" ||
    fail "build --size failed: $(cat "$work/size.err")"
  out=$(cat "$work/size.out")
  err=$(cat "$work/size.err")
}

# Nothing deployed: the report as before.
one=$(tiny_image "size one $$ $RANDOM")
created+=("$("$docker" image inspect --format '{{index .RepoTags 0}}' "$one")")
echo "$one" >"$dir/image-x86_64.id"
size
expect_in "$out" "content.txt"
expect_not_in "$out" "compared with"
expect_not_in "$err" "warning"

# Deployed: the next image is compared with the deployed digest, read from the registry.
"$hubtel_ai" push --spec "$spec" >/dev/null 2>&1 || fail "the push failed"
created+=("$registry/$repo:v1")
ref=$(cat "$dir/push-x86_64.ref")
"$hubtel_ai" deploy --spec "$spec" >/dev/null 2>"$work/deploy.err" ||
  fail "the deploy failed: $(cat "$work/deploy.err")"
grep -q "\"image_uri\": \"$ref\"" "$dir/deploy.json" || fail "deploy.json: $(cat "$dir/deploy.json")"
two=$(tiny_image "size two, which is longer than the first: $(printf '%0500d' 0)")
created+=("$("$docker" image inspect --format '{{index .RepoTags 0}}' "$two")")
echo "$two" >"$dir/image-x86_64.id"
size
expect_in "$out" "^compared with $ref \(deployed\)$"
expect_in "$out" "^  files       0 added .*, 0 removed .*, 1 changed in size"
expect_in "$out" "grown +/content.txt +\([0-9]+ -> [0-9]+ bytes\)$"
expect_in "$out" "^  layers      0 shared, 1 added .*, 1 removed"
expect_not_in "$err" "warning"

# The same image as deployed: nothing changed.
echo "$one" >"$dir/image-x86_64.id"
size
expect_in "$out" "^  files       0 added .*, 0 removed .*, 0 changed in size"

# A deployed image the registry cannot give: said, and the report goes on.
python3 - "$dir/deploy.json" <<'PY'
import json, sys
record = json.load(open(sys.argv[1]))
record["image_uri"] = "127.0.0.1:1/e2e/gone@" + record["digest"]
json.dump(record, open(sys.argv[1], "w"))
PY
size
expect_in "$err" "^hubtel-ai: warning: sized-size: not compared with the deployed image: .*cannot reach the registry at http://127.0.0.1:1"
expect_in "$out" "content.txt"
expect_not_in "$out" "compared with"

# A deploy of another architecture: no comparison, no warning.
python3 - "$dir/deploy.json" <<'PY'
import json, sys
record = json.load(open(sys.argv[1]))
record["architecture"] = "arm64"
json.dump(record, open(sys.argv[1], "w"))
PY
size
expect_not_in "$out" "compared with"
expect_not_in "$err" "warning"
echo "1 passed, 0 failed"
