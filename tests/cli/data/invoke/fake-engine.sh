#!/bin/sh
# A container engine stand-in for invoke's CLI tests: its `run` plays the runtime with curl.
# It checks that the Runtime API's address comes through the environment alone, that a request
# without its secret is refused, then posts an error document of 8 MB.
set -eu
case "$1" in
  info | kill | rm) exit 0 ;;
  image)
    echo linux/amd64
    exit 0
    ;;
esac
case "$*" in
  *127.0.0.1*)
    echo "fake-engine: the Runtime API's address is on the command line: $*" >&2
    exit 8
    ;;
esac
api="http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime"
bare="http://${AWS_LAMBDA_RUNTIME_API%%/*}/2018-06-01/runtime"
refused=$(curl -s -o /dev/null -w '%{http_code}' "$bare/invocation/next")
if [ "$refused" != 403 ]; then
  echo "fake-engine: a request without the secret got $refused" >&2
  exit 9
fi
id=$(curl -s -D - -o /dev/null "$api/invocation/next" | tr -d '\r' |
  sed -n 's/^[Ll]ambda-[Rr]untime-[Aa]ws-[Rr]equest-[Ii]d: //p')
head -c 8000000 /dev/zero | tr '\0' x |
  curl -s -o /dev/null -H 'Content-Type: application/json' --data-binary @- \
    "$api/invocation/$id/error"
