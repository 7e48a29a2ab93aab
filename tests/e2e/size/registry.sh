#!/usr/bin/env bash
# size <registry-reference>: a multi-layer image pushed to docker-registry reads, over the HTTP
# API, as its archives read (field by field), anonymously, with basic auth and with bearer tokens
# from a token service of the test's own; --platform against an index; and the errors for an
# unknown tag, missing or wrong credentials, a platform the index lacks and a damaged blob.
# Every server runs on 127.0.0.1 on a free port and is stopped on exit.
set -euo pipefail

docker=${DOCKER:-/usr/bin/docker}
hubtel_ai=${HUBTEL_AI:?HUBTEL_AI must name the hubtel-ai program}
work=${1:?usage: $0 <work-dir>}
export DOCKER_BUILDKIT=1

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
expect_in() {
  grep -Eq -- "$2" <<<"$1" || fail "expected /$2/ in:
$1"
}

"$docker" info >/dev/null 2>&1 || fail "the engine ($docker) does not answer; start dockerd"
command -v docker-registry >/dev/null || fail "docker-registry is not installed"
command -v htpasswd >/dev/null || fail "htpasswd is not installed (apt-get install apache2-utils)"

rm -rf "$work"
mkdir -p "$work"
pids=()
images=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for image in "${images[@]}"; do "$docker" image rm -f "$image" >/dev/null 2>&1 || true; done
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_registry <name> [<auth yaml>]: a docker-registry on the shared storage; sets `address`.
address=
start_registry() {
  local name=$1 port
  port=$(free_port)
  {
    printf 'version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n'
    printf '    rootdirectory: %s\nhttp:\n  addr: 127.0.0.1:%s\n' "$work/storage" "$port"
    printf '%s\n' "${2:-}"
  } >"$work/$name.yml"
  docker-registry serve "$work/$name.yml" >"$work/$name.log" 2>&1 </dev/null &
  pids+=($!)
  for _ in $(seq 100); do
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/v2/" || true)
    if [ "$code" = 200 ] || [ "$code" = 401 ]; then
      address="127.0.0.1:$port"
      return
    fi
    sleep 0.1
  done
  cat "$work/$name.log" >&2
  fail "the $name registry did not start"
}

# size_json <out> <input> [args...]: the JSON report, exit 0 and nothing on stderr.
size_json() {
  local out=$1
  shift
  "$hubtel_ai" size "$@" --format json >"$out" 2>"$out.err" || fail "size $* failed: $(cat "$out.err")"
  [ ! -s "$out.err" ] || fail "size $* wrote to stderr: $(cat "$out.err")"
}

# size_fails <input> [args...]: exit 1, nothing on stdout; sets `err` to the one error line.
err=
size_fails() {
  local status=0
  "$hubtel_ai" size "$@" --format json >"$work/fail.out" 2>"$work/fail.err" || status=$?
  err=$(cat "$work/fail.err")
  [ "$status" = 1 ] || fail "size $* exited $status, not 1: $err"
  [ ! -s "$work/fail.out" ] || fail "size $* wrote to stdout"
  [ "$(wc -l <"$work/fail.err")" = 1 ] || fail "size $* wrote more than one line: $err"
}

# same <a.json> <b.json> [loose]: equal but for `source`; loose also leaves out what describes
# the stored layer blobs (digests, compressed sizes), which docker save may store uncompressed.
same() {
  python3 - "$@" <<'PY' || fail "$1 and $2 differ"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
loose = len(sys.argv) > 3
for d in (a, b):
    d.pop("source")
    if loose:
        d.pop("compressed_bytes", None)
        for layer in d["layers"]:
            layer.pop("digest")
            layer.pop("compressed_bytes", None)
if a != b:
    for key in sorted(set(a) | set(b)):
        if a.get(key) != b.get(key):
            print(f"{key}: {json.dumps(a.get(key))[:400]} != {json.dumps(b.get(key))[:400]}",
                  file=sys.stderr)
    sys.exit(1)
PY
}

# ----- the image: three layers, the second replacing a file of the first (wasted bytes) -----
start_registry open
open_registry=$address
repo=hubtel-size-registry/app
context="$work/context"
mkdir -p "$context/a" "$context/b" "$context/c/deep/er"
head -c 300000 /dev/urandom >"$context/a/big.bin"
printf 'kept\n' >"$context/a/keep.txt"
head -c 120000 /dev/urandom >"$context/b/big.bin"
for i in 1 2 3 4 5; do head -c $((i * 7000)) /dev/urandom >"$context/c/deep/er/f$i.dat"; done
cat >"$context/Dockerfile" <<'DOCKERFILE'
FROM scratch
COPY a/ /app/
COPY b/ /app/
COPY c/ /data/
DOCKERFILE
image="$open_registry/$repo:v1"
images+=("$image" "$open_registry/$repo:arm64")
"$docker" build -q --platform linux/amd64 -t "$image" "$context" >/dev/null
"$docker" push -q "$image" >/dev/null
"$docker" save -o "$work/saved.tar" "$image"

size_json "$work/registry.json" "$image"
size_json "$work/saved.json" "$work/saved.tar"
expect_in "$(cat "$work/registry.json")" "\"source\": \"$image\""
expect_in "$(cat "$work/registry.json")" '"wasted_bytes": 300000'
python3 - "$work/registry.json" <<'PY' || fail "the registry report lacks the image's layers"
import json, sys
r = json.load(open(sys.argv[1]))
assert len(r["layers"]) == 3, r["layers"]
assert r["total_bytes"] == 300005 + 120000 + 7000 * 15, r["total_bytes"]
assert all(layer["compressed_bytes"] > 0 for layer in r["layers"])
PY
same "$work/registry.json" "$work/saved.json" loose

# The very blobs the registry holds, laid out as an OCI layout: the same report, field by field.
python3 - "http://$open_registry" "$repo" v1 "$work/layout" <<'PY'
import hashlib, json, os, sys, urllib.request
base, repo, tag, out = sys.argv[1:]
def get(path, accept=None):
    request = urllib.request.Request(base + path, headers={"Accept": accept} if accept else {})
    with urllib.request.urlopen(request) as response:
        return response.read(), response.headers.get("Content-Type")
manifest, media_type = get(f"/v2/{repo}/manifests/{tag}",
                           "application/vnd.docker.distribution.manifest.v2+json, "
                           "application/vnd.oci.image.manifest.v1+json")
os.makedirs(f"{out}/blobs/sha256")
def put(data):
    digest = hashlib.sha256(data).hexdigest()
    with open(f"{out}/blobs/sha256/{digest}", "wb") as f:
        f.write(data)
    return "sha256:" + digest
document = json.loads(manifest)
for descriptor in [document["config"]] + document["layers"]:
    assert put(get(f"/v2/{repo}/blobs/{descriptor['digest']}")[0]) == descriptor["digest"]
index = {"schemaVersion": 2, "manifests": [
    {"mediaType": media_type, "digest": put(manifest), "size": len(manifest)}]}
with open(f"{out}/index.json", "w") as f:
    json.dump(index, f)
with open(f"{out}/oci-layout", "w") as f:
    f.write('{"imageLayoutVersion": "1.0.0"}')
PY
size_json "$work/layout.json" "$work/layout"
same "$work/registry.json" "$work/layout.json"
tar -C "$work/layout" -cf "$work/layout.tar" .
size_json "$work/layout-tar.json" "$work/layout.tar"
same "$work/registry.json" "$work/layout-tar.json"

# The same image under OCI's media types (as buildx and containerd-store engines push it): the
# same report, but for the manifest and config digests.
python3 - "http://$open_registry" "$repo" <<'PY'
import json, sys, urllib.request
base, repo = sys.argv[1:]
request = urllib.request.Request(f"{base}/v2/{repo}/manifests/v1", headers={
    "Accept": "application/vnd.docker.distribution.manifest.v2+json"})
with urllib.request.urlopen(request) as response:
    manifest = json.loads(response.read())
oci = "application/vnd.oci.image.manifest.v1+json"
manifest["mediaType"] = oci
manifest["config"]["mediaType"] = "application/vnd.oci.image.config.v1+json"
for layer in manifest["layers"]:
    assert layer["mediaType"].endswith("tar.gzip"), layer
    layer["mediaType"] = "application/vnd.oci.image.layer.v1.tar+gzip"
request = urllib.request.Request(f"{base}/v2/{repo}/manifests/oci", method="PUT",
                                 data=json.dumps(manifest).encode(), headers={"Content-Type": oci})
urllib.request.urlopen(request).read()
PY
size_json "$work/oci.json" "$open_registry/$repo:oci"
same "$work/registry.json" "$work/oci.json"

# By digest, and with --base from the registry too.
digest=$(curl -fsS -o /dev/null -D - \
  -H 'Accept: application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json' \
  "http://$open_registry/v2/$repo/manifests/v1" | tr -d '\r' | sed -n 's/^[Dd]ocker-[Cc]ontent-[Dd]igest: //p')
[ -n "$digest" ] || fail "no digest for $image"
size_json "$work/by-digest.json" "$open_registry/$repo@$digest"
same "$work/registry.json" "$work/by-digest.json"
size_json "$work/no-verify.json" "$image" --no-verify
same "$work/registry.json" "$work/no-verify.json"

# ----- --platform against an index -----
"$docker" build -q --platform linux/arm64 -t "$open_registry/$repo:arm64" "$context" >/dev/null
"$docker" push -q "$open_registry/$repo:arm64" >/dev/null
python3 - "http://$open_registry" "$repo" <<'PY'
import json, sys, urllib.request
base, repo = sys.argv[1:]
list_type = "application/vnd.docker.distribution.manifest.list.v2+json"
entries = []
for tag, arch in (("v1", "amd64"), ("arm64", "arm64")):
    request = urllib.request.Request(f"{base}/v2/{repo}/manifests/{tag}", headers={
        "Accept": "application/vnd.docker.distribution.manifest.v2+json, "
                  "application/vnd.oci.image.manifest.v1+json"})
    with urllib.request.urlopen(request) as response:
        body = response.read()
        entries.append({"mediaType": response.headers["Content-Type"],
                        "digest": response.headers["Docker-Content-Digest"], "size": len(body),
                        "platform": {"os": "linux", "architecture": arch}})
index = json.dumps({"schemaVersion": 2, "mediaType": list_type, "manifests": entries}).encode()
request = urllib.request.Request(f"{base}/v2/{repo}/manifests/multi", data=index, method="PUT",
                                 headers={"Content-Type": list_type})
urllib.request.urlopen(request).read()
PY
size_fails "$open_registry/$repo:multi"
expect_in "$err" "^hubtel-ai: error: size $open_registry/$repo:multi: the index holds images for linux/amd64, linux/arm64; choose one with --platform \(e\.g\. --platform linux/amd64\)$"
size_fails "$open_registry/$repo:multi" --platform linux/s390x
expect_in "$err" "^hubtel-ai: error: size $open_registry/$repo:multi: the index has no image for linux/s390x \(it holds linux/amd64, linux/arm64\); choose one of those with --platform$"
size_json "$work/multi-amd64.json" "$open_registry/$repo:multi" --platform linux/amd64
same "$work/registry.json" "$work/multi-amd64.json"
size_json "$work/multi-arm64.json" "$open_registry/$repo:multi" --platform linux/arm64
expect_in "$(cat "$work/multi-arm64.json")" '"architecture": "arm64"'
size_json "$work/multi-aarch64.json" "$open_registry/$repo:multi" --platform linux/aarch64
same "$work/multi-arm64.json" "$work/multi-aarch64.json"
size_fails "$image" --platform linux/arm64
expect_in "$err" "^hubtel-ai: error: size $image: the image is for linux/amd64, not linux/arm64; it names no other platform$"

# ----- an unknown tag -----
size_fails "$open_registry/$repo:nope"
expect_in "$err" "^hubtel-ai: error: size $open_registry/$repo:nope: $open_registry/$repo has no manifest nope; check the repository and tag \(or digest\), or push the image first$"

# ----- basic auth, credentials from a DOCKER_CONFIG the test writes -----
printf 'hubtel-secret\n' | htpasswd -iBc "$work/htpasswd" hubtel 2>/dev/null
start_registry basic "auth:
  htpasswd:
    realm: hubtel-test
    path: $work/htpasswd"
basic_registry=$address
write_config() { # <dir> <registry> <user:password>
  mkdir -p "$1"
  python3 - "$1/config.json" "$2" "$3" <<'PY'
import base64, json, sys
path, registry, secret = sys.argv[1:]
with open(path, "w") as f:
    json.dump({"auths": {registry: {"auth": base64.b64encode(secret.encode()).decode()}}}, f)
PY
}
export DOCKER_CONFIG="$work/no-config"
mkdir -p "$DOCKER_CONFIG"
size_fails "$basic_registry/$repo:v1"
expect_in "$err" "^hubtel-ai: error: size $basic_registry/$repo:v1: the registry $basic_registry asks for credentials and none are stored; log in to it \(docker login $basic_registry\)$"
write_config "$work/wrong-config" "$basic_registry" "hubtel:not-the-secret"
export DOCKER_CONFIG="$work/wrong-config"
size_fails "$basic_registry/$repo:v1"
expect_in "$err" "^hubtel-ai: error: size $basic_registry/$repo:v1: reading the manifest v1 in $basic_registry/$repo: HTTP 401 .*log in again \(docker login $basic_registry\)"
write_config "$work/basic-config" "$basic_registry" "hubtel:hubtel-secret"
export DOCKER_CONFIG="$work/basic-config"
size_json "$work/basic.json" "$basic_registry/$repo:v1"
same "$work/registry.json" "$work/basic.json"

# ----- bearer tokens from a token service of the test's own -----
mkdir -p "$work/token"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/token/key.pem" -out "$work/token/cert.pem" \
  -days 1 -subj /CN=hubtel-test-token 2>/dev/null
printf 'hubtel:token-secret' >"$work/token/secret"
cat >"$work/token/server.py" <<'PY'
# A token service as registries use them: Basic credentials in, an RS256 JWT for the scope out.
import base64, http.server, json, sys, time, urllib.parse, uuid
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
folder = sys.argv[1]
key = serialization.load_pem_private_key(open(f"{folder}/key.pem", "rb").read(), None)
cert = x509.load_pem_x509_certificate(open(f"{folder}/cert.pem", "rb").read())
secret = open(f"{folder}/secret").read()
def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        expected = "Basic " + base64.b64encode(secret.encode()).decode()
        if self.headers.get("Authorization") != expected:
            self.send_response(401)
            self.end_headers()
            return
        query = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query)
        access = []
        for scope in query.get("scope", []):
            kind, name, actions = scope.split(":")
            access.append({"type": kind, "name": name, "actions": actions.split(",")})
        now = int(time.time())
        header = {"typ": "JWT", "alg": "RS256",
                  "x5c": [base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()]}
        claims = {"iss": "hubtel-test-issuer", "sub": "hubtel", "aud": query["service"][0],
                  "exp": now + 600, "nbf": now - 10, "iat": now, "jti": str(uuid.uuid4()),
                  "access": access}
        signing = b64(json.dumps(header).encode()) + "." + b64(json.dumps(claims).encode())
        signature = key.sign(signing.encode(), padding.PKCS1v15(), hashes.SHA256())
        body = json.dumps({"token": signing + "." + b64(signature)}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
with open(f"{folder}/port", "w") as f:
    f.write(str(server.server_port))
server.serve_forever()
PY
python3 "$work/token/server.py" "$work/token" >"$work/token/log" 2>&1 </dev/null &
pids+=($!)
for _ in $(seq 100); do [ -s "$work/token/port" ] && break; sleep 0.1; done
[ -s "$work/token/port" ] || fail "the token service did not start: $(cat "$work/token/log")"
start_registry token "auth:
  token:
    realm: http://127.0.0.1:$(cat "$work/token/port")/token
    service: hubtel-test-registry
    issuer: hubtel-test-issuer
    rootcertbundle: $work/token/cert.pem"
token_registry=$address
write_config "$work/token-wrong" "$token_registry" "hubtel:not-the-secret"
export DOCKER_CONFIG="$work/token-wrong"
size_fails "$token_registry/$repo:v1"
expect_in "$err" "^hubtel-ai: error: size $token_registry/$repo:v1: the registry $token_registry refused a token \(HTTP 401\); log in to it \(docker login $token_registry\)$"
write_config "$work/token-config" "$token_registry" "hubtel:token-secret"
export DOCKER_CONFIG="$work/token-config"
size_json "$work/token.json" "$token_registry/$repo:v1"
same "$work/registry.json" "$work/token.json"
size_json "$work/token-multi.json" "$token_registry/$repo:multi" --platform linux/amd64
same "$work/registry.json" "$work/token-multi.json"
unset DOCKER_CONFIG

# ----- a damaged layer blob: the same length, other bytes -----
layer=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["layers"][1]["digest"])' \
  "$work/registry.json")
hex=${layer#sha256:}
data="$work/storage/docker/registry/v2/blobs/sha256/${hex:0:2}/$hex/data"
[ -f "$data" ] || fail "no blob file $data"
python3 - "$data" <<'PY'
import sys
with open(sys.argv[1], "r+b") as f:
    data = bytearray(f.read())
    data[-100] ^= 0xFF
    f.seek(0)
    f.write(data)
PY
size_fails "$image"
expect_in "$err" "^hubtel-ai: error: size $image: the blob $layer in $open_registry/$repo does not match its digest \(its content is sha256:[0-9a-f]{64}\); the registry is damaged or not what it claims$"
echo "PASS"
