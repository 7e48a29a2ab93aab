#!/usr/bin/env bash
# Push: the recorded digest is the registry's, a second push sends nothing, a new image gets a new
# digest, several architectures get -<arch> tags, and an unreachable registry fails cleanly.
source "$(dirname "$0")/lib.sh"
start_registry

id=$(tiny_image "push one $$ $RANDOM")
spec=$(write_spec tiny "\"repository\": \"$registry/e2e/tiny\"" '"tag": "v1"')
dir=$(dirname "$spec")
echo "$id" >"$dir/image-x86_64.id"

out=$("$hubtel_ai" push --spec "$spec")
ref=$(cat "$dir/push-x86_64.ref")
[ "$out" = "$ref" ] || fail "push printed '$out', recorded '$ref'"
served=$(manifest_digest "$registry" e2e/tiny v1)
[ -n "$served" ] || fail "the registry serves no manifest for e2e/tiny:v1"
[ "$ref" = "$registry/e2e/tiny@$served" ] || fail "recorded $ref, the registry serves $served"
echo "pushed $ref (registry: $served)"

# release.json: the pushed digest, the image id, no function yet, a field for the SBOM; its labels
# (a `docker import`ed image has none) give no base.
python3 - "$dir/release.json" "$ref" "$id" <<'PY' || fail "release.json after the push: $(cat "$dir/release.json")"
import json, sys
r = json.load(open(sys.argv[1]))
a = r["architectures"]["x86_64"]
assert r["version"] == 1 and r["name"] == "tiny" and r["function"] is None, r
assert a["image"] == sys.argv[2] and a["digest"] == sys.argv[2].split("@")[1], a
assert a["image_id"] == sys.argv[3] and a["sbom"] is None and a["base"] is None, a
assert set(r) == {"version", "name", "repository", "source_revision", "architectures", "bases", "function"}, r
PY

# Unchanged: nothing is sent and the records keep their mtime.
before=$(mtime "$dir/push-x86_64.ref")
err=$("$hubtel_ai" push --spec "$spec" 2>&1 >/dev/null)
expect_in "$err" "already in $registry/e2e/tiny:v1"
expect_not_in "$err" "Pushed|Preparing"
[ "$(mtime "$dir/push-x86_64.ref")" = "$before" ] || fail "an unchanged push rewrote the record"

# A new image: a new digest, recorded.
id2=$(tiny_image "push two $$ $RANDOM")
echo "$id2" >"$dir/image-x86_64.id"
"$hubtel_ai" push --spec "$spec" >/dev/null
ref2=$(cat "$dir/push-x86_64.ref")
[ "$ref2" != "$ref" ] || fail "a new image kept the old digest"
[ "$ref2" = "$registry/e2e/tiny@$(manifest_digest "$registry" e2e/tiny v1)" ] ||
  fail "the second push's record differs from the registry"
grep -q "\"image\": \"$ref2\"" "$dir/release.json" || fail "release.json keeps the old digest: $(cat "$dir/release.json")"

# Two architectures: each its own tag, -x86_64 and -arm64; no TAG: the git revision, or "latest".
multi=$(write_spec multi "\"repository\": \"$registry/e2e/multi\"" '"architectures": ["x86_64", "arm64"]')
mdir=$(dirname "$multi")
tiny_image "multi x86 $$ $RANDOM" >"$mdir/image-x86_64.id"
tiny_image "multi arm $$ $RANDOM" >"$mdir/image-arm64.id"
"$hubtel_ai" push --spec "$multi" >/dev/null
base=$(git -C "$work" rev-parse --short=12 HEAD 2>/dev/null || echo latest)
for arch in x86_64 arm64; do
  digest=$(manifest_digest "$registry" e2e/multi "$base-$arch")
  [ "$(cat "$mdir/push-$arch.ref")" = "$registry/e2e/multi@$digest" ] ||
    fail "$arch: recorded $(cat "$mdir/push-$arch.ref"), the registry serves $digest"
done
python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); assert sorted(r["architectures"]) == ["arm64", "x86_64"] and all(a["digest"] for a in r["architectures"].values()), r' \
  "$mdir/release.json" || fail "release.json of two architectures: $(cat "$mdir/release.json")"

# An unreachable registry: a clear error naming the step; the old record stays as it was.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
down=$(write_spec down "\"repository\": \"127.0.0.1:$port/e2e/down\"" '"tag": "v1"')
ddir=$(dirname "$down")
echo "$id" >"$ddir/image-x86_64.id"
echo "127.0.0.1:$port/e2e/down@sha256:$(printf '0%.0s' $(seq 64))" >"$ddir/push-x86_64.ref"
cp "$ddir/push-x86_64.ref" "$work/old.ref"
set +e
err=$(timeout 300 "$hubtel_ai" push --spec "$down" 2>&1 >/dev/null)
code=$?
set -e
[ "$code" = 1 ] || fail "a push to an unreachable registry exited $code, expected 1"
expect_in "$err" "^hubtel-ai: error: push down \(x86_64\): /usr/bin/docker push 127.0.0.1:$port/e2e/down:v1 failed: .*(refused|reachable)"
cmp -s "$ddir/push-x86_64.ref" "$work/old.ref" || fail "a failed push changed the record"
[ ! -e "$ddir/release.json" ] || fail "a failed push wrote release.json"

# No built image: named, with what to do.
nobuild=$(write_spec nobuild "\"repository\": \"$registry/e2e/nobuild\"")
set +e
err=$("$hubtel_ai" push --spec "$nobuild" 2>&1 >/dev/null)
code=$?
set -e
[ "$code" = 1 ] || fail "a push without an image exited $code"
expect_in "$err" "no built image: .*image-x86_64.id' is missing; build nobuild-image first"
echo "1 passed, 0 failed"
