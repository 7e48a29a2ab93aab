#!/usr/bin/env bash
# Image benchmarks of the C++ example, in one run on one machine:
#  - build time: x86_64, arm64 cross-compiled in an x86_64 builder, arm64 emulated with QEMU
#    (HUBTEL_CROSS_COMPILE=OFF), each from a warm package layer and a cold compiler cache;
#  - overhead: the bytes the runtime stage adds over its base against the bytes of the program
#    and the libraries it needs (the payload).
#
# Usage: bench/image/run.sh <installed HubtelAI prefix> <x86_64 base> <multi-arch base>
#   e.g. bench/image/run.sh build-example/prefix hubtel-test/bookworm:amd64 \
#        127.0.0.1:5000/hubtel-test/bookworm:multi
# Needs dockerd, the base images (tests/e2e/fixtures/base-images.sh) and binfmt for arm64.
set -euo pipefail
prefix=$(cd "$1" && pwd)
base=$2
multi=$3
root=$(cd "$(dirname "$0")/../.." && pwd)
docker=/usr/bin/docker
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$root/examples" "$work/examples"

configure() { # <build> <cross ON|OFF>
  cmake -S "$work/examples/multiarch" -B "$work/$1" -G Ninja "-DCMAKE_PREFIX_PATH=$prefix" \
    "-DHUBTEL_RUNTIME_IMAGE_PROVIDED_AL2023=$multi" "-DHUBTEL_BUILDER_IMAGE_PROVIDED_AL2023=$2" \
    "-DHUBTEL_CROSS_COMPILE=$3" >/dev/null
}

# Seconds to build one architecture's image with the package layer warm and the compile cold:
# the source is edited (so the build stage runs again) and the compiler cache mount is emptied.
timed_build() { # <build> <arch>
  cmake --build "$work/$1" --target "hubtel/hello-multi/image-$2.id" >/dev/null 2>&1 # warm
  "$docker" builder prune --force --filter type=exec.cachemount >/dev/null
  echo "// $RANDOM$RANDOM" >>"$work/examples/cpp-lambda/main.cpp"
  local start end
  start=$(date +%s%N)
  cmake --build "$work/$1" --target "hubtel/hello-multi/image-$2.id" >"$work/$1-$2.log" 2>&1 ||
    { cat "$work/$1-$2.log"; exit 1; }
  end=$(date +%s%N)
  awk -v ns=$((end - start)) 'BEGIN { printf "%.1f", ns / 1e9 }'
}

configure cross "$base" ON
configure emulated "$multi" OFF
x86=$(timed_build cross x86_64)
cross=$(timed_build cross arm64)
emulated=$(timed_build emulated arm64)
echo "build time of the C++ example's image (warm packages, cold compile):"
echo "  x86_64:            ${x86} s"
awk -v c="$cross" -v x="$x86" 'BEGIN { printf "  arm64, cross:      %s s (%.2fx x86_64)\n", c, c / x }'
awk -v e="$emulated" -v x="$x86" -v c="$cross" \
  'BEGIN { printf "  arm64, emulated:   %s s (%.2fx x86_64, %.1fx cross)\n", e, e / x, e / c }'

size() { "$docker" image inspect --format '{{.Size}}' "$1"; }
image=$(size hubtel/hello-multi:x86_64)
"$docker" pull -q --platform linux/amd64 "$multi" >/dev/null 2>&1 || true
base_size=$(size "$base")
# The payload: what HubtelAI put in the image (the program and the libraries in /opt/lib), read
# from the image without running it.
rm -rf "$work/payload"
mkdir -p "$work/payload/var/runtime" "$work/payload/opt"
container=$("$docker" create hubtel/hello-multi:x86_64)
"$docker" cp "$container:/var/runtime/bootstrap" "$work/payload/var/runtime/bootstrap"
"$docker" cp "$container:/opt/lib" "$work/payload/opt/lib"
"$docker" rm "$container" >/dev/null
payload=$(du -sb --apparent-size "$work/payload" | cut -f1)
files=$(find "$work/payload" -type f | wc -l)
echo "overhead of the runtime stage (x86_64):"
echo "  needed (program + libraries): $payload bytes in $files files"
awk -v i="$image" -v b="$base_size" -v p="$payload" \
  'BEGIN { printf "  added over the base:         %d bytes (%.3fx the need)\n", i - b, (i - b) / p }'
