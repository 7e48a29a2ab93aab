#!/usr/bin/env bash
# invoke.sh <case> <work-dir>: one end-to-end case of `hubtel-ai invoke` against the images
# images.sh built (hubtel-e2e-invoke/fn:<arch>), through the real engine. Every case also checks
# that no container of its own is left behind.
set -euo pipefail

case=${1:?usage: invoke.sh <case> <work-dir>}
work=${2:?usage: invoke.sh <case> <work-dir>}
docker=${DOCKER:-/usr/bin/docker}
hubtel_ai=${HUBTEL_AI:?HUBTEL_AI names the hubtel-ai under test}
image=hubtel-e2e-invoke/fn
# Marks this case's containers, so parallel cases do not see each other's.
token="$case-$$"
rm -rf "$work"
mkdir -p "$work"

fail() {
  echo "FAIL ($case): $*" >&2
  exit 1
}

# invoke <arg>...: runs hubtel-ai invoke; sets status, out (stdout) and err (stderr).
invoke() {
  set +e
  "$hubtel_ai" invoke --engine "$docker" --env "HUBTEL_TEST_TOKEN=$token" "$@" \
    >"$work/out" 2>"$work/err" <"${stdin:-/dev/null}"
  status=$?
  set -e
  out=$(cat "$work/out")
  err=$(cat "$work/err")
  echo "--- invoke $* (exit $status)"
  echo "stdout: $out"
  echo "stderr: $err"
}

expect_status() {
  [ "$status" -eq "$1" ] || fail "exit status $status, expected $1"
}

expect_in() {
  local what=$1 text=$2 pattern=$3
  grep -Eq -- "$pattern" <<<"$text" || fail "expected /$pattern/ in $what"
}

# No container, running or stopped, that carries this case's token.
expect_no_leftover() {
  local id
  for id in $("$docker" ps --all --quiet --filter name=hubtel-invoke-); do
    if "$docker" inspect --format '{{range .Config.Env}}{{println .}}{{end}}' "$id" 2>/dev/null |
      grep -qx "HUBTEL_TEST_TOKEN=$token"; then
      "$docker" ps --all --filter "id=$id" >&2
      fail "container $id was left behind"
    fi
  done
}

case $case in
  response-x86_64)
    printf '{"hello": "world"}' >"$work/event.json"
    invoke --image "$image:x86_64" --platform linux/amd64 --event "$work/event.json"
    expect_status 0
    # The payload, exactly: no newline added.
    cmp -s "$work/out" <(printf '{"HELLO": "WORLD"}') || fail "stdout is not the payload"
    # The function's logs go to stderr.
    expect_in stderr "$err" '^test-runtime: request [0-9a-f-]{36} event \{"hello": "world"\}$'
    # Lambda's REPORT line closes the function's log.
    tab=$'\t'
    expect_in stderr "$err" "^REPORT RequestId: [0-9a-f-]{36}${tab}Init Duration: [0-9]+\.[0-9]{2} ms${tab}Duration: [0-9]+\.[0-9]{2} ms${tab}Billed Duration: [0-9]+ ms${tab}Memory Size: 128 MB\$"
    ;;
  response-arm64)
    printf '["arm64", "qemu"]' >"$work/event.json"
    invoke --image "$image:arm64" --platform linux/arm64 --event "$work/event.json"
    expect_status 0
    [ "$out" = '["ARM64", "QEMU"]' ] || fail "unexpected payload"
    ;;
  stdin)
    printf '{"from": "stdin"}' >"$work/event.json"
    stdin="$work/event.json" invoke --image "$image:x86_64" --event -
    expect_status 0
    [ "$out" = '{"FROM": "STDIN"}' ] || fail "unexpected payload"
    ;;
  default-event)
    invoke --image "$image:x86_64"
    expect_status 0
    [ "$out" = '{}' ] || fail "the default event is not {}"
    ;;
  sample-event)
    # A sample event from `hubtel-ai event`, with a body from standard input, reaches the
    # function whole (it answers it upper-cased).
    printf 'hello queue' | "$hubtel_ai" event sqs --body - --set '/Records/0/awsRegion="eu-west-1"' \
      >"$work/event.json"
    invoke --image "$image:x86_64" --event "$work/event.json"
    expect_status 0
    expect_in stdout "$out" '"BODY": "HELLO QUEUE"'
    expect_in stdout "$out" '"AWSREGION": "EU-WEST-1"'
    expect_in stdout "$out" '"MD5OFBODY": "[0-9A-F]{32}"'
    ;;
  environment)
    printf '{"action":"env"}' >"$work/event.json"
    invoke --image "$image:x86_64" --event "$work/event.json" --timeout 7 --memory 512 \
      --env "HUBTEL_TEST_VALUE=a b=c" --function-name my-fn
    expect_status 0
    # shellcheck disable=SC2016 # a literal $LATEST
    expect_in stdout "$out" '"function":"my-fn","memory":"512","version":"\$LATEST"'
    expect_in stdout "$out" '"value":"a b=c"'
    expect_in stdout "$out" '"arn":"arn:aws:lambda:[a-z0-9-]+:000000000000:function:my-fn"'
    expect_in stdout "$out" '"trace":"Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0"'
    # The deadline header matches --timeout.
    expect_in stdout "$out" '"remaining_s":7\}$'
    ;;
  function-error)
    printf '{"action":"error"}' >"$work/event.json"
    invoke --image "$image:x86_64" --event "$work/event.json"
    expect_status 1
    [ -z "$out" ] || fail "a function error printed on stdout"
    expect_in stderr "$err" \
      '^\{"errorMessage":"the event asked for an error","errorType":"TestError","stackTrace":\["runtime.cpp"\]\}$'
    expect_in stderr "$err" '^hubtel-ai: error: the function returned an error \(TestError\)'
    ;;
  init-error)
    invoke --image "$image:x86_64" --env HUBTEL_TEST_INIT_ERROR=1
    expect_status 1
    [ -z "$out" ] || fail "an init error printed on stdout"
    expect_in stderr "$err" '^\{"errorMessage":"init failed as asked","errorType":"Runtime.TestInitError"'
    expect_in stderr "$err" \
      '^hubtel-ai: error: the function failed to initialize \(Runtime.TestInitError\)'
    ;;
  timeout)
    printf '{"action":"sleep"}' >"$work/event.json"
    start=$(date +%s)
    invoke --image "$image:x86_64" --event "$work/event.json" --timeout 2
    elapsed=$(($(date +%s) - start))
    expect_status 1
    expect_in stderr "$err" '^hubtel-ai: error: timed out after 2 s running request '
    [ "$elapsed" -lt 30 ] || fail "the timeout took ${elapsed} s"
    name=$(grep -Eo 'hubtel-invoke-[0-9a-f]{12}' <<<"$err" | head -1)
    [ -n "$name" ] || fail "the timeout does not name the container"
    [ -z "$("$docker" ps --all --quiet --filter "name=^/$name\$")" ] || fail "$name is left"
    ;;
  exit-before-answer)
    printf '{"action":"exit"}' >"$work/event.json"
    invoke --image "$image:x86_64" --event "$work/event.json"
    expect_status 1
    expect_in stderr "$err" \
      '^hubtel-ai: error: the container exited with status 3 before answering request [0-9a-f-]{36} \(Runtime.ExitError\)'
    ;;
  exit-before-next)
    invoke --image "$image:x86_64" --env HUBTEL_TEST_EXIT_AT_START=4
    expect_status 1
    # shellcheck disable=SC2016 # a literal $AWS_LAMBDA_RUNTIME_API
    expect_in stderr "$err" \
      '^hubtel-ai: error: the container exited with status 4 before asking for the event; the image.s program must call the Lambda Runtime API at \$AWS_LAMBDA_RUNTIME_API'
    ;;
  payload-too-large)
    printf '{"action":"big"}' >"$work/event.json"
    invoke --image "$image:x86_64" --event "$work/event.json"
    expect_status 1
    [ -z "$out" ] || fail "an oversized payload reached stdout"
    expect_in stderr "$err" '^test-runtime: big response answered 413$'
    expect_in stderr "$err" '"errorType":"Function.ResponseSizeTooLarge"'
    ;;
  missing-image)
    invoke --image hubtel-e2e-invoke/none:x86_64
    expect_status 1
    expect_in stderr "$err" \
      "^hubtel-ai: error: no image 'hubtel-e2e-invoke/none:x86_64' in .*docker's image store"
    ;;
  platform-mismatch)
    invoke --image "$image:x86_64" --platform linux/arm64
    expect_status 1
    expect_in stderr "$err" "^hubtel-ai: error: image '$image:x86_64' is linux/amd64, not linux/arm64"
    ;;
  interrupt | terminate)
    # A signal while the function runs (Ctrl-C, or a build tool giving up): the container goes,
    # then hubtel-ai exits non-zero. Job control keeps SIGINT from being ignored in the job.
    signal=INT number=2
    [ "$case" = terminate ] && signal=TERM number=15
    printf '{"action":"sleep"}' >"$work/event.json"
    set -m
    "$hubtel_ai" invoke --engine "$docker" --env "HUBTEL_TEST_TOKEN=$token" --image "$image:x86_64" \
      --event "$work/event.json" --timeout 600 >"$work/out" 2>"$work/err" &
    pid=$!
    set +m
    for _ in $(seq 100); do
      grep -q 'test-runtime: request' "$work/err" && break
      sleep 0.1
    done
    grep -q 'test-runtime: request' "$work/err" || fail "the function never started"
    kill "-$signal" "$pid"
    set +e
    wait "$pid"
    status=$?
    set -e
    cat "$work/err"
    expect_status 1
    expect_in stderr "$(cat "$work/err")" "^hubtel-ai: error: interrupted by signal $number "
    ;;
  *)
    fail "no such case"
    ;;
esac
expect_no_leftover
echo "invoke case $case passed"
