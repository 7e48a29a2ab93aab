#!/usr/bin/env bash
# Clean-up against a real registry (deletes enabled, and one with them disabled) and moto: gc keeps
# the newest versions and those an alias needs, deletes the rest, then deletes exactly the images
# nothing runs past the newest pushes; --dry-run deletes nothing; KEEP_IMAGES cleans up after each
# deploy; ECR (in moto) gets its images deleted and a lifecycle policy; a registry that refuses
# deletes, a repository the function never used and a gc without a count each say so and delete
# nothing.
source "$(dirname "$0")/lib.sh"
use_moto
start_registry

role=$(lambda_role)
function=e2e-gc-$$-$RANDOM
repo=$registry/e2e/gc
spec=$(write_spec gc "\"repository\": \"$repo\"" '"tag": "v1"' \
  "\"function_name\": \"$function\"" "\"role\": \"$role\"" '"alias": "live"')
dir=$(dirname "$spec")

# deploy_new <label> [<spec>]: a new image, pushed (moving the tag) and deployed; prints its
# reference.
deploy_new() {
  local s=${2:-$spec}
  tiny_image "gc $1 $$ $RANDOM" >"$(dirname "$s")/image-x86_64.id"
  "$hubtel_ai" push --spec "$s" >/dev/null 2>&1 || fail "push $1"
  "$hubtel_ai" deploy --spec "$s" >/dev/null 2>"$work/deploy.err" || fail "deploy $1: $(cat "$work/deploy.err")"
  cat "$(dirname "$s")/push-x86_64.ref"
}
# has_manifest <reference>: whether the registry still holds it.
has_manifest() {
  local ref=$1 host=${1%%/*} rest=${1#*/}
  curl -fsS -o /dev/null -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
    "http://$host/v2/${rest%@*}/manifests/${ref#*@}" 2>/dev/null
}
versions_of() {
  aws lambda list-versions-by-function --function-name "$1" --query 'Versions[].Version' --output text |
    tr '\t' '\n' | grep -v LATEST | sort -n | tr '\n' ' '
}

one=$(deploy_new one)
two=$(deploy_new two)
three=$(deploy_new three)
"$hubtel_ai" rollback --spec "$spec" >/dev/null 2>&1 || fail "rollback"
# A newer push that no function runs.
tiny_image "gc four $$ $RANDOM" >"$work/four.id"
"$docker" tag "$(cat "$work/four.id")" "$repo:other"
"$docker" push "$repo:other" >/dev/null
four="$repo@$(manifest_digest "$registry" e2e/gc other)"
[ "$(versions_of "$function")" = "1 2 3 " ] || fail "versions before gc: $(versions_of "$function")"

# The plan alone: what would go, and why; nothing deleted.
plan=$("$hubtel_ai" gc --spec "$spec" --keep 1 --dry-run 2>"$work/err") || fail "gc --dry-run: $(cat "$work/err")"
echo "$plan"
expect_in "$plan" "^keep version 3: among the 1 newest$"
expect_in "$plan" "^keep version 2: alias live points at it$"
expect_in "$plan" "^would delete version 1: beyond the 1 newest, and no alias points at it$"
expect_in "$plan" "^keep image ${four#*@}: among the 1 newest pushes \(tags other\)$"
expect_in "$plan" "^keep image ${three#*@}: (version 3|\\\$LATEST) runs it \(tags v1\)$"
expect_in "$plan" "^keep image ${two#*@}: version 2 runs it$"
expect_in "$plan" "^would delete image ${one#*@}: nothing runs it, and it is not among the 1 newest pushes$"
expect_in "$(cat "$work/err")" "dry run; would delete 1 version and 1 image"
[ "$(versions_of "$function")" = "1 2 3 " ] || fail "a dry run deleted versions"
has_manifest "$one" || fail "a dry run deleted $one"

# The clean-up itself: exactly the version and the image nothing needs.
out=$("$hubtel_ai" gc --spec "$spec" --keep 1 2>"$work/err") || fail "gc: $(cat "$work/err")"
expect_in "$out" "^delete version 1: beyond the 1 newest"
expect_in "$out" "^delete image ${one#*@}: nothing runs it"
expect_in "$(cat "$work/err")" "gc $function: deleted 1 version and 1 image; kept 2 versions and 3 images$"
[ "$(versions_of "$function")" = "2 3 " ] || fail "versions after gc: $(versions_of "$function")"
if has_manifest "$one"; then fail "gc left $one"; fi
for ref in "$two" "$three" "$four"; do
  has_manifest "$ref" || fail "gc deleted $ref, which is in use or new"
done
# What is left still rolls back and forward.
out=$("$hubtel_ai" rollback --spec "$spec" --to 3 2>/dev/null)
[ "$out" = "$function version 3 $three alias live" ] || fail "rollback after gc printed '$out'"
# With the alias moved on, version 2 and its image are needed no more; then nothing is.
out=$("$hubtel_ai" gc --spec "$spec" --keep 1 2>"$work/err")
expect_in "$out" "^keep version 3: alias live points at it$"
expect_in "$out" "^delete version 2: beyond the 1 newest"
expect_in "$out" "^delete image ${two#*@}: nothing runs it"
if has_manifest "$two"; then fail "the second gc left $two"; fi
out=$("$hubtel_ai" gc --spec "$spec" --keep 1 2>"$work/err")
expect_not_in "$out" "^delete"
expect_in "$(cat "$work/err")" "deleted 0 versions and 0 images"

# KEEP_IMAGES: each deploy cleans up after itself.
kept=$function-kept
kspec=$(write_spec kept "\"repository\": \"$registry/e2e/gc-kept\"" '"tag": "a"' \
  "\"function_name\": \"$kept\"" "\"role\": \"$role\"" '"keep_images": 1')
first=$(deploy_new five "$kspec")
python3 - "$kspec" <<'PY'
import json, sys
spec = json.load(open(sys.argv[1])); spec["tag"] = "b"
json.dump(spec, open(sys.argv[1], "w"))
PY
second=$(deploy_new six "$kspec")
expect_in "$(cat "$work/deploy.err")" "^delete version 1: beyond the 1 newest"
expect_in "$(cat "$work/deploy.err")" "^delete image ${first#*@}: nothing runs it"
[ "$(versions_of "$kept")" = "2 " ] || fail "KEEP_IMAGES left versions $(versions_of "$kept")"
if has_manifest "$first"; then fail "KEEP_IMAGES left $first"; fi
has_manifest "$second" || fail "KEEP_IMAGES deleted the running image"

# A repository the function never ran an image from: nothing deleted.
ospec=$(write_spec other "\"repository\": \"$registry/e2e/gc-other\"" "\"function_name\": \"$function\"")
set +e
err=$("$hubtel_ai" gc --spec "$ospec" --keep 1 2>&1 >/dev/null)
code=$?
set -e
[ "$code" = 1 ] || fail "gc of another repository exited $code"
expect_in "$err" "^hubtel-ai: error: gc $function: $function runs no image from $registry/e2e/gc-other \(it runs images from $repo\); nothing is deleted$"
# No count: the helper asks for one.
set +e
err=$("$hubtel_ai" gc --spec "$spec" 2>&1 >/dev/null)
set -e
expect_in "$err" "^hubtel-ai: error: gc $function: how many images to keep\? pass --keep <n>, or add KEEP_IMAGES <n> to hubtel_add_lambda_image\(gc\)$"

# A registry with deletes disabled: refused before anything is deleted, versions included.
serve_registry "$work/nodelete"
nodelete_pid=$served_registry_pid
trap 'kill "$nodelete_pid" 2>/dev/null || true' EXIT
locked=$function-locked
lspec=$(write_spec locked "\"repository\": \"$served_registry/e2e/locked\"" '"tag": "v1"' \
  "\"function_name\": \"$locked\"" "\"role\": \"$role\"")
deploy_new seven "$lspec" >/dev/null
old=$(deploy_new eight "$lspec")
deploy_new nine "$lspec" >/dev/null
set +e
err=$("$hubtel_ai" gc --spec "$lspec" --keep 1 2>&1 >/dev/null)
code=$?
set -e
[ "$code" = 1 ] || fail "gc against a registry without deletes exited $code"
expect_in "$err" "^hubtel-ai: error: gc $locked: the registry $served_registry does not allow deletes \(HTTP 405\); enable them \(REGISTRY_STORAGE_DELETE_ENABLED=true for a docker-registry\); nothing is deleted$"
[ "$(versions_of "$locked")" = "1 2 3 " ] || fail "a refused gc deleted versions: $(versions_of "$locked")"
has_manifest "$old" || fail "a refused gc deleted $old"

# ECR, in moto: images deleted through the AWS CLI, and the lifecycle policy set.
ecr_repo=e2e/gc-$$-$RANDOM
ecr_host=123456789012.dkr.ecr.us-east-1.amazonaws.com
aws ecr create-repository --repository-name "$ecr_repo" >/dev/null
ecr_refs=()
# (moto names an image by its layers: each has one of its own.)
for n in 1 2 3; do
  manifest=$(python3 -c 'import json, sys; n = sys.argv[1]; print(json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json", "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 100, "digest": "sha256:" + n * 64}, "layers": [{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "size": 10, "digest": "sha256:" + n * 63 + "f"}]}))' "$n")
  # Image 2 is untagged, as an image is once its tag moved on.
  tag_args=(--image-tag "t$n")
  [ "$n" != 2 ] || tag_args=()
  digest=$(aws ecr put-image --repository-name "$ecr_repo" "${tag_args[@]}" --image-manifest "$manifest" \
    --query image.imageId.imageDigest --output text)
  ecr_refs+=("$ecr_host/$ecr_repo@$digest")
  sleep 1
done
ecr_function=$function-ecr
aws lambda create-function --function-name "$ecr_function" --package-type Image --role "$role" \
  --code "ImageUri=${ecr_refs[0]}" >/dev/null
aws lambda publish-version --function-name "$ecr_function" --description "${ecr_refs[0]}" >/dev/null
aws lambda update-function-code --function-name "$ecr_function" --image-uri "${ecr_refs[1]}" >/dev/null
aws lambda publish-version --function-name "$ecr_function" --description "${ecr_refs[1]}" >/dev/null
espec=$(write_spec ecrgc "\"repository\": \"$ecr_host/$ecr_repo\"" "\"function_name\": \"$ecr_function\"")
out=$("$hubtel_ai" gc --spec "$espec" --keep 1 2>"$work/err") || fail "gc in ECR: $(cat "$work/err")"
echo "$out"
expect_in "$out" "^delete version 1: beyond the 1 newest"
expect_in "$out" "^keep image ${ecr_refs[2]#*@}: among the 1 newest pushes \(tags t3\)$"
expect_in "$out" "^keep image ${ecr_refs[1]#*@}: (version 2|\\\$LATEST) runs it$"
# The untagged image in use gets a tag, which the lifecycle policy leaves alone.
in_use_tag=hubtel-in-use-$(cut -c8-19 <<<"${ecr_refs[1]#*@}")
expect_in "$out" "^tag image ${ecr_refs[1]#*@}: $in_use_tag, so the lifecycle policy cannot expire it$"
expect_in "$out" "^delete image ${ecr_refs[0]#*@}: nothing runs it, and it is not among the 1 newest pushes \(tags t1\)$"
expect_in "$out" "^set the lifecycle policy of $ecr_repo: expire untagged images past 1$"
left=$(aws ecr describe-images --repository-name "$ecr_repo" --query 'imageDetails[].imageTags[0]' --output text | tr '\t' '\n' | sort | tr '\n' ' ')
[ "$left" = "$in_use_tag t3 " ] || fail "ECR holds $left after gc"
aws ecr get-lifecycle-policy --repository-name "$ecr_repo" --query lifecyclePolicyText --output text |
  python3 -c 'import json, sys; rule = json.load(sys.stdin)["rules"][0]; assert rule["selection"] == {"tagStatus": "untagged", "countType": "imageCountMoreThan", "countNumber": 1}, rule' ||
  fail "the lifecycle policy"
# A repository with a lifecycle policy of its own keeps it.
aws ecr put-lifecycle-policy --repository-name "$ecr_repo" --lifecycle-policy-text \
  '{"rules":[{"rulePriority":1,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":50},"action":{"type":"expire"}}]}' >/dev/null
out=$("$hubtel_ai" gc --spec "$espec" --keep 1 2>"$work/err") || fail "gc in ECR, again: $(cat "$work/err")"
expect_in "$out" "^keep the lifecycle policy of $ecr_repo: the repository has one of its own$"
aws ecr get-lifecycle-policy --repository-name "$ecr_repo" --query lifecyclePolicyText --output text | grep -q '"countNumber":50' ||
  fail "gc replaced the repository's own lifecycle policy"
echo "1 passed, 0 failed"
