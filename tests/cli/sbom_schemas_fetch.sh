#!/bin/sh
# Fetches the published CycloneDX JSON schemas (bom-1.5 and the SPDX licence and JSF schemas it
# refers to) from the npm package @cyclonedx/cyclonedx-library, once, into <folder>; prints the
# folder that holds them. Usage: sbom_schemas_fetch.sh <folder>
set -eu
folder=$1
package=cyclonedx-cyclonedx-library-10.3.0
schemas=$folder/$package/res/schema
if [ ! -f "$schemas/bom-1.5.SNAPSHOT.schema.json" ]; then
  rm -rf "$folder"
  mkdir -p "$folder/$package"
  (cd "$folder" && npm pack --silent @cyclonedx/cyclonedx-library@10.3.0 >/dev/null)
  tar -xzf "$folder/$package.tgz" -C "$folder/$package" --strip-components=1 package/res/schema
fi
echo "$schemas"
