#!/usr/bin/env bash
# Edit-to-image benchmark: after a one-line edit of the C++ example's main.cpp, how long
# `ninja hello-image` takes against the same edit's native `ninja hello`, both from the same
# warm build folder and engine cache, in one run. Each round appends one line of code (a new
# function returning a number no run wrote before, so the program really changes), then times
# the two builds in turn, alternating which goes first. Prints each round's pair and the medians; the target is image <= native + 1.5 s.
#
# Usage: bench/edit/run.sh <installed HubtelAI prefix> [rounds=5]
#   environment: BASE (builder and runtime image, hubtel-test/bookworm:amd64), WORK (a folder)
# Needs dockerd and the base image (tests/e2e/fixtures/base-images.sh).
set -euo pipefail
prefix=$(cd "${1:?usage: run.sh <installed HubtelAI prefix> [rounds]}" && pwd)
rounds=${2:-5}
here=$(cd "$(dirname "$0")" && pwd)
base=${BASE:-hubtel-test/bookworm:amd64}
work=${WORK:-/tmp/hubtel-bench-edit}
rm -rf "$work"
mkdir -p "$work"
cp -r "$here/../../examples/cpp-lambda" "$work/src"
cmake -S "$work/src" -B "$work/build" -G Ninja "-DCMAKE_PREFIX_PATH=$prefix" \
  -DHUBTEL_ENGINE=/usr/bin/docker "-DHUBTEL_RUNTIME_IMAGE_PROVIDED_AL2023=$base" \
  "-DHUBTEL_BUILDER_IMAGE_PROVIDED_AL2023=$base" >"$work/log" 2>&1 ||
  { tail -20 "$work/log" >&2; exit 1; }
# Warm: both built once, so each round measures an edit alone.
ninja -C "$work/build" hello hello-image >>"$work/log" 2>&1 || { tail -20 "$work/log" >&2; exit 1; }

ms() {
  local start
  start=$(date +%s%N)
  ninja -C "$work/build" "$1" >>"$work/log" 2>&1 || { tail -20 "$work/log" >&2; exit 1; }
  echo $((($(date +%s%N) - start) / 1000000))
}
natives=() images=()
for round in $(seq "$rounds"); do
  # A value no earlier run wrote: the engine's cache cannot hold this edit's build already.
  echo "long long hubtel_bench_edit_$round() { return $(date +%s%N)LL; }" >>"$work/src/main.cpp"
  if [ $((round % 2)) -eq 1 ]; then
    native=$(ms hello)
    image=$(ms hello-image)
  else
    image=$(ms hello-image)
    native=$(ms hello)
  fi
  natives+=("$native")
  images+=("$image")
  echo "round $round: native ninja hello ${native} ms, ninja hello-image ${image} ms, over native $((image - native)) ms"
done
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
n=$(median "${natives[@]}")
i=$(median "${images[@]}")
echo "median: native ${n} ms, image ${i} ms, image over native $((i - n)) ms (target: at most 1500 ms)"
