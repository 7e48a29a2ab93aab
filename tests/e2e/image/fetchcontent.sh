#!/usr/bin/env bash
# HubtelAI fetched with FetchContent_Declare() + FetchContent_MakeAvailable() from a release
# archive (a file:// URL, so nothing is downloaded): the builder, which sees only the project and
# cannot reach the archive, gets a stand-in through FETCHCONTENT_SOURCE_DIR_HUBTELAI, and the
# image builds and answers.
source "$(dirname "$0")/lib.sh"
work=$1
root=$2
base=hubtel-test/bookworm:amd64
project="$work/fetchcontent-src"
rm -rf "$project" "$work/fetchcontent" "$work/fetchcontent-release"
mkdir -p "$project" "$work/fetchcontent-release/hubtel-ai"
# What a release archive holds: the package's sources, without tests, examples or build trees.
cp -r "$root/CMakeLists.txt" "$root/README.md" "$root/cmake" "$root/modules" "$root/src" \
  "$root/templates" "$root/toolchains" "$work/fetchcontent-release/hubtel-ai/"
archive="$work/fetchcontent-release/hubtel-ai.tar.gz"
tar -C "$work/fetchcontent-release" -czf "$archive" hubtel-ai
sha=$(sha256sum "$archive" | cut -d' ' -f1)
cp "$root/examples/cpp-lambda/main.cpp" "$root/examples/cpp-lambda/event.json" "$project/"
cat >"$project/CMakeLists.txt" <<CMAKE
cmake_minimum_required(VERSION 3.24)
project(fetched LANGUAGES CXX)
include(FetchContent)
FetchContent_Declare(HubtelAI URL "file://${archive}" URL_HASH SHA256=${sha})
FetchContent_MakeAvailable(HubtelAI)
find_package(CURL REQUIRED)
add_executable(fn main.cpp)
target_link_libraries(fn PRIVATE CURL::libcurl)
hubtel_add_lambda_image(
  fn
  RUNTIME provided.al2023
  TARGET fn
  RUNTIME_IMAGE ${base}
  BUILDER_IMAGE ${base}
  BUILDER_PACKAGES libcurl4-openssl-dev
  EVENT event.json)
CMAKE

# The helper already built here, so the test does not compile it again.
configure "$project" "$work/fetchcontent" "-DHUBTEL_AI_EXECUTABLE=$HUBTEL_AI"
[ -f "$work/fetchcontent/_deps/hubtelai-src/modules/HubtelAI.cmake" ] ||
  fail "FetchContent did not unpack HubtelAI into the build tree"
expect_in "$(cat "$work/fetchcontent/hubtel/fn/spec.json")" '"hubtel_stubs": \[\]'
build "$work/fetchcontent" fn-image
out=$(build "$work/fetchcontent" fn-invoke)
expect_in "$out" '"message":"Hello, Lambda!"'
echo "fetchcontent test passed"
