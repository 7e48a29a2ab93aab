#!/usr/bin/env bash
# A secret passed as SECRETS id=path reaches the build only as a BuildKit secret mount: the build
# used it (the program holds its digest), and no layer, history entry or config holds its bytes,
# neither of the image nor of the registry build cache images pushed with it.
source "$(dirname "$0")/lib.sh"
work=$1
root=$2
base=hubtel-test/bookworm:amd64
token_file="$work/secret-token"
token="hubtel-secret-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
printf '%s' "$token" >"$token_file"

# BuildKit does not key its cache on a secret's content: a fresh source makes the build step run
# with this run's token.
source_dir="$work/secret-src"
rm -rf "$source_dir"
cp -r "$root/tests/e2e/projects/secret" "$source_dir"
echo "// run $token_file $(date +%s%N)" >>"$source_dir/main.cpp"
reg=$(registry)
configure "$source_dir" "$work/secret" "-DTEST_BASE=$base" \
  "-DTEST_TOKEN_FILE=$token_file" "-DTEST_REGISTRY=$reg" -DHUBTEL_REGISTRY_CACHE=ON
build "$work/secret" secret-image
out=$(build "$work/secret" secret-push)
expect_in "$out" "pushed the build cache of secret \\(x86_64\\)"

expected=$(printf '%s' "$token" | sha256sum | cut -d' ' -f1)
out=$("$docker" run --rm hubtel/secret:x86_64)
[ "$out" = "$expected" ] || fail "the build did not read the secret (program printed '$out')"

scan="$work/secret-scan"
rm -rf "$scan"
scanned=0
# The image, and the cache images as the registry holds them (pulled back after a local removal).
for image in hubtel/secret:x86_64 "$reg/secret:hubtel-cache-x86_64" \
  "$reg/secret:hubtel-cache-build-x86_64"; do
  if [ "$image" != hubtel/secret:x86_64 ]; then
    "$docker" rmi -f "$image" >/dev/null
    "$docker" pull -q "$image" >/dev/null
  fi
  dir="$scan/$(echo "$image" | tr '/:' '__')"
  mkdir -p "$dir/image" "$dir/layer"
  "$docker" save "$image" | tar -x -C "$dir/image"
  for layer in $(find "$dir/image" -name '*.tar' -o -name 'layer.tar'); do
    tar -x -C "$dir/layer" -f "$layer" 2>/dev/null || true
  done
  "$docker" history --no-trunc "$image" >"$dir/history.txt"
  "$docker" image inspect "$image" >"$dir/config.json"
  scanned=$((scanned + 1))
done
[ "$scanned" = 3 ] || fail "scanned $scanned images, expected 3"
if grep -r -F -q -- "$token" "$scan"; then
  fail "the secret's bytes are in an image: $(grep -r -F -l -- "$token" "$scan" | head -5)"
fi
# Nor in the build tree HubtelAI wrote.
if grep -r -F -q -- "$token" "$work/secret/hubtel"; then
  fail "the secret's bytes are in the build tree"
fi
echo "secrets test passed ($(find "$scan" -type f | wc -l) files scanned)"
