#!/usr/bin/env bash
# HubtelAI added to a project with add_subdirectory() from outside it, not installed: the builder,
# which sees only the project, finds a stand-in where the project names HubtelAI, and the image
# builds and answers.
source "$(dirname "$0")/lib.sh"
work=$1
root=$2
base=hubtel-test/bookworm:amd64
project="$work/subdirectory-src"
rm -rf "$project"
mkdir -p "$project"
cp "$root/examples/cpp-lambda/main.cpp" "$root/examples/cpp-lambda/event.json" "$project/"
# By a path relative to the project, as a checkout beside it would be named.
relative=$(realpath --relative-to="$project" "$root")
cat >"$project/CMakeLists.txt" <<CMAKE
cmake_minimum_required(VERSION 3.20)
project(subdirectory LANGUAGES CXX)
add_subdirectory(${relative} hubtel-ai)
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
configure "$project" "$work/subdirectory" "-DHUBTEL_AI_EXECUTABLE=$HUBTEL_AI"
build "$work/subdirectory" fn-image
expect_in "$(cat "$work/subdirectory/hubtel/fn/Dockerfile")" "HUBTEL_AI_STUBS='$root /[^ ']*' "
out=$(build "$work/subdirectory" fn-invoke)
expect_in "$out" '"message":"Hello, Lambda!"'

# EVENT_KIND instead of EVENT: <name>-invoke sends the sample event of that kind (the function
# logs its size).
sed -i 's/EVENT event.json/EVENT_KIND apigw-http/' "$project/CMakeLists.txt"
cmake "$work/subdirectory" >/dev/null
out=$(build "$work/subdirectory" fn-invoke)
sample="$work/subdirectory/hubtel/fn/event-apigw-http.json"
expect_in "$(cat "$sample")" '"routeKey": "\$default"'
expect_in "$out" "request [0-9a-f-]+: $(wc -c <"$sample") bytes"
expect_in "$out" '"message":"Hello, '
echo "subdirectory test passed"
