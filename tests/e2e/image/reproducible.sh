#!/usr/bin/env bash
# Reproducible layers: the C++ and the Python example, each built twice from the same sources in
# two build trees whose builds share no cache, give the same digest for every layer HubtelAI adds;
# each file of those layers has SOURCE_DATE_EPOCH's time. No cache is shared, without wiping the
# engine's: each build's runtime base is the example's base plus a layer of its own (a file
# holding a nonce), so every step that reads it, the build and the runtime stage's copies, runs
# anew (BuildKit takes a copy from its cache by the files' contents, whatever their times); and a
# build argument of each tree's own gives its build a build folder of its own.
source "$(dirname "$0")/lib.sh"
work=$1
root=$2
export SOURCE_DATE_EPOCH=1700000000
made=(hubtel-e2e-repro/base:reprocpp-1 hubtel-e2e-repro/base:reprocpp-2
  hubtel-e2e-repro/base:repropy-1 hubtel-e2e-repro/base:repropy-2)
finish() { "$docker" rmi "${made[@]}" >/dev/null 2>&1 || true; }
trap finish EXIT

layers() { "$docker" image inspect --format '{{range .RootFS.Layers}}{{println .}}{{end}}' "$1"; }

# added <image> <base>: the layers the image has above its base's (its base's and the nonce's).
added() { tail -n +"$(($(layers "$2" | grep -c .) + 2))" <<<"$(layers "$1")"; }

# check_times <image> <count>: every entry of the image's last <count> layers has the time
# SOURCE_DATE_EPOCH says.
check_times() {
  local archive="$work/repro-save.tar"
  "$docker" save --output "$archive" "$1"
  python3 - "$archive" "$2" "$SOURCE_DATE_EPOCH" <<'PY' || fail "$1: a file of an added layer has another time"
import io, json, sys, tarfile
archive, count, epoch = tarfile.open(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
layers = json.load(archive.extractfile("manifest.json"))[0]["Layers"][-count:]
for name in layers:
    layer = tarfile.open(fileobj=io.BytesIO(archive.extractfile(name).read()))
    members = layer.getmembers()
    wrong = [(m.name, m.mtime) for m in members if m.mtime != epoch]
    assert not wrong, (name, wrong[:5])
    print(name, len(members), "entries, all at", epoch)
PY
  rm -f "$archive"
}

# twice <example> <image name> <runtime variable> <base> <builder>: builds the example in two
# build trees, each with a build argument of its own; prints both image ids.
twice() {
  local example=$1 name=$2 variable=$3 base=$4 builder=$5 source_dir="$work/repro-$2-src"
  rm -rf "$source_dir"
  cp -r "$root/examples/$example" "$source_dir"
  # The image under a name of this test's own, with a build argument each tree sets.
  python3 - "$source_dir/CMakeLists.txt" "$name" <<'PY'
import re, sys
path, name = sys.argv[1], sys.argv[2]
text = open(path).read()
text, count = re.subn(r"hubtel_add_lambda_image\(\n  [a-z]+\n",
                      "hubtel_add_lambda_image(\n  %s\n  BUILD_ARGS REPRO_NONCE=${REPRO_NONCE}\n" % name, text)
assert count == 1, text
open(path, "w").write(text)
PY
  local n
  for n in 1 2; do
    local run_base="hubtel-e2e-repro/base:$name-$n" context="$work/repro-base"
    rm -rf "$context"
    mkdir -p "$context"
    echo "$$ $RANDOM $n $(date +%s%N)" >"$context/nonce"
    printf 'FROM %s\nCOPY nonce /etc/hubtel-e2e-repro-nonce\n' "$base" >"$context/Dockerfile"
    "$docker" build -q -t "$run_base" "$context" >/dev/null
    configure "$source_dir" "$work/repro-$name-$n" "-D${variable}=$run_base" \
      "-D${variable/RUNTIME/BUILDER}=$builder" "-DREPRO_NONCE=n$$x${RANDOM}x$n" >/dev/null
    build "$work/repro-$name-$n" "$name-image" >"$work/repro-$name-$n.log"
    cat "$work/repro-$name-$n/hubtel/$name/image-x86_64.id"
  done
}

# C++: both builds compile and link the program afresh.
bookworm=hubtel-test/bookworm:amd64
mapfile -t ids < <(twice cpp-lambda reprocpp HUBTEL_RUNTIME_IMAGE_PROVIDED_AL2023 "$bookworm" "$bookworm")
[ "${#ids[@]}" = 2 ] || fail "the C++ example did not build twice (logs: $work/repro-reprocpp-*.log)"
made+=("${ids[@]}")
for n in 1 2; do
  grep -q 'Linking CXX executable' "$work/repro-reprocpp-$n.log" ||
    fail "build $n of the C++ example did not link the program (a cache hit?)"
done
one=$(added "${ids[0]}" "$bookworm")
two=$(added "${ids[1]}" "$bookworm")
[ "$(wc -l <<<"$one")" -ge 2 ] || fail "the C++ image added fewer than two layers: $one"
[ "$one" = "$two" ] || fail "two C++ builds added different layers:
$one
---
$two"
echo "C++: the same $(wc -l <<<"$one") added layers in both builds"
check_times "${ids[1]}" "$(wc -l <<<"$one")"

# Python: requirements, HubtelAI's bootstrap and the handler.
python=hubtel-test/python:3.11-amd64
mapfile -t ids < <(twice python-lambda repropy HUBTEL_RUNTIME_IMAGE_PYTHON3_11 "$python" "$python")
[ "${#ids[@]}" = 2 ] || fail "the Python example did not build twice (logs: $work/repro-repropy-*.log)"
made+=("${ids[@]}")
one=$(added "${ids[0]}" "$python")
two=$(added "${ids[1]}" "$python")
[ "$(wc -l <<<"$one")" -ge 3 ] || fail "the Python image added fewer than three layers: $one"
[ "$one" = "$two" ] || fail "two Python builds added different layers:
$one
---
$two"
echo "Python: the same $(wc -l <<<"$one") added layers in both builds"
check_times "${ids[1]}" "$(wc -l <<<"$one")"
echo "reproducible image test passed"
