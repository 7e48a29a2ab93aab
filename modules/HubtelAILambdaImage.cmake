#[=======================================================================[.rst:
HubtelAILambdaImage
-------------------

Turns a target of the project, or Python sources, into a minimal multi-stage AWS Lambda
container image, with targets that build, measure, invoke, push and deploy it.

.. command:: hubtel_add_lambda_image

  .. code-block:: cmake

    hubtel_add_lambda_image(<name> RUNTIME <runtime> [<keyword> <value>...]...)

  Adds the targets ``<name>-image``, ``<name>-size``, ``<name>-sbom`` (an SBOM per
  architecture, ``hubtel/<name>/sbom-<arch>.spdx.json`` or ``.cdx.json``: see ``SBOM_FORMAT``),
  ``<name>-invoke``, ``<name>-serve``
  (``hubtel-ai serve`` of this machine's architecture, as a function URL), ``<name>-watch``
  (the same, building the image again after each change in its context and serving the new one
  once it is ready), ``<name>-push``,
  ``<name>-deploy``, ``<name>-versions``, ``<name>-rollback`` and ``<name>-gc`` (the last four
  for an image with a ``FUNCTION_NAME`` and a ``REPOSITORY``; otherwise they say what is
  missing), one ``<name>-image-<stage>`` per extra stage, and adds the image to the aggregate
  targets ``images``, ``push`` (every image with a ``REPOSITORY``, each pushed on its own engine;
  where none has one, it says so and fails) and ``deploy`` (``deploy`` deploys the images that
  have a ``FUNCTION_NAME`` in one command, each on its own, and names each one's outcome). With a
  ``REPOSITORY``, ``<name>-sam`` writes ``hubtel/<name>/template.yaml``, a SAM template pinned to
  the pushed digest, and the target ``sam`` writes ``hubtel/template.yaml`` for every such image
  of the project. The aggregates (these, and ``update-bases`` below) are made at the end of the
  top directory, once every image is known: a target of one of their names that the project adds
  itself, before or after, is left as it is, and configure says so. The rendered
  Dockerfile is ``hubtel/<name>/Dockerfile`` in the build tree and each architecture's image id
  lands in ``hubtel/<name>/image-<arch>.id``; the image is also tagged ``hubtel/<name>:<arch>``.
  With a multi-config generator (Ninja Multi-Config) each configuration has an image and files
  of its own, under ``hubtel/<name>/<configuration>/``, and each target of a configuration uses
  that configuration's image; the project's SAM template is then
  ``hubtel/<configuration>/template.yaml``.
  Each base image a ``FROM`` of the rendered Dockerfile names (the runtime base, the builder) is
  locked in ``hubtel/<name>/bases.lock`` when the image first builds: a registry image by the
  digest its tag names then (with each platform's manifest digest for an index), an image only
  the engine has (made by ``docker import`` or a local build, with no registry digest) by its
  image id. Later builds take a registry base as ``<repository>@sha256:<digest>`` from the lock
  (``hubtel/<name>/Dockerfile.locked``), so a tag that moves does not move the image, and refuse
  a local base whose id is no longer the locked one. ``<name>-update-bases``, and the aggregate
  ``update-bases`` for every image, lock each base again as it is now and print each change
  (``<name>: <base> <old digest> -> <new digest>``); the next build takes them. Each image carries
  the labels ``org.opencontainers.image.base.name`` and ``org.opencontainers.image.base.digest``
  (its runtime base; for a local base its image id) and ``org.opencontainers.image.revision``
  (the git ``HEAD`` of the context, when it is in a git work tree). Every file the image adds has
  the time ``SOURCE_DATE_EPOCH`` says (the environment's, else the last commit's, else 0), so two
  builds of the same sources on the same lock give the same layers. After ``<name>-push``,
  ``<name>-deploy`` and ``<name>-sbom``, ``hubtel/<name>/release.json`` records each architecture's pushed digest,
  its base, every locked base, the source revision and the function's version and alias.
  ``<name>-size`` also builds the builder stage, tagged ``hubtel/<name>:build-<arch>``, to show
  what the multi-stage build saved (quietly: its engine log shows only when it fails); remove
  that tag when the space matters.
  Every value is checked at configure time: a newline or control character in any argument is
  an error, never an injected instruction.

  Its keywords are documented with the spec module that parses and checks them,
  ``HubtelAISpec``, below.
#]=======================================================================]
include_guard(GLOBAL)
cmake_policy(PUSH)
cmake_policy(VERSION 3.20)
include("${CMAKE_CURRENT_LIST_DIR}/HubtelAIValidate.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/HubtelAISpec.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/HubtelAIEngine.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/HubtelAIDeploy.cmake")

function(hubtel_add_lambda_image name)
  list(APPEND CMAKE_MESSAGE_CONTEXT "hubtel")
  # Before anything reads them, each value as it was written (a list would split, join or drop
  # them): checked one by one when any looks suspect.
  get_property(suspect GLOBAL PROPERTY _HUBTEL_ARGUMENT_SUSPECT)
  list(LENGTH ARGV count)
  if("${ARGV}" MATCHES "${suspect}" OR NOT count EQUAL ARGC)
    set(keyword "")
    math(EXPR last "${ARGC} - 1")
    foreach(i RANGE ${last})
      _hubtel_check_argument(keyword "${name}" "${ARGV${i}}")
    endforeach()
  endif()
  # Every file of an image lies in the build tree, and CMake takes no '#' in the files a custom
  # command makes: said here, where CMake's own error would not name the cause.
  if(CMAKE_BINARY_DIR MATCHES "#")
    _hubtel_fail(
      hubtel_add_lambda_image "${name}" "the build tree \"${CMAKE_BINARY_DIR}\" has a '#' in its "
      "path, which CMake does not take in the files a build makes; configure in a folder whose "
      "path has none")
  endif()
  _hubtel_spec(${ARGV})
  _hubtel_add_image_targets(${name})
  _hubtel_add_deploy_targets(${name})
endfunction()

# _hubtel_add_image_targets(<name>) adds the image's build, stage, size and invoke targets from
# its record (the HUBTEL_* properties of <name>-image).
function(_hubtel_add_image_targets name)
  get_property(spec TARGET ${name}-image PROPERTY HUBTEL_SPEC_FILE)
  get_property(architectures TARGET ${name}-image PROPERTY HUBTEL_ARCHITECTURES)
  get_property(prepared TARGET ${name}-image PROPERTY HUBTEL_PREPARED_FILES)
  get_property(id_files TARGET ${name}-image PROPERTY HUBTEL_ID_FILES)
  get_property(bases_stamp TARGET ${name}-image PROPERTY HUBTEL_BASES_STAMP)
  get_property(stages TARGET ${name}-image PROPERTY HUBTEL_STAGES)
  get_property(template TARGET ${name}-image PROPERTY HUBTEL_TEMPLATE)
  get_property(template_files TARGET ${name}-image PROPERTY HUBTEL_TEMPLATE_FILES)
  get_property(inputs TARGET ${name}-image PROPERTY HUBTEL_INPUTS)
  get_property(kind TARGET ${name}-image PROPERTY HUBTEL_KIND)
  get_property(engine_kind GLOBAL PROPERTY _HUBTEL_ENGINE_KIND)
  if(NOT engine_kind)
    _hubtel_engine_arguments()
    get_property(engine_kind GLOBAL PROPERTY _HUBTEL_ENGINE_KIND)
  endif()
  get_property(engine GLOBAL PROPERTY _HUBTEL_ENGINE_OPTION)
  get_property(pool GLOBAL PROPERTY _HUBTEL_ENGINE_POOL)
  get_property(templates_stamp GLOBAL PROPERTY _HUBTEL_TEMPLATES_STAMP)
  # The image's engine of HUBTEL_ENGINE_HOSTS, and its pool, or the buildx builder.
  _hubtel_engine_of(host_options host_pool ${name})
  if(host_options)
    set(pool ${host_pool})
  endif()
  # Its push runs on the same engine, from which the image goes straight to the registry.
  set_property(TARGET ${name}-image PROPERTY HUBTEL_ENGINE_HOST_OPTIONS ${host_options})
  # Its local bases are looked up on that engine too, which builds on them.
  set(lock_host_options ${host_options})
  get_property(builder GLOBAL PROPERTY _HUBTEL_BUILDX_BUILDER)
  if(builder)
    list(APPEND host_options --buildx-builder "${builder}")
  endif()
  set(helper HubtelAI::hubtel-ai)
  add_custom_command(
    OUTPUT ${prepared}
    COMMAND "${helper}" prepare --spec "${spec}" --engine-kind ${engine_kind}
    DEPENDS "${spec}" "${template}" "${templates_stamp}" ${template_files} "${helper}"
    COMMENT "Preparing the Dockerfile of Lambda image ${name}"
    VERBATIM)

  # The base lock: each base of the Dockerfile pinned by digest when first seen, and only moved by
  # update-bases. The stamp changes with the lock, and rebuilds the image when it does.
  add_custom_command(
    OUTPUT "${bases_stamp}"
    COMMAND "${helper}" bases --spec "${spec}" ${engine} --engine-kind ${engine_kind}
            ${lock_host_options}
    DEPENDS ${prepared} "${helper}"
    COMMENT "Locking the base images of Lambda image ${name}"
    VERBATIM)
  add_custom_target(
    ${name}-update-bases
    COMMAND "${helper}" bases --update --spec "${spec}" ${engine} --engine-kind ${engine_kind}
            ${lock_host_options}
    DEPENDS ${prepared} "${helper}"
    COMMENT "Locking the base images of Lambda image ${name} again"
    USES_TERMINAL VERBATIM)
  _hubtel_aggregate(update-bases ${name}-update-bases)

  set(build
      "${helper}"
      build
      --spec
      "${spec}"
      ${engine}
      --engine-kind
      ${engine_kind}
      ${host_options})
  # The image the build recorded, the function's settings and the event: all from the spec.
  set(invoke "${helper}" invoke --spec "${spec}" ${engine})
  # The payload has no newline of its own: end its line before Ninja writes the next.
  set(end_line COMMAND ${CMAKE_COMMAND} -E echo)
  set(size_commands)
  set(invoke_commands)
  # Only Ninja restats an output: elsewhere (Unix Makefiles) an id left as it was stays older than
  # the inputs that built it again, so each run would build again. There the id is written after
  # every build, and what depends on it runs again too.
  set(id_always)
  if(NOT CMAKE_GENERATOR MATCHES "Ninja")
    set(id_always --always-write-id)
  endif()
  foreach(arch id_file IN ZIP_LISTS architectures id_files)
    # Each build touches image-<arch>.built and writes the id only when it changed (restat: a
    # rebuild to the same image rebuilds nothing after it). A native image's build also writes
    # the files of its context as a depfile: an edit there rebuilds the image, and the host need
    # not compile the target first (unless the context's path cannot stand in a depfile: then the
    # image depends on the target, its input).
    string(REGEX REPLACE "\\.id$" "" stem "${id_file}")
    set(depfile)
    if(kind STREQUAL "native" AND NOT inputs)
      set(depfile DEPFILE "${stem}.d")
    endif()
    add_custom_command(
      OUTPUT "${id_file}"
      BYPRODUCTS "${stem}.built"
      COMMAND ${build} --arch ${arch} ${id_always}
      DEPENDS ${prepared} "${bases_stamp}" "${helper}" ${inputs} ${depfile}
      COMMENT "Building Lambda image ${name} (${arch})" ${pool}
      VERBATIM)
    set(invoke_arch ${invoke} --arch ${arch})
    add_custom_target(
      ${name}-invoke-${arch}
      COMMAND ${invoke_arch} ${end_line}
      DEPENDS "${id_file}"
      COMMENT "Invoking Lambda image ${name} (${arch})"
      USES_TERMINAL VERBATIM)
    list(
      APPEND
      size_commands
      COMMAND
      ${build}
      --arch
      ${arch}
      --size)
    list(APPEND invoke_commands COMMAND ${invoke_arch} ${end_line})
  endforeach()
  foreach(stage IN LISTS stages)
    set(stage_commands)
    foreach(arch IN LISTS architectures)
      list(
        APPEND
        stage_commands
        COMMAND
        ${build}
        --arch
        ${arch}
        --stage
        ${stage})
    endforeach()
    add_custom_target(
      ${name}-image-${stage}
      ${stage_commands}
      DEPENDS ${prepared} "${bases_stamp}" ${inputs}
      COMMENT "Building stage ${stage} of Lambda image ${name}"
      ${pool}
      VERBATIM)
  endforeach()
  # SBOM: one file per architecture, read from the engine's copy of the image it describes (the
  # engine of HUBTEL_ENGINE_HOSTS that built it).
  get_property(sbom_files TARGET ${name}-image PROPERTY HUBTEL_SBOM_FILES)
  get_property(sbom_host TARGET ${name}-image PROPERTY HUBTEL_ENGINE_HOST_OPTIONS)
  foreach(
    arch
    id_file
    sbom_file
    IN
    ZIP_LISTS
    architectures
    id_files
    sbom_files)
    add_custom_command(
      OUTPUT "${sbom_file}"
      COMMAND "${helper}" sbom --spec "${spec}" --arch ${arch} ${engine} ${sbom_host}
      DEPENDS "${id_file}" "${spec}" "${helper}"
      COMMENT "Writing the SBOM of Lambda image ${name} (${arch})" ${pool}
      VERBATIM)
  endforeach()
  add_custom_target(${name}-sbom DEPENDS ${sbom_files})
  # Size: where the bytes of each architecture's image went, against its runtime base and the
  # spec's budget.
  add_custom_target(
    ${name}-size
    ${size_commands}
    DEPENDS ${id_files}
    COMMENT "Measuring Lambda image ${name}"
    USES_TERMINAL VERBATIM)
  add_custom_target(
    ${name}-invoke
    ${invoke_commands}
    DEPENDS ${id_files}
    COMMENT "Invoking Lambda image ${name}"
    USES_TERMINAL VERBATIM)
  # Serve: this machine's architecture when the image has it (no emulation), else its first.
  list(GET architectures 0 serve_arch)
  if(CMAKE_HOST_SYSTEM_PROCESSOR MATCHES "^(aarch64|arm64)$" AND "arm64" IN_LIST architectures)
    set(serve_arch arm64)
  elseif(CMAKE_HOST_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64)$" AND "x86_64" IN_LIST architectures)
    set(serve_arch x86_64)
  endif()
  list(FIND architectures ${serve_arch} serve_index)
  list(GET id_files ${serve_index} serve_id_file)
  add_custom_target(
    ${name}-serve
    COMMAND "${helper}" serve --spec "${spec}" ${engine} --arch ${serve_arch}
    DEPENDS "${serve_id_file}"
    COMMENT "Serving Lambda image ${name} (${serve_arch}) over HTTP; Ctrl-C stops it"
    USES_TERMINAL VERBATIM)
  # Watch: serves as <name>-serve does, and builds that architecture's image again after each
  # change in its context (with Ninja, that image alone), swapping in the new one once ready.
  # A multi-config generator builds again in the configuration being watched.
  set(watch_build ${name}-image)
  set(watch_config)
  if(CMAKE_GENERATOR MATCHES "^Ninja( Multi-Config)?$")
    file(RELATIVE_PATH watch_build "${CMAKE_BINARY_DIR}" "${serve_id_file}")
  endif()
  get_property(multi_config GLOBAL PROPERTY GENERATOR_IS_MULTI_CONFIG)
  if(multi_config)
    set(watch_config --config "$<CONFIG>")
  endif()
  add_custom_target(
    ${name}-watch
    COMMAND "${helper}" watch --spec "${spec}" ${engine} --arch ${serve_arch} -- "${CMAKE_COMMAND}"
            --build "${CMAKE_BINARY_DIR}" ${watch_config} --target "${watch_build}"
    DEPENDS "${serve_id_file}"
    COMMENT
      "Serving Lambda image ${name} (${serve_arch}) over HTTP, built again on each change; Ctrl-C stops it"
    USES_TERMINAL VERBATIM)
  _hubtel_aggregate(images ${name}-image)
endfunction()

cmake_policy(POP)
