#!/bin/sh
# Validates the SBOMs `hubtel-ai sbom` writes for the fixture images against the published
# CycloneDX 1.5 JSON schema (tests/cli/sbom_schemas_fetch.sh) and the rules of SPDX 2.3
# (tests/cli/sbom_validate.py). Usage: sbom_schemas.sh <hubtel-ai> <fixtures folder> <python3>
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
exec "$python" "$here/sbom_validate.py" "$schemas" "$out"/*.json
