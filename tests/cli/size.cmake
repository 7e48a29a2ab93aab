# CLI tests of `hubtel-ai size`: known figures in every input form, base split, budgets, formats,
# and one error line for each kind of bad input.

# The inputs are written at test time by make_size_fixtures (tests/unit/inspect/fixtures.cpp): the
# known image (23600 bytes, 12200 visible, 11400 wasted) as a legacy save, a docker 25 save, an
# OCI archive with gzip and zstd layers, an OCI folder and a gzip-compressed save; its base; and
# broken variants.
find_package(LibArchive 3.4 REQUIRED)
find_package(OpenSSL 1.1 REQUIRED COMPONENTS Crypto)
find_package(nlohmann_json 3.10 REQUIRED)
add_executable(make_size_fixtures ${PROJECT_SOURCE_DIR}/tests/unit/inspect/fixtures.cpp
                                  ${PROJECT_SOURCE_DIR}/tests/unit/inspect/make_fixtures.cpp)
target_link_libraries(
  make_size_fixtures PRIVATE hubtel_ai_core hubtel_ai_test_warnings nlohmann_json::nlohmann_json
                             LibArchive::LibArchive)

set(_size_work "${CMAKE_CURRENT_BINARY_DIR}/size")
set(_size_data "${CMAKE_CURRENT_SOURCE_DIR}/data/size")
add_test(NAME cli.size.setup COMMAND make_size_fixtures "${_size_work}")
set_tests_properties(cli.size.setup PROPERTIES FIXTURES_SETUP hubtel_size LABELS cli)
set(_size_tests)

# _size_test(<name> ...): a _hubtel_cli_test that reads the fixtures.
function(_size_test name)
  _hubtel_cli_test(size.${name} ${ARGN})
  set_tests_properties(cli.size.${name} PROPERTIES FIXTURES_REQUIRED hubtel_size)
endfunction()

set(_size_known_json
    "\"total_bytes\": 23600,\n  \"visible_bytes\": 12200,\n  \"wasted_bytes\": 11400,\n  \"efficiency\": 0\\.5169491525423728,\n  \"compressed_bytes\": [0-9]+,\n"
)
foreach(_input IN ITEMS legacy.tar docker25.tar oci.tar oci legacy.tar.gz)
  _size_test(
    known.${_input}
    COMMAND
    size
    "${_size_work}/${_input}"
    --format
    json
    RESULT
    0
    STDOUT
    "^{\n  \"source\": \"[^\n]*\",\n  \"architecture\": \"amd64\",\n  \"os\": \"linux\",\n  ${_size_known_json}"
    STDERR
    "^$")
endforeach()
foreach(_input IN ITEMS legacy.tar docker25.tar oci.tar oci)
  _size_test(
    known-no-verify.${_input}
    COMMAND
    size
    "${_size_work}/${_input}"
    --no-verify
    --format
    json
    RESULT
    0
    STDOUT
    "${_size_known_json}"
    STDERR
    "^$")
endforeach()
_size_test(
  known.stdin
  COMMAND
  size
  -
  --format
  json
  STDIN
  "${_size_work}/legacy.tar"
  RESULT
  0
  STDOUT
  "^{\n  \"source\": \"<stdin>\",\n.*${_size_known_json}"
  STDERR
  "^$")
_size_test(
  known.stdin-oci
  COMMAND
  size
  -
  --format
  json
  STDIN
  "${_size_work}/oci.tar"
  RESULT
  0
  STDOUT
  "${_size_known_json}"
  STDERR
  "^$")
_size_test(
  json-layers
  COMMAND
  size
  "${_size_work}/oci.tar"
  --format
  json
  --top
  3
  RESULT
  0
  STDOUT
  "\"layers\": .\n    {\n      \"index\": 1,\n      \"digest\": \"sha256:[0-9a-f]+\",\n      \"diff_id\": \"sha256:[0-9a-f]+\",\n      \"bytes\": 9400,\n      \"compressed_bytes\": [0-9]+,\n      \"files\": 9,\n      \"created_by\": \"/bin/sh -c #\\(nop\\) ADD file:base in / \",\n      \"wasted_bytes\": 4400\n    },.*\"bytes\": 7200,.*\"files\": 3,.*\"bytes\": 7000,.*\"largest_paths\": .\n    {\n      \"path\": \"/app\",\n      \"bytes\": 7000\n    },\n    {\n      \"path\": \"/app/main\",\n      \"bytes\": 7000\n    },\n    {\n      \"path\": \"/usr\",\n      \"bytes\": 5000\n    }\n  .\n}\n$"
  STDERR
  "^$")
_size_test(
  legacy-compressed-null
  COMMAND
  size
  "${_size_work}/empty.tar"
  --format
  json
  RESULT
  0
  STDOUT
  "\"total_bytes\": 0,\n  \"visible_bytes\": 0,\n  \"wasted_bytes\": 0,\n  \"efficiency\": 1\\.0,\n  \"compressed_bytes\": [0-9]+,.*\"largest_paths\": \\[\\]"
  STDERR
  "^$")
_size_test(
  text
  COMMAND
  size
  "${_size_work}/legacy.tar"
  RESULT
  0
  STDOUT
  "^image [^\n]*legacy.tar \\(linux/amd64\\)\n  total         23.0 KiB  \\(23600 bytes in 3 layers\\)\n  visible       11.9 KiB  \\(12200 bytes\\)\n  wasted        11.1 KiB  \\(11400 bytes, 48.3% of the total\\)\n  efficiency       51.7%\n.*\nlayers\n.*  1     9.2 KiB .* ADD file:base in / \n.*largest paths\n     6.8 KiB  /app\n"
  STDERR
  "^$")
_size_test(
  base
  COMMAND
  size
  "${_size_work}/oci.tar"
  --base
  "${_size_work}/base.tar"
  RESULT
  0
  STDOUT
  "  base           9.2 KiB  \\(9400 bytes in 1 shared layer\\)\n  added         13.9 KiB  \\(14200 bytes in 2 layers\\)\n.*\\(base\\) ADD file:base"
  STDERR
  "^$")
_size_test(
  base-json
  COMMAND
  size
  "${_size_work}/oci"
  --base
  "${_size_work}/base-oci"
  --format
  json
  RESULT
  0
  STDOUT
  "\"base_layers\": 1,\n  \"base_bytes\": 9400,\n  \"added_bytes\": 14200,\n.*\"wasted_bytes\": 4400,\n      \"base\": true\n.*\"base\": false\n"
  STDERR
  "^$")
_size_test(
  markdown
  COMMAND
  size
  "${_size_work}/oci.tar"
  --format
  markdown
  RESULT
  0
  STDOUT
  "^## Image size: .*\n\\| total \\| 23600 \\| 23.0 KiB in 3 layers \\|\n.*\\| 3 \\| 6.8 KiB \\| .* \\| 1 \\| 0 B \\| `[0-9a-f]+` \\| COPY main /app/main # buildkit \\|\n"
  STDERR
  "^$")

# Budgets: the report still prints, then one line per failed rule, exit 3.
_size_test(
  budget.max-bytes
  COMMAND
  size
  "${_size_work}/legacy.tar"
  --max-bytes
  20000
  --format
  json
  RESULT
  3
  STDOUT
  "\"total_bytes\": 23600"
  STDERR
  "^hubtel-ai: error: budget failed: max-bytes 23600 > 20000 \\(by 3600\\)\n$")
_size_test(
  budget.max-bytes-human
  COMMAND
  size
  "${_size_work}/legacy.tar"
  --max-bytes
  20KiB
  RESULT
  3
  STDOUT
  "total         23.0 KiB"
  STDERR
  "^hubtel-ai: error: budget failed: max-bytes 23600 > 20480 \\(by 3120\\)\n$")
_size_test(
  budget.lambda-limit
  COMMAND
  size
  "${_size_work}/huge.tar"
  RESULT
  3
  STDOUT
  "total         10.0 GiB  \\(10737418241 bytes in 1 layer\\)"
  STDERR
  "^hubtel-ai: error: budget failed: lambda-limit 10737418241 > 10737418240 \\(by 1\\)\n$")
_size_test(
  budget.pass
  COMMAND
  size
  "${_size_work}/legacy.tar"
  --max-bytes
  50MiB
  --min-efficiency
  0.5
  --max-wasted-bytes
  11400
  RESULT
  0
  STDERR
  "^$")
_size_test(
  budget.all
  COMMAND
  size
  "${_size_work}/legacy.tar"
  --max-bytes
  1kB
  --min-efficiency
  0.9
  --max-wasted-bytes
  10000
  RESULT
  3
  STDERR
  "^hubtel-ai: error: budget failed: max-bytes 23600 > 1000 \\(by 22600\\)\nhubtel-ai: error: budget failed: max-wasted-bytes 11400 > 10000 \\(by 1400\\)\nhubtel-ai: error: budget failed: min-efficiency 0.5169 < 0.9000 \\(by 0.3831\\)\n$"
)
_size_test(
  budget.dive-ci
  COMMAND
  size
  "${_size_work}/legacy.tar"
  --ci-config
  "${_size_work}/.dive-ci"
  RESULT
  3
  STDERR
  "^hubtel-ai: error: budget failed: lowestEfficiency 0.5169 < 0.9500 \\(by 0.4331\\)\nhubtel-ai: error: budget failed: highestUserWastedPercent 0.2966 > 0.2000 \\(by 0.0966\\)\n$"
)
_size_test(
  budget.dive-ci-lenient
  COMMAND
  size
  "${_size_work}/legacy.tar"
  --ci-config
  "${_size_work}/lenient.dive-ci"
  RESULT
  0
  STDERR
  "^$")
_size_test(
  budget.dive-ci-bad
  COMMAND
  size
  "${_size_work}/legacy.tar"
  --ci-config
  "${_size_work}/bad.dive-ci"
  RESULT
  1
  STDOUT
  "^$"
  STDERR
  "^hubtel-ai: error: [^\n]*bad.dive-ci:3: unknown rule 'lowestEfficency' \\(known: lowestEfficiency, highestWastedBytes, highestUserWastedPercent\\)\n$"
)
_size_test(
  budget.dive-ci-missing
  COMMAND
  size
  "${_size_work}/legacy.tar"
  --ci-config
  "${_size_work}/absent.dive-ci"
  RESULT
  1
  STDOUT
  "^$"
  STDERR
  "^hubtel-ai: error: cannot read '[^\n]*absent.dive-ci': No such file or directory\n$")
_size_test(
  budget.bad-size
  COMMAND
  size
  "${_size_work}/legacy.tar"
  --max-bytes
  12parsecs
  RESULT
  2
  STDOUT
  "^$"
  STDERR
  "^hubtel-ai: error: --max-bytes: \"12parsecs\" is not a size \\(expected bytes or e.g. 50MiB, 1GB\\)"
)
_size_test(
  budget.bad-efficiency
  COMMAND
  size
  "${_size_work}/legacy.tar"
  --min-efficiency
  1.5
  RESULT
  2
  STDOUT
  "^$"
  STDERR
  "^hubtel-ai: error: --min-efficiency: 1.5 is not a ratio from 0 to 1 \\(0.9 asks for 90%\\)")
_size_test(
  bad-format
  COMMAND
  size
  "${_size_work}/legacy.tar"
  --format
  yaml
  RESULT
  2
  STDERR
  "^hubtel-ai: error: --format: yaml not in {text,json,markdown,html}")
_size_test(
  no-image
  COMMAND
  size
  RESULT
  2
  STDERR
  "^hubtel-ai: error: image is required")

# Bad input: one error line, exit 1, nothing on stdout; the same without digest checks, which
# read an archive on disk by offset, except where the message is a digest's.
set(_size_bad_cases
    "missing|${_size_work}/absent.tar|cannot read '[^\n]*absent.tar': No such file or directory"
    "truncated|${_size_work}/truncated.tar|[^\n]*truncated.tar: truncated or corrupt archive \\([^\n]*\\)"
    "garbled|${_size_work}/garbled.tar|[^\n]*garbled.tar: not a readable archive \\(Unrecognized archive format\\)"
    "no-manifest|${_size_work}/no-manifest.tar|[^\n]*no-manifest.tar: not an image archive \\(no manifest.json or index.json\\)"
    "bad-json|${_size_work}/bad-json.tar|[^\n]*bad-json.tar: manifest.json is not valid JSON"
    "missing-blob|${_size_work}/missing-blob.tar|[^\n]*missing-blob.tar: layer 3 \\('blobs/sha256/[0-9a-f]+'\\) is missing from the image"
    "missing-layer|${_size_work}/missing-layer.tar|[^\n]*missing-layer.tar: layer 3 \\('[0-9a-f]+/layer.tar'\\) is missing from the image"
    "digest-mismatch|${_size_work}/digest-mismatch.tar|[^\n]*digest-mismatch.tar: blob sha256:[0-9a-f]+ does not match its digest \\(its content is sha256:[0-9a-f]+\\)"
    "digest-mismatch-folder|${_size_work}/digest-mismatch|[^\n]*digest-mismatch: blob sha256:[0-9a-f]+ does not match its digest \\(its content is sha256:[0-9a-f]+\\)"
    "diff-id-mismatch|${_size_work}/diff-id-mismatch.tar|[^\n]*diff-id-mismatch.tar: layer 1 does not match the image config \\(its content is sha256:[0-9a-f]+, the config's diff_id sha256:[0-9a-f]+\\)"
    "unknown-media-type|${_size_work}/unknown-media-type.tar|[^\n]*unknown-media-type.tar: layer 1 \\(sha256:[0-9a-f]+\\) has the unknown media type \"application/vnd.example.mystery\""
    "dotdot|${_size_work}/dotdot.tar|[^\n]*dotdot.tar: '[0-9a-f]+/layer.tar': the path 'usr/lib/../../../etc/passwd' climbs out of the image root with '..'"
    "truncated-layer|${_size_work}/truncated-layer.tar|[^\n]*truncated-layer.tar: 'blobs/sha256/[0-9a-f]+': not a readable layer tar \\([^\n]*\\)"
    "not-oci-folder|${_size_data}|[^\n]*/data/size: not an OCI image layout \\(no index.json\\)")
foreach(_case IN LISTS _size_bad_cases)
  string(REPLACE "|" ";" _case "${_case}")
  list(GET _case 0 _name)
  list(GET _case 1 _path)
  list(GET _case 2 _message)
  _size_test(
    bad.${_name}
    COMMAND
    size
    "${_path}"
    RESULT
    1
    STDOUT
    "^$"
    STDERR
    "^hubtel-ai: error: ${_message}\n$")
  if(NOT _name MATCHES "digest|diff-id")
    _size_test(
      bad-no-verify.${_name}
      COMMAND
      size
      "${_path}"
      --no-verify
      RESULT
      1
      STDOUT
      "^$"
      STDERR
      "^hubtel-ai: error: ${_message}\n$")
  endif()
endforeach()
# --no-verify skips the SHA-256 checks: the corrupted blob reads, its figures are the tar's.
_size_test(
  no-verify
  COMMAND
  size
  "${_size_work}/digest-mismatch.tar"
  --no-verify
  --format
  json
  RESULT
  0
  STDOUT
  "\"total_bytes\": 23600,"
  STDERR
  "^$")
_size_test(
  bad.bomb
  COMMAND
  size
  "${_size_work}/bomb.tar"
  --max-paths
  1000000
  RESULT
  1
  STDOUT
  "^$"
  STDERR
  "^hubtel-ai: error: [^\n]*bomb.tar: 'blobs/sha256/[0-9a-f]+': more than 1000000 entries in the image's layers \\(a tar bomb\\?\\); raise --max-paths to read it\n$"
)
_size_test(
  bad.stdin-truncated
  COMMAND
  size
  -
  STDIN
  "${_size_work}/truncated.tar"
  RESULT
  1
  STDOUT
  "^$"
  STDERR
  "^hubtel-ai: error: <stdin>: truncated or corrupt archive \\([^\n]*\\)\n$")
_size_test(
  bad.stdin-empty
  COMMAND
  size
  -
  STDIN
  "${_size_data}/empty.txt"
  RESULT
  1
  STDOUT
  "^$"
  STDERR
  "^hubtel-ai: error: <stdin>: [^\n]*\n$")

# --output: written atomically in the format its extension names; nothing left behind on failure.
add_test(
  NAME cli.size.output
  COMMAND
    sh -ec
    "cd '${_size_work}'; rm -f out.json out.md failed.json
     '$<TARGET_FILE:hubtel-ai>' size oci.tar --output out.json > stdout.txt
     test ! -s stdout.txt; grep -q '\"visible_bytes\": 12200' out.json
     '$<TARGET_FILE:hubtel-ai>' size oci.tar --output out.md --format markdown; grep -q '^| visible | 12200 |' out.md
     if '$<TARGET_FILE:hubtel-ai>' size truncated.tar --output failed.json 2> err.txt; then exit 1; fi
     test ! -e failed.json; ls -a | grep -v -q '^\\.failed' ; ! ls -a | grep -q 'tmp'
     grep -q '^hubtel-ai: error: ' err.txt")
set_tests_properties(cli.size.output PROPERTIES FIXTURES_REQUIRED hubtel_size LABELS cli)

# The HTML report in a real browser (label browser): a page with a script error must fail the same
# check, so the check is known to see console errors.
find_program(HUBTEL_CHROMIUM NAMES chromium chromium-browser google-chrome
             DOC "A browser for the HTML report tests")
add_test(NAME cli.size.html.write
         COMMAND hubtel-ai size "${_size_work}/oci.tar" --base "${_size_work}/base.tar" --output
                 "${_size_work}/report.html")
set_tests_properties(cli.size.html.write PROPERTIES FIXTURES_REQUIRED hubtel_size FIXTURES_SETUP
                                                    hubtel_size_html LABELS cli)
add_test(NAME cli.size.html.browser
         COMMAND ${CMAKE_COMMAND} -DCHROMIUM=${HUBTEL_CHROMIUM} -DPAGE=${_size_work}/report.html
                 -DWORK=${_size_work}/browser -P ${_size_data}/CheckHtml.cmake)
add_test(
  NAME cli.size.html.browser-sees-errors
  COMMAND ${CMAKE_COMMAND} -DCHROMIUM=${HUBTEL_CHROMIUM} -DPAGE=${_size_data}/console-error.html
          -DWORK=${_size_work}/browser-errors -P ${_size_data}/CheckHtml.cmake)
set_tests_properties(cli.size.html.browser PROPERTIES FIXTURES_REQUIRED hubtel_size_html LABELS
                                                      "cli;browser")
set_tests_properties(
  cli.size.html.browser-sees-errors
  PROPERTIES PASS_REGULAR_EXPRESSION "console messages:.*notDefinedAnywhere is not defined"
             FIXTURES_REQUIRED hubtel_size LABELS "cli;browser")

# The engine agrees (label e2e): images made by docker import, build and load; see the script.
add_test(NAME e2e.size.engine-agrees
         COMMAND ${_size_data}/engine_agrees.sh $<TARGET_FILE:hubtel-ai> ${_size_work}
                 ${_size_work}/engine)
set_tests_properties(
  e2e.size.engine-agrees
  PROPERTIES FIXTURES_REQUIRED
             "hubtel_size;hubtel_engine"
             LABELS
             e2e
             TIMEOUT
             600
             RESOURCE_LOCK
             hubtel_size_engine)

# --name: how the report names the image (the build passes the image's tag, not its temp archive).
_size_test(
  named
  COMMAND
  size
  "${_size_work}/legacy.tar"
  --name
  hubtel/hello:x86_64
  --format
  json
  RESULT
  0
  STDOUT
  "^{\n  \"source\": \"hubtel/hello:x86_64\",\n"
  STDERR
  "^$")

# Limits: memory stays bounded and sizes never wrap, whatever the archive says.
_size_test(
  limits.repeated-layer
  COMMAND
  size
  "${_size_work}/repeated.tar"
  RESULT
  1
  STDOUT
  "^$"
  STDERR
  "^hubtel-ai: error: [^\n]*/repeated.tar: layer 101 \\('layer.tar'\\) repeats an earlier layer: more than 2000000 entries to merge in all. raise --max-paths to read it\n$"
)
_size_test(
  limits.repeated-layer-max-paths
  COMMAND
  size
  "${_size_work}/repeated.tar"
  --max-paths
  5000000
  --format
  json
  RESULT
  0
  STDOUT
  "\"total_bytes\": 4000000,\n  \"visible_bytes\": 20000,\n"
  STDERR
  "^$")
_size_test(
  limits.overflow
  COMMAND
  size
  "${_size_work}/overflow.tar"
  --max-bytes
  1GB
  --format
  json
  RESULT
  3
  STDOUT
  "\"total_bytes\": 18446744073709551615,"
  STDERR
  "^hubtel-ai: error: budget failed: lambda-limit 18446744073709551615 > 10737418240 [^\n]*\nhubtel-ai: error: budget failed: max-bytes 18446744073709551615 > 1000000000 [^\n]*\n$"
)
_size_test(
  limits.json-members
  COMMAND
  size
  "${_size_work}/json-members.tar.gz"
  RESULT
  1
  STDOUT
  "^$"
  STDERR
  "^hubtel-ai: error: [^\n]*/json-members.tar.gz: the archive's JSON documents add up to more than 32 MiB \\('[0-9]+.json' is one\\). an image's manifests and configs are far smaller\n$"
)
# A file named in bytes that are not UTF-8 is reported, its name shown with U+FFFD in JSON.
_size_test(
  non-utf8-name
  COMMAND
  size
  "${_size_work}/non-utf8-name.tar"
  --format
  json
  RESULT
  0
  STDOUT
  "\"total_bytes\": 23700,")

# --compare: what grown.tar (the known image with its last layer replaced) adds, removes and
# changes against the known image, in every format and from every input form; --max-growth.
set(_size_compare_summary
    "compared with [^\n]*legacy.tar\n  total         \\+2.5 KiB  \\(23600 -> 26180 bytes\\)\n  layers      2 shared, 1 added \\(\\+9.4 KiB\\), 1 removed \\(-6.8 KiB\\)\n  files       1 added \\(\\+500 B\\), 1 removed \\(-50 B\\), 2 changed in size \\(\\+1.9 KiB\\), 2 unchanged, 0 of the same size from other layers\n"
)
set(_size_compare_paths
    "largest changes\n    \\+2.0 KiB  grown    /app/main  \\(7000 -> 9000 bytes\\)\n      \\+500 B  added    /app/new.txt  \\(0 -> 500 bytes\\)\n       -70 B  shrunk   /etc/conf  \\(150 -> 80 bytes\\)\n       -50 B  removed  /opt/data/new  \\(50 -> 0 bytes\\)\n$"
)
_size_test(
  compare.text
  COMMAND
  size
  "${_size_work}/grown.tar"
  --compare
  "${_size_work}/legacy.tar"
  RESULT
  0
  STDOUT
  "^image [^\n]*grown.tar .*${_size_compare_summary}\nlayers compared\n  change     #  before       bytes  digest        created by\n  shared     1       1     9.2 KiB  [0-9a-f]+  ADD file:base in / \n  shared     2       2     7.0 KiB  [0-9a-f]+  apt-get install -y thing\n  added      3       -     9.4 KiB  [0-9a-f]+  COPY main new.txt conf /app/ # buildkit\n  removed    -       3     6.8 KiB  [0-9a-f]+  COPY main /app/main # buildkit\n\n${_size_compare_paths}"
  STDERR
  "^$")
# "." for each JSON array bracket: an unbalanced "[" would join CMake list items.
set(_size_compare_json
    "\"compare\": {\n    \"source\": \"[^\"]*\",\n    \"total_bytes_before\": 23600,\n    \"total_bytes_after\": 26180,\n    \"total_bytes_delta\": 2580,\n    \"added\": {\n      \"files\": 1,\n      \"bytes_before\": 0,\n      \"bytes_after\": 500,\n      \"bytes_delta\": 500\n    },\n    \"removed\": {\n      \"files\": 1,\n      \"bytes_before\": 50,\n      \"bytes_after\": 0,\n      \"bytes_delta\": -50\n    },\n    \"changed\": {\n      \"files\": 2,\n      \"bytes_before\": 7150,\n      \"bytes_after\": 9080,\n      \"bytes_delta\": 1930\n    },\n    \"unchanged\": {\n      \"files\": 2,.*\"layers_shared\": {\n      \"layers\": 2,.*\"layers_added\": {\n      \"layers\": 1,.*\"layers_removed\": {\n      \"layers\": 1,.*\"layers\": .\n      {\n        \"change\": \"shared\",\n        \"index\": 1,\n        \"index_before\": 1,.*\"change\": \"removed\",\n        \"index\": null,\n        \"index_before\": 3,.*\"paths\": .\n      {\n        \"path\": \"/app/main\",\n        \"bytes_before\": 7000,\n        \"bytes_after\": 9000,\n        \"bytes_delta\": 2000,\n        \"change\": \"grown\"\n      },\n      {\n        \"path\": \"/app/new.txt\",\n        \"bytes_before\": 0,\n        \"bytes_after\": 500,\n        \"bytes_delta\": 500,\n        \"change\": \"added\"\n      },\n      {\n        \"path\": \"/etc/conf\",\n        \"bytes_before\": 150,\n        \"bytes_after\": 80,\n        \"bytes_delta\": -70,\n        \"change\": \"shrunk\"\n      },\n      {\n        \"path\": \"/opt/data/new\",\n        \"bytes_before\": 50,\n        \"bytes_after\": 0,\n        \"bytes_delta\": -50,\n        \"change\": \"removed\"\n      }\n    .\n  }\n}\n$"
)
# The same figures whichever reader reads either side: layers match by diff_id across storage.
foreach(
  _pair IN
  ITEMS "json|grown.tar|legacy.tar|" "json-oci|grown-oci|oci.tar|" "json-mixed|grown.tar|oci|"
        "json-stdin|-|legacy.tar|grown.tar" "json-compare-stdin|grown.tar|-|legacy.tar")
  string(REPLACE "|" ";" _pair "${_pair}")
  list(GET _pair 0 _name)
  list(GET _pair 1 _image)
  list(GET _pair 2 _other)
  list(GET _pair 3 _stdin)
  foreach(_side IN ITEMS _image _other)
    if(NOT ${_side} STREQUAL "-")
      set(${_side} "${_size_work}/${${_side}}")
    endif()
  endforeach()
  set(_stdin_args)
  if(_stdin)
    set(_stdin_args STDIN "${_size_work}/${_stdin}")
  endif()
  _size_test(
    compare.${_name}
    COMMAND
    size
    "${_image}"
    --compare
    "${_other}"
    --format
    json
    ${_stdin_args}
    RESULT
    0
    STDOUT
    "\"total_bytes\": 26180,.*${_size_compare_json}"
    STDERR
    "^$")
endforeach()
_size_test(
  compare.markdown
  COMMAND
  size
  "${_size_work}/grown.tar"
  --compare
  "${_size_work}/legacy.tar"
  --format
  markdown
  RESULT
  0
  STDOUT
  "\n### Compared with [^\n]*legacy.tar\n\n\\| \\| files \\| before \\| after \\| change \\|\n\\|---\\|---:\\|---:\\|---:\\|---:\\|\n\\| total bytes \\| \\| 23600 \\| 26180 \\| \\+2.5 KiB \\|\n\\| added \\| 1 \\| 0 \\| 500 \\| \\+500 B \\|\n\\| removed \\| 1 \\| 50 \\| 0 \\| -50 B \\|\n\\| changed in size \\| 2 \\| 7150 \\| 9080 \\| \\+1.9 KiB \\|\n\\| unchanged \\| 2 \\| 5000 \\| 5000 \\| 0 B \\|\n.*\\| added \\| 3 \\| - \\| 9.4 KiB \\| `[0-9a-f]+` \\| COPY main new.txt conf /app/ # buildkit \\|\n\\| removed \\| - \\| 3 \\| 6.8 KiB \\|.*#### Largest changes\n\n\\| change \\| bytes \\| before \\| after \\| path \\|\n\\|---\\|---:\\|---:\\|---:\\|---\\|\n\\| grown \\| \\+2.0 KiB \\| 7000 \\| 9000 \\| /app/main \\|\n\\| added \\| \\+500 B \\| 0 \\| 500 \\| /app/new.txt \\|\n\\| shrunk \\| -70 B \\| 150 \\| 80 \\| /etc/conf \\|\n\\| removed \\| -50 B \\| 50 \\| 0 \\| /opt/data/new \\|\n$"
  STDERR
  "^$")
_size_test(
  compare.html
  COMMAND
  size
  "${_size_work}/grown.tar"
  --compare
  "${_size_work}/legacy.tar"
  --format
  html
  RESULT
  0
  STDOUT
  "fill=\"hsl[^\"]*\" class=\"grown\" data-path=\"/app/main\".*<h2>Compared with [^<]*legacy.tar</h2>.*<tr class=\"grown\"><td><mark class=\"grown\">grown</mark></td><td>\\+2.0 KiB</td>.*<tr class=\"added\"><td><mark class=\"added\">added</mark></td><td>\\+500 B</td>"
  STDERR
  "^$")
# The top few changes only; the totals still count every file.
_size_test(
  compare.top
  COMMAND
  size
  "${_size_work}/grown.tar"
  --compare
  "${_size_work}/legacy.tar"
  --top
  1
  RESULT
  0
  STDOUT
  "  files       1 added \\(\\+500 B\\), 1 removed \\(-50 B\\), 2 changed in size .*largest changes\n    \\+2.0 KiB  grown    /app/main  \\(7000 -> 9000 bytes\\)\n$"
  STDERR
  "^$")
_size_test(
  compare.shrunk
  COMMAND
  size
  "${_size_work}/legacy.tar"
  --compare
  "${_size_work}/grown.tar"
  --max-growth
  0
  --format
  json
  RESULT
  0
  STDOUT
  "\"total_bytes_delta\": -2580,"
  STDERR
  "^$")
_size_test(
  compare.max-growth-pass
  COMMAND
  size
  "${_size_work}/grown.tar"
  --compare
  "${_size_work}/legacy.tar"
  --max-growth
  2580
  RESULT
  0
  STDERR
  "^$")
_size_test(
  compare.max-growth-fail
  COMMAND
  size
  "${_size_work}/grown.tar"
  --compare
  "${_size_work}/legacy.tar"
  --max-growth
  2KiB
  --max-bytes
  1MB
  RESULT
  3
  STDOUT
  "compared with [^\n]*legacy.tar\n"
  STDERR
  "^hubtel-ai: error: budget failed: max-growth 2580 > 2048 \\(by 532\\): [^\n]*/grown.tar grew from 23600 to 26180 bytes against [^\n]*/legacy.tar\n$"
)
# Arguments separated by ",", "@" for the fixtures' folder.
set(_size_compare_bad_cases
    "max-growth-without-compare|2|--max-growth,1MB|--max-growth requires --compare"
    "max-growth-bad-size|2|--compare,@legacy.tar,--max-growth,lots|--max-growth: \"lots\" is not a size \\(expected bytes or e.g. 50MiB, 1GB\\)"
    "max-growth-negative|2|--compare,@legacy.tar,--max-growth,-1KB|--max-growth: \"-1KB\" is not a size \\(expected bytes or e.g. 50MiB, 1GB\\)"
    "compare-missing|1|--compare,@absent.tar|--compare: cannot read '[^\n]*absent.tar': No such file or directory\n$"
    "compare-truncated|1|--compare,@truncated.tar|--compare: [^\n]*truncated.tar: truncated or corrupt archive \\([^\n]*\\)\n$"
    "compare-not-an-image|1|--compare,@no-manifest.tar|--compare: [^\n]*no-manifest.tar: not an image archive \\(no manifest.json or index.json\\)\n$"
    "compare-digest-mismatch|1|--compare,@digest-mismatch.tar|--compare: [^\n]*digest-mismatch.tar: blob sha256:[0-9a-f]+ does not match its digest \\(its content is sha256:[0-9a-f]+\\)\n$"
)
foreach(_case IN LISTS _size_compare_bad_cases)
  string(REPLACE "|" ";" _case "${_case}")
  list(GET _case 0 _name)
  list(GET _case 1 _result)
  list(GET _case 2 _args)
  list(GET _case 3 _message)
  string(REPLACE "," ";" _args "${_args}")
  list(TRANSFORM _args REPLACE "^@" "${_size_work}/")
  _size_test(
    bad.${_name}
    COMMAND
    size
    "${_size_work}/grown.tar"
    ${_args}
    RESULT
    ${_result}
    STDOUT
    "^$"
    STDERR
    "^hubtel-ai: error: ${_message}")
endforeach()
_size_test(
  bad.compare-both-stdin
  COMMAND
  size
  -
  --compare
  -
  STDIN
  "${_size_work}/grown.tar"
  RESULT
  2
  STDOUT
  "^$"
  STDERR
  "^hubtel-ai: error: --compare cannot read stdin: the image or --base already does\n$")
# The comparison's page in the browser: the added and grown paths marked in its tables and treemap.
add_test(NAME cli.size.html.compare-write
         COMMAND hubtel-ai size "${_size_work}/grown.tar" --compare "${_size_work}/legacy.tar"
                 --output "${_size_work}/compare.html")
set_tests_properties(
  cli.size.html.compare-write PROPERTIES FIXTURES_REQUIRED hubtel_size FIXTURES_SETUP
                                         hubtel_size_compare_html LABELS cli)
add_test(
  NAME cli.size.html.compare-browser
  COMMAND ${CMAKE_COMMAND} -DCHROMIUM=${HUBTEL_CHROMIUM} -DPAGE=${_size_work}/compare.html
          -DWORK=${_size_work}/browser-compare -DCOMPARED=ON -P ${_size_data}/CheckHtml.cmake)
set_tests_properties(cli.size.html.compare-browser
                     PROPERTIES FIXTURES_REQUIRED hubtel_size_compare_html LABELS "cli;browser")
