# CLI tests of `hubtel-ai sbom` on saved images (tests/cli/sbom_fixtures.sh writes them at test
# time): both formats of a dpkg image and of an rpm image (a real database, read through librpm),
# and one error line for each kind of bad input.

find_program(_hubtel_rpmbuild rpmbuild REQUIRED)
set(_sbom_work "${CMAKE_CURRENT_BINARY_DIR}/sbom")
add_test(NAME cli.sbom.setup COMMAND sh "${CMAKE_CURRENT_SOURCE_DIR}/sbom_fixtures.sh"
                                     "${_sbom_work}")
set_tests_properties(cli.sbom.setup PROPERTIES FIXTURES_SETUP hubtel_sbom LABELS cli)

# _sbom_test(<name> ...): a _hubtel_cli_test that reads the fixtures.
function(_sbom_test name)
  _hubtel_cli_test(sbom.${name} ${ARGN})
  set_tests_properties(cli.sbom.${name} PROPERTIES FIXTURES_REQUIRED hubtel_sbom)
endfunction()

_sbom_test(
  spdx
  COMMAND
  sbom
  --image
  "${_sbom_work}/good.tar"
  --base-layers
  1
  --name
  hello
  --arch
  x86_64
  RESULT
  0
  STDOUT
  "\"spdxVersion\": \"SPDX-2.3\".*\"created\": \"2026-01-02T03:04:05Z\".*\"name\": \"registry.example.com/team/base:12\",\n *\"versionInfo\": \"sha256:1111111111111111111111111111111111111111111111111111111111111111\".*\"name\": \"base-files\",\n *\"versionInfo\": \"12.4\\+deb12u5\".*pkg:deb/debian/libc6@2.36-9%2Bdeb12u4\\?arch=amd64&distro=debian-12.*\"name\": \"greeting\",\n *\"versionInfo\": \"1.0.0\".*\"licenseDeclared\": \"MIT OR Apache-2.0\".*\"name\": \"libfmt9\",\n *\"versionInfo\": \"9.1.0\\+ds1-2\".*\"fileName\": \"./opt/lib/libfmt.so.9\",\n *\"checksums\": .\n *{\n *\"algorithm\": \"SHA1\",\n *\"checksumValue\": \"7b1cb94f6de9ffedec425c7b1360703a06192b0f\"\n *},\n *{\n *\"algorithm\": \"SHA256\",\n *\"checksumValue\": \"4ccf0ccdfb4320502dd6f40755766ab3e0481768a42e2ef8e3222f00292fd641\""
  STDERR
  "^$")
_sbom_test(
  cyclonedx
  COMMAND
  sbom
  --image
  "${_sbom_work}/good.tar"
  --base-layers
  1
  --format
  cyclonedx
  RESULT
  0
  STDOUT
  "\"bomFormat\": \"CycloneDX\",\n  \"specVersion\": \"1.5\",\n  \"serialNumber\": \"urn:uuid:[0-9a-f]+-[0-9a-f]+-5[0-9a-f]+-[89ab][0-9a-f]+-[0-9a-f]+\".*\"purl\": \"pkg:deb/debian/base-files@12.4%2Bdeb12u5\\?arch=amd64&distro=debian-12\".*\"expression\": \"MIT OR Apache-2.0\".*\"name\": \"/opt/lib/libfmt.so.9\".*\"ancestors\": .\n *{\n *\"type\": \"library\",\n *\"name\": \"libfmt9\",\n *\"version\": \"9.1.0\\+ds1-2\""
  STDERR
  "^$")
_sbom_test(
  rpm
  COMMAND
  sbom
  --image
  "${_sbom_work}/rpm.tar"
  --base-layers
  1
  --format
  cyclonedx
  RESULT
  0
  STDOUT
  "\"name\": \"hubtel-hello\",\n *\"version\": \"1.2-3.amzn2023\",\n *\"licenses\": .\n *{\n *\"license\": {\n *\"name\": \"MIT AND BSD-3-Clause\".*\"purl\": \"pkg:rpm/amzn/hubtel-hello@1.2-3.amzn2023\\?arch=noarch&distro=amzn-2023\""
  STDERR
  "^$")

# Bad input: one error line naming the file, and what to do.
_sbom_test(
  corrupt-status
  COMMAND
  sbom
  --image
  "${_sbom_work}/corrupt-status.tar"
  --base-layers
  1
  RESULT
  1
  STDOUT
  "^$"
  STDERR
  "^hubtel-ai: error: [^\n]*corrupt-status.tar: /var/lib/dpkg/status: line 3 is neither a field \\(Name: value\\) nor the continuation of one: \"\\?\\?garbage\"\n$"
)
_sbom_test(
  nameless-status
  COMMAND
  sbom
  --image
  "${_sbom_work}/nameless-status.tar"
  --base-layers
  1
  RESULT
  1
  STDOUT
  "^$"
  STDERR
  "^hubtel-ai: error: [^\n]*nameless-status.tar: /var/lib/dpkg/status: the entry at line 4 has no Package field; the package database is corrupt: rebuild the runtime base\n$"
)
_sbom_test(
  status-folder
  COMMAND
  sbom
  --image
  "${_sbom_work}/status-folder.tar"
  --base-layers
  1
  RESULT
  1
  STDOUT
  "^$"
  STDERR
  "^hubtel-ai: error: [^\n]*status-folder.tar: /var/lib/dpkg/status is not a regular file, so dpkg's status cannot be read from it; rebuild the runtime base with an intact package database\n$"
)
_sbom_test(
  rpm-corrupt
  COMMAND
  sbom
  --image
  "${_sbom_work}/rpm-corrupt.tar"
  --base-layers
  1
  RESULT
  1
  STDOUT
  "^$"
  STDERR
  "^hubtel-ai: error: [^\n]*rpm-corrupt.tar: /var/lib/rpm: librpm [^\n]*; the image's rpm database is corrupt or of a kind librpm [0-9.]+ cannot read: rebuild the runtime base, or run 'rpm --rebuilddb' in it\n$"
)
_sbom_test(
  bad-record
  COMMAND
  sbom
  --image
  "${_sbom_work}/bad-record.tar"
  --base-layers
  1
  RESULT
  1
  STDOUT
  "^$"
  STDERR
  "^hubtel-ai: error: [^\n]*bad-record.tar: /opt/hubtel/libraries.tsv: line 1 is not a library record \\(6 tab-separated fields, the first an absolute path\\); build the image again\n$"
)
_sbom_test(
  too-many-base-layers
  COMMAND
  sbom
  --image
  "${_sbom_work}/good.tar"
  --base-layers
  5
  RESULT
  1
  STDERR
  "^hubtel-ai: error: [^\n]*good.tar: the image has 2 layers, fewer than the 5 of its base\n$")
_hubtel_cli_test(
  sbom.format-bad
  COMMAND sbom --image missing.tar --format xml
  RESULT 2
  STDOUT "^$"
  STDERR "^hubtel-ai: error: --format: xml not in {spdx,cyclonedx}\n")
_hubtel_cli_test(
  sbom.no-input
  COMMAND sbom
  RESULT 2
  STDOUT "^$"
  STDERR "^hubtel-ai: error: give --spec \\(a built image\\) or --image \\(a saved image\\)\n$")
_hubtel_cli_test(
  sbom.spec-and-image
  COMMAND sbom --spec spec.json --image image.tar
  RESULT 2
  STDERR "^hubtel-ai: error: --spec excludes --image\n")
_hubtel_cli_test(
  sbom.engine-host-and-image
  COMMAND sbom --image image.tar --engine-host tcp://127.0.0.1:2376
  RESULT 2
  STDERR "^hubtel-ai: error: --engine-host excludes --image\n")
_hubtel_cli_test(
  sbom.engine-host-unknown
  COMMAND sbom --spec "${_sbom_work}/no-such-spec.json" --arch x86_64 --engine-host
          tcp://127.0.0.1:1 --engines "${_sbom_work}/no-engines.json"
  RESULT 1
  STDERR "^hubtel-ai: error: the engine assignment '.*no-engines.json' is missing")
_hubtel_cli_test(
  sbom.base-digest-bad
  COMMAND sbom --image image.tar --base-digest sha256:abc
  RESULT 2
  STDERR
    "^hubtel-ai: error: --base-digest \"sha256:abc\" is not a digest \\(sha256:<64 hex digits>\\)\n$"
)

# A failed SBOM leaves the file it would have written as it was.
add_test(NAME cli.sbom.nothing-half-written
         COMMAND ${CMAKE_COMMAND} -DHELPER=$<TARGET_FILE:hubtel-ai> "-DWORK=${_sbom_work}" -P
                 "${CMAKE_CURRENT_SOURCE_DIR}/sbom_unchanged.cmake")
set_tests_properties(cli.sbom.nothing-half-written PROPERTIES FIXTURES_REQUIRED hubtel_sbom LABELS
                                                              cli)

# Both formats validate: CycloneDX against its published schema (fetched with npm into the build
# tree), SPDX against the rules of SPDX 2.3.
find_program(_hubtel_npm npm REQUIRED)
add_test(NAME cli.sbom.schemas
         COMMAND sh "${CMAKE_CURRENT_SOURCE_DIR}/sbom_schemas.sh" $<TARGET_FILE:hubtel-ai>
                 "${_sbom_work}" "${_hubtel_python3}")
set_tests_properties(cli.sbom.schemas PROPERTIES FIXTURES_REQUIRED hubtel_sbom LABELS cli)
