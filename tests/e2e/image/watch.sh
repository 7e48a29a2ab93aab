#!/usr/bin/env bash
# <name>-watch as a user runs it: the C++ example's image served over HTTP while its sources are
# edited. An edit is answered by the next request after the printed ready line; a compile error
# leaves the old code answering; SIGTERM to the build (as Ctrl-C reaches it) removes every
# container, and the build folder is left as Ninja expects it. Then a Python handler's edit,
# the same way.
source "$(dirname "$0")/lib.sh"
work=$1
root=$2
base=hubtel-test/bookworm:amd64
python_base=hubtel-test/python:3.11-amd64
project="$work/watch-src"
build_dir="$work/watch"
log="$work/watch.log"
watching=
rm -rf "$project" "$work/watch-py-src"
mkdir -p "$project"
cp "$root/examples/cpp-lambda/main.cpp" "$project/"
# A program no earlier run built, so the first build compiles (the engine's cache has none of it).
echo "// $(date +%s%N)" >>"$project/main.cpp"
cat >"$project/CMakeLists.txt" <<CMAKE
cmake_minimum_required(VERSION 3.20)
project(watch LANGUAGES CXX)
find_package(HubtelAI REQUIRED)
find_package(CURL REQUIRED)
add_executable(fn main.cpp)
target_link_libraries(fn PRIVATE CURL::libcurl)
hubtel_add_lambda_image(
  watch-fn
  RUNTIME provided.al2023
  TARGET fn
  RUNTIME_IMAGE ${base}
  BUILDER_IMAGE ${base}
  BUILDER_PACKAGES libcurl4-openssl-dev)
CMAKE

stop_watch() {
  [ -n "$watching" ] || return 0
  kill -TERM -- "-$watching" 2>/dev/null || true
  wait "$watching" || true
  watching=
  # The build tool may end before the helper it started has removed its containers.
  for _ in $(seq 200); do
    grep -q 'stopped by signal 15; removed' "$log" && return 0
    sleep 0.1
  done
  fail "the watch did not say it removed its containers: $(cat "$log")"
}
trap 'stop_watch' EXIT

# start_watch <build> <target>: runs the target in a process group of its own, reads its port.
start_watch() {
  setsid cmake --build "$1" --target "$2" >"$log" 2>&1 &
  watching=$!
  port=
  for _ in $(seq 600); do
    port=$(sed -n 's|^listening on http://127.0.0.1:\([0-9][0-9]*\)$|\1|p' "$log")
    [ -n "$port" ] && return 0
    kill -0 "$watching" 2>/dev/null || fail "$2 ended: $(cat "$log")"
    sleep 0.1
  done
  fail "$2 printed no 'listening on' line: $(cat "$log")"
}

# wait_line <count> <pattern>: waits up to 5 minutes for the log to hold count lines matching.
wait_line() {
  for _ in $(seq 3000); do
    [ "$(grep -Ec -- "$2" "$log")" -ge "$1" ] && return 0
    kill -0 "$watching" 2>/dev/null || fail "the watch ended: $(cat "$log")"
    sleep 0.1
  done
  fail "no line /$2/ ($1) in the watch's log: $(cat "$log")"
}

ask() { curl -sS --max-time 60 "http://127.0.0.1:$port$1"; }

# Every container the watch ran is gone (other tests' serve containers may run meanwhile).
no_container_of() {
  local id
  for id in "$@"; do
    [ -z "$("$docker" ps --all --quiet --filter "ancestor=$id")" ] ||
      fail "a container of $id was left behind"
  done
}

configure "$project" "$build_dir"
# One engine build at a time (the default) runs in Ninja's console pool: its progress arrives as
# it happens, not in one block at its end. Each line is stamped (in microseconds) as it arrives.
cmake --build "$build_dir" --target watch-fn-image 2>&1 |
  while IFS= read -r line; do echo "${EPOCHREALTIME/./} $line"; done >"$work/watch-build.log"
first_line=$(grep -m1 ' #1 ' "$work/watch-build.log" | cut -d' ' -f1)
last_line=$(tail -n1 "$work/watch-build.log" | cut -d' ' -f1)
[ -n "$first_line" ] || fail "no engine progress in the build's output: $(cat "$work/watch-build.log")"
[ $((last_line - first_line)) -gt 1000000 ] ||
  fail "the engine's progress came in one block at the end: $(cat "$work/watch-build.log")"
expect_in "$(tail -n1 "$work/watch-build.log")" 'hubtel: watch-fn \(x86_64\) is hubtel/watch-fn:x86_64'
first=$(cat "$build_dir/hubtel/watch-fn/image-x86_64.id")
# A build command that cannot run is refused before anything serves.
set +e
out=$("$HUBTEL_AI" watch --engine "$docker" --spec "$build_dir/hubtel/watch-fn/spec.json" \
  --arch x86_64 -- /nonexistent/cmake --build "$build_dir" 2>&1)
code=$?
set -e
[ "$code" = 2 ] || fail "a missing build program exited $code, not 2: $out"
expect_in "$out" "^hubtel-ai: error: cannot run the build command '/nonexistent/cmake': no such program"
start_watch "$build_dir" watch-fn-watch
expect_in "$(ask '/?name=Before')" '"message":"Hello, Before!"'

# An edit: built again, swapped in, and the next request after the ready line answers with it.
sed -i 's/std::string(HELLO_GREETING) + ", "/std::string("Howdy") + ", "/' "$project/main.cpp"
grep -q '"Howdy"' "$project/main.cpp" || fail "the test's edit did not apply"
wait_line 1 '^ready in [0-9.]+ s from the save \(build [0-9.]+ s\): sha256:[0-9a-f]{64}$'
expect_in "$(ask '/?name=After')" '"message":"Howdy, After!"'
second=$(cat "$build_dir/hubtel/watch-fn/image-x86_64.id")
[ "$second" != "$first" ] || fail "the edit did not record a new image"
expect_in "$(grep '^ready' "$log")" "$second"

# A compile error: the build fails, says so, and the edited code still answers.
echo 'this is not C++;' >>"$project/main.cpp"
wait_line 1 'the build failed .*; still serving the previous image$'
expect_in "$(cat "$log")" 'error: expected unqualified-id'
expect_in "$(ask '/?name=Still')" '"message":"Howdy, Still!"'
[ "$(grep -c '^ready' "$log")" = 1 ] || fail "a failed build was swapped in"

# A second save while the build of the first runs is served too (the build tool would take the
# file as built: it is older than the image id the build wrote).
building=$(grep -c 'changed: building it again' "$log")
sed -i 's/^this is not C++;$//; s/std::string("Howdy") + ", "/std::string("Hiya") + ", "/' \
  "$project/main.cpp"
wait_line $((building + 1)) 'changed: building it again'
sleep 1
sed -i 's/std::string("Hiya") + ", "/std::string("Yo") + ", "/' "$project/main.cpp"
answer=
for _ in $(seq 180); do
  answer=$(ask '/?name=Twice')
  grep -q '"message":"Yo, Twice!"' <<<"$answer" && break
  sleep 1
done
expect_in "$answer" '"message":"Yo, Twice!"'

# Settings alone (MEMORY in the call): the same image on new containers with the new settings.
readies=$(grep -c '^ready' "$log")
sed -i 's|^  BUILDER_PACKAGES libcurl4-openssl-dev)$|  BUILDER_PACKAGES libcurl4-openssl-dev REPOSITORY 127.0.0.1:9/watch-fn FUNCTION_NAME watch-fn MEMORY 512)|' \
  "$project/CMakeLists.txt"
grep -q 'MEMORY 512' "$project/CMakeLists.txt" || fail "the test's MEMORY edit did not apply"
wait_line $((readies + 1)) '^ready in '
third=$(cat "$build_dir/hubtel/watch-fn/image-x86_64.id")
# The old container is removed just after the ready line: wait for it to go.
memory_of_all() {
  local id
  for id in $("$docker" ps --quiet --filter "ancestor=$third"); do
    "$docker" inspect --format '{{range .Config.Env}}{{println .}}{{end}}' "$id" 2>/dev/null |
      grep -x 'AWS_LAMBDA_FUNCTION_MEMORY_SIZE=[0-9]*' || true
  done | sort -u
}
for _ in $(seq 100); do
  [ "$(memory_of_all)" = AWS_LAMBDA_FUNCTION_MEMORY_SIZE=512 ] && break
  sleep 0.2
done
[ "$(memory_of_all)" = AWS_LAMBDA_FUNCTION_MEMORY_SIZE=512 ] ||
  fail "the containers run with $(memory_of_all), not MEMORY 512"

# A new image whose function cannot start: the previous one keeps answering.
sed -i 's/^int main() {$/int main() {\n  if (std::getenv("AWS_LAMBDA_RUNTIME_API") != nullptr) { return 7; }/' \
  "$project/main.cpp"
wait_line 1 'the new image did not start \(see above\); still serving the previous image$'
expect_in "$(cat "$log")" 'a container of the new image exited with status 7 before its first event'
expect_in "$(ask '/?name=Kept')" '"message":"Yo, Kept!"'

# A stop while a build runs ends the build and removes every container.
echo "// $(date +%s%N)" >>"$project/main.cpp"
building=$(grep -c 'changed: building it again' "$log")
wait_line $((building + 1)) 'changed: building it again'
stop_watch
expect_in "$(cat "$log")" 'GET /\?name=Still 200 '
no_container_of "$first" "$second" "$third" "$(cat "$build_dir/hubtel/watch-fn/image-x86_64.id")"
# The build tool's own records survived the builds run inside it: one build makes the image and
# the next has nothing to do.
build "$build_dir" watch-fn-image >/dev/null
expect_in "$(build "$build_dir" watch-fn-image)" 'no work to do'

# A Python handler: an edit to its source is served after the ready line.
python_project="$work/watch-py-src"
cp -r "$root/tests/e2e/projects/python-http" "$python_project"
configure "$python_project" "$work/watch-py" \
  "-DHUBTEL_RUNTIME_IMAGE_PYTHON3_11=$python_base" "-DHUBTEL_BUILDER_IMAGE_PYTHON3_11=$python_base"
build "$work/watch-py" http-echo-image
python_first=$(cat "$work/watch-py/hubtel/http-echo/image-x86_64.id")
start_watch "$work/watch-py" http-echo-watch
[ "$(curl -sS -o /dev/null -w '%{http_code}' --max-time 60 -d x "http://127.0.0.1:$port/")" = 201 ] ||
  fail "the Python handler did not answer 201"
sed -i 's/"statusCode": 201,/"statusCode": 202,/' "$python_project/app.py"
grep -q '"statusCode": 202,' "$python_project/app.py" || fail "the test's Python edit did not apply"
wait_line 1 '^ready in [0-9.]+ s from the save'
[ "$(curl -sS -o /dev/null -w '%{http_code}' --max-time 60 -d x "http://127.0.0.1:$port/")" = 202 ] ||
  fail "the edited Python handler did not answer 202"
stop_watch
no_container_of "$python_first" "$(cat "$work/watch-py/hubtel/http-echo/image-x86_64.id")"
echo "watch test passed"
