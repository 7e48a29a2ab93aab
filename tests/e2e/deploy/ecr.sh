#!/usr/bin/env bash
# ECR: --create-repository creates a missing repository (in moto), the login password goes from
# `aws ecr get-login-password` to `docker login --password-stdin` through a pipe, and since no
# real ECR host is reachable from here the login fails: named, nothing recorded, no credentials
# left behind. Missing AWS credentials are named too.
source "$(dirname "$0")/lib.sh"
use_moto

repo=e2e/ecr-$$-$RANDOM
spec=$(write_spec ecr "\"repository\": \"123456789012.dkr.ecr.us-east-1.amazonaws.com/$repo\"" '"tag": "v1"')
dir=$(dirname "$spec")
tiny_image "ecr $$ $RANDOM" >"$dir/image-x86_64.id"
mkdir -p "$work/tmp"

set +e
err=$(TMPDIR="$work/tmp" timeout 300 "$hubtel_ai" push --spec "$spec" --create-repository 2>&1 >/dev/null)
code=$?
set -e
echo "$err"
[ "$code" = 1 ] || fail "the push exited $code, expected 1"
expect_in "$err" "creating ECR repository $repo in us-east-1"
expect_in "$err" "^hubtel-ai: error: push ecr: /usr/bin/docker login 123456789012.dkr.ecr.us-east-1.amazonaws.com failed: .*; is the registry running and reachable from here\\?$"
aws ecr describe-repositories --repository-names "$repo" --query 'repositories[0].repositoryUri' --output text |
  grep -qx "123456789012.dkr.ecr.us-east-1.amazonaws.com/$repo" || fail "the repository was not created"
[ ! -e "$dir/push-x86_64.ref" ] || fail "a failed push wrote a record"
[ -z "$(ls -A "$work/tmp")" ] || fail "the private engine configuration was left behind: $(ls -A "$work/tmp")"
if grep -rq "auth" "$dir"; then
  fail "credentials in the build tree"
fi

# Without AWS credentials the get-login-password step is named.
set +e
err=$(env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN TMPDIR="$work/tmp" \
  "$hubtel_ai" push --spec "$spec" 2>&1 >/dev/null)
code=$?
set -e
[ "$code" = 1 ] || fail "the push without credentials exited $code"
expect_in "$err" "^hubtel-ai: error: push ecr: aws ecr get-login-password failed: .*credentials"
[ -z "$(ls -A "$work/tmp")" ] || fail "the private engine configuration was left behind"
echo "1 passed, 0 failed"
