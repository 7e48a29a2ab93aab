#!/usr/bin/env bash
# Registry cache benchmark: a machine whose engine has no build cache and no image of the
# function builds it from a registry that holds the build cache another machine pushed, HubtelAI
# (a fresh build folder, HUBTEL_REGISTRY_CACHE on: `cmake` + `ninja f1-image`) against the
# hand-written Dockerfile of bench/cold built with `--cache-from` the same registry (its build
# stage and its image, each pushed with an inline cache, as a careful author would). Neither side
# compiles: each run checks its log for that.
#
# Usage: REGISTRY=<host:port> bench/cache/run.sh --seed <installed HubtelAI prefix>
#          pushes both sides' images and caches (once, from a warm engine)
#        REGISTRY=<host:port> bench/cache/run.sh --once hubtel|handwritten <prefix>
#          one run of one side, its wipe included (for farm-bench, which alternates them); each
#          run appends its phases in ms to $WORK/phases-<side>.txt: HubtelAI's configure and
#          image build, the hand-written build (the wipe is in neither)
#   environment: BUILDER (hubtel-test/builder:amd64), RUNTIME (hubtel-test/bookworm:amd64), WORK
# It wipes the whole build cache of the engine it talks to; it needs a registry on loopback
# (docker-registry serve <config>) and the base images (tests/e2e/fixtures/base-images.sh).
set -euo pipefail
mode=${1:?usage: run.sh --seed <prefix> | --once hubtel|handwritten <prefix>}
if [ "$mode" = --once ]; then
  side=${2:?usage: run.sh --once hubtel|handwritten <prefix>}
  shift
fi
prefix=$(cd "${2:?usage: run.sh --seed|--once ... <installed HubtelAI prefix>}" && pwd)
reg=${REGISTRY:?set REGISTRY to the host:port of a registry on loopback}
here=$(cd "$(dirname "$0")" && pwd)
cold=$here/../cold
builder=${BUILDER:-hubtel-test/builder:amd64}
runtime=${RUNTIME:-hubtel-test/bookworm:amd64}
docker=/usr/bin/docker
export DOCKER_BUILDKIT=1
work=${WORK:-/tmp/hubtel-bench-cache}
mkdir -p "$work"
hand=(--file "$cold/handwritten/Dockerfile" --build-arg "BUILDER=$builder"
  --build-arg "RUNTIME=$runtime" --build-arg FUNCTIONS=1 --build-arg FUNCTION=f1)

configure() {
  rm -rf "$1"
  cmake -S "$cold/project" -B "$1" -G Ninja "-DCMAKE_PREFIX_PATH=$prefix" \
    -DHUBTEL_ENGINE=$docker -DFUNCTIONS=1 "-DBENCH_BUILDER=$builder" "-DBENCH_RUNTIME=$runtime" \
    "-DBENCH_REGISTRY=$reg" -DHUBTEL_REGISTRY_CACHE=ON >"$work/$2.log" 2>&1 ||
    { tail -20 "$work/$2.log" >&2; exit 1; }
}
# No build cache, no image of either side, no build folder: a machine that never built them.
wipe() {
  rm -rf "$work/hubtel"
  "$docker" image rm --force hubtel/f1:x86_64 "$reg/bench-f1:hubtel-cache-x86_64" \
    "$reg/bench-f1:hubtel-cache-build-x86_64" "$reg/bench-hand:build" "$reg/bench-hand:cache" \
    hubtel-bench-cache/f1 >/dev/null 2>&1 || true
  "$docker" builder prune --all --force >/dev/null
}
compiled() { grep -q 'Building CXX object' "$1"; }

case $mode in
  --seed)
    configure "$work/seed" seed
    ninja -C "$work/seed" f1-push >>"$work/seed.log" 2>&1 || { tail -20 "$work/seed.log" >&2; exit 1; }
    "$docker" build --progress=plain "${hand[@]}" --target build --build-arg BUILDKIT_INLINE_CACHE=1 \
      --tag "$reg/bench-hand:build" "$cold" >>"$work/seed.log" 2>&1
    "$docker" build --progress=plain "${hand[@]}" --cache-from "$reg/bench-hand:build" \
      --build-arg BUILDKIT_INLINE_CACHE=1 --tag "$reg/bench-hand:cache" "$cold" >>"$work/seed.log" 2>&1
    "$docker" push "$reg/bench-hand:build" >>"$work/seed.log" 2>&1
    "$docker" push "$reg/bench-hand:cache" >>"$work/seed.log" 2>&1
    echo "seeded $reg with both sides' images and build caches"
    ;;
  --once)
    wipe
    case $side in
      hubtel)
        start=$(date +%s%N)
        configure "$work/hubtel" hubtel
        configured=$(date +%s%N)
        ninja -C "$work/hubtel" f1-image >>"$work/hubtel.log" 2>&1 ||
          { tail -20 "$work/hubtel.log" >&2; exit 1; }
        # Where the run went, for the split of its figure: configure and image build, in ms.
        echo "$(((configured - start) / 1000000)) $((($(date +%s%N) - configured) / 1000000))" \
          >>"$work/phases-hubtel.txt"
        if compiled "$work/hubtel.log"; then echo "run.sh: HubtelAI compiled" >&2; exit 1; fi
        ;;
      handwritten)
        start=$(date +%s%N)
        "$docker" build --progress=plain "${hand[@]}" --cache-from "$reg/bench-hand:build" \
          --cache-from "$reg/bench-hand:cache" --tag hubtel-bench-cache/f1 "$cold" \
          >"$work/handwritten.log" 2>&1 || { tail -20 "$work/handwritten.log" >&2; exit 1; }
        if ! grep -q 'CACHED' "$work/handwritten.log" || grep -Eq '^#[0-9]+ [0-9.]+ \[[0-9]+/[0-9]+\] Building' "$work/handwritten.log"; then
          echo "run.sh: the hand-written build compiled" >&2
          exit 1
        fi
        echo "$((($(date +%s%N) - start) / 1000000))" >>"$work/phases-handwritten.txt"
        ;;
      *) echo "run.sh: --once takes hubtel or handwritten, not '$side'" >&2; exit 2 ;;
    esac
    ;;
  *) echo "run.sh: --seed or --once, not '$mode'" >&2; exit 2 ;;
esac
