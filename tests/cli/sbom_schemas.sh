#!/bin/sh
# Validates the SBOMs `hubtel-ai sbom` writes for the fixture images against the published
# CycloneDX 1.5 JSON schema (tests/cli/sbom_schemas_fetch.sh) and the SPDX 2.3 schema and rules
# (tests/cli/sbom_validate.py); then shows the validator refuses a document each schema refuses. Usage: sbom_schemas.sh <hubtel-ai> <fixtures folder> <python3>
set -eu
helper=$1 work=$2 python=$3
here=$(dirname "$0")
schemas=$(sh "$here/sbom_schemas_fetch.sh" "$work/../sbom-schemas")
out=$work/documents
rm -rf "$out"
mkdir -p "$out"
for image in good rpm; do
  "$helper" sbom --image "$work/$image.tar" --base-layers 1 --name "$image" --arch x86_64 \
    --output "$out/$image.spdx.json"
  "$helper" sbom --image "$work/$image.tar" --base-layers 1 --name "$image" --arch x86_64 \
    --format cyclonedx --output "$out/$image.cdx.json"
done
"$python" "$here/sbom_validate.py" "$schemas" "$out"/*.json
# The validator can fail: a package member SPDX 2.3 does not define, a file checksum that is no
# hex, and a CycloneDX component of no known type.
broken=$work/broken
rm -rf "$broken"
mkdir -p "$broken"
"$python" - "$out" "$broken" <<'PY'
import json, sys
out, broken = sys.argv[1:]
spdx = json.load(open(f"{out}/good.spdx.json"))
spdx["packages"][0]["vendor"] = "x"
spdx["files"][0]["checksums"][0]["checksumValue"] = "not hex"
json.dump(spdx, open(f"{broken}/good.spdx.json", "w"))
cdx = json.load(open(f"{out}/good.cdx.json"))
cdx["components"][0]["type"] = "gadget"
json.dump(cdx, open(f"{broken}/good.cdx.json", "w"))
PY
if "$python" "$here/sbom_validate.py" "$schemas" "$broken"/*.json >"$broken/said" 2>&1; then
  echo "the validator took broken documents:" >&2
  cat "$broken/said" >&2
  exit 1
fi
for expected in "good.spdx.json: packages/0: Additional properties are not allowed ('vendor' was unexpected)" \
  "good.spdx.json: files/0/checksums/0/checksumValue: 'not hex' does not match" \
  "good.cdx.json: components/0/type: 'gadget' is not one of"; do
  grep -qF "$expected" "$broken/said" || {
    echo "the validator did not say: $expected" >&2
    cat "$broken/said" >&2
    exit 1
  }
done
echo "broken documents refused"
