#!/usr/bin/env bash
# Cold build benchmark, in one run on one machine: FUNCTIONS small C++ Lambda functions of one
# project (project/) built by HubtelAI from a fresh build folder (`cmake` + `ninja -j$JOBS
# images`, its configure included), against the hand-written two-stage Dockerfile beside it
# (handwritten/), built once per function, $ENGINE_JOBS builds at a time (HubtelAI runs as many
# engine builds at once: HUBTEL_ENGINE_JOBS). Same builder image, runtime base and program on
# both sides. Before every run the build cache is wiped (`docker builder prune -af`) and the
# images built are removed; the wipe is not timed. The sides run alternately; the best of RUNS
# of each and their ratio are printed, then where an extra HubtelAI run spent its time.
#
# Usage: bench/cold/run.sh <installed HubtelAI prefix> [functions=1] [runs=3]
#   environment: BUILDER (hubtel-test/builder:amd64), RUNTIME (hubtel-test/bookworm:amd64),
#   JOBS (Ninja's -j, 2), ENGINE_JOBS (1), ENGINE (the client HubtelAI builds with, /usr/bin/docker),
#   WORK (a folder for the build folders and logs)
# One cold run of one side, its wipe included (for an outside timer that alternates them):
#   bench/cold/run.sh --once hubtel|handwritten <prefix> [functions=1]
# Needs dockerd and the base images (tests/e2e/fixtures/base-images.sh builder-amd64).
set -euo pipefail
once=
if [ "${1:-}" = --once ]; then
  once=${2:?usage: run.sh --once hubtel|handwritten <prefix> [functions]}
  shift 2
fi
prefix=$(cd "${1:?usage: run.sh <installed HubtelAI prefix> [functions] [runs]}" && pwd)
functions=${2:-1}
runs=${3:-3}
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib.sh"
builder=${BUILDER:-hubtel-test/builder:amd64}
runtime=${RUNTIME:-hubtel-test/bookworm:amd64}
jobs=${JOBS:-2}
engine_jobs=${ENGINE_JOBS:-1}
docker=/usr/bin/docker
engine=${ENGINE:-$docker}
export DOCKER_BUILDKIT=1
work=${WORK:-/tmp/hubtel-bench-cold}
mkdir -p "$work"

# The state of a machine that never built these images: no build cache, no image of either side.
wipe() {
  rm -rf "$work/hubtel"
  local images=()
  for i in $(seq "$functions"); do
    images+=("hubtel/f$i:x86_64" "hubtel-bench-cold/f$i")
  done
  "$docker" image rm --force "${images[@]}" >/dev/null 2>&1 || true
  "$docker" builder prune --all --force >/dev/null
}

# hubtel: HubtelAI's configure and build of every image, from a fresh build folder, with the
# client $engine.
hubtel() {
  local start
  start=$(date +%s%N)
  if ! cmake -S "$here/project" -B "$work/hubtel" -G Ninja "-DCMAKE_PREFIX_PATH=$prefix" \
    "-DHUBTEL_ENGINE=$engine" "-DHUBTEL_ENGINE_JOBS=$engine_jobs" "-DFUNCTIONS=$functions" \
    "-DBENCH_BUILDER=$builder" "-DBENCH_RUNTIME=$runtime" >"$work/hubtel.log" 2>&1; then
    tail -30 "$work/hubtel.log" >&2
    echo "run.sh: configuring the HubtelAI project failed" >&2
    exit 1
  fi
  echo $((($(date +%s%N) - start) / 1000000)) >"$work/configure-ms"
  if ! ninja -C "$work/hubtel" -j "$jobs" images >>"$work/hubtel.log" 2>&1; then
    tail -30 "$work/hubtel.log" >&2
    echo "run.sh: the HubtelAI build failed" >&2
    exit 1
  fi
}

# handwritten: one `docker build` of the hand-written Dockerfile per function.
handwritten() {
  seq "$functions" | xargs -P "$engine_jobs" -I{} "$docker" build --quiet \
    --file "$here/handwritten/Dockerfile" --build-arg "BUILDER=$builder" \
    --build-arg "RUNTIME=$runtime" --build-arg "FUNCTIONS=$functions" \
    --build-arg "FUNCTION=f{}" --tag "hubtel-bench-cold/f{}" "$here" >"$work/handwritten.log" 2>&1 ||
    { tail -30 "$work/handwritten.log" >&2; echo "run.sh: the hand-written build failed" >&2; exit 1; }
}

if [ -n "$once" ]; then
  wipe
  case $once in
    hubtel) hubtel ;;
    handwritten) handwritten ;;
    *) echo "run.sh: --once takes hubtel or handwritten, not '$once'" >&2; exit 2 ;;
  esac
  exit 0
fi

# One cold run's wall time in ms, the wipe before it not counted.
cold_ms() {
  wipe
  local start end
  start=$(date +%s%N)
  "$@"
  end=$(date +%s%N)
  echo $(((end - start) / 1000000))
}

bench_alternate "$runs" "cold_ms handwritten" "cold_ms hubtel"
hand_runs=("${BENCH_A[@]}")
hubtel_runs=("${BENCH_B[@]}")
d=$(bench_best "${hand_runs[@]}")
h=$(bench_best "${hubtel_runs[@]}")
echo "functions: $functions, runs: $runs (best cold build of each; Ninja -j$jobs, $engine_jobs engine build(s) at once)"
echo "hand-written Dockerfile: ${d} ms (${hand_runs[*]})"
echo "HubtelAI:                ${h} ms (${hubtel_runs[*]})"
awk -v d="$d" -v h="$h" 'BEGIN { printf "ratio: %.2fx\n", h / d }'

# Where HubtelAI's time goes, from one more cold run: every engine call timed through a
# pass-through client, Ninja's own log of each step, and BuildKit's time of each build step.
# The pass-through client is not Debian's docker, so this run asks the client what the timed
# runs ask the daemon's socket, and mounts the runtime base whole (src/engine/base_folders.hpp):
# its engine calls take longer than theirs.
calls="$work/engine-calls.txt"
: >"$calls"
cat >"$work/engine" <<EOF
#!/bin/sh
start=\$(date +%s%N)
"$engine" "\$@"
code=\$?
echo "\$(( (\$(date +%s%N) - start) / 1000000 )) \$*" >>"$calls"
exit \$code
EOF
chmod +x "$work/engine"
engine="$work/engine"
total=$(cold_ms hubtel)
echo
echo "breakdown of one more HubtelAI run (${total} ms, configure included):"
echo "  cmake: configure of the project (host)      $(cat "$work/configure-ms") ms"
# Ninja's log: `start end mtime output hash`, times in ms from Ninja's start, one line per output
# (and per name of it: relative and absolute), so a step counts once by its hash and times.
awk '
  NR == 1 { next }
  { what = "" }
  $4 ~ /\.o$/ { what = "host compile" }
  $4 ~ /^f[0-9]+$/ { what = "host link" }
  $4 ~ /Dockerfile$/ { what = "prepare (hubtel-ai prepare)" }
  $4 ~ /image-[a-z0-9_]+\.id$/ { what = "image build (hubtel-ai build)" }
  what != "" && !(($1, $2, $5) in seen) { seen[$1, $2, $5] = 1; sum[what] += $2 - $1; n[what]++ }
  $2 > last { last = $2 }
  END {
    for (what in sum) { printf "  ninja: %-37s %6d ms in %d step(s)\n", what, sum[what], n[what] }
    printf "  ninja: all steps, wall                      %6d ms\n", last
  }' "$work/hubtel/.ninja_log"
awk '
  { ms = $1; $1 = ""; kind = "other engine calls (inspect, info)" }
  / build .*--target runtime / { kind = "engine call: the image (packages, build, ABI, image)" }
  { sum[kind] += ms; n[kind]++ }
  END { for (kind in sum) { printf "  %-51s %6d ms in %d call(s)\n", kind, sum[kind], n[kind] } }' "$calls"
# BuildKit prints `#<n> [<stage> i/n] <instruction>` then `#<n> DONE <seconds>s`; summed over the
# images by stage step.
awk '
  /^#1 \[internal\] load build definition/ { call++ }
  match($0, /^#[0-9]+ \[[a-z-]+ [0-9]+\/[0-9]+\] /) {
    what = $2 " " $3 " " $4
    if ($0 ~ /mkdir -p \/opt\/hubtel/) { what = what " (HubtelAI'"'"'s scripts)" }
    else if ($0 ~ /hubtel-deps/) { what = what " (package step)" }
    else if ($0 ~ /hubtel-build/) { what = what " (configure, build, collect)" }
    step[call, $1] = what
  }
  /^#[0-9]+ exporting to / && step[call, $1] == "" { step[call, $1] = "(" $2 " " $3 " " $4 ")" }
  /^#[0-9]+ DONE / {
    name = step[call, $1]
    if (name == "") { next }
    secs = $3; sub(/s$/, "", secs)
    sum[name] += secs; n[name]++
  }
  END { for (name in sum) { printf "  engine step %-58s %6.0f ms in %d build(s)\n", name, sum[name] * 1000, n[name] } }
' "$work/hubtel.log" | sort -k2
