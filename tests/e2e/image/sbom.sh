#!/usr/bin/env bash
# The SBOMs of a real two-architecture image (x86_64, and arm64 cross-built, on the locally made
# bookworm bases): no registry or push needed; every dpkg package dpkg-query lists in each image
# is in its SBOM with its version, every bundled library of /opt/lib is there with the builder's
# package it came from, and both formats validate (the published CycloneDX 1.5 schema, fetched
# with npm, and the rules of SPDX 2.3).
source "$(dirname "$0")/lib.sh"
work=$1
root=$2
runtime="$(registry)/hubtel-test/bookworm:multi"
builder=hubtel-test/bookworm:amd64
project="$work/sbom-src"
rm -rf "$project"
mkdir -p "$project"
cp -r "$root/examples/multiarch" "$root/examples/cpp-lambda" "$project/"

configure "$project/multiarch" "$work/sbom" \
  "-DHUBTEL_RUNTIME_IMAGE_PROVIDED_AL2023=$runtime" "-DHUBTEL_BUILDER_IMAGE_PROVIDED_AL2023=$builder"
build "$work/sbom" hello-multi-sbom >/dev/null
# A second run has nothing to do: the SBOMs depend on the image ids alone.
expect_in "$(build "$work/sbom" hello-multi-sbom)" 'no work to do'

# compare <arch> <platform> <sbom>: the SBOM against dpkg-query and /opt/lib of the image.
compare() {
  local arch=$1 platform=$2 sbom=$3
  "$docker" run --rm --platform "$platform" --entrypoint dpkg-query "hubtel/hello-multi:$arch" \
    -W -f '${db:Status-Status} ${Package} ${Version}\n' |
    awk '$1 != "not-installed" && $1 != "config-files" { print $2 " " $3 }' | sort \
    >"$work/sbom/dpkg-$arch.txt"
  "$docker" run --rm --platform "$platform" --entrypoint /bin/ls "hubtel/hello-multi:$arch" /opt/lib \
    >"$work/sbom/opt-lib-$arch.txt"
  python3 - "$sbom" "$work/sbom/dpkg-$arch.txt" "$work/sbom/opt-lib-$arch.txt" "$arch" <<'PY'
import json, sys
sbom, dpkg, libs, arch = sys.argv[1:]
document = json.load(open(sbom))
packages = {(p["name"], p.get("versionInfo")) for p in document["packages"]
            if any(r["referenceLocator"].startswith("pkg:deb/") for r in p.get("externalRefs", []))
            and p["SPDXID"].startswith("SPDXRef-Package-dpkg-")}
listed = {tuple(line.split(" ", 1)) for line in open(dpkg).read().splitlines()}
missing = listed - packages
extra = packages - listed
assert listed, "dpkg-query listed nothing"
assert not missing, f"{arch}: dpkg-query lists what the SBOM lacks: {sorted(missing)}"
assert not extra, f"{arch}: the SBOM lists what dpkg-query does not: {sorted(extra)}"
ids = {p["SPDXID"]: p for p in document["packages"]}
files = {f["fileName"]: f for f in document["files"]}
origins = {r["spdxElementId"]: ids[r["relatedSpdxElement"]] for r in document["relationships"]
           if r["relationshipType"] == "GENERATED_FROM"}
bundled = open(libs).read().split()
assert "libcurl.so.4" in bundled, f"{arch}: no libcurl in /opt/lib: {bundled}"
for name in bundled:
    entry = files.get("./opt/lib/" + name)
    assert entry, f"{arch}: /opt/lib/{name} is not in the SBOM"
    assert len([c for c in entry["checksums"] if c["algorithm"] == "SHA256"]) == 1
    origin = origins.get(entry["SPDXID"])
    assert origin and origin["name"] and origin.get("versionInfo"), \
        f"{arch}: /opt/lib/{name} has no builder package"
curl = origins[files["./opt/lib/libcurl.so.4"]["SPDXID"]]
assert curl["name"].startswith("libcurl4"), f"{arch}: libcurl came from {curl['name']}"
base = ids["SPDXRef-Base"]
assert base["versionInfo"].startswith("sha256:"), base
print(f"{arch}: {len(packages)} dpkg packages as dpkg-query lists them; "
      f"{len(bundled)} bundled libraries, libcurl from {curl['name']} {curl['versionInfo']}; "
      f"base {base['name']} {base['versionInfo'][:19]}")
PY
}
compare x86_64 linux/amd64 "$work/sbom/hubtel/hello-multi/sbom-x86_64.spdx.json"
compare arm64 linux/arm64 "$work/sbom/hubtel/hello-multi/sbom-arm64.spdx.json"
# release.json names each architecture's SBOM by its digest, for the image id it describes.
python3 - "$work/sbom/hubtel/hello-multi" <<'PY'
import hashlib, json, sys
folder = sys.argv[1]
record = json.load(open(f"{folder}/release.json"))
for arch in ("x86_64", "arm64"):
    entry = record["architectures"][arch]
    image_id = open(f"{folder}/image-{arch}.id").read().strip()
    assert entry["image_id"] == image_id, (arch, entry)
    sbom = entry["sbom"]
    name = f"sbom-{arch}.spdx.json"
    assert sbom["file"] == name and sbom["format"] == "spdx" and sbom["attached"] is None, sbom
    digest = "sha256:" + hashlib.sha256(open(f"{folder}/{name}", "rb").read()).hexdigest()
    assert sbom["digest"] == digest, (arch, sbom, digest)
PY

# CycloneDX on request; both formats validate.
sed -i 's|^  EVENT ../cpp-lambda/event.json)|  EVENT ../cpp-lambda/event.json\n  SBOM_FORMAT cyclonedx)|' \
  "$project/multiarch/CMakeLists.txt"
cmake "$work/sbom" >/dev/null
build "$work/sbom" hello-multi-sbom >/dev/null
schemas=$(sh "$root/tests/cli/sbom_schemas_fetch.sh" "$work/sbom-schemas")
python3 "$root/tests/cli/sbom_validate.py" "$schemas" "$work"/sbom/hubtel/hello-multi/sbom-*.json
for arch in x86_64 arm64; do
  [ -s "$work/sbom/hubtel/hello-multi/sbom-$arch.cdx.json" ] || fail "no CycloneDX SBOM for $arch"
done
echo "sbom image test passed"
