#!/usr/bin/env bash
# BUILD_NETWORK: the build step runs in the machine's own network by default (no network set up
# for it), with none in no network at all, and with default in a network of the engine's own.
# Each image's build step lists the network interfaces it sees.
source "$(dirname "$0")/lib.sh"
work=$1
root=$2
base=hubtel-test/builder:amd64
project="$work/network-src"
rm -rf "$project"
mkdir -p "$project"
cp "$root/examples/cpp-lambda/main.cpp" "$project/"
# Sources no earlier run had: each build step runs, not taken from the engine's cache.
echo "// $(date +%s%N)-$$" >>"$project/main.cpp"
# The listing is a build step of its own that runs every time (a custom target the program
# depends on), so each image's build shows it whatever was configured before.
printf '%s\n' '#!/bin/sh' 'echo "interfaces: $(ls /sys/class/net | sort | tr "\n" " ")"' \
  >"$project/interfaces.sh"
cat >"$project/CMakeLists.txt" <<CMAKE
cmake_minimum_required(VERSION 3.20)
project(network LANGUAGES CXX)
find_package(HubtelAI REQUIRED)
find_package(CURL REQUIRED)
add_custom_target(interfaces COMMAND sh \${CMAKE_CURRENT_SOURCE_DIR}/interfaces.sh)
add_executable(fn main.cpp)
target_link_libraries(fn PRIVATE CURL::libcurl)
add_dependencies(fn interfaces)
foreach(network IN ITEMS unsaid none default)
  set(given)
  if(NOT network STREQUAL "unsaid")
    set(given BUILD_NETWORK \${network})
  endif()
  hubtel_add_lambda_image(
    fn-\${network}
    RUNTIME provided.al2023
    TARGET fn
    RUNTIME_IMAGE ${base}
    BUILDER_IMAGE ${base}
    BUILDER_PACKAGES libcurl4-openssl-dev
    \${given})
endforeach()
CMAKE
configure "$project" "$work/network" >/dev/null
# The machine's own interfaces, as the build step lists them.
here="interfaces: $(ls /sys/class/net | sort | tr '\n' ' ')"
seen() { # <image>: the interfaces its build step saw
  build "$work/network" "fn-$1-image" >/dev/null
  grep -oE 'interfaces: [^"]*$' "$work/network/last-build.log" | tail -1 | sed 's/ *$/ /'
}
unsaid=$(seen unsaid)
none=$(seen none)
isolated=$(seen default)
echo "machine: $here"
echo "unsaid:  $unsaid"
echo "none:    $none"
echo "default: $isolated"
[ "$unsaid" = "$here" ] || fail "the build step did not run in the machine's network"
[ "$none" = "interfaces: lo " ] || fail "BUILD_NETWORK none left the build step a network"
[ "$isolated" != "$here" ] && [ "$isolated" != "interfaces: lo " ] ||
  fail "BUILD_NETWORK default did not give the build step a network of its own"
expect_in "$(cat "$work/network/hubtel/fn-none/spec.json")" '"build_network": "none"'
# The images answer whichever network built them.
for network in unsaid none default; do
  expect_in "$(cat "$work/network/hubtel/fn-$network/image-x86_64.id")" '^sha256:[0-9a-f]{64}$'
done
echo "network test passed"
