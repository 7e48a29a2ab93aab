#!/usr/bin/env bash
# images.sh build|remove <work-dir>: the self-contained images invoke's end-to-end tests run:
# runtime.cpp compiled statically (g++, aarch64-linux-gnu-g++) as the ENTRYPOINT of an image
# FROM scratch, hubtel-e2e-invoke/fn:x86_64 and :arm64. Nothing is pulled.
set -euo pipefail

action=${1:?usage: images.sh build|remove <work-dir>}
work=${2:?usage: images.sh build|remove <work-dir>}
docker=${DOCKER:-/usr/bin/docker}
here=$(cd "$(dirname "$0")" && pwd)

case $action in
  build)
    rm -rf "$work"
    for arch in x86_64 arm64; do
      mkdir -p "$work/$arch"
      case $arch in
        x86_64) compiler=g++ platform=linux/amd64 ;;
        arm64) compiler=aarch64-linux-gnu-g++ platform=linux/arm64 ;;
      esac
      command -v "$compiler" >/dev/null || {
        echo "images.sh: $compiler is missing (apt-get install g++ g++-aarch64-linux-gnu)" >&2
        exit 1
      }
      "$compiler" -std=c++17 -O2 -Wall -Wextra -Werror -static -o "$work/$arch/bootstrap" \
        "$here/runtime.cpp"
      printf '%s\n' 'FROM scratch' 'COPY bootstrap /var/runtime/bootstrap' \
        'ENTRYPOINT ["/var/runtime/bootstrap"]' >"$work/$arch/Dockerfile"
      DOCKER_BUILDKIT=1 "$docker" build --quiet --platform "$platform" \
        --tag "hubtel-e2e-invoke/fn:$arch" "$work/$arch"
    done
    ;;
  remove)
    "$docker" image rm --force hubtel-e2e-invoke/fn:x86_64 hubtel-e2e-invoke/fn:arm64 >/dev/null 2>&1 ||
      true
    rm -rf "$work"
    ;;
  *)
    echo "usage: images.sh build|remove <work-dir>" >&2
    exit 2
    ;;
esac
