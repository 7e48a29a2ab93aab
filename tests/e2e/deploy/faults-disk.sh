#!/usr/bin/env bash
# A full disk under the image's build folder (a small tmpfs): prepare and push end with an error
# naming the file they could not write, exit 1, and leave the old file whole and no temporary file
# behind; once there is room again, a rerun converges.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/../fixtures/faults.sh"
start_registry

dir="$work/hubtel/disk"
mkdir -p "$dir"
mount -t tmpfs -o size=256k,mode=0755 hubtel-e2e-disk "$dir" ||
  fail "cannot mount a tmpfs on $dir (the test needs root, or CAP_SYS_ADMIN)"
trap 'umount "$dir" 2>/dev/null || umount -l "$dir" 2>/dev/null || true
      [ -z "$own_registry_pid" ] || kill "$own_registry_pid" 2>/dev/null || true' EXIT

# Templates of a few lines: the rendering is not what this test is about.
mkdir -p "$work/templates"
printf 'FROM {{runtime_image}} AS runtime\n{{#builder_packages}}# {{.}}\n{{/builder_packages}}' \
  >"$work/templates/Dockerfile.native.mustache"
echo '*' >"$work/templates/dockerignore.mustache"
spec=$(write_spec disk "\"repository\": \"$registry/e2e/disk\"" '"tag": "v1"')
tiny_image "disk $$ $RANDOM" >"$dir/image-x86_64.id"
"$hubtel_ai" prepare --spec "$spec"
cp "$dir/Dockerfile" "$work/Dockerfile.before"

fill() {
  dd if=/dev/zero of="$dir/filler" bs=4k status=none 2>/dev/null || true
  [ "$(df --output=avail "$dir" | tail -n 1)" -eq 0 ] || fail "the tmpfs is not full: $(df "$dir")"
}

# expect_full <file> <command>...: the command fails naming <file> and the full disk, the file
# stays as it was (or absent), and no temporary file is left.
expect_full() {
  local file=$1 err code
  shift
  local before=absent
  [ -e "$file" ] && before=$(sha256sum <"$file")
  set +e
  err=$("$@" 2>&1 >/dev/null)
  code=$?
  set -e
  echo "$err"
  [ "$code" = 1 ] || fail "$* on a full disk exited $code, expected 1"
  expect_in "$err" "^hubtel-ai: error: .*'$file': No space left on device"
  local after=absent
  [ -e "$file" ] && after=$(sha256sum <"$file")
  [ "$after" = "$before" ] || fail "$* on a full disk changed $file"
  expect_no_staging "$dir" "$* on a full disk"
}

# A changed spec on a full disk: its Dockerfile cannot be written, and the old one stays whole.
python3 - "$spec" <<'PY'
import json, sys
spec = json.load(open(sys.argv[1])); spec["builder_packages"] = ["zip"]
json.dump(spec, open(sys.argv[1], "w"))
PY
fill
expect_full "$dir/Dockerfile" "$hubtel_ai" prepare --spec "$spec"
cmp -s "$dir/Dockerfile" "$work/Dockerfile.before" || fail "the old Dockerfile was damaged"

# A push whose record cannot be written: the image is in the registry, but nothing is recorded.
expect_full "$dir/push-x86_64.ref" "$hubtel_ai" push --spec "$spec"
expect_no_push_record "$dir" "a push on a full disk"

# Room again: both converge.
rm "$dir/filler"
"$hubtel_ai" prepare --spec "$spec"
grep -q zip "$dir/Dockerfile" || fail "the rerun did not render the changed spec"
"$hubtel_ai" push --spec "$spec" >/dev/null
[ "$(cat "$dir/push-x86_64.ref")" = "$registry/e2e/disk@$(manifest_digest "$registry" e2e/disk v1)" ] ||
  fail "the rerun recorded $(cat "$dir/push-x86_64.ref")"
echo "1 passed, 0 failed"
