#!/usr/bin/env bash
# Ctrl-C and SIGTERM during an ECR push, while it logs in and while it pushes: the private engine
# configuration (which holds the registry password by then) and every temporary file go, nothing
# is recorded, and the next run converges. No ECR host is reachable from here, so the engine is a
# stand-in that logs in as docker does (it writes the credentials into DOCKER_CONFIG) and pushes
# as docker does (it prints the digest); the login password itself comes from moto through the
# real AWS CLI.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/../fixtures/faults.sh"
use_moto

repo=e2e/signal-$$-$RANDOM
host=123456789012.dkr.ecr.us-east-1.amazonaws.com
spec=$(write_spec signal "\"repository\": \"$host/$repo\"" '"tag": "v1"')
dir=$(dirname "$spec")
tiny_image "signal $$ $RANDOM" >"$dir/image-x86_64.id"
mkdir -p "$work/tmp"

# The stand-in engine: slow at the step named in $work/slow, recording its pid in $work/at-<step>.
cat >"$work/engine" <<ENGINE
#!/usr/bin/env bash
set -euo pipefail
slow=\$(cat "$work/slow" 2>/dev/null || true)
case \$1 in
  login)
    password=\$(cat)
    printf '{"auths": {"$host": {"auth": "%s"}}}\n' "\$(printf 'AWS:%s' "\$password" | base64 -w0)" \
      >"\$DOCKER_CONFIG/config.json"
    ;;
  push)
    printf 'v1: digest: sha256:%s size: 528\n' "\$(printf 'e%.0s' \$(seq 64))"
    ;;
  *) exec $docker "\$@" ;;
esac
if [ "\$slow" = "\$1" ]; then
  echo \$\$ >"$work/at-\$1"
  exec sleep 60
fi
ENGINE
chmod +x "$work/engine"

leftovers=()
trap 'for pid in "${leftovers[@]}"; do kill "$pid" 2>/dev/null || true; done' EXIT

# interrupt <step> <signal> process|group: starts a push, sends <signal> to hubtel-ai alone or to
# its whole process group (as Ctrl-C in a terminal does) once the engine is at <step>, and checks
# what is left.
interrupt() {
  local step=$1 signal=$2 whom=$3 pid code
  echo "$step" >"$work/slow"
  rm -f "$work/at-$step"
  # With job control the push runs in a process group of its own and, unlike a background
  # command of a script without it, does not start with SIGINT ignored.
  set -m
  TMPDIR="$work/tmp" "$hubtel_ai" push --spec "$spec" --engine "$work/engine" \
    >"$work/out" 2>"$work/err" &
  pid=$!
  set +m
  for _ in $(seq 600); do
    [ -s "$work/at-$step" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  [ -s "$work/at-$step" ] || fail "the push never reached its $step step: $(cat "$work/err")"
  leftovers+=("$(cat "$work/at-$step")")
  [ -n "$(ls -A "$work/tmp")" ] || fail "no private engine configuration during the $step step"
  if [ "$whom" = group ]; then
    kill "-$signal" -- "-$pid"
  else
    kill "-$signal" "$pid"
  fi
  set +e
  wait "$pid"
  code=$?
  set -e
  [ "$code" = $((128 + $(kill -l "$signal"))) ] ||
    fail "SIGINT/SIGTERM at $step: hubtel-ai exited $code, expected death by SIG$signal"
  [ -z "$(ls -A "$work/tmp")" ] ||
    fail "SIG$signal at $step left $(ls -A "$work/tmp") behind: $(find "$work/tmp" -type f -exec cat {} +)"
  expect_no_push_record "$dir" "SIG$signal at $step"
  expect_no_staging "$dir" "SIG$signal at $step"
  if grep -rq '"auth"' "$dir"; then
    fail "credentials in the build tree"
  fi
  echo "SIG$signal to the $whom at $step: nothing left"
}

interrupt login INT process
interrupt login TERM process
interrupt push INT group
interrupt push TERM process

# The next run, uninterrupted, converges.
rm -f "$work/slow"
out=$(TMPDIR="$work/tmp" "$hubtel_ai" push --spec "$spec" --engine "$work/engine")
[ "$out" = "$host/$repo@sha256:$(printf 'e%.0s' $(seq 64))" ] || fail "the rerun printed '$out'"
[ "$(cat "$dir/push-x86_64.ref")" = "$out" ] || fail "the rerun recorded $(cat "$dir/push-x86_64.ref")"
[ -z "$(ls -A "$work/tmp")" ] || fail "the rerun left $(ls -A "$work/tmp") behind"
echo "1 passed, 0 failed"
