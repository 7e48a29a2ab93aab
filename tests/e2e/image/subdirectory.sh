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
# The checkout by its own path, and by the path the project names it at inside the builder
# (/src/<its path relative to the project>) unless the two are the same: they are when the build
# tree lies so deep that the relative path climbs to / and back down.
expect_in "$(cat "$work/subdirectory/hubtel/fn/Dockerfile")" "HUBTEL_AI_STUBS='$root( /[^ ']*)?' "
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

# <name>-serve: the image behind a local function URL, asked over HTTP; SIGTERM to the build
# (its process group, as a terminal's Ctrl-C reaches it) removes the container.
setsid cmake --build "$work/subdirectory" --target fn-serve >"$work/serve.log" 2>&1 &
serving=$!
port=
for _ in $(seq 300); do
  port=$(sed -n 's|^listening on http://127.0.0.1:\([0-9][0-9]*\)$|\1|p' "$work/serve.log")
  [ -n "$port" ] && break
  kill -0 "$serving" 2>/dev/null || fail "fn-serve ended: $(cat "$work/serve.log")"
  sleep 0.1
done
[ -n "$port" ] || fail "fn-serve printed no 'listening on' line: $(cat "$work/serve.log")"
answer=$(curl -sS --max-time 60 "http://127.0.0.1:$port/greet?name=Serve")
expect_in "$answer" '"message":"Hello, Serve!"'
kill -TERM -- "-$serving"
wait "$serving" || true
# The build tool may end before the helper it started has removed its container.
for _ in $(seq 200); do
  grep -q 'removed 1 container' "$work/serve.log" && break
  sleep 0.1
done
expect_in "$(cat "$work/serve.log")" 'GET /greet\?name=Serve 200 '
expect_in "$(cat "$work/serve.log")" 'removed 1 container'
echo "subdirectory test passed"
