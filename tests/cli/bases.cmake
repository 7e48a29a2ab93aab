# Bad base locks and a bad SOURCE_DATE_EPOCH: each refused naming the file or the variable and
# what to do, before anything is written. Each spec's folder holds a rendered Dockerfile whose base
# is pinned by digest (nothing is looked up) and the lock under test.
set(_hubtel_digest "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
set(_hubtel_base "127.0.0.1:9/lock/base@${_hubtel_digest}")

# _hubtel_lock_case(<name> <lock content>): a spec named <name> with its Dockerfile and lock.
function(_hubtel_lock_case name lock)
  _hubtel_deploy_spec(${name} "")
  set(dir "${_hubtel_deploy_dir}/${name}")
  file(WRITE "${dir}/Dockerfile"
       "FROM ${_hubtel_base} AS runtime-base\nFROM runtime-base AS runtime\n")
  file(WRITE "${dir}/bases.lock" "${lock}")
endfunction()

_hubtel_lock_case(lock-nonsense "this is not a lock {\n")
_hubtel_cli_test(
  bases-lock-nonsense
  COMMAND bases --spec "${_hubtel_deploy_dir}/lock-nonsense/spec.json" --engine-kind none
  RESULT 1
  STDOUT "^$"
  STDERR
    "^hubtel-ai: error: the base lock '[^']*/lock-nonsense/bases.lock' cannot be used: it is not JSON \\([^\n]*\\); run the update-bases target \\(cmake --build <build-dir> --target update-bases\\) or `hubtel-ai bases --update` to lock every base again, or restore the file\n$"
)
_hubtel_lock_case(lock-version "{\"version\": 7, \"bases\": []}\n")
_hubtel_cli_test(
  bases-lock-version
  COMMAND bases --spec "${_hubtel_deploy_dir}/lock-version/spec.json" --engine-kind none
  RESULT 1
  STDERR
    "^hubtel-ai: error: the base lock '[^']*/lock-version/bases.lock' cannot be used: it is not a base lock of version 1; run the update-bases target"
)
_hubtel_lock_case(
  lock-digest
  "{\"version\": 1, \"bases\": [{\"name\": \"${_hubtel_base}\", \"kind\": \"registry\", \"digest\": \"sha256:xyz\"}]}\n"
)
_hubtel_cli_test(
  bases-lock-digest
  COMMAND bases --spec "${_hubtel_deploy_dir}/lock-digest/spec.json" --engine-kind none
  RESULT 1
  STDERR
    "^hubtel-ai: error: the base lock '[^']*/lock-digest/bases.lock' cannot be used: the digest of 127.0.0.1:9/lock/base@sha256:0123[0-9a-f]* is 'sha256:xyz', not sha256:<64 hex digits>; run the update-bases target"
)
_hubtel_lock_case(
  lock-kind "{\"version\": 1, \"bases\": [{\"name\": \"${_hubtel_base}\", \"kind\": \"magic\"}]}\n")
_hubtel_cli_test(
  bases-lock-kind
  COMMAND bases --spec "${_hubtel_deploy_dir}/lock-kind/spec.json" --engine-kind none
  RESULT 1
  STDERR
    "^hubtel-ai: error: the base lock '[^']*/lock-kind/bases.lock' cannot be used: the kind of [^ ]* is 'magic', not registry or local; run the update-bases target"
)
_hubtel_lock_case(
  lock-name
  "{\"version\": 1, \"bases\": [{\"name\": \"x\\nRUN rm -rf /\", \"kind\": \"local\", \"id\": \"${_hubtel_digest}\"}]}\n"
)
_hubtel_cli_test(
  bases-lock-name
  COMMAND bases --spec "${_hubtel_deploy_dir}/lock-name/spec.json" --engine-kind none
  RESULT 1
  STDERR
    "^hubtel-ai: error: the base lock '[^']*/lock-name/bases.lock' cannot be used: the base name 'x\nRUN rm -rf /' is not an image reference; run the update-bases target"
)
# A good lock stays as it is: nothing to look up, nothing written.
_hubtel_lock_case(
  lock-good
  "{\n  \"bases\": [\n    {\n      \"digest\": \"${_hubtel_digest}\",\n      \"kind\": \"registry\",\n      \"name\": \"${_hubtel_base}\"\n    }\n  ],\n  \"image\": \"lock-good\",\n  \"version\": 1\n}\n"
)
_hubtel_cli_test(
  bases-lock-good
  COMMAND bases --spec "${_hubtel_deploy_dir}/lock-good/spec.json" --engine-kind none
  RESULT 0
  STDOUT "^$"
  STDERR "^$")
_hubtel_cli_test(
  bases-no-spec
  COMMAND bases
  RESULT 2
  STDERR "^hubtel-ai: error: --spec is required")

# SOURCE_DATE_EPOCH that is not a whole number of seconds: said before any engine is asked.
foreach(_hubtel_epoch IN ITEMS abc 12abc -5 1.5)
  _hubtel_cli_test(
    build-source-date-epoch-${_hubtel_epoch}
    COMMAND build --spec "${_hubtel_deploy_dir}/onearch/spec.json" --arch x86_64 --engine-kind none
    RESULT 1
    STDOUT "^$"
    STDERR
      "^hubtel-ai: error: SOURCE_DATE_EPOCH is '${_hubtel_epoch}', not a whole number of seconds since 1970-01-01 UTC: set it to one \\(for example SOURCE_DATE_EPOCH=\\$\\(git log -1 --format=%ct\\)\\), or unset it to take the time of the last commit\n$"
  )
  set_property(TEST cli.build-source-date-epoch-${_hubtel_epoch} APPEND
               PROPERTY ENVIRONMENT "SOURCE_DATE_EPOCH=${_hubtel_epoch}")
endforeach()
