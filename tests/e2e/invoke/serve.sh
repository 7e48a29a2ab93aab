#!/usr/bin/env bash
# serve.sh <case> <work-dir>: one end-to-end case of `hubtel-ai serve` against the images
# images.sh built (hubtel-e2e-invoke/fn:x86_64), through the real engine and real HTTP (curl).
# The test runtime logs each event it gets, answers {"action":"env"} with JSON, posts an error
# for "error", exits for "exit", never answers "sleep", answers "http" as an HTTP function (201,
# X-Echo, cookies, the body Base64-encoded: see runtime.cpp) and upper-cases anything else (no
# longer JSON). Every case stops the server with SIGTERM and checks that no container is left.
set -euo pipefail

case=${1:?usage: serve.sh <case> <work-dir>}
work=${2:?usage: serve.sh <case> <work-dir>}
docker=${DOCKER:-/usr/bin/docker}
hubtel_ai=${HUBTEL_AI:?HUBTEL_AI names the hubtel-ai under test}
here=$(cd "$(dirname "$0")" && pwd)
image=hubtel-e2e-invoke/fn:x86_64
token="serve-$case-$$"
rm -rf "$work"
mkdir -p "$work"
server=
sampler=

fail() {
  echo "FAIL (serve $case): $*" >&2
  [ -f "$work/err" ] && sed 's/^/  server: /' "$work/err" >&2
  exit 1
}
stop_server() {
  if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then
    kill -TERM "$server"
    local code=0
    wait "$server" || code=$?
    server=
    [ "$code" -eq 0 ] || fail "serve ended with status $code after SIGTERM"
  fi
}
trap 'kill -TERM $server $sampler 2>/dev/null || true' EXIT

# start <arg>...: starts the server and reads its port from its first line. Its output files are
# emptied first: the server opens them only once it runs, and until then the loop below must read
# no file at all (sed fails) or the last server's port.
start() {
  : >"$work/out"
  : >"$work/err"
  "$hubtel_ai" serve --engine "$docker" --image "$image" --env "HUBTEL_TEST_TOKEN=$token" "$@" \
    >"$work/out" 2>"$work/err" &
  server=$!
  for _ in $(seq 100); do
    port=$(sed -n 's|^listening on http://127.0.0.1:\([0-9][0-9]*\)$|\1|p' "$work/out")
    [ -n "$port" ] && return 0
    kill -0 "$server" 2>/dev/null || fail "serve ended before listening"
    sleep 0.1
  done
  fail "serve printed no 'listening on' line"
}

# request <curl-arg>... <path>: sets code and body (its size when it is not text); the body is
# in $work/body and the response's header lines in $work/headers.
request() {
  local path=${*: -1}
  code=$(curl -sS -o "$work/body" -D "$work/headers" -w '%{http_code}' --max-time 60 \
    "${@:1:$#-1}" "http://127.0.0.1:$port$path")
  if LC_ALL=C grep -q '[^[:print:][:space:]]' "$work/body"; then
    body="<$(wc -c <"$work/body") bytes>"
  else
    body=$(cat "$work/body")
  fi
  echo "--- $path: $code $body"
}
# header <name>: the values of the last response's header <name> (any case), one a line.
header() {
  tr -d '\r' <"$work/headers" | awk -v name="$1" '
    { colon = index($0, ":") }
    colon > 1 && tolower(substr($0, 1, colon - 1)) == tolower(name) {
      value = substr($0, colon + 1)
      sub(/^[ \t]+/, "", value)
      print value
    }'
}

expect_code() { [ "$code" = "$1" ] || fail "HTTP $code, expected $1 (body: $body)"; }
expect_in() {
  local what=$1 text=$2 pattern=$3
  grep -Eq -- "$pattern" <<<"$text" || fail "expected /$pattern/ in $what"
}
# expect_logged <what> <pattern>: the server's output has a line matching it, waited for up to
# 10 s: the container's lines reach the server's log after the answer has reached curl.
expect_logged() {
  local what=$1 pattern=$2
  for _ in $(seq 100); do
    grep -Eq -- "$pattern" "$work/err" && return 0
    sleep 0.1
  done
  fail "expected /$pattern/ in $what"
}
# wait_containers <n>: waits up to 20 s for n containers of this case (they start in the
# background).
wait_containers() {
  for _ in $(seq 200); do
    [ "$(containers)" = "$1" ] && return 0
    sleep 0.1
  done
  fail "$(containers) warm containers, expected $1"
}
containers() {
  local id count=0
  for id in $("$docker" ps --all --quiet --filter name=hubtel-serve-); do
    if ours "$id"; then
      count=$((count + 1))
    fi
  done
  echo "$count"
}
ours() {
  "$docker" inspect --format '{{range .Config.Env}}{{println .}}{{end}}' "$1" 2>/dev/null |
    grep -qx "HUBTEL_TEST_TOKEN=$token"
}
# sample_containers: prints the number of containers of this case, one a line, again and again
# until $work/sampled exists. Each container is inspected once, so a sample takes one `ps`.
sample_containers() {
  local -A mine=()
  local id count
  while [ ! -e "$work/sampled" ]; do
    count=0
    for id in $("$docker" ps --all --quiet --filter name=hubtel-serve-); do
      if [ -z "${mine[$id]:-}" ]; then
        mine[$id]=no
        if ours "$id"; then
          mine[$id]=yes
        fi
      fi
      if [ "${mine[$id]}" = yes ]; then
        count=$((count + 1))
      fi
    done
    echo "$count"
  done
}

case $case in
  function-url)
    start
    [ "$(sed -n 1p "$work/out")" = "listening on http://127.0.0.1:$port" ] ||
      fail "the first line is not 'listening on'"
    request -H 'Cookie: a=1; b=2' -H 'X-Test: Mixed' "/a%20b/c?action=env&x=1&x=2"
    expect_code 200
    expect_in body "$body" '"function":"fn"'
    expect_logged event '"version":"2.0"'
    expect_logged event '"rawPath":"/a%20b/c"'
    expect_logged event '"cookies":\["a=1","b=2"\]'
    expect_logged event '"x-test":"Mixed"'
    expect_logged event '"queryStringParameters":\{"action":"env","x":"1,2"\}'
    expect_logged event '"http":\{"method":"GET","path":"/a%20b/c"'
    expect_logged log '^GET /a%20b/c\?action=env&x=1&x=2 200 [0-9.]+ ms$'
    # A binary body is Base64 in the event; the answer that is no JSON is a 502.
    printf '\x00\x01\x02\xff' >"$work/binary"
    request --data-binary "@$work/binary" -H 'Content-Type: application/octet-stream' /upload
    expect_code 502
    expect_logged event '"isBase64Encoded":true,"body":"AAEC/w=="'
    expect_logged log "the function's response is not JSON"
    ;;
  apigw-rest)
    start --as apigw-rest
    request -X POST -d 'hello' -H 'Content-Type: text/plain' "/items/7?action=env&tag=a&tag=b"
    # The function answers JSON without statusCode: a REST API proxy cannot use it.
    expect_code 502
    expect_logged event '"resource":"/\{proxy\+\}","path":"/items/7","httpMethod":"POST"'
    expect_logged event '"multiValueQueryStringParameters":\{"action":\["env"\],"tag":\["a","b"\]\}'
    expect_logged event '"pathParameters":\{"proxy":"items/7"\}'
    expect_logged event '"body":"hello"'
    expect_logged log 'has no statusCode, which a REST API proxy needs'
    ;;
  errors)
    start --timeout 2
    # Its port is in use: a second server is refused and says what to do.
    set +e
    second=$("$hubtel_ai" serve --engine "$docker" --image "$image" --port "$port" 2>&1)
    second_code=$?
    set -e
    [ "$second_code" = 1 ] || fail "a second server on port $port exited $second_code: $second"
    expect_in "second server" "$second" "cannot listen on 127.0.0.1:$port: the port is in use"
    # A query and a header that are not UTF-8: each bad byte reaches the function as U+FFFD.
    request -H $'X-Latin: caf\xe9' "/x?action=env&name=%FF"
    expect_code 200
    expect_logged event $'"x-latin":"caf\xef\xbf\xbd"'
    expect_logged log '^GET /x\?action=env&name=%FF 200 '
    request "/?action=error"
    expect_code 502
    expect_in body "$body" '"errorType":"TestError"'
    request "/?action=exit"
    expect_code 502
    expect_logged log 'the container exited with status 3 before answering'
    # The container that exited was replaced.
    request "/?action=env"
    expect_code 200
    request "/?action=sleep"
    expect_code 504
    request "/?action=env"
    expect_code 200
    # Over Lambda's 6 MB: refused before any container sees it.
    head -c $((6 * 1024 * 1024 + 1)) /dev/zero | tr '\0' 'a' >"$work/big"
    request --data-binary "@$work/big" -H 'Content-Type: text/plain' /big
    expect_code 413
    expect_logged log "the request body is over Lambda's 6291456 bytes"
    expect_logged log '^POST /big 413 '
    # A form's body is a body like any other, of any size up to the limit (curl -d sends one).
    { printf 'field='; head -c 20000 /dev/zero | tr '\0' 'f'; } >"$work/form"
    request --data-binary "@$work/form" -H 'Content-Type: application/x-www-form-urlencoded' \
      "/form?action=env"
    expect_code 200
    expect_logged event '"body":"field=f{20000}"'
    # A multipart body reaches the function whole: each part with its name, file name and type.
    printf 'file \001 bytes' >"$work/part.bin"
    request -F 'greeting=hi there' -F "upload=@$work/part.bin;type=application/octet-stream" \
      "/multi?action=env"
    expect_code 200
    expect_logged event '"rawPath":"/multi".*\}$'
    multipart=$(grep '"rawPath":"/multi"' "$work/err" | tail -1 | sed 's/^[^{]*//' |
      python3 -c 'import base64, json, sys
event = json.load(sys.stdin)
body = event["body"]
sys.stdout.write(base64.b64decode(body).decode("latin-1") if event["isBase64Encoded"] else body)')
    expect_in multipart "$multipart" '^--[-0-9A-Za-z]+'
    expect_in multipart "$multipart" 'Content-Disposition: form-data; name="greeting"'
    expect_in multipart "$multipart" 'hi there'
    expect_in multipart "$multipart" 'name="upload"; filename="part.bin"'
    expect_in multipart "$multipart" 'Content-Type: application/octet-stream'
    expect_in multipart "$multipart" $'file \001 bytes'
    expect_logged log '^POST /multi\?action=env 200 '
    # A compressed body is refused before it is read (it would be inflated whole first).
    head -c 100000 /dev/zero | gzip -9 >"$work/bomb.gz"
    request --data-binary "@$work/bomb.gz" -H 'Content-Encoding: gzip' /bomb
    expect_code 415
    # A function's answer never frames the HTTP message, nor adds a header of its own making.
    request "/?action=env"
    expect_code 200
    ;;
  round-trip)
    # Through each front, an HTTP function's answer comes back as that front returns it: its
    # status, its headers (a value with quotes and a backslash through two JSON documents), each
    # cookie as a Set-Cookie of its own, and the binary body byte for byte.
    for i in $(seq 0 255); do
      # shellcheck disable=SC2059 # the format is the byte's escape
      printf "\\$(printf '%03o' "$i")"
    done >"$work/bytes"
    [ "$(wc -c <"$work/bytes")" = 256 ] || fail "the test's bytes are not 0x00..0xff"
    for front in function-url apigw-http apigw-rest alb; do
      start --as "$front"
      echoed="$front: \"quoted\" back\\slash"
      request --data-binary "@$work/bytes" -H 'Content-Type: application/octet-stream' \
        -H "X-Echo: $echoed" -b 'session=s3cr3t' "/upload/$front?action=http"
      expect_code 201
      [ "$(header x-echo)" = "$echoed" ] || fail "$front: x-echo is '$(header x-echo)'"
      [ "$(header content-type)" = application/octet-stream ] ||
        fail "$front: content-type is '$(header content-type)'"
      [ "$(header set-cookie | sort)" = $'served=yes; Max-Age=60\nsession=s3cr3t; Path=/' ] ||
        fail "$front: the Set-Cookie headers are: $(header set-cookie | tr '\n' '|')"
      cmp "$work/bytes" "$work/body" || fail "$front: the body came back changed"
      expect_logged event '"isBase64Encoded":true'
      expect_logged log "^POST /upload/$front\\?action=http 201 [0-9.]+ ms$"
      stop_server
      expect_logged log 'stopped by signal 15; removed 1 container$'
      [ "$(containers)" = 0 ] || fail "$front: $(containers) containers were left behind"
    done
    ;;
  concurrency)
    # 16 clients at once against 4 warm containers: every request is answered once, with its own
    # answer, and there are never more than 4 containers, even while timed-out ones are replaced.
    start --concurrency 4 --timeout 4
    sample_containers >"$work/counts" &
    sampler=$!
    wait_containers 4
    # Two requests that never answer run side by side: the function gets both events before
    # either one times out (in turn, the second would reach it only after the first's 504).
    curl -s -o /dev/null --max-time 30 "http://127.0.0.1:$port/?action=sleep" &
    first=$!
    request "/?action=sleep"
    wait "$first"
    expect_code 504
    sleeping=$(awk '/^hubtel-ai: the function timed out/ { exit }
      /^test-runtime: request .* event .*"rawQueryString":"action=sleep"/ { n++ }
      END { print n + 0 }' "$work/err")
    [ "$sleeping" = 2 ] ||
      fail "$sleeping sleeping requests reached the function before the first timed out, not 2"
    # Requests beyond the containers wait their turn; each one reaches the function once.
    python3 "$here/load.py" "$port" 200 16 >"$work/load" ||
      fail "the load failed: $(cat "$work/load")"
    cat "$work/load"
    touch "$work/sampled"
    wait "$sampler"
    sampler=
    stop_server
    expect_logged log 'stopped by signal 15; removed 4 containers$'
    # Each request reached the function once, and was logged once: the ids seen are the ids sent.
    seq -f 'load-%04g' 0 199 >"$work/ids"
    sed -n 's/^test-runtime: request .* event .*"x-echo":"\(load-[0-9]*\)".*/\1/p' "$work/err" |
      sort >"$work/events"
    sed -n 's|^POST /load/\(load-[0-9]*\)?action=http&id=\1 201 [0-9.]* ms$|\1|p' "$work/err" |
      sort >"$work/logged"
    cmp -s "$work/ids" "$work/events" ||
      fail "the function saw requests other than once each: $(diff "$work/ids" "$work/events")"
    cmp -s "$work/ids" "$work/logged" ||
      fail "serve logged requests other than once each: $(diff "$work/ids" "$work/logged")"
    max=$(sort -n "$work/counts" | tail -n 1)
    counts=$(sort -n "$work/counts" | uniq -c |
      awk '{ printf "%s%s (%sx)", sep, $2, $1; sep = ", " }')
    echo "containers of this case, sampled $(wc -l <"$work/counts") times: $counts"
    [ "$max" -le 4 ] || fail "there were $max containers at once (sampled: $counts)"
    [ "$max" = 4 ] || fail "no sample saw the 4 containers (sampled: $counts)"
    ;;
  early-signal)
    # SIGTERM as soon as the server listens, its containers still starting: it ends, and removes
    # them all.
    start --concurrency 8
    begin=$(date +%s%N)
    stop_server
    took=$((($(date +%s%N) - begin) / 1000000))
    [ "$took" -lt 30000 ] || fail "stopping took $took ms"
    ;;
  *)
    echo "serve.sh: unknown case '$case'" >&2
    exit 2
    ;;
esac
stop_server
expect_logged log 'stopped by signal 15; removed [0-9]+ containers?$'
[ "$(containers)" = 0 ] || fail "$(containers) containers were left behind"
echo "serve $case passed"
