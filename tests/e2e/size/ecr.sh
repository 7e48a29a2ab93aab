#!/usr/bin/env bash
# size <ECR reference> logs in as the push does: the password `aws ecr get-login-password` prints
# (the real AWS CLI, against moto_server) as the user AWS, sent over HTTPS. moto serves no registry
# API, so in a mount and network namespace of the test's own the ECR host name resolves to
# 127.0.0.1, where docker-registry (basic auth: user AWS, the password moto gives the account;
# a certificate for the ECR host from a CA the test makes) serves an image the test pushed to its
# storage. Nothing outside the namespace sees the name, the port or the CA. Checked: the report
# equals the saved archive's; missing AWS credentials and a password the registry refuses are
# named, exit 1, nothing on stdout. Needs root (unshare) and the engine (to build and push).
set -euo pipefail

docker=${DOCKER:-/usr/bin/docker}
hubtel_ai=${HUBTEL_AI:?HUBTEL_AI must name the hubtel-ai program}
work=${1:?usage: $0 <work-dir>}
export DOCKER_BUILDKIT=1

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

"$docker" info >/dev/null 2>&1 || fail "the engine ($docker) does not answer; start dockerd"
for program in docker-registry htpasswd moto_server aws openssl unshare; do
  command -v "$program" >/dev/null || fail "$program is not installed"
done
[ "$(id -u)" = 0 ] || fail "this test runs as root: it makes a mount and network namespace"

rm -rf "$work"
mkdir -p "$work"
work=$(cd "$work" && pwd)
pids=()
images=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for image in "${images[@]}"; do "$docker" image rm -f "$image" >/dev/null 2>&1 || true; done
}
trap cleanup EXIT

# ----- the image, pushed to a plain registry on the storage the ECR stand-in serves -----
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
printf 'version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: %s\nhttp:\n  addr: 127.0.0.1:%s\n' \
  "$work/storage" "$port" >"$work/plain.yml"
docker-registry serve "$work/plain.yml" >"$work/plain.log" 2>&1 </dev/null &
pids+=($!)
for _ in $(seq 100); do
  curl -fsS -o /dev/null "http://127.0.0.1:$port/v2/" 2>/dev/null && break
  sleep 0.1
done
mkdir -p "$work/context/a" "$work/context/b"
head -c 200000 /dev/urandom >"$work/context/a/big.bin"
head -c 50000 /dev/urandom >"$work/context/b/small.bin"
printf 'FROM scratch\nCOPY a/ /app/\nCOPY b/ /app/\n' >"$work/context/Dockerfile"
image="127.0.0.1:$port/e2e/ecr:v1"
images+=("$image")
"$docker" build -q --platform linux/amd64 -t "$image" "$work/context" >/dev/null
"$docker" push -q "$image" >/dev/null
"$docker" save -o "$work/saved.tar" "$image"
"$hubtel_ai" size "$work/saved.tar" --format json >"$work/saved.json"

# ----- a CA, the ECR host's certificate, the password moto gives account 123456789012 -----
host=123456789012.dkr.ecr.us-east-1.amazonaws.com
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=size e2e CA" \
  -keyout "$work/ca.key" -out "$work/ca.pem" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=$host" -keyout "$work/server.key" \
  -out "$work/server.csr" 2>/dev/null
printf 'subjectAltName=DNS:%s\n' "$host" >"$work/san.cnf"
openssl x509 -req -in "$work/server.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" \
  -CAcreateserial -days 1 -extfile "$work/san.cnf" -out "$work/server.pem" 2>/dev/null
htpasswd -Bbn AWS 123456789012-auth-token >"$work/htpasswd"
htpasswd -Bbn AWS another-password >"$work/htpasswd-other"

# ----- inside the namespace: moto, the registry on 127.0.0.1:443, the ECR name -----
cat >"$work/inside.sh" <<'INSIDE'
set -euo pipefail
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
expect_in() {
  grep -Eq -- "$2" <<<"$1" || fail "expected /$2/ in:
$1"
}
inner_pids=()
trap 'for pid in "${inner_pids[@]}"; do kill "$pid" 2>/dev/null || true; done' EXIT
ip link set lo up
printf '127.0.0.1 localhost\n127.0.0.1 %s\n' "$host" >"$work/hosts"
mount --bind "$work/hosts" /etc/hosts

moto_server -H 127.0.0.1 -p 5000 >"$work/moto.log" 2>&1 </dev/null &
inner_pids+=($!)
for _ in $(seq 150); do
  curl -fsS -o /dev/null http://127.0.0.1:5000/moto-api/data.json 2>/dev/null && break
  sleep 0.2
done
export AWS_ENDPOINT_URL=http://127.0.0.1:5000
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_SESSION_TOKEN=testing
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_DEFAULT_REGION=us-east-1
export SSL_CERT_FILE="$work/ca.pem" DOCKER_CONFIG="$work/no-docker-config"
registry_pid=
serve() { # serve <htpasswd file>: the ECR stand-in on 127.0.0.1:443
  [ -z "$registry_pid" ] || { kill "$registry_pid"; wait "$registry_pid" 2>/dev/null || true; }
  printf 'version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: %s\n' "$work/storage" >"$work/ecr.yml"
  printf 'http:\n  addr: 127.0.0.1:443\n  tls:\n    certificate: %s\n    key: %s\n' "$work/server.pem" "$work/server.key" >>"$work/ecr.yml"
  printf 'auth:\n  htpasswd:\n    realm: ecr\n    path: %s\n' "$1" >>"$work/ecr.yml"
  docker-registry serve "$work/ecr.yml" >"$work/ecr.log" 2>&1 </dev/null &
  registry_pid=$!
  inner_pids+=($registry_pid)
  for _ in $(seq 100); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' --cacert "$work/ca.pem" "https://$host/v2/" || true)" = 401 ] && return
    sleep 0.1
  done
  cat "$work/ecr.log" >&2
  fail "the ECR stand-in did not start"
}

serve "$work/htpasswd"
# Without credentials the registry refuses: the test's stand-in does check them.
[ "$(curl -s -o /dev/null -w '%{http_code}' --cacert "$work/ca.pem" "https://$host/v2/e2e/ecr/manifests/v1")" = 401 ] ||
  fail "the ECR stand-in serves without credentials"
"$hubtel_ai" size "$host/e2e/ecr:v1" --format json >"$work/ecr.json" 2>"$work/ecr.err" ||
  fail "size of the ECR reference failed: $(cat "$work/ecr.err")"
[ ! -s "$work/ecr.err" ] || fail "size wrote to stderr: $(cat "$work/ecr.err")"

# Missing AWS credentials: the login step is named, nothing on stdout.
status=0
env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN \
  "$hubtel_ai" size "$host/e2e/ecr:v1" --format json >"$work/fail.out" 2>"$work/fail.err" || status=$?
[ "$status" = 1 ] || fail "size without AWS credentials exited $status: $(cat "$work/fail.err")"
[ ! -s "$work/fail.out" ] || fail "size without AWS credentials wrote to stdout"
expect_in "$(cat "$work/fail.err")" "^hubtel-ai: error: size $host/e2e/ecr:v1: aws ecr get-login-password failed: .*credentials"

# A registry that takes another password: the refusal is named.
serve "$work/htpasswd-other"
status=0
"$hubtel_ai" size "$host/e2e/ecr:v1" --format json >"$work/fail.out" 2>"$work/fail.err" || status=$?
[ "$status" = 1 ] || fail "size with refused credentials exited $status: $(cat "$work/fail.err")"
[ ! -s "$work/fail.out" ] || fail "size with refused credentials wrote to stdout"
expect_in "$(cat "$work/fail.err")" "HTTP 401.*refused the credentials"
INSIDE
export host work hubtel_ai
unshare --mount --net bash "$work/inside.sh"

python3 - "$work/ecr.json" "$work/saved.json" <<'PY' || fail "the ECR report differs from the archive's"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for d in (a, b):
    d.pop("source")
    d.pop("compressed_bytes", None)
    for layer in d["layers"]:
        layer.pop("digest")
        layer.pop("compressed_bytes", None)
assert a == b, (a, b)
assert a["total_bytes"] == 250000, a["total_bytes"]
PY
if grep -rqs "auth-token\|QVdTO" "$work/ecr.json" "$work/ecr.err" "$work/fail.err"; then
  fail "the ECR password shows in an output"
fi
echo "1 passed, 0 failed"
