#!/usr/bin/env bash
# A secret passed as SECRETS id=path reaches the build only as a BuildKit secret mount: the build
# used it (the program holds its digest), and no layer, history entry or config holds its bytes.
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
configure "$source_dir" "$work/secret" "-DTEST_BASE=$base" \
  "-DTEST_TOKEN_FILE=$token_file"
build "$work/secret" secret-image

expected=$(printf '%s' "$token" | sha256sum | cut -d' ' -f1)
out=$("$docker" run --rm hubtel/secret:x86_64)
[ "$out" = "$expected" ] || fail "the build did not read the secret (program printed '$out')"

scan="$work/secret-scan"
rm -rf "$scan"
mkdir -p "$scan/image"
"$docker" save hubtel/secret:x86_64 | tar -x -C "$scan/image"
for layer in $(find "$scan/image" -name '*.tar' -o -name 'layer.tar'); do
  mkdir -p "$scan/layer"
  tar -x -C "$scan/layer" -f "$layer" 2>/dev/null || true
done
"$docker" history --no-trunc hubtel/secret:x86_64 >"$scan/history.txt"
"$docker" image inspect hubtel/secret:x86_64 >"$scan/config.json"
if grep -r -F -q -- "$token" "$scan"; then
  fail "the secret's bytes are in the image: $(grep -r -F -l -- "$token" "$scan" | head -5)"
fi
# Nor in the build tree HubtelAI wrote.
if grep -r -F -q -- "$token" "$work/secret/hubtel"; then
  fail "the secret's bytes are in the build tree"
fi
echo "secrets test passed ($(find "$scan" -type f | wc -l) files scanned)"
