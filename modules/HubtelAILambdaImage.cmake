#[=======================================================================[.rst:
HubtelAILambdaImage
-------------------

Turns a target of the project, or Python sources, into a minimal multi-stage AWS Lambda
container image, with targets that build, measure, invoke, push and deploy it.

.. command:: hubtel_add_lambda_image

  .. code-block:: cmake

    hubtel_add_lambda_image(<name>
      RUNTIME <provided.al2023 | provided.al2 | python3.11 | python3.12 | python3.13>
      [TARGET <executable>]
      [HANDLER <module.function>]
      [SOURCES <file-or-dir>...]
      [REQUIREMENTS <requirements.txt>]
      [ARCHITECTURES <x86_64|arm64>...]
      [BUILDER_IMAGE <ref>] [RUNTIME_IMAGE <ref>] [BUILDER_FAMILY <debian|redhat|alpine>]
      [BUILDER_PACKAGES <pkg>...]
      [LAMBDA_BASE <ON|OFF>]
      [CONTEXT <dir>]
      [CMAKE_ARGS <-DVAR=value>...] [BUILD_TYPE <config>]
      [STAGES <dev|debug>...]
      [TEMPLATE <file.mustache>]
      [BUILD_ARGS <K=V>...] [SECRETS <id=path>...]
      [MAX_SIZE <size>]
      [EVENT <event.json>]
      [REPOSITORY <registry/repo>] [TAG <tag>]
      [FUNCTION_NAME <name>] [ROLE <arn>] [MEMORY <MiB>] [TIMEOUT <s>]
      [ENVIRONMENT <K=V>...] [SECRET_ENVIRONMENT <K=file:path | K=ssm:name>...])

  Adds the targets ``<name>-image``, ``<name>-size``, ``<name>-invoke``, ``<name>-push`` and
  ``<name>-deploy``, one ``<name>-image-<stage>`` per extra stage, and adds the image to the
  aggregate targets ``images`` and ``deploy`` (``deploy`` deploys the images that have a
  ``FUNCTION_NAME``). With a ``REPOSITORY``, ``<name>-sam`` writes
  ``hubtel/<name>/template.yaml``, a SAM template pinned to the pushed digest, and the target
  ``sam`` writes ``hubtel/template.yaml`` for every such image of the project. The rendered
  Dockerfile is ``hubtel/<name>/Dockerfile`` in the build tree and each architecture's image id
  lands in ``hubtel/<name>/image-<arch>.id``; the image is also tagged ``hubtel/<name>:<arch>``.
  ``<name>-size`` also builds the builder stage, tagged ``hubtel/<name>:build-<arch>``, to show
  what the multi-stage build saved; remove that tag when the space matters.
  Every value is checked here, at configure time: a newline or control character in any
  argument is an error, never an injected instruction.

  ``<name>``
    The image's name: lowercase letters, digits, ``.``, ``_`` and ``-``, as image names allow.

  ``RUNTIME``
    The Lambda runtime. ``provided.*`` runtimes run a program of the project (``TARGET``);
    ``python3.*`` runtimes run ``HANDLER`` from ``SOURCES``.

  ``TARGET``
    Native runtimes: the executable target that becomes the function's ``bootstrap``. It must
    be defined before this call. The builder stage configures the project with its own
    ``CMakeLists.txt`` (where ``find_package(HubtelAI)`` succeeds and this function does
    nothing) and builds only this target; the runtime stage gets the program and the shared
    libraries it needs that the runtime base lacks, never libc or the loader. The builder
    configures the project afresh: cache variables and options of the host build do not reach
    it (pass them with ``CMAKE_ARGS``), the call must run there too (not inside a condition
    only the host meets), and ``BUILD_TESTING`` is ``OFF`` there unless ``CMAKE_ARGS`` turns
    it on. The image depends on the host build of this target, which stands for all its
    sources, headers and libraries: the host builds it too, so it needs the target's -dev
    packages as well.

  ``HANDLER``
    Python runtimes: the handler as ``module.function`` (the image's ``CMD``).

  ``SOURCES``
    Python runtimes: files and folders copied into the task root (``/var/task``). Relative
    paths here, in ``REQUIREMENTS`` and in ``EVENT`` are taken from the current source
    directory.

  ``REQUIREMENTS``
    Python runtimes: a ``requirements.txt`` installed with ``pip install --target`` in a
    layer of its own, so an edit to the handler does not reinstall it. ``--find-links`` and
    ``-f`` paths in it are taken relative to the file, for private wheels (add ``--no-index``
    when they are all there is, so pip never asks PyPI).

  ``ARCHITECTURES``
    ``x86_64`` (the default; ``HUBTEL_DEFAULT_ARCHITECTURES`` changes it for the project) and/or
    ``arm64``: one single-architecture image each, as Lambda wants. The builder runs on the
    build platform and cross-compiles with HubtelAI's toolchain files when it is a Debian
    builder; other builders run emulated (QEMU), and the build says which it chose. The cache
    option ``HUBTEL_CROSS_COMPILE`` (default ``ON``) set to ``OFF`` emulates every foreign
    architecture, for dependencies that cannot be cross-built. The runtime base must have a
    variant for each architecture: a multi-architecture index (as AWS's bases are), or one call
    per architecture with that architecture's image.

  ``BUILDER_IMAGE``, ``RUNTIME_IMAGE``
    The images the builder and runtime stages start from. A plain Debian or Amazon Linux image
    serves as a builder: the toolchain is installed with its package manager at build time.
    Defaults follow AWS and are
    overridable for the whole project through the cache variables
    ``HUBTEL_RUNTIME_IMAGE_<RUNTIME>`` and ``HUBTEL_BUILDER_IMAGE_<RUNTIME>`` (``<RUNTIME>`` in
    upper case with ``.`` as ``_``, e.g. ``HUBTEL_RUNTIME_IMAGE_PROVIDED_AL2023``). A builder
    and a runtime of different C libraries (musl against glibc) are refused.

  ``BUILDER_FAMILY``
    The builder's distribution family when its name does not tell it: ``debian`` (apt; can
    cross-compile), ``redhat`` (dnf, microdnf or yum) or ``alpine`` (apk).

  ``BUILDER_PACKAGES``
    Extra packages for the builder (the host's own build needs them too, see ``TARGET``),
    installed with its own package manager; on a Debian cross
    builder they are installed for the target architecture (``libcurl4-openssl-dev`` becomes
    ``libcurl4-openssl-dev:arm64``).

  ``LAMBDA_BASE``
    Whether ``RUNTIME_IMAGE`` is an AWS Lambda base image (detected from its name). On one, the
    program is ``/var/runtime/bootstrap`` with ``CMD ["handler"]`` so the base's entry point and
    emulator keep working; on any other base the program is the ``ENTRYPOINT``.

  ``CONTEXT``
    The build context. Native default: the top-level source directory, which must lie inside
    it. Python default: the current source directory. ``hubtel/<name>/Dockerfile.dockerignore``
    keeps the build tree, ``.git`` and, for Python, everything but the sources out of it.

  ``CMAKE_ARGS``, ``BUILD_TYPE``
    Native runtimes: extra ``-D`` arguments for the builder's configure step (the host's cache
    does not reach it), and its build type (default ``Release``).

  ``STAGES``
    Extra stages, each built by ``<name>-image-<stage>`` and tagged
    ``hubtel/<name>:<stage>-<arch>``: ``dev`` (the builder with the sources) and ``debug``
    (the runtime with ``gdb`` and the unstripped program; ``BUILD_TYPE RelWithDebInfo`` gives
    it line numbers, and the sources are in the ``dev`` stage at ``/src``).

  ``TEMPLATE``
    A Mustache template that replaces the default Dockerfile template, or extends it with
    Mustache inheritance: ``{{< Dockerfile.native}}`` or ``{{< Dockerfile.python}}`` with
    ``{{$block}}`` overrides (``deps_extra`` in the builder's package stage, ``build_extra``
    after the build, where in a native image files put under ``/out/rootfs`` land in the
    runtime image, and ``runtime_extra`` in the runtime stage). Partials are found among
    HubtelAI's templates, then beside the template. Its data is the image spec
    ``hubtel/<name>/spec.json``, with the keys derived from it that version 1 of the spec held
    (``kind_native``, ``stage_debug``, ``build_args_list`` and the others), so templates written
    for it keep working.

  ``BUILD_ARGS``
    ``KEY=value`` build arguments for the engine.

  ``SECRETS``
    ``id=path`` secrets mounted with BuildKit secret mounts at ``/run/secrets/<id>`` in the
    build steps; they never land in a layer, and a new secret alone rebuilds nothing.

  ``MAX_SIZE``
    A budget for ``<name>-size`` (e.g. ``50MiB``); the 10 GB Lambda limit always applies.

  ``EVENT``
    The event ``<name>-invoke`` sends (default ``{}``).

  ``REPOSITORY``, ``TAG``
    Where ``<name>-push`` pushes, and the tag (default: the git revision of the context, or
    ``latest`` outside a git checkout; uncommitted edits push under the same revision's tag,
    which then names the newest push). Deploys never go by tag: always by the pushed digest.

  ``FUNCTION_NAME``, ``ROLE``, ``MEMORY``, ``TIMEOUT``, ``ENVIRONMENT``
    The Lambda function ``<name>-deploy`` creates or updates, by digest. ``<name>-invoke``
    runs the image with the same name (else the image's, ``.`` read as ``-``), timeout (else
    Lambda's 3 s, from the event's handing out; init gets at least 10 s), memory and
    environment.

  ``SECRET_ENVIRONMENT``
    Variables of the function whose values are secrets: ``K=file:<path>`` (the file's content,
    its final line break dropped; a relative path is taken from the current source directory)
    or ``K=ssm:<parameter name>`` (an SSM parameter, decrypted). Only the reference is written
    to the build tree; ``<name>-deploy`` reads the value when it deploys and sends it to Lambda
    in its request, never on a command line, and compares with what Lambda holds on every
    deploy. ``<name>-invoke`` passes file values through the engine's environment; SSM values
    are read on deploy only. The SAM template leaves them out.
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
  _hubtel_spec(${ARGV})
  _hubtel_add_image_targets(${name})
  _hubtel_add_deploy_targets(${name})
endfunction()

# _hubtel_add_image_targets(<name>) adds the image's build, stage, size and invoke targets from
# its record (the HUBTEL_* properties of <name>-image).
function(_hubtel_add_image_targets name)
  get_property(dir TARGET ${name}-image PROPERTY HUBTEL_IMAGE_DIR)
  get_property(architectures TARGET ${name}-image PROPERTY HUBTEL_ARCHITECTURES)
  get_property(stages TARGET ${name}-image PROPERTY HUBTEL_STAGES)
  get_property(template TARGET ${name}-image PROPERTY HUBTEL_TEMPLATE)
  get_property(template_files TARGET ${name}-image PROPERTY HUBTEL_TEMPLATE_FILES)
  get_property(inputs TARGET ${name}-image PROPERTY HUBTEL_INPUTS)
  get_property(engine_kind GLOBAL PROPERTY _HUBTEL_ENGINE_KIND)
  if(NOT engine_kind)
    _hubtel_engine_arguments()
    get_property(engine_kind GLOBAL PROPERTY _HUBTEL_ENGINE_KIND)
  endif()
  get_property(engine GLOBAL PROPERTY _HUBTEL_ENGINE_OPTION)
  get_property(pool GLOBAL PROPERTY _HUBTEL_ENGINE_POOL)
  get_property(templates_stamp GLOBAL PROPERTY _HUBTEL_TEMPLATES_STAMP)
  set(helper HubtelAI::hubtel-ai)
  set(prepared "${dir}/Dockerfile" "${dir}/Dockerfile.dockerignore" "${dir}/image-inputs.json")
  add_custom_command(
    OUTPUT ${prepared}
    COMMAND "${helper}" prepare --spec "${dir}/spec.json"
    DEPENDS "${dir}/spec.json" "${template}" "${templates_stamp}" ${template_files} "${helper}"
    COMMENT "Preparing the Dockerfile of Lambda image ${name}"
    VERBATIM)

  set(build
      "${helper}"
      build
      --spec
      "${dir}/spec.json"
      ${engine}
      --engine-kind
      ${engine_kind})
  # The image the build recorded, the function's settings and the event: all from the spec.
  set(invoke "${helper}" invoke --spec "${dir}/spec.json" ${engine})
  # The payload has no newline of its own: end its line before Ninja writes the next.
  set(end_line COMMAND ${CMAKE_COMMAND} -E echo)
  set(id_files)
  set(size_commands)
  set(invoke_commands)
  foreach(arch IN LISTS architectures)
    set(id_file "${dir}/image-${arch}.id")
    add_custom_command(
      OUTPUT "${id_file}"
      COMMAND ${build} --arch ${arch}
      DEPENDS ${prepared} "${helper}" ${inputs}
      COMMENT "Building Lambda image ${name} (${arch})" ${pool}
      VERBATIM)
    set(invoke_arch ${invoke} --arch ${arch})
    add_custom_target(
      ${name}-invoke-${arch}
      COMMAND ${invoke_arch} ${end_line}
      DEPENDS "${id_file}"
      COMMENT "Invoking Lambda image ${name} (${arch})"
      USES_TERMINAL VERBATIM)
    list(APPEND id_files "${id_file}")
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
      DEPENDS ${prepared} ${inputs}
      COMMENT "Building stage ${stage} of Lambda image ${name}"
      ${pool}
      VERBATIM)
  endforeach()
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
  if(NOT TARGET images)
    add_custom_target(images)
  endif()
  add_dependencies(images ${name}-image)
endfunction()

cmake_policy(POP)
