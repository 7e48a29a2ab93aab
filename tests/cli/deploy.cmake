# Bad input to push, deploy, sam and init: each refused with a message naming what and where.
# The specs are written here, as the CMake module writes them, with one bad or missing member.
set(_hubtel_deploy_dir "${CMAKE_CURRENT_BINARY_DIR}/deploy")

# _hubtel_deploy_spec(<name> <json members>): writes ${_hubtel_deploy_dir}/<name>/spec.json, the
# valid native spec of tests/spec/native.json named <name>, its context and templates in its own
# folder, with the members given last replacing its own (in JSON, the last of a name counts).
file(READ "${PROJECT_SOURCE_DIR}/tests/spec/native.json" _hubtel_native_spec)
string(REGEX REPLACE "}[ \n]*$" "" _hubtel_native_spec "${_hubtel_native_spec}")
function(_hubtel_deploy_spec name members)
  set(dir "${_hubtel_deploy_dir}/${name}")
  file(
    WRITE "${dir}/spec.json"
    "${_hubtel_native_spec}, \"name\": \"${name}\", \"context\": \"${dir}\", "
    "\"template\": \"${dir}/Dockerfile.mustache\", \"partials\": [\"${dir}\"], "
    "\"runtime_image\": \"debian:bookworm-slim\", \"builder_image\": \"debian:bullseye\", "
    "\"lambda_base\": false${members}}\n")
endfunction()

_hubtel_deploy_spec(norepo "")
_hubtel_deploy_spec(badrepo ", \"repository\": \"Bad Repo\"")
_hubtel_deploy_spec(noimage ", \"repository\": \"127.0.0.1:5000/noimage\"")
_hubtel_deploy_spec(nofunction ", \"repository\": \"127.0.0.1:5000/nofunction\"")
_hubtel_deploy_spec(nopush ", \"repository\": \"127.0.0.1:5000/nopush\", \"function_name\": \"f\"")
_hubtel_deploy_spec(badmemory ", \"function_name\": \"f\", \"memory\": 99999")
_hubtel_deploy_spec(badenv ", \"environment\": {\"K\": \"a\\nb\"}")
file(WRITE "${_hubtel_deploy_dir}/notjson/spec.json" "{\"spec_version\": 2,")
file(WRITE "${_hubtel_deploy_dir}/full/README" "a file that init must not overwrite\n")

_hubtel_cli_test(
  push-no-spec
  COMMAND push
  RESULT 2
  STDERR "^hubtel-ai: error: --spec is required"
  LABELS deploy)
_hubtel_cli_test(
  push-no-repository
  COMMAND push --spec "${_hubtel_deploy_dir}/norepo/spec.json"
  RESULT 1
  STDOUT "^$"
  STDERR
    "^hubtel-ai: error: push norepo: the spec '[^']*/norepo/spec.json' has no repository; add REPOSITORY <registry/repository> to hubtel_add_lambda_image\\(norepo\\)\n$"
  LABELS deploy)
_hubtel_cli_test(
  push-bad-repository
  COMMAND push --spec "${_hubtel_deploy_dir}/badrepo/spec.json"
  RESULT 1
  STDERR
    "^hubtel-ai: error: the image spec '[^']*/badrepo/spec.json' has a bad 'repository': \"Bad Repo\" is not registry/repository"
  LABELS deploy)
_hubtel_cli_test(
  push-no-image
  COMMAND push --spec "${_hubtel_deploy_dir}/noimage/spec.json"
  RESULT 1
  STDERR
    "^hubtel-ai: error: push noimage \\(x86_64\\): no built image: '[^']*/image-x86_64.id' is missing; build noimage-image first\n$"
  LABELS deploy)
_hubtel_cli_test(
  push-not-json
  COMMAND push --spec "${_hubtel_deploy_dir}/notjson/spec.json"
  RESULT 1
  STDERR "^hubtel-ai: error: the image spec '[^']*/notjson/spec.json' is not valid JSON"
  LABELS deploy)
_hubtel_cli_test(
  deploy-no-function
  COMMAND deploy --spec "${_hubtel_deploy_dir}/nofunction/spec.json"
  RESULT 1
  STDERR
    "^hubtel-ai: error: deploy nofunction: the spec '[^']*' names no function; add FUNCTION_NAME <name> to hubtel_add_lambda_image\\(nofunction\\)\n$"
  LABELS deploy)
_hubtel_cli_test(
  deploy-not-pushed
  COMMAND deploy --spec "${_hubtel_deploy_dir}/nopush/spec.json"
  RESULT 1
  STDERR
    "^hubtel-ai: error: deploy f: no pushed image for x86_64: '[^']*/push-x86_64.ref' is missing; run nopush-push first\n$"
  LABELS deploy)
_hubtel_cli_test(
  deploy-bad-memory
  COMMAND deploy --spec "${_hubtel_deploy_dir}/badmemory/spec.json"
  RESULT 1
  STDERR "has a bad 'memory': 99999 is outside 128..10240; configure the project again\n$"
  LABELS deploy)
_hubtel_cli_test(
  deploy-bad-wait-timeout
  COMMAND deploy --spec "${_hubtel_deploy_dir}/nopush/spec.json" --wait-timeout 0
  RESULT 2
  STDERR "^hubtel-ai: error: --wait-timeout"
  LABELS deploy)
_hubtel_cli_test(
  deploy-bad-arch
  COMMAND deploy --spec "${_hubtel_deploy_dir}/nopush/spec.json" --arch arm64
  RESULT 1
  STDERR
    "^hubtel-ai: error: deploy f: the image nopush is not built for arm64; add it to ARCHITECTURES\n$"
  LABELS deploy)
_hubtel_cli_test(
  versions-no-function
  COMMAND versions --spec "${_hubtel_deploy_dir}/nofunction/spec.json"
  RESULT 1
  STDERR
    "^hubtel-ai: error: versions nofunction: the spec '[^']*' names no function; add FUNCTION_NAME <name> to hubtel_add_lambda_image\\(nofunction\\)\n$"
  LABELS deploy)
_hubtel_cli_test(
  versions-bad-format
  COMMAND versions --spec "${_hubtel_deploy_dir}/nopush/spec.json" --format yaml
  RESULT 2
  STDERR "^hubtel-ai: error: --format: yaml not in \\{text,json\\}"
  LABELS deploy)
_hubtel_cli_test(
  rollback-no-function
  COMMAND rollback --spec "${_hubtel_deploy_dir}/nofunction/spec.json"
  RESULT 1
  STDERR
    "^hubtel-ai: error: rollback nofunction: the spec '[^']*' names no function; add FUNCTION_NAME <name> to hubtel_add_lambda_image\\(nofunction\\)\n$"
  LABELS deploy)
_hubtel_cli_test(
  rollback-bad-to
  COMMAND rollback --spec "${_hubtel_deploy_dir}/nopush/spec.json" --to latest
  RESULT 2
  STDERR "^hubtel-ai: error: --to: expected a version number or sha256:<64 hexadecimal digits>"
  LABELS deploy)
_hubtel_deploy_spec(
  badkeep
  ", \"repository\": \"127.0.0.1:5000/badkeep\", \"function_name\": \"f\", \"keep_images\": 0")
_hubtel_cli_test(
  gc-no-function
  COMMAND gc --spec "${_hubtel_deploy_dir}/nofunction/spec.json" --keep 1
  RESULT 1
  STDERR
    "^hubtel-ai: error: gc nofunction: the spec '[^']*' names no function; add FUNCTION_NAME <name> to hubtel_add_lambda_image\\(nofunction\\)\n$"
  LABELS deploy)
_hubtel_cli_test(
  gc-keep-zero
  COMMAND gc --spec "${_hubtel_deploy_dir}/nopush/spec.json" --keep 0
  RESULT 2
  STDERR "^hubtel-ai: error: --keep: Value 0 not in range 1 to 1000"
  LABELS deploy)
_hubtel_cli_test(
  gc-keep-word
  COMMAND gc --spec "${_hubtel_deploy_dir}/nopush/spec.json" --keep all
  RESULT 2
  STDERR "^hubtel-ai: error: --keep: Value all not in range 1 to 1000"
  LABELS deploy)
_hubtel_cli_test(
  gc-no-count
  COMMAND gc --spec "${_hubtel_deploy_dir}/nopush/spec.json"
  RESULT 1
  STDERR
    "^hubtel-ai: error: gc f: how many images to keep\\? pass --keep <n>, or add KEEP_IMAGES <n> to hubtel_add_lambda_image\\(nopush\\)\n$"
  LABELS deploy)
_hubtel_cli_test(
  gc-spec-keep-bad
  COMMAND gc --spec "${_hubtel_deploy_dir}/badkeep/spec.json"
  RESULT 1
  STDERR "^hubtel-ai: error: the image spec '[^']*/badkeep/spec.json' has a bad 'keep_images'"
  LABELS deploy)
_hubtel_cli_test(
  deploy-several-one-missing
  COMMAND deploy --spec "${_hubtel_deploy_dir}/nopush/spec.json" --spec
          "${_hubtel_deploy_dir}/nofunction/spec.json"
  RESULT 1
  STDERR
    "hubtel-ai: error: deploy f: no pushed image for x86_64: .*\n.*hubtel-ai: error: deploy nofunction: the spec '[^']*' names no function.*hubtel-ai: deployed 0 of 2 functions:\n  f: failed: deploy f: no pushed image.*\n  nofunction: failed: deploy nofunction: the spec"
  LABELS deploy)
_hubtel_cli_test(
  sam-no-repository
  COMMAND sam --spec "${_hubtel_deploy_dir}/norepo/spec.json"
  RESULT 1
  STDOUT "^$"
  STDERR
    "^hubtel-ai: error: sam norepo: the spec '[^']*' has no repository, and a SAM function of PackageType Image needs an ImageUri; add REPOSITORY"
  LABELS deploy)
_hubtel_cli_test(
  sam-control-character
  COMMAND sam --spec "${_hubtel_deploy_dir}/badenv/spec.json"
  RESULT 1
  STDOUT "^$"
  STDERR "has a bad 'environment': the value of \"K\" is not a string free of control characters"
  LABELS deploy)
_hubtel_cli_test(
  init-not-empty
  COMMAND init "${_hubtel_deploy_dir}/full"
  RESULT 1
  STDOUT "^$"
  STDERR "^hubtel-ai: error: init: '[^']*/full' is not empty; choose a new or empty folder"
  LABELS deploy)
_hubtel_cli_test(
  init-bad-name
  COMMAND init "${_hubtel_deploy_dir}/fresh" --name "2 bad"
  RESULT 1
  STDERR
    "^hubtel-ai: error: init: \"2 bad\" is not a valid function name: use a lowercase letter, then lowercase letters, digits, '-' and '_', ending with a letter or digit \\(at most 64\\), as image names need; pass --name <name>\n$"
  LABELS deploy)
_hubtel_cli_test(
  init-bad-runtime
  COMMAND init "${_hubtel_deploy_dir}/fresh" --runtime java
  RESULT 1
  STDERR
    "^hubtel-ai: error: init: runtime \"java\" is not supported \\(supported: cpp, python\\)\n$"
  LABELS deploy)
_hubtel_cli_test(
  init-no-dir
  COMMAND init
  RESULT 2
  STDERR "^hubtel-ai: error: dir is required"
  LABELS deploy)
_hubtel_cli_test(
  init-upper-case
  COMMAND init "${_hubtel_deploy_dir}/MyFunc"
  RESULT 1
  STDOUT "^$"
  STDERR
    "^hubtel-ai: error: init: \"MyFunc\" is not a valid function name: .*, as image names need; pass --name myfunc\n$"
  LABELS deploy)
# An empty folder argument cannot pass through RunCLI.cmake (CMake drops empty list elements).
add_test(NAME cli.init-empty-dir COMMAND hubtel-ai init "")
set_tests_properties(
  cli.init-empty-dir
  PROPERTIES
    LABELS
    "cli;deploy"
    PASS_REGULAR_EXPRESSION
    "^hubtel-ai: error: init: the project folder is empty; name a new or empty folder, e.g. hubtel-ai init my-function\n$"
)
