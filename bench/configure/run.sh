#!/usr/bin/env bash
# Configure-time cost of hubtel_add_lambda_image(): a project with N images against a bare-CMake
# baseline with, per image, one file(GENERATE), one custom command and five custom targets.
# Both are configured in the same run, alternating, and the per-call difference is reported.
#
# Usage: bench/configure/run.sh [N=300] [runs=5]   (needs a built helper: HUBTEL_AI_EXECUTABLE)
set -euo pipefail
n=${1:-300}
runs=${2:-5}
root=$(cd "$(dirname "$0")/../.." && pwd)
helper=${HUBTEL_AI_EXECUTABLE:-$root/build/src/hubtel-ai}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

make_project() {
  local dir=$1 kind=$2
  mkdir -p "$dir"
  echo 'int main() { return 0; }' >"$dir/main.cpp"
  {
    echo 'cmake_minimum_required(VERSION 3.20)'
    echo 'project(bench LANGUAGES CXX)'
    [ "$kind" = hubtel ] && echo "add_subdirectory(\"$root\" hubtel-ai)"
    echo "foreach(i RANGE 1 $n)"
    echo '  add_executable(f${i} main.cpp)'
    if [ "$kind" = hubtel ]; then
      echo '  hubtel_add_lambda_image(f${i} RUNTIME provided.al2023 TARGET f${i})'
    else
      echo '  file(GENERATE OUTPUT ${CMAKE_BINARY_DIR}/b/f${i}/spec.json CONTENT "{\"t\": \"$<TARGET_FILE:f${i}>\"}")'
      echo '  add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/b/f${i}/id COMMAND true DEPENDS f${i})'
      echo '  add_custom_target(f${i}-image DEPENDS ${CMAKE_BINARY_DIR}/b/f${i}/id)'
      echo '  foreach(t size invoke push deploy)'
      echo '    add_custom_target(f${i}-${t} COMMAND true)'
      echo '  endforeach()'
    fi
    echo 'endforeach()'
  } >"$dir/CMakeLists.txt"
}

make_project "$work/bare" bare
make_project "$work/hubtel" hubtel

# One configure's wall time in ms (a fresh build folder each time, compiler checks included in
# both, so the difference is the per-image work).
configure_ms() {
  local kind=$1
  rm -rf "$work/build-$kind"
  local start end
  start=$(date +%s%N)
  cmake -S "$work/$kind" -B "$work/build-$kind" -G Ninja "-DHUBTEL_AI_EXECUTABLE=$helper" \
    -DHUBTEL_ENGINE=/usr/bin/docker >/dev/null || { echo "configuring the $kind project failed" >&2; exit 1; }
  end=$(date +%s%N)
  echo $(((end - start) / 1000000))
}

configure_ms bare >/dev/null # warm the file cache
bare=()
hubtel=()
for _ in $(seq "$runs"); do
  bare+=("$(configure_ms bare)")
  hubtel+=("$(configure_ms hubtel)")
done
median() { printf '%s\n' "$@" | sort -n | sed -n "$(((${#@} + 1) / 2))p"; }
b=$(median "${bare[@]}")
h=$(median "${hubtel[@]}")
echo "images: $n, runs: $runs (median configure time)"
echo "bare CMake (file(GENERATE) + custom command + 5 targets per image): ${b} ms"
echo "hubtel_add_lambda_image():                                        ${h} ms"
awk -v b="$b" -v h="$h" -v n="$n" 'BEGIN {
  printf "per image: bare %.2f ms, hubtel %.2f ms (ratio %.2fx)\n", b / n, h / n, h / b }'
