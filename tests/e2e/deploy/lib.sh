# Shared steps of the deploy end-to-end tests: the moto AWS endpoint, a registry on loopback,
# tiny images made with `docker import`, and specs written as the CMake module writes them.
set -euo pipefail

docker=${DOCKER:-/usr/bin/docker}
hubtel_ai=${HUBTEL_AI:?HUBTEL_AI must name the hubtel-ai program}
work=${1:?usage: $0 <work-dir>}
# The valid native spec every test that writes a whole spec starts from.
spec_fixture="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../spec" && pwd)/native.json"

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

expect_in() {
  grep -Eq -- "$2" <<<"$1" || fail "expected /$2/ in:
$1"
}

expect_not_in() {
  if grep -Eq -- "$2" <<<"$1"; then
    fail "did not expect /$2/ in:
$1"
  fi
}

"$docker" info >/dev/null 2>&1 || fail "the engine ($docker) does not answer; start dockerd"

rm -rf "$work"
mkdir -p "$work"

# The AWS CLI talks to moto with fake credentials; nothing here can reach AWS itself.
use_moto() {
  local port_file=${HUBTEL_TEST_MOTO_PORT_FILE:?HUBTEL_TEST_MOTO_PORT_FILE must name the moto port file}
  [ -f "$port_file" ] || fail "no moto port file $port_file: is the hubtel_moto fixture set up?"
  export AWS_ENDPOINT_URL="http://127.0.0.1:$(cat "$port_file")"
  export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_SESSION_TOKEN=testing
  export AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1
  export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
  unset AWS_PROFILE
}

# serve_registry <dir>: a docker-registry of this test's own (deletes disabled), its storage
# under <dir>, on a free loopback port; sets served_registry (host:port) and served_registry_pid
# once /v2/ answers. The caller stops it.
served_registry=
served_registry_pid=
serve_registry() {
  command -v docker-registry >/dev/null || fail "docker-registry is not installed"
  local port
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  mkdir -p "$1"
  cat >"$1/config.yml" <<CONFIG
version: 0.1
storage:
  filesystem:
    rootdirectory: $1/data
http:
  addr: 127.0.0.1:$port
CONFIG
  docker-registry serve "$1/config.yml" >"$1/log" 2>&1 &
  served_registry_pid=$!
  for _ in $(seq 100); do
    curl -fsS -o /dev/null "http://127.0.0.1:$port/v2/" 2>/dev/null && break
    sleep 0.1
  done
  served_registry="127.0.0.1:$port"
}

# The registry of the hubtel_registry fixture, or one of our own for this test.
registry=
own_registry_pid=
start_registry() {
  if [ -n "${HUBTEL_TEST_REGISTRY_PORT_FILE:-}" ] && [ -f "$HUBTEL_TEST_REGISTRY_PORT_FILE" ]; then
    registry="127.0.0.1:$(cat "$HUBTEL_TEST_REGISTRY_PORT_FILE")"
    return
  fi
  serve_registry "$work/registry"
  own_registry_pid=$served_registry_pid
  trap 'kill "$own_registry_pid" 2>/dev/null || true' EXIT
  registry=$served_registry
}

# tiny_image <content> [<change>]: a one-file image for the engine's platform, unique to its
# content, imported without a base image, with the entrypoint Lambda needs (or another Dockerfile
# instruction instead).
tiny_image() {
  local root
  root=$(mktemp -d "$work/root.XXXXXX")
  printf '%s\n' "$1" >"$root/content.txt"
  tar -C "$root" -cf "$root.tar" .
  "$docker" import --change "${2:-ENTRYPOINT [\"/handler\"]}" "$root.tar" \
    "hubtel-e2e/tiny:$(sha256sum <<<"$1" | cut -c1-12)" | tail -n 1
  rm -rf "$root" "$root.tar"
}

# write_spec <name> <json members...>: hubtel/<name>/spec.json under the work folder, as the
# CMake module writes it; extra members (e.g. "repository": "...") override the defaults.
write_spec() {
  local name=$1
  shift
  local dir="$work/hubtel/$name"
  mkdir -p "$dir"
  python3 - "$dir" "$name" "$work" "$spec_fixture" "$@" <<'PY'
import json, sys
dir, name, work, fixture, *extra = sys.argv[1:]
with open(fixture) as f:
    spec = json.load(f)
spec.update({
    "name": name, "target": name, "context": work,
    "template": work + "/templates/Dockerfile.native.mustache", "partials": [work + "/templates"],
})
for member in extra:
    spec.update(json.loads("{" + member + "}"))
with open(dir + "/spec.json", "w") as f:
    json.dump(spec, f, indent=2)
PY
  echo "$dir/spec.json"
}

# manifest_digest <registry> <path> <tag>: the digest the registry serves for a tag.
manifest_digest() {
  curl -fsSI -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
    "http://$1/v2/$2/manifests/$3" | tr -d '\r' | awk 'tolower($1) == "docker-content-digest:" {print $2}'
}

mtime() {
  date -r "$1" +%s.%N
}

# lambda_role: the role functions are created with (made in moto once), as an ARN.
lambda_role() {
  aws iam create-role --role-name e2e-lambda \
    --assume-role-policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}' \
    >/dev/null 2>&1 || true
  echo arn:aws:iam::123456789012:role/e2e-lambda
}
