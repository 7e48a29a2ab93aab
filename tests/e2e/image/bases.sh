#!/usr/bin/env bash
# The base lock: the first build locks the runtime base (in the local registry) by digest and the
# builder (a local image, made here) by image id, and labels the image with its base and source
# revision; the base pushed again with other content does not change a locked build until
# update-bases, which says what changed; a local base that changed, a lock edited into nonsense and
# a lock naming a digest the registry does not have are each refused, naming the lock and what to
# do, with nothing written.
source "$(dirname "$0")/lib.sh"
work=$1
root=$2
python=hubtel-test/python:3.11-amd64
reg=$(registry)
tag="t$$"
repo="$reg/e2e-lock/base"
builder="hubtel-e2e-lock/builder:$tag"
image="hubtel/lockfn:x86_64"
made=("$builder" "$repo:$tag")
finish() { "$docker" rmi -f "${made[@]}" "$image" >/dev/null 2>&1 || true; }
trap finish EXIT

# push_base <marker>: the Python base with /etc/lock-marker holding <marker>, pushed as
# $repo:$tag; prints the digest the registry gave it.
push_base() {
  local context="$work/bases-base"
  rm -rf "$context"
  mkdir -p "$context"
  echo "$1" >"$context/marker"
  printf 'FROM %s\nCOPY marker /etc/lock-marker\n' "$python" >"$context/Dockerfile"
  "$docker" build -q -t "$repo:$tag" "$context" >/dev/null
  "$docker" push "$repo:$tag" | sed -n 's/.*digest: \(sha256:[0-9a-f]\{64\}\).*/\1/p'
}
# A label's value, or <no value> when the image has no such label (a template's index would give
# an empty string for both).
label() {
  "$docker" image inspect --format '{{json .Config.Labels}}' "$image" |
    python3 -c 'import json, sys; print((json.load(sys.stdin) or {}).get(sys.argv[1], "<no value>"))' "$1"
}
marker() { "$docker" run --rm --entrypoint cat "$image" /etc/lock-marker; }
edit() { echo "# edit $1" >>"$source_dir/app.py"; }

one=$(push_base one)
made+=("$("$docker" image inspect --format '{{.Id}}' "$repo:$tag")")
[ -n "$one" ] || fail "the first push of the base printed no digest"
"$docker" tag "$python" "$builder"

source_dir="$work/bases-src"
rm -rf "$source_dir"
cp -r "$root/examples/python-lambda" "$source_dir"
sed -i 's/^  greeter$/  lockfn/' "$source_dir/CMakeLists.txt"
build_dir="$work/bases"
configure "$source_dir" "$build_dir" "-DHUBTEL_RUNTIME_IMAGE_PYTHON3_11=$repo:$tag" \
  "-DHUBTEL_BUILDER_IMAGE_PYTHON3_11=$builder"
out=$(build "$build_dir" lockfn-image)
lock="$build_dir/hubtel/lockfn/bases.lock"
expect_in "$out" "lockfn: $repo:$tag locked at $one"
expect_in "$out" "lockfn: $builder locked at sha256:[0-9a-f]{64} \(local image id\)"
python3 - "$lock" "$repo:$tag" "$one" "$builder" "$("$docker" image inspect --format '{{.Id}}' "$builder")" <<'PY' ||
import json, sys
lock = json.load(open(sys.argv[1]))
bases = {b["name"]: b for b in lock["bases"]}
assert lock["version"] == 1 and lock["image"] == "lockfn", lock
assert bases[sys.argv[2]] == {"name": sys.argv[2], "kind": "registry", "digest": sys.argv[3]}, bases
assert bases[sys.argv[4]] == {"name": sys.argv[4], "kind": "local", "id": sys.argv[5]}, bases
PY
  fail "the lock is not as expected: $(cat "$lock")"
grep -q "FROM $repo@$one AS runtime-base" "$build_dir/hubtel/lockfn/Dockerfile.locked" ||
  fail "the engine's Dockerfile does not pin the base: $(grep FROM "$build_dir/hubtel/lockfn/Dockerfile.locked")"
[ "$(marker)" = one ] || fail "the image is not on the first base"
[ "$(label org.opencontainers.image.base.name)" = "$repo:$tag" ] || fail "base.name label: $(label org.opencontainers.image.base.name)"
[ "$(label org.opencontainers.image.base.digest)" = "$one" ] || fail "base.digest label: $(label org.opencontainers.image.base.digest)"
revision=$(git -C "$source_dir" rev-parse HEAD 2>/dev/null || echo "<no value>")
[ "$(label org.opencontainers.image.revision)" = "$revision" ] ||
  fail "revision label: $(label org.opencontainers.image.revision), expected $revision"

# The base pushed again with other content: a build after an edit stays on the locked one.
two=$(push_base two)
made+=("$("$docker" image inspect --format '{{.Id}}' "$repo:$tag")")
[ -n "$two" ] && [ "$two" != "$one" ] || fail "the second push of the base gave digest '$two'"
edit 1
build "$build_dir" lockfn-image >/dev/null
[ "$(marker)" = one ] || fail "a locked build moved to the new base"
[ "$(label org.opencontainers.image.base.digest)" = "$one" ] || fail "a locked build's label moved"

# update-bases says what changed; the next build takes the new base.
out=$(build "$build_dir" update-bases)
expect_in "$out" "lockfn: $repo:$tag $one -> $two"
expect_not_in "$out" "lockfn: $builder "
grep -q "\"digest\": \"$two\"" "$lock" || fail "update-bases did not write the new digest: $(cat "$lock")"
out=$(build "$build_dir" update-bases)
expect_in "$out" "the bases of lockfn are as [^ ]*bases.lock locks them"
out=$(build "$build_dir" lockfn-image)
expect_in "$out" 'Building Lambda image lockfn'
[ "$(marker)" = two ] || fail "the build after update-bases is not on the new base"
[ "$(label org.opencontainers.image.base.digest)" = "$two" ] || fail "the label did not follow update-bases"

# A local base that changed under its name: refused until update-bases.
id_file="$build_dir/hubtel/lockfn/image-x86_64.id"
cp "$lock" "$work/bases-lock.before"
cp "$id_file" "$work/bases-id.before"
"$docker" tag "$repo:$tag" "$builder"
edit 2
out=$(build_fails "$build_dir" lockfn-image "a build on a changed local base succeeded")
expect_in "$out" "hubtel-ai: error: the base image $builder changed since [^ ]*/hubtel/lockfn/bases.lock locked it \(locked id sha256:[0-9a-f]{64}, now sha256:[0-9a-f]{64}\)"
expect_in "$out" "update-bases"
cmp -s "$lock" "$work/bases-lock.before" || fail "a refused build changed the lock"
cmp -s "$id_file" "$work/bases-id.before" || fail "a refused build changed the image id"
out=$(build "$build_dir" update-bases)
expect_in "$out" "lockfn: $builder sha256:[0-9a-f]{64} \(local image id\) -> sha256:[0-9a-f]{64} \(local image id\)"
build "$build_dir" lockfn-image >/dev/null

# A lock edited into nonsense: refused, naming the lock; update-bases writes it again.
cp "$lock" "$work/bases-lock.good"
echo '{"version": 1, "bases": [' >"$lock"
edit 3
out=$(build_fails "$build_dir" lockfn-image "a build with a nonsense lock succeeded")
expect_in "$out" "hubtel-ai: error: the base lock '[^']*/hubtel/lockfn/bases.lock' cannot be used: it is not JSON"
expect_in "$out" "update-bases"
out=$(build "$build_dir" update-bases)
expect_in "$out" "the lock was damaged; locking every base again"
cmp -s "$lock" "$work/bases-lock.good" || fail "update-bases wrote another lock: $(cat "$lock")"

# A lock naming a digest the registry does not have (nor the engine).
missing="sha256:$(printf '0%.0s' $(seq 64))"
sed -i "s/$two/$missing/" "$lock"
cp "$lock" "$work/bases-lock.missing"
edit 4
out=$(build_fails "$build_dir" lockfn-image "a build with a missing locked base succeeded")
expect_in "$out" "hubtel-ai: error: [^ ]*/hubtel/lockfn/bases.lock locks the base image $repo:$tag at $missing, which cannot be read"
expect_in "$out" "update-bases"
cmp -s "$lock" "$work/bases-lock.missing" || fail "a refused build changed the lock"
out=$(build "$build_dir" update-bases)
expect_in "$out" "lockfn: $repo:$tag $missing -> $two"
build "$build_dir" lockfn-image >/dev/null
echo "bases image test passed"
