#!/usr/bin/env bash
# The engine dies mid-build: a dockerd of this test's own (its own socket, data, exec root, pidfile
# and network namespace; the shared engine is never touched) is killed while `hubtel-ai build`
# runs a step. The build fails saying the engine does not answer, the image id stays as it was,
# and once that dockerd runs again a rerun builds.
source "$(dirname "$0")/../deploy/lib.sh"

engine="$work/engine"
# The engine's sockets live in a short folder of their own: a socket path holds at most 107 bytes,
# and containerd's (exec/containerd/containerd.sock.ttrpc) would pass that under a deep build tree.
sockets=$(mktemp -d /tmp/hubtel-engine.XXXXXX)
mkdir -p "$engine" "$work/context"
echo '{}' >"$engine/daemon.json"
export DOCKER_HOST="unix://$sockets/docker.sock"
dockerd_pid=

start_engine() {
  # In namespaces of its own. Its network: a build step needs the engine's bridge, which there
  # touches neither the host's interfaces nor the shared engine's. Its processes: dockerd is their
  # init, so when it is killed the kernel ends and reaps its containerd and the build's step too
  # (outside, a containerd whose dockerd died lingers as a zombie until this machine's init reaps
  # it, and a dockerd started meanwhile waits for it). Its mounts: they end with it.
  unshare --net --pid --mount --fork --mount-proc --kill-child=SIGKILL \
    dockerd --config-file "$engine/daemon.json" --host "$DOCKER_HOST" \
    --data-root "$engine/data" --exec-root "$sockets/exec" --pidfile "$engine/docker.pid" \
    --iptables=false --ip6tables=false >>"$engine/dockerd.log" 2>&1 </dev/null &
  dockerd_pid=$!
  for _ in $(seq 300); do
    "$docker" info >/dev/null 2>&1 && return
    kill -0 "$dockerd_pid" 2>/dev/null || break
    sleep 0.2
  done
  tail -n 20 "$engine/dockerd.log" >&2
  fail "the test's own dockerd did not start"
}

# Ends this test's dockerd (the unshare that holds it: its death kills dockerd, and so everything
# dockerd started).
stop_engine() {
  if [ -n "$dockerd_pid" ] && kill -0 "$dockerd_pid" 2>/dev/null; then
    kill "$dockerd_pid"
    for _ in $(seq 150); do
      kill -0 "$dockerd_pid" 2>/dev/null || break
      sleep 0.2
    done
    kill -9 "$dockerd_pid" 2>/dev/null || true
  fi
  wait "$dockerd_pid" 2>/dev/null || true
  dockerd_pid=
  # Its pid files name pids of the namespace that ended: left behind, the next start would take
  # this machine's init, or a thread of the new dockerd, for the dockerd or containerd they name.
  rm -rf "$engine/docker.pid" "$sockets/exec"
}
# At the end the sockets' folder goes too.
finish() {
  stop_engine
  rm -rf "$sockets"
}
# The step the engine dies in sleeps for a time no other process on this machine sleeps for.
nap="53.$$$RANDOM"
trap finish EXIT
start_engine

# A small base image: a shell, sleep and cat from this machine with the libraries they load.
base="$work/base"
mkdir -p "$base/bin" "$base/tmp"
for program in sh sleep cat; do
  cp -L "$(command -v "$program")" "$base/bin/$program"
  ldd "$(command -v "$program")" | grep -o '/[^ ]*' | while read -r library; do
    mkdir -p "$base$(dirname "$library")"
    cp -Ln "$library" "$base$library"
  done
done
tar -C "$base" -cf "$work/base.tar" .
"$docker" import "$work/base.tar" hubtel-e2e/faults-base:1 >/dev/null

spec=$(write_spec dying '"runtime": "python3.12"' '"handler": "app.handler"' \
  '"sources": [{"path": "app.py", "dir": false}]' '"requirements": null' \
  '"find_links": []' "\"context\": \"$work/context\"" "\"build_args\": {\"NAP\": \"$nap\"}")
dir=$(dirname "$spec")
cat >"$dir/Dockerfile" <<'DOCKERFILE'
FROM hubtel-e2e/faults-base:1 AS runtime
ARG NAP
RUN sleep "$NAP" && echo built >/built
DOCKERFILE
# The bases are locked first (the lock is a whole output of its own, written before the build
# step): what follows compares the folder before and after the step the engine dies in.
"$hubtel_ai" bases --spec "$spec" --engine "$docker" --engine-kind docker-buildkit >/dev/null
echo "sha256:$(printf '0%.0s' $(seq 64))" >"$dir/image-x86_64.id"
cp "$dir/image-x86_64.id" "$work/id.before"
find "$dir" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort >"$work/files.before"

"$hubtel_ai" build --spec "$spec" --arch x86_64 --engine "$docker" --engine-kind docker-buildkit >"$work/out" 2>"$work/err" &
build=$!
for _ in $(seq 600); do
  pgrep -fx "sleep $nap" >/dev/null && break
  kill -0 "$build" 2>/dev/null || break
  sleep 0.1
done
pgrep -fx "sleep $nap" >/dev/null || fail "the build never reached its step: $(cat "$work/err")"
kill -9 "$dockerd_pid"
set +e
wait "$build"
code=$?
set -e
err=$(cat "$work/err")
echo "$err" | tail -n 5
[ "$code" = 1 ] || fail "a build whose engine died exited $code, expected 1"
expect_in "$err" "^hubtel-ai: error: the engine command failed with exit code [0-9]+: /usr/bin/docker build "
expect_in "$err" "^the Docker daemon does not answer"
cmp -s "$dir/image-x86_64.id" "$work/id.before" || fail "a build whose engine died changed the image id"
[ "$(find "$dir" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort)" = "$(cat "$work/files.before")" ] ||
  fail "a build whose engine died left files: $(ls -A "$dir")"

# The engine back, without the nap: the rerun builds.
stop_engine
start_engine
sed -i "s/\"NAP\": \"$nap\"/\"NAP\": \"0\"/" "$spec"
"$hubtel_ai" build --spec "$spec" --arch x86_64 --engine "$docker" --engine-kind docker-buildkit
id=$("$docker" image inspect --format '{{.Id}}' hubtel/dying:x86_64)
[ "$(cat "$dir/image-x86_64.id")" = "$id" ] || fail "recorded $(cat "$dir/image-x86_64.id"), the engine has $id"
"$docker" run --rm "$id" cat /built | grep -qx built || fail "the rebuilt image lacks its step's file"
echo "1 passed, 0 failed"
