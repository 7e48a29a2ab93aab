# Bad input to prepare and build: each refused with a message naming what and where. The specs are
# written here; deploy.cmake's writer makes the valid ones.
set(_hubtel_build_dir "${CMAKE_CURRENT_BINARY_DIR}/build")
file(WRITE "${_hubtel_build_dir}/v1/spec.json"
     "{\"spec_version\": 1, \"name\": \"v1\", \"kind\": \"native\", \"dockerfile\": \"/x\"}\n")
_hubtel_deploy_spec(upper ", \"name\": \"Hello\"")
_hubtel_deploy_spec(onearch "")

_hubtel_cli_test(
  prepare-no-spec
  COMMAND prepare
  RESULT 2
  STDERR "^hubtel-ai: error: --spec is required")
_hubtel_cli_test(
  prepare-missing-spec
  COMMAND prepare --spec "${_hubtel_build_dir}/missing/spec.json"
  RESULT 1
  STDOUT "^$"
  STDERR
    "^hubtel-ai: error: the image spec '[^']*/missing/spec.json' cannot be read \\(cannot read '[^']*': No such file or directory\\); configure the project again\n$"
)
_hubtel_cli_test(
  prepare-version-1
  COMMAND prepare --spec "${_hubtel_build_dir}/v1/spec.json"
  RESULT 1
  STDERR
    "^hubtel-ai: error: the image spec '[^']*/v1/spec.json' is of spec version 1, but this hubtel-ai reads version 2; configure the project again with this HubtelAI\n$"
)
_hubtel_cli_test(
  prepare-bad-name
  COMMAND prepare --spec "${_hubtel_deploy_dir}/upper/spec.json"
  RESULT 1
  STDERR
    "^hubtel-ai: error: the image spec '[^']*/upper/spec.json' has a bad 'name': \"Hello\" is not an image name of lowercase letters, digits, '.', '_' and '-', starting and ending with a letter or digit; configure the project again\n$"
)
_hubtel_cli_test(
  prepare-missing-template
  COMMAND prepare --spec "${_hubtel_deploy_dir}/onearch/spec.json"
  RESULT 1
  STDERR "^hubtel-ai: error: cannot read '[^']*/onearch/Dockerfile.mustache'")
_hubtel_cli_test(
  prepare-bad-engine-kind
  COMMAND prepare --spec "${_hubtel_deploy_dir}/onearch/spec.json" --engine-kind "docker\nRUN x"
  RESULT 2
  STDERR "^hubtel-ai: error: --engine-kind: docker\nRUN x not in")
_hubtel_cli_test(
  build-version-1
  COMMAND build --spec "${_hubtel_build_dir}/v1/spec.json" --arch x86_64
  RESULT 1
  STDERR "^hubtel-ai: error: the image spec '[^']*/v1/spec.json' is of spec version 1")
_hubtel_cli_test(
  build-other-arch
  COMMAND build --spec "${_hubtel_deploy_dir}/onearch/spec.json" --arch arm64 --engine docker
          --engine-kind docker-buildkit
  RESULT 1
  STDERR
    "^hubtel-ai: error: image 'onearch' is not built for arm64 \\(its architectures: x86_64\\)\n$")
_hubtel_cli_test(
  build-no-engine
  COMMAND build --spec "${_hubtel_deploy_dir}/onearch/spec.json" --arch x86_64 --engine-kind none
  RESULT 1
  STDERR "^hubtel-ai: error: no container engine that can build images was found")
# invoke takes its image and the function's settings from a spec, for one architecture.
_hubtel_cli_test(
  invoke-spec-other-arch
  COMMAND invoke --spec "${_hubtel_deploy_dir}/onearch/spec.json" --arch arm64
  RESULT 1
  STDERR
    "^hubtel-ai: error: image 'onearch' is not built for arm64 \\(its architectures: x86_64\\)\n$")
_hubtel_cli_test(
  invoke-spec-not-built
  COMMAND invoke --spec "${_hubtel_deploy_dir}/onearch/spec.json" --arch x86_64
  RESULT 1
  STDERR
    "^hubtel-ai: error: image 'onearch' \\(x86_64\\) is not built: '[^']*/onearch/image-x86_64.id' is missing; build onearch-image first\n$"
)
_hubtel_cli_test(
  invoke-spec-no-arch
  COMMAND invoke --spec "${_hubtel_deploy_dir}/onearch/spec.json"
  RESULT 2
  STDERR "^hubtel-ai: error: --spec needs --arch \\(x86_64 or arm64\\)")
_hubtel_cli_test(
  invoke-arch-no-spec
  COMMAND invoke --image hubtel/fn:x86_64 --arch x86_64
  RESULT 2
  STDERR "--arch requires --spec")
_hubtel_cli_test(
  invoke-spec-and-image
  COMMAND invoke --spec "${_hubtel_deploy_dir}/onearch/spec.json" --arch x86_64 --image x
  RESULT 2
  STDERR "^hubtel-ai: error: --image excludes --spec")
# The budget is the spec's max_size_bytes now, and push pushes the build cache.
_hubtel_cli_test(
  build-max-bytes-gone
  COMMAND build --spec "${_hubtel_deploy_dir}/onearch/spec.json" --arch x86_64 --size --max-bytes 5
  RESULT 2
  STDERR "^hubtel-ai: error: .*--max-bytes")
_hubtel_cli_test(
  build-push-cache-gone
  COMMAND build --spec "${_hubtel_deploy_dir}/onearch/spec.json" --arch x86_64 --push-cache
  RESULT 2
  STDERR "^hubtel-ai: error: .*--push-cache")
_hubtel_cli_test(
  push-bad-engine-kind
  COMMAND push --spec "${_hubtel_deploy_dir}/onearch/spec.json" --engine-kind rocket
  RESULT 2
  STDERR "^hubtel-ai: error: --engine-kind: rocket not in")

# A buildx builder: a name that is no name is refused before any command; a client without the
# buildx plugin fails saying what the builder needs.
_hubtel_cli_test(
  build-buildx-bad-name
  COMMAND build --spec "${_hubtel_deploy_dir}/onearch/spec.json" --arch x86_64 --engine
          /usr/bin/docker --engine-kind docker-buildkit --buildx-builder "ci builder"
  RESULT 1
  STDOUT "^$"
  STDERR
    "^hubtel-ai: error: buildx builder 'ci builder' is no builder name \\(letters, digits and _ . -, starting with a letter or digit\\): set HUBTEL_BUILDX_BUILDER or BUILDX_BUILDER to a name `docker buildx ls` shows\n$"
)
# The build reads the rendered Dockerfile (its bases are locked first): one with no base to lock.
file(WRITE "${_hubtel_deploy_dir}/onearch/Dockerfile" "FROM scratch AS runtime\n")
_hubtel_cli_test(
  build-buildx-no-plugin
  COMMAND build --spec "${_hubtel_deploy_dir}/onearch/spec.json" --arch x86_64 --engine
          /usr/bin/docker --engine-kind docker-buildkit --buildx-builder ci
  RESULT 1
  STDOUT "^$"
  STDERR
    "hubtel-ai: error: the engine command failed with exit code [0-9]+: /usr/bin/docker buildx build --builder ci --provenance=false --sbom=false --platform linux/amd64 .*\nthe failing step is in the output above; HUBTEL_BUILDX_BUILDER names the builder ci: the engine client /usr/bin/docker needs the buildx plugin \\(`docker buildx version`\\) and a builder of that name \\(`docker buildx ls`\\)\n$"
)
_hubtel_cli_test(
  build-engine-host-unassigned
  COMMAND build --spec "${_hubtel_deploy_dir}/onearch/spec.json" --arch x86_64 --engine-host
          "unix:///run/hubtel-none.sock" --engines "${_hubtel_build_dir}/engines.json"
  RESULT 1
  STDERR
    "^hubtel-ai: error: the engine assignment '[^']*/engines.json' is missing \\(HUBTEL_ENGINE_HOSTS writes it when it names engines\\): run this in the project's build folder, name the file with --engines, or configure the project again\n$"
)
# The base lock asks the image's engine about local bases: the same assignment, the same errors.
_hubtel_cli_test(
  bases-engine-host-unassigned
  COMMAND
    bases --spec "${_hubtel_deploy_dir}/onearch/spec.json" --engine /usr/bin/docker --engine-kind
    docker-buildkit --engine-host "unix:///run/hubtel-none.sock" --engines
    "${_hubtel_build_dir}/engines.json"
  RESULT 1
  STDERR
    "^hubtel-ai: error: the engine assignment '[^']*/engines.json' is missing \\(HUBTEL_ENGINE_HOSTS writes it when it names engines\\): run this in the project's build folder, name the file with --engines, or configure the project again\n$"
)
_hubtel_cli_test(
  build-engine-host-malformed
  COMMAND build --spec "${_hubtel_deploy_dir}/onearch/spec.json" --arch x86_64 --engine-host
          "tcp://127.0.0.1" --engines "${_hubtel_build_dir}/engines.json"
  RESULT 1
  STDERR "^hubtel-ai: error: engine address 'tcp://127.0.0.1' is malformed")
