#!/usr/bin/env bash
# engine_agrees.sh <hubtel-ai> <size fixtures dir> <work dir>: the size report of images the engine
# made agrees with the engine. Images: a rootfs made here and `docker import`ed; an image built
# on it with COPY steps (an overwrite wastes bytes); the known test image `docker load`ed (whiteouts,
# an opaque directory); a hardlink outliving its target's path. For each, from `docker save` (a file and a pipe):
#  - total_bytes + the bytes of the layers' symlink targets == `docker image inspect .Size`
#    (overlay2 counts a symlink's st_size, the tar header does not: that is the whole tolerance);
#  - visible_bytes == the regular-file bytes of `docker export` of a container made from it.
# Starts dockerd when `docker info` fails and stops only the one it started.
set -euo pipefail
hubtel_ai=${1:?usage: engine_agrees.sh <hubtel-ai> <fixtures> <work>}
fixtures=${2:?}
work=${3:?}
docker=${DOCKER:-/usr/bin/docker}
tag=hubtel-test/size-e2e-$$
rm -rf "$work"
mkdir -p "$work"

started=
cleanup() {
  "$docker" rm -f "size-e2e-$$" >/dev/null 2>&1 || true
  "$docker" rmi -f "$tag:base" "$tag:app" "$tag:known" "$tag:hardlink" >/dev/null 2>&1 || true
  if [ -n "$started" ]; then
    kill "$started" 2>/dev/null || true
  fi
}
trap cleanup EXIT
if ! "$docker" info >/dev/null 2>&1; then
  dockerd >"$work/dockerd.log" 2>&1 </dev/null &
  started=$!
  for _ in $(seq 300); do
    "$docker" info >/dev/null 2>&1 && break
    sleep 0.2
  done
  "$docker" info >/dev/null 2>&1 || { tail -20 "$work/dockerd.log" >&2; exit 1; }
fi

# The rootfs: 455555 bytes of regular files, a hardlink (0 more) and a 4-byte symlink target.
python3 - "$work/rootfs.tar" <<'PY'
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w") as tar:
    def add(name, size=0, kind=tarfile.REGTYPE, target=""):
        info = tarfile.TarInfo(name)
        info.type, info.size, info.linkname, info.mode = kind, size, target, 0o755
        tar.addfile(info, io.BytesIO(b"x" * size) if kind == tarfile.REGTYPE else None)
    for d in ("usr", "usr/lib", "usr/bin", "data", "etc"):
        add(d, kind=tarfile.DIRTYPE)
    add("usr/lib/a.so", 100000)
    add("usr/lib/b.so", kind=tarfile.LNKTYPE, target="usr/lib/a.so")
    add("usr/bin/tool", 54321)
    add("usr/bin/link", kind=tarfile.SYMTYPE, target="tool")
    add("data/big.bin", 300000)
    add("etc/conf", 1234)
    add("etc/empty")
PY
"$docker" import "$work/rootfs.tar" "$tag:base" >/dev/null

mkdir -p "$work/context/new"
head -c 200000 /dev/zero >"$work/context/big.bin"
head -c 5000 /dev/zero >"$work/context/new/x"
head -c 7000 /dev/zero >"$work/context/new/y"
printf 'FROM %s\nCOPY big.bin /data/big.bin\nCOPY new/ /opt/new/\n' "$tag:base" >"$work/context/Dockerfile"
DOCKER_BUILDKIT=0 "$docker" build --quiet --tag "$tag:app" "$work/context" >/dev/null

load_as() { # <archive> <tag>: docker load, then only <tag> names the image
  local out ref
  out=$("$docker" load --quiet --input "$1")
  ref=${out#Loaded image: }
  ref=${ref#Loaded image ID: }
  "$docker" tag "$ref" "$2"
  case $out in "Loaded image: "*) "$docker" rmi "$ref" >/dev/null ;; esac
}
load_as "$fixtures/legacy.tar" "$tag:known"
load_as "$fixtures/hardlink.tar" "$tag:hardlink"

field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$@"; }
failed=0
check() { # <image> <symlink target bytes> <expected total> <expected visible>
  local image=$1 links=$2 want_total=$3 want_visible=$4 name=${1##*:}
  "$docker" save --output "$work/$name.tar" "$image"
  "$hubtel_ai" size "$work/$name.tar" --format json >"$work/$name.json"
  "$docker" save "$image" | "$hubtel_ai" size - --format json >"$work/$name-stdin.json"
  local total visible engine exported stdin_total
  total=$(field "$work/$name.json" total_bytes)
  visible=$(field "$work/$name.json" visible_bytes)
  stdin_total=$(field "$work/$name-stdin.json" total_bytes)
  engine=$("$docker" image inspect --format '{{.Size}}' "$image")
  "$docker" create --name "size-e2e-$$" "$image" /nothing >/dev/null
  exported=$("$docker" export "size-e2e-$$" | python3 -c '
import sys, tarfile
print(sum(m.size for m in tarfile.open(fileobj=sys.stdin.buffer, mode="r|") if m.isreg()))')
  "$docker" rm "size-e2e-$$" >/dev/null
  echo "$name: total $total (engine .Size $engine = total + $((engine - total))), visible $visible (export $exported)"
  if [ "$total" != "$want_total" ] || [ "$visible" != "$want_visible" ]; then
    echo "  expected total $want_total, visible $want_visible" >&2
    failed=1
  fi
  if [ $((total + links)) != "$engine" ]; then
    echo "  total + $links symlink bytes != engine .Size $engine" >&2
    failed=1
  fi
  if [ "$visible" != "$exported" ]; then
    echo "  visible != docker export's regular-file bytes $exported" >&2
    failed=1
  fi
  if [ "$stdin_total" != "$total" ]; then
    echo "  from stdin: total $stdin_total" >&2
    failed=1
  fi
}
check "$tag:base" 4 455555 455555
check "$tag:app" 4 667555 367555
check "$tag:known" 13 23600 12200
check "$tag:hardlink" 0 5000 5000

"$hubtel_ai" size "$work/app.tar" --base "$work/base.tar" --format json >"$work/split.json"
echo "app over base: base $(field "$work/split.json" base_bytes), added $(field "$work/split.json" added_bytes)"
[ "$(field "$work/split.json" base_bytes)" = 455555 ] || failed=1
[ "$(field "$work/split.json" added_bytes)" = 212000 ] || failed=1
exit $failed
