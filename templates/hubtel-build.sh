#!/bin/sh
# hubtel-build: configures the project with its own CMakeLists.txt, builds one target for the
# target architecture (and, after '--', the project's tests, which ctest runs with the arguments
# that follow), collects it with what it needs into /out, and checks its ABI against the runtime
# base.
# Usage: hubtel-build <project-dir> <target> <image> <build-type> <version> [cmake-arg...]
#        [-- [ctest-arg...]]
set -eu
src=$1 target=$2 image=$3 build_type=$4 version=$5
shift 5
arch=${TARGETARCH:?TARGETARCH is unset: build with BuildKit}
# Architectures as HubtelAI names them everywhere else (x86_64, arm64).
shown() {
  case $1 in
    amd64) echo x86_64 ;;
    *) echo "$1" ;;
  esac
}
shown_arch=$(shown "$arch")
# The arguments after '--' are ctest's, kept one a line (none holds a line break) until the
# configure is done with the others.
tests=no
test_args=/tmp/hubtel-test-args
: >"$test_args"
count=$#
while [ "$count" -gt 0 ]; do
  arg=$1
  shift
  count=$((count - 1))
  if [ "$tests" = yes ]; then
    printf '%s\n' "$arg" >>"$test_args"
  elif [ "$arg" = -- ]; then
    tests=yes
  else
    set -- "$@" "$arg"
  fi
done
build=/build/$arch
toolchain=
emulator=
if [ "$TARGETARCH" != "${BUILDARCH:-$TARGETARCH}" ]; then
  case $TARGETARCH in
    arm64) triple=aarch64-linux-gnu qemu=qemu-aarch64-static ;;
    amd64) triple=x86_64-linux-gnu qemu=qemu-x86_64-static ;;
    *) echo "hubtel: no toolchain for $TARGETARCH" >&2; exit 1 ;;
  esac
  toolchain=-DCMAKE_TOOLCHAIN_FILE=/opt/hubtel/toolchains/$triple.cmake
  echo "hubtel: $image ($shown_arch): cross-compiling on $(shown "$BUILDARCH") with $triple" >&2
  # Cross-built tests run under QEMU, their loader and libraries taken from the cross root first.
  if [ "$tests" = yes ]; then
    emulator="-DCMAKE_CROSSCOMPILING_EMULATOR=/usr/bin/$qemu;-L;/usr/$triple"
  fi
fi
testing=-DBUILD_TESTING=OFF
if [ "$tests" = yes ]; then testing=-DBUILD_TESTING=ON; fi
# HubtelAI added to the project with add_subdirectory() from outside the build context: a
# stand-in at each path the project may name it by, which loads the builder's HubtelAI. One more
# for FetchContent_Declare(HubtelAI ...), which the configure below points FetchContent at.
for stub in ${HUBTEL_AI_STUBS:-} /opt/hubtel/stand-in; do
  if [ ! -e "$stub/CMakeLists.txt" ]; then
    mkdir -p "$stub"
    printf '%s\n' 'cmake_minimum_required(VERSION 3.16)' \
      "project(HubtelAI VERSION $version LANGUAGES NONE)" \
      'include(/opt/hubtel/cmake/HubtelAIConfig.cmake)' \
      "set(HubtelAI_VERSION $version PARENT_SCOPE)" >"$stub/CMakeLists.txt"
  fi
done
generator=
if command -v ninja >/dev/null 2>&1; then
  generator=-GNinja
fi
# A build folder from another generator cannot be reused; start it afresh.
if [ -f "$build/CMakeCache.txt" ] && ! grep -q "^CMAKE_GENERATOR:INTERNAL=${generator#-G}" "$build/CMakeCache.txt" 2>/dev/null; then
  if [ -n "$generator" ]; then rm -rf "$build"; fi
fi
# The folder serves every build tree of the project configured alike (its name holds nothing of
# the machine, so a registry cache serves other machines too), so its objects may come from
# another checkout, and Ninja judges by modification times alone. When a file of the context
# changed since the last build here without becoming newer than that build, or nothing says
# what that build read, the folder starts afresh.
# The time of that build is taken when it ends, so a source written while it ran counts as not
# newer. A find that cannot list (busybox has no -printf) leaves no listing: always afresh.
sources=$build.sources
listed=yes
find /src -type f -printf '%P\t%T@\t%s\n' >"$sources.unsorted" 2>/dev/null || listed=no
LC_ALL=C sort "$sources.unsorted" >"$sources.now"
if [ -f "$build/CMakeCache.txt" ]; then
  fresh=no
  if [ "$listed" = yes ] && [ -f "$sources" ] && [ -f "$sources.built" ]; then
    LC_ALL=C comm -23 "$sources.now" "$sources" | cut -f1 >"$sources.changed"
    while IFS= read -r file; do
      if ! [ "/src/$file" -nt "$sources.built" ]; then
        echo "hubtel: $image ($shown_arch): $file changed but is not newer than the last build in the shared build folder; building afresh" >&2
        fresh=yes
        break
      fi
    done <"$sources.changed"
  else
    fresh=yes
  fi
  if [ "$fresh" = yes ]; then rm -rf "$build"; fi
fi
# The build step writes HubtelAI's CMake and toolchain files afresh each time, which the folder's
# configure read: they keep the time of the last build that saw them change (a copy of them all is
# kept beside the folder), so CMake runs again only when they do change.
kept=$build.hubtel-files
if [ -f "$kept" ] && cat /opt/hubtel/cmake/* /opt/hubtel/toolchains/* | cmp -s - "$kept"; then
  touch -r "$kept" /opt/hubtel/cmake/* /opt/hubtel/toolchains/*
else
  cat /opt/hubtel/cmake/* /opt/hubtel/toolchains/* >"$kept"
fi
# The folder is HubtelAI's for one project and one set of the arguments below (its cache mount is
# named after them), so a folder that was configured and generated is configured again only when
# the project's CMake files change, which the build below sees for itself.
# One target is built here, so the project's tests are off (and need none of their packages)
# unless they are to run (the folder is then another, as its cache mount is named after that
# too); CMAKE_ARGS come last and may turn them on again.
if [ ! -f "$build/CMakeCache.txt" ] || { [ ! -f "$build/build.ninja" ] && [ ! -f "$build/Makefile" ]; }; then
  cmake -S "$src" -B "$build" $generator --no-warn-unused-cli "-DCMAKE_BUILD_TYPE=$build_type" \
    -DHubtelAI_DIR=/opt/hubtel/cmake -DHUBTEL_AI_IN_BUILDER=ON \
    -DFETCHCONTENT_SOURCE_DIR_HUBTELAI=/opt/hubtel/stand-in \
    "-DHUBTEL_AI_VERSION=$version" $testing $toolchain ${emulator:+"$emulator"} "$@"
fi
# Ninja itself when the folder is Ninja's (cmake --build would start CMake only to start it).
if [ -f "$build/build.ninja" ] && [ "$generator" = -GNinja ]; then
  ninja -C "$build" "$target"
else
  cmake --build "$build" --target "$target"
fi
# The tests: the whole project is built (the default target holds them), then ctest runs them
# for the target architecture; a failure stops the image here, before the runtime stage.
if [ "$tests" = yes ]; then
  if [ -f "$build/build.ninja" ] && [ "$generator" = -GNinja ]; then
    ninja -C "$build"
  else
    cmake --build "$build"
  fi
  set --
  while IFS= read -r arg; do set -- "$@" "$arg"; done <"$test_args"
  # Amazon Linux 2's CMake 3 names it ctest3.
  ctest=ctest
  if ! command -v ctest >/dev/null 2>&1 && command -v ctest3 >/dev/null 2>&1; then ctest=ctest3; fi
  echo "hubtel: $image ($shown_arch): running the project's tests: ctest --output-on-failure --no-tests=error $*" >&2
  if ! (cd "$build" && "$ctest" --output-on-failure --no-tests=error "$@"); then
    echo "hubtel: $image ($shown_arch): the project's tests failed (ctest's output is above), so the image was not built; TEST_ARGS passes options to ctest: -V shows every test's output, -E <regex> leaves tests out" >&2
    exit 1
  fi
fi
if [ "$listed" = yes ]; then
  mv "$sources.now" "$sources"
  touch "$sources.built"
fi
program_file=$build/hubtel-builder/$image.program
if [ ! -f "$program_file" ]; then
  echo "hubtel: the project did not call hubtel_add_lambda_image($image ...) in the builder;" \
    "is the call inside a condition that is false there? The builder configures the project" \
    "afresh: pass the cache variables and options it needs with CMAKE_ARGS -D<VAR>=<value>" >&2
  exit 1
fi
rm -rf /out
/opt/hubtel/bin/hubtel-collect "$(cat "$program_file")" /out /runtime-base "$build"
/opt/hubtel/bin/hubtel-abi /out "$build.abi"
# Reproducible layers: what the runtime stage takes gets the time SOURCE_DATE_EPOCH says (HubtelAI
# passes it: set, or the last commit's), its owners and modes being the builder's own; BuildKit
# copies trees in name order, so two builds of the same sources give the same layers.
if [ -n "${SOURCE_DATE_EPOCH:-}" ]; then
  find /out/rootfs /out/libs -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
fi
