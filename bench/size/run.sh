#!/usr/bin/env bash
# Size report benchmark, in one run on one machine (page cache warm; each pair of commands run in
# turn, A B A B ..., five times each, the best of each kept):
#  - a ~350 MB `docker save` archive (4 plain layers, 40,000 files): `hubtel-ai size --no-verify`
#    against `cat` of the same file (target: <= 1.0x), and `hubtel-ai size` with its digest
#    checks against SHA-256 of the file on one core, `openssl dgst -sha256` (target: <= 0.6x;
#    the layers are hashed on two cores at once, so 0.5x is the floor there); the same with the
#    page cache dropped before each run (as root);
#  - the same layers gzip-compressed in an OCI layout folder: `hubtel-ai size` against `zcat` of
#    the layer blobs (target: <= 1.2x);
#  - peak memory (/usr/bin/time -v) of both, and of a layer of 1,000,000 empty files to get the
#    cost per path (target: <= 64 MiB + ~150 B/path).
#
# Usage: bench/size/run.sh <hubtel-ai> [work dir]   (or: ninja bench-size)
# RUNS=<n> runs of each command (5); COLD=0 leaves out the cold-cache figures (dropping the page
# cache slows everything else on the machine).
set -euo pipefail
hubtel_ai=$(realpath "${1:?usage: run.sh <hubtel-ai> [work dir]}")
work=${2:-$(mktemp -d)}
mkdir -p "$work"
cd "$work"

# Layers of 10,000 files each: sizes spread from 0 to ~35 KiB with a few large files, half
# random bytes and half text, so gzip does real work.
if [ ! -f save.tar ]; then
  python3 - <<'PY'
import gzip, hashlib, io, json, os, random, shutil, tarfile, zlib
random.seed(7)
noise = os.urandom(1 << 20)
text = (b"lorem ipsum dolor sit amet, consectetur adipiscing elit " * 20000)[: 1 << 20]
def content(size):
    half = size // 2
    at = random.randrange(0, (1 << 20) - size) if size < (1 << 20) else 0
    return (noise[at:at + half] + text[at:at + size - half])[:size]
layers, diff_ids = [], []
for layer in range(4):
    name = f"layer{layer}.tar"
    with tarfile.open(name, "w", format=tarfile.GNU_FORMAT) as tar:
        for i in range(10000):
            size = random.choice([0, 100, 1000, 4000, 9000, 14000, 22000]) + random.randrange(0, 2000)
            if i % 2500 == 0:
                size = 1 << 20
            info = tarfile.TarInfo(f"usr/lib/pkg{layer}/d{i % 100}/f{i}.so")
            info.size = size
            tar.addfile(info, io.BytesIO(content(size)))
    h = hashlib.sha256()
    with open(name, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    layers.append(name)
    diff_ids.append("sha256:" + h.hexdigest())
config = json.dumps({"architecture": "amd64", "os": "linux",
                     "rootfs": {"type": "layers", "diff_ids": diff_ids},
                     "history": [{"created_by": f"step {i}"} for i in range(4)]}).encode()
cid = hashlib.sha256(config).hexdigest()
with tarfile.open("save.tar", "w") as tar:
    paths = []
    for name, diff in zip(layers, diff_ids):
        path = diff[7:] + "/layer.tar"
        tar.add(name, arcname=path)
        paths.append(path)
    def put(name, data):
        info = tarfile.TarInfo(name); info.size = len(data); tar.addfile(info, io.BytesIO(data))
    put(cid + ".json", config)
    put("manifest.json", json.dumps([{"Config": cid + ".json", "RepoTags": ["bench:1"], "Layers": paths}]).encode())
# The OCI folder with gzip layers.
os.makedirs("oci/blobs/sha256", exist_ok=True)
descriptors = []
for name in layers:
    os.system(f"gzip -6 -n -c {name} > {name}.gz")
    h = hashlib.sha256(open(name + ".gz", "rb").read()).hexdigest()
    os.replace(name + ".gz", "oci/blobs/sha256/" + h)
    descriptors.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                        "digest": "sha256:" + h, "size": os.path.getsize("oci/blobs/sha256/" + h)})
    os.remove(name)
def blob(data):
    h = hashlib.sha256(data).hexdigest()
    open("oci/blobs/sha256/" + h, "wb").write(data)
    return {"digest": "sha256:" + h, "size": len(data)}
manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                       "config": dict(mediaType="application/vnd.oci.image.config.v1+json", **blob(config)),
                       "layers": descriptors}).encode()
index = {"schemaVersion": 2, "manifests": [dict(mediaType="application/vnd.oci.image.manifest.v1+json", **blob(manifest))]}
open("oci/index.json", "w").write(json.dumps(index))
open("oci/oci-layout", "w").write('{"imageLayoutVersion":"1.0.0"}')
# A million empty files, for the memory per path.
with tarfile.open("million.tar", "w") as tar:
    for i in range(1000000):
        tar.addfile(tarfile.TarInfo(f"m/d{i % 1000}/f{i}"))
PY
fi
if [ ! -f million-save.tar ]; then
  python3 - <<'PY'
import hashlib, io, json, tarfile
h = hashlib.sha256()
with open("million.tar", "rb") as f:
    for chunk in iter(lambda: f.read(1 << 20), b""):
        h.update(chunk)
config = json.dumps({"architecture": "amd64", "os": "linux",
                     "rootfs": {"type": "layers", "diff_ids": ["sha256:" + h.hexdigest()]}}).encode()
with tarfile.open("million-save.tar", "w") as tar:
    tar.add("million.tar", arcname="layer/layer.tar")
    def put(name, data):
        info = tarfile.TarInfo(name); info.size = len(data); tar.addfile(info, io.BytesIO(data))
    put("config.json", config)
    put("manifest.json", json.dumps([{"Config": "config.json", "Layers": ["layer/layer.tar"]}]).encode())
PY
fi

# pair <prepare> <command A> <command B>: A and B (each a string, split into words) run in turn
# after <prepare>, RUNS times each; prints the best wall time of each, in seconds: "<a> <b>".
RUNS=${RUNS:-5}
pair() {
  local prepare=$1 a=$2 b=$3 best_a= best_b= start end t
  for _ in $(seq "$RUNS"); do
    for which in a b; do
      "$prepare"
      local command=$a
      [ "$which" = a ] || command=$b
      start=$(date +%s%N)
      # shellcheck disable=SC2086
      $command >/dev/null
      end=$(date +%s%N)
      t=$((end - start))
      if [ "$which" = a ]; then
        if [ -z "$best_a" ] || [ "$t" -lt "$best_a" ]; then best_a=$t; fi
      elif [ -z "$best_b" ] || [ "$t" -lt "$best_b" ]; then
        best_b=$t
      fi
    done
  done
  awk -v a="$best_a" -v b="$best_b" 'BEGIN { printf "%.3f %.3f\n", a / 1e9, b / 1e9 }'
}
drop_page_cache() { sync && echo 3 >/proc/sys/vm/drop_caches; }
peak() { # <command...>: peak resident memory in MiB
  /usr/bin/time -v "$@" 2>&1 >/dev/null | awk '/Maximum resident set size/ { printf "%.1f", $6 / 1024 }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

blobs=$(python3 -c 'import json; print(" ".join("oci/blobs/sha256/" + l["digest"][7:] for l in json.load(open("oci/blobs/sha256/" + json.load(open("oci/index.json"))["manifests"][0]["digest"][7:]))["layers"]))')
cat save.tar >/dev/null # warm the page cache
files=$("$hubtel_ai" size save.tar --format json | python3 -c 'import json,sys; r=json.load(sys.stdin); print(sum(l["files"] for l in r["layers"]), r["total_bytes"])')

read -r t_plain_nv t_cat < <(pair : "$hubtel_ai size save.tar --format json --no-verify" "cat save.tar")
read -r t_plain t_sha < <(pair : "$hubtel_ai size save.tar --format json" "openssl dgst -sha256 save.tar")
read -r t_gzip t_zcat < <(pair : "$hubtel_ai size oci --format json" "zcat $blobs")
read -r t_gzip_nv _ < <(RUNS=1 pair : "$hubtel_ai size oci --format json --no-verify" true)
m_plain=$(peak "$hubtel_ai" size save.tar --format json)
m_gzip=$(peak "$hubtel_ai" size oci --format json)
m_million=$(peak "$hubtel_ai" size million-save.tar --format json)
m_empty=$(peak "$hubtel_ai" size --help)

echo "size benchmark ($(nproc) cores, $(du -m save.tar | cut -f1) MB archive; files and bytes: $files; best of $RUNS, alternating)"
echo "  plain save:  --no-verify ${t_plain_nv}s  cat ${t_cat}s  ratio $(ratio "$t_plain_nv" "$t_cat")  (target <= 1.0)"
echo "               digests checked ${t_plain}s  openssl dgst -sha256 ${t_sha}s  ratio $(ratio "$t_plain" "$t_sha")  (target <= 0.6)"
echo "  gzip OCI:    hubtel-ai ${t_gzip}s  zcat ${t_zcat}s  ratio $(ratio "$t_gzip" "$t_zcat")  (target <= 1.2)"
echo "               --no-verify ${t_gzip_nv}s  ratio $(ratio "$t_gzip_nv" "$t_zcat")"
if [ "${COLD:-1}" = 1 ] && [ -w /proc/sys/vm/drop_caches ]; then
  read -r c_plain_nv c_cat < <(RUNS=3 pair drop_page_cache "$hubtel_ai size save.tar --format json --no-verify" "cat save.tar")
  read -r c_plain c_sha < <(RUNS=3 pair drop_page_cache "$hubtel_ai size save.tar --format json" "openssl dgst -sha256 save.tar")
  echo "  cold cache:  --no-verify ${c_plain_nv}s  cat ${c_cat}s  ratio $(ratio "$c_plain_nv" "$c_cat");  digests checked ${c_plain}s  openssl ${c_sha}s  ratio $(ratio "$c_plain" "$c_sha")"
else
  echo "  cold cache:  not measured (COLD=0, or not root: dropping the page cache needs root)"
fi
echo "  load average while measuring: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "  peak memory: plain ${m_plain} MiB, gzip ${m_gzip} MiB, 1,000,000 paths ${m_million} MiB (process alone ${m_empty} MiB)"
awk -v m="$m_million" -v e="$m_empty" 'BEGIN { printf "  per path:    %.0f B over the process alone (target <= ~150 B + 64 MiB)\n", (m - e) * 1048576 / 1000000 }'
