#!/usr/bin/env bash
# A Python handler (tests/e2e/projects/python-http) in a Python image HubtelAI builds, asked with
# curl through each front `hubtel-ai serve` plays: function-url and apigw-http (payload 2.0),
# apigw-rest (payload 1.0) and alb. Each answers 201 with a request header echoed, the request's
# cookies seen, two cookies set in the shape its front takes (`cookies` for 2.0,
# `multiValueHeaders` otherwise) and the body, binary or text, back byte for byte through
# `isBase64Encoded`. Each server is stopped with SIGTERM and leaves no container behind.
source "$(dirname "$0")/lib.sh"
work=$1
root=$2
base=hubtel-test/python:3.11-amd64
project="$work/python-serve-src"
run="$work/python-serve-run"
token="python-serve-$$"
server=
front=
rm -rf "$project" "$run"
mkdir -p "$run"
cp -r "$root/tests/e2e/projects/python-http" "$project"

fail() {
  echo "FAIL (python-serve${front:+ --as $front}): $*" >&2
  [ -f "$run/err" ] && sed 's/^/  server: /' "$run/err" >&2
  exit 1
}
trap '[ -z "$server" ] || { kill -TERM "$server" 2>/dev/null; wait "$server"; } || true' EXIT

configure "$project" "$work/python-serve" \
  "-DHUBTEL_RUNTIME_IMAGE_PYTHON3_11=$base" "-DHUBTEL_BUILDER_IMAGE_PYTHON3_11=$base"
build "$work/python-serve" http-echo-image
spec="$work/python-serve/hubtel/http-echo/spec.json"

# start: serves the image as $front and reads the port from the first line. Its output files are
# emptied first: the server opens them only once it runs, and until then the loop must read no
# file at all (sed fails, and ends the test) or the last server's port.
start() {
  : >"$run/out"
  : >"$run/err"
  "$HUBTEL_AI" serve --engine "$docker" --spec "$spec" --arch x86_64 --as "$front" \
    --env "HUBTEL_TEST_TOKEN=$token" >"$run/out" 2>"$run/err" &
  server=$!
  for _ in $(seq 100); do
    port=$(sed -n '1s|^listening on http://127.0.0.1:\([0-9][0-9]*\)$|\1|p' "$run/out")
    [ -n "$port" ] && return 0
    kill -0 "$server" 2>/dev/null || fail "serve ended before listening"
    sleep 0.1
  done
  fail "serve printed no 'listening on' line first"
}
stop_server() {
  kill -TERM "$server"
  local code=0
  wait "$server" || code=$?
  server=
  [ "$code" -eq 0 ] || fail "serve ended with status $code after SIGTERM"
}
# containers: how many of this test's serve containers exist, running or not.
containers() {
  local id count=0
  for id in $("$docker" ps --all --quiet --filter name=hubtel-serve-); do
    if "$docker" inspect --format '{{range .Config.Env}}{{println .}}{{end}}' "$id" 2>/dev/null |
      grep -qx "HUBTEL_TEST_TOKEN=$token"; then
      count=$((count + 1))
    fi
  done
  echo "$count"
}

# ask <body-file>: POSTs the file with an X-Echo header and two cookies; sets code and headers
# (without CRs); the answer's body lands in $run/body.
ask() {
  code=$(curl -sS --max-time 60 -o "$run/body" -D "$run/headers" -w '%{http_code}' \
    -H 'X-Echo: Mixed Case' -H 'Cookie: a=1; b=2' -H 'Content-Type: application/octet-stream' \
    --data-binary "@$1" "http://127.0.0.1:$port/upload?x=1")
  headers=$(tr -d '\r' <"$run/headers")
  echo "--- $front $1: $code"
}
# expect_header <name> <values>: the response's values of that header (any case), one a line.
expect_header() {
  local got
  got=$(sed -n "s/^$1: //Ip" <<<"$headers")
  [ "$got" = "$2" ] || fail "header $1 is '$got', expected '$2'; the headers:
$headers"
}
# expect_round_trip <body-file> <true|false>: 201, the body back unchanged, and whether the event
# carried it Base64-encoded.
expect_round_trip() {
  ask "$1"
  [ "$code" = 201 ] || fail "HTTP $code, expected 201 (body: $(head -c 300 "$run/body"))"
  cmp -s "$1" "$run/body" || fail "the body of $1 came back changed: $(od -An -tx1 "$run/body" | head -3)"
  expect_header x-body-base64 "$2"
}

# Every byte value (a NUL among them: not text, so Base64 in the event), and a UTF-8 text.
for i in $(seq 0 255); do
  # shellcheck disable=SC2059 # the format is the byte's octal escape
  printf "\\$(printf %03o "$i")"
done >"$run/binary"
printf 'h\xc3\xa9llo, w\xc3\xb6rld\n' >"$run/text"

# <front> <the handler's view of the event> <the name the event gave X-Echo>
for row in "function-url 2.0 x-echo" "apigw-http 2.0 x-echo" "apigw-rest 1.0 X-Echo" \
  "alb alb x-echo"; do
  read -r front shape echo_name <<<"$row"
  start
  expect_round_trip "$run/binary" true
  expect_header content-type application/octet-stream
  expect_header x-shape "$shape"
  expect_header x-echo-name "$echo_name"
  expect_header x-echo 'Mixed Case'
  expect_header x-request-cookies 'a=1; b=2'
  expect_header set-cookie $'session=s3cr3t; Path=/; HttpOnly\ntheme=dark; Max-Age=60'
  expect_round_trip "$run/text" false
  expect_header set-cookie $'session=s3cr3t; Path=/; HttpOnly\ntheme=dark; Max-Age=60'
  stop_server
  # Read once the server has ended: a request's log line may follow its answer.
  [ "$(grep -c '^POST /upload?x=1 201 [0-9.]* ms$' "$run/err")" = 2 ] ||
    fail "the log has not one line for each of the two requests"
  expect_in "$(cat "$run/err")" 'stopped by signal 15; removed 1 container$'
  [ "$(containers)" = 0 ] || fail "$(containers) containers were left behind"
  echo "--- $front passed"
done
front=
echo "python serve test passed"
