#!/usr/bin/env bash
# Configure-time cost of hubtel_add_lambda_image(): a project with N images (hubtel/) against the
# floor (floor/: per image one file(GENERATE), one custom command and five targets). Both are
# configured alternately, each in a fresh build folder; the best of the runs of each and their
# ratio are reported.
#
# Usage: bench/configure/run.sh [N=300] [runs=3]   (HUBTEL_AI_EXECUTABLE: a built helper)
set -euo pipefail
n=${1:-300}
runs=${2:-3}
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib.sh"
helper=${HUBTEL_AI_EXECUTABLE:-$here/../../build/src/hubtel-ai}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One configure's wall time in ms, compiler checks included on both sides.
configure_ms() {
  local kind=$1
  rm -rf "$work/$kind"
  local start end
  start=$(date +%s%N)
  local options=()
  [ "$kind" = hubtel ] && options=("-DHUBTEL_AI_EXECUTABLE=$helper" -DHUBTEL_ENGINE=/usr/bin/docker)
  cmake -S "$here/$kind" -B "$work/$kind" -G Ninja "-DIMAGES=$n" "${options[@]}" >/dev/null ||
    { echo "configuring the $kind project failed" >&2; exit 1; }
  end=$(date +%s%N)
  echo $(((end - start) / 1000000))
}

configure_ms floor >/dev/null # warm the file cache
bench_alternate "$runs" "configure_ms floor" "configure_ms hubtel"
floor=("${BENCH_A[@]}")
hubtel=("${BENCH_B[@]}")
f=$(bench_best "${floor[@]}")
h=$(bench_best "${hubtel[@]}")
echo "images: $n, runs: $runs (best configure time of each)"
echo "floor (file(GENERATE) + custom command + 5 targets per image): ${f} ms (${floor[*]})"
echo "hubtel_add_lambda_image():                                   ${h} ms (${hubtel[*]})"
awk -v f="$f" -v h="$h" -v n="$n" 'BEGIN {
  printf "per image: floor %.2f ms, hubtel %.2f ms; ratio %.2fx\n", f / n, h / n, h / f }'
