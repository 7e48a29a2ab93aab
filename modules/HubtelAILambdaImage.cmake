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
      [ENVIRONMENT <K=V>...])

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
    HubtelAI's templates, then beside the template. The image spec ``hubtel/<name>/spec.json`` is
    its data.

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
    The Lambda function ``<name>-deploy`` creates or updates, by digest.
#]=======================================================================]
include_guard(GLOBAL)
include(HubtelAIValidate)
include(HubtelAIEngine)

set(_HUBTEL_RUNTIMES provided.al2023 provided.al2 python3.11 python3.12 python3.13 CACHE INTERNAL
                                                                                         "")
set(_HUBTEL_ARCHITECTURES x86_64 arm64 CACHE INTERNAL "")
set(HUBTEL_DEFAULT_ARCHITECTURES x86_64
    CACHE STRING "Architectures of images whose call names none (x86_64 and/or arm64)")
option(HUBTEL_CROSS_COMPILE
       "Cross-compile on the build platform where the builder can (else emulate)" ON)

# The AWS defaults; a cache variable a runtime lets a project point at its own mirror.
foreach(_hubtel_runtime IN LISTS _HUBTEL_RUNTIMES)
  string(TOUPPER "${_hubtel_runtime}" _hubtel_key)
  string(REPLACE "." "_" _hubtel_key "${_hubtel_key}")
  if(_hubtel_runtime MATCHES "^provided\\.(.*)$")
    set(_hubtel_runtime_default "public.ecr.aws/lambda/provided:${CMAKE_MATCH_1}")
    if(_hubtel_runtime STREQUAL "provided.al2")
      # glibc 2.26: no Debian builder old enough, so Amazon Linux 2 builds it (arm64 emulated).
      set(_hubtel_builder_default "public.ecr.aws/amazonlinux/amazonlinux:2")
    else()
      # glibc 2.31 and GLIBCXX_3.4.28, below al2023's 2.34 and 3.4.29; it cross-compiles.
      set(_hubtel_builder_default "public.ecr.aws/docker/library/debian:bullseye")
    endif()
  else()
    string(REGEX REPLACE "^python" "" _hubtel_version "${_hubtel_runtime}")
    set(_hubtel_runtime_default "public.ecr.aws/lambda/python:${_hubtel_version}")
    set(_hubtel_builder_default "${_hubtel_runtime_default}")
  endif()
  set(HUBTEL_RUNTIME_IMAGE_${_hubtel_key} "${_hubtel_runtime_default}"
      CACHE STRING "Default runtime base image of ${_hubtel_runtime} Lambda images")
  set(HUBTEL_BUILDER_IMAGE_${_hubtel_key} "${_hubtel_builder_default}"
      CACHE STRING "Default builder image of ${_hubtel_runtime} Lambda images")
endforeach()
unset(_hubtel_runtime)
unset(_hubtel_key)
unset(_hubtel_version)
unset(_hubtel_runtime_default)
unset(_hubtel_builder_default)

# Recorded once, so the same code finds them from the source tree, the build tree and an install.
get_filename_component(_hubtel_root "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)
set(_HUBTEL_ROOT_DIR "${_hubtel_root}" CACHE INTERNAL "")
set(_HUBTEL_TEMPLATE_DIR "${_hubtel_root}/templates" CACHE INTERNAL "")
unset(_hubtel_root)

function(hubtel_add_lambda_image name)
  list(APPEND CMAKE_MESSAGE_CONTEXT "hubtel")
  set(fn hubtel_add_lambda_image)
  set(one_value
      RUNTIME
      TARGET
      HANDLER
      REQUIREMENTS
      BUILDER_IMAGE
      RUNTIME_IMAGE
      BUILDER_FAMILY
      LAMBDA_BASE
      CONTEXT
      BUILD_TYPE
      TEMPLATE
      MAX_SIZE
      EVENT
      REPOSITORY
      TAG
      FUNCTION_NAME
      ROLE
      MEMORY
      TIMEOUT)
  set(multi_value
      SOURCES
      ARCHITECTURES
      BUILDER_PACKAGES
      CMAKE_ARGS
      STAGES
      BUILD_ARGS
      SECRETS
      ENVIRONMENT)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "${one_value}" "${multi_value}")

  # Before anything else reads them: no value may carry a newline or control character.
  # A ';' in a value is where CMake would split it into two: refused, not split.
  get_property(control GLOBAL PROPERTY _HUBTEL_CONTROL_CHARS)
  list(LENGTH ARGV count)
  if("${ARGV}" MATCHES "${control}|\\\\;" OR NOT count EQUAL ARGC)
    _hubtel_check_no_control(${fn} "" "the image name" "${name}")
    set(keyword "an argument")
    math(EXPR last "${ARGC} - 1")
    foreach(i RANGE 1 ${last})
      set(value "${ARGV${i}}")
      if(value IN_LIST one_value OR value IN_LIST multi_value)
        set(keyword "${value}")
        continue()
      endif()
      _hubtel_check_no_control(${fn} ${name} "${keyword}" "${value}")
      if(value MATCHES ";")
        _hubtel_fail(${fn} ${name} "${keyword} \"${value}\" holds a ';', which CMake reads as a "
                     "list separator; a value may not hold one")
      endif()
    endforeach()
  endif()
  if(name IN_LIST one_value OR name IN_LIST multi_value)
    _hubtel_fail(${fn} "" "the first argument is the image's name, but it is the keyword "
                 "${name}; call it as ${fn}(<name> RUNTIME <runtime> ...)")
  endif()
  _hubtel_check_match(
    ${fn} ${name} "the image name" "^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$"
    "lowercase letters, digits, '.', '_' and '-', starting and ending with a letter or digit"
    "${name}")
  string(LENGTH "${name}" length)
  if(length GREATER 64)
    _hubtel_fail(${fn} ${name} "the image name is longer than 64 characters")
  endif()
  if(arg_UNPARSED_ARGUMENTS)
    list(GET arg_UNPARSED_ARGUMENTS 0 unknown)
    _hubtel_fail(${fn} ${name} "unknown argument \"${unknown}\"")
  endif()
  if(arg_KEYWORDS_MISSING_VALUES)
    list(GET arg_KEYWORDS_MISSING_VALUES 0 keyword)
    _hubtel_fail(${fn} ${name} "${keyword} needs a value")
  endif()
  if(TARGET ${name}-image)
    _hubtel_fail(${fn} ${name} "an image of this name exists already (target ${name}-image)")
  endif()

  if(NOT DEFINED arg_RUNTIME)
    string(REPLACE ";" ", " supported "${_HUBTEL_RUNTIMES}")
    _hubtel_fail(${fn} ${name} "RUNTIME is required (supported: ${supported})")
  endif()
  _hubtel_check_one_of(${fn} ${name} RUNTIME "${arg_RUNTIME}" ${_HUBTEL_RUNTIMES})
  string(TOUPPER "${arg_RUNTIME}" runtime_key)
  string(REPLACE "." "_" runtime_key "${runtime_key}")
  if(arg_RUNTIME MATCHES "^provided")
    set(kind native)
  else()
    set(kind python)
    string(REGEX REPLACE "^python" "" python_version "${arg_RUNTIME}")
  endif()

  # What the runtime kind requires and refuses.
  if(kind STREQUAL "native")
    if(NOT DEFINED arg_TARGET)
      _hubtel_fail(${fn} ${name} "TARGET is required for RUNTIME ${arg_RUNTIME} "
                   "(the executable target that becomes the bootstrap)")
    endif()
    foreach(keyword IN ITEMS HANDLER SOURCES REQUIREMENTS)
      if(DEFINED arg_${keyword})
        _hubtel_fail(${fn} ${name} "${keyword} is for python runtimes, not ${arg_RUNTIME}")
      endif()
    endforeach()
    if(NOT TARGET "${arg_TARGET}")
      _hubtel_fail(${fn} ${name} "TARGET \"${arg_TARGET}\" is not a target of this project "
                   "(define it with add_executable() before this call)")
    endif()
    get_target_property(target_type "${arg_TARGET}" TYPE)
    get_target_property(target_imported "${arg_TARGET}" IMPORTED)
    if(NOT target_type STREQUAL "EXECUTABLE" OR target_imported)
      string(TOLOWER "${target_type}" target_type)
      string(REPLACE "_" " " target_type "${target_type}")
      if(target_imported)
        set(target_type "imported ${target_type}")
      endif()
      set(article "a")
      if(target_type MATCHES "^[aeiou]")
        set(article "an")
      endif()
      _hubtel_fail(
        ${fn} ${name} "TARGET \"${arg_TARGET}\" is not an executable built by this project (it is "
        "${article} ${target_type}); name an add_executable() target")
    endif()
  else()
    if(NOT DEFINED arg_HANDLER)
      _hubtel_fail(${fn} ${name} "HANDLER is required for RUNTIME ${arg_RUNTIME} "
                   "(module.function, e.g. app.handler)")
    endif()
    _hubtel_check_match(
      ${fn} ${name} HANDLER
      "^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*\\.[A-Za-z_][A-Za-z0-9_]*$"
      "module.function, e.g. app.handler" "${arg_HANDLER}")
    if(NOT arg_SOURCES)
      _hubtel_fail(${fn} ${name} "SOURCES is required for RUNTIME ${arg_RUNTIME} "
                   "(the files or folders that hold the handler's module)")
    endif()
    foreach(keyword IN ITEMS TARGET CMAKE_ARGS BUILD_TYPE)
      if(DEFINED arg_${keyword})
        _hubtel_fail(${fn} ${name} "${keyword} is for provided runtimes, not ${arg_RUNTIME}")
      endif()
    endforeach()
  endif()

  # Architectures.
  if(NOT DEFINED arg_ARCHITECTURES)
    set(arg_ARCHITECTURES ${HUBTEL_DEFAULT_ARCHITECTURES})
  endif()
  foreach(arch IN LISTS arg_ARCHITECTURES)
    _hubtel_check_one_of(${fn} ${name} ARCHITECTURES "${arch}" ${_HUBTEL_ARCHITECTURES})
  endforeach()
  _hubtel_check_unique(${fn} ${name} ARCHITECTURES ${arg_ARCHITECTURES})

  # Images and their families.
  set(image_regex
      "^[a-zA-Z0-9][a-zA-Z0-9._-]*(:[0-9]+)?(/[a-z0-9]+([._-]+[a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]*)?(@sha256:[a-f0-9]{64})?$"
  )
  set(image_words "an image reference such as registry.example.com/team/base:tag")
  if(NOT DEFINED arg_RUNTIME_IMAGE)
    set(arg_RUNTIME_IMAGE "${HUBTEL_RUNTIME_IMAGE_${runtime_key}}")
  endif()
  if(NOT DEFINED arg_BUILDER_IMAGE)
    set(arg_BUILDER_IMAGE "${HUBTEL_BUILDER_IMAGE_${runtime_key}}")
  endif()
  _hubtel_check_match(${fn} ${name} RUNTIME_IMAGE "${image_regex}" "${image_words}"
                      "${arg_RUNTIME_IMAGE}")
  _hubtel_check_match(${fn} ${name} BUILDER_IMAGE "${image_regex}" "${image_words}"
                      "${arg_BUILDER_IMAGE}")
  if(DEFINED arg_BUILDER_FAMILY)
    _hubtel_check_one_of(
      ${fn}
      ${name}
      BUILDER_FAMILY
      "${arg_BUILDER_FAMILY}"
      debian
      redhat
      alpine)
    set(family "${arg_BUILDER_FAMILY}")
  else()
    _hubtel_image_family(family "${arg_BUILDER_IMAGE}")
  endif()
  _hubtel_image_libc(builder_libc "${arg_BUILDER_IMAGE}")
  if(family STREQUAL "alpine")
    set(builder_libc musl)
  endif()
  _hubtel_image_libc(runtime_libc "${arg_RUNTIME_IMAGE}")
  if(NOT builder_libc STREQUAL runtime_libc)
    _hubtel_fail(
      ${fn} ${name} "BUILDER_IMAGE \"${arg_BUILDER_IMAGE}\" uses ${builder_libc} but "
      "RUNTIME_IMAGE \"${arg_RUNTIME_IMAGE}\" uses ${runtime_libc}: compiled code does not "
      "carry across C libraries; pick a builder and a runtime of the same libc family")
  endif()
  if(DEFINED arg_LAMBDA_BASE)
    if(arg_LAMBDA_BASE)
      set(lambda_base true)
    else()
      set(lambda_base false)
    endif()
  elseif(arg_RUNTIME_IMAGE MATCHES "^public\\.ecr\\.aws/lambda/|^amazon/aws-lambda-")
    set(lambda_base true)
  else()
    set(lambda_base false)
  endif()
  if(family STREQUAL "debian" AND HUBTEL_CROSS_COMPILE)
    set(cross true)
  else()
    set(cross false)
  endif()

  set(package_regex "^[A-Za-z0-9][A-Za-z0-9+._-]*(:[a-z0-9]+)?$")
  _hubtel_check_match(${fn} ${name} BUILDER_PACKAGES "${package_regex}" "a package name"
                      ${arg_BUILDER_PACKAGES})

  # The context and what must lie inside it.
  if(DEFINED arg_CONTEXT)
    _hubtel_absolute_path(context ${fn} ${name} CONTEXT "${arg_CONTEXT}" DIRECTORY)
  elseif(kind STREQUAL "native")
    set(context "${CMAKE_SOURCE_DIR}")
  else()
    set(context "${CMAKE_CURRENT_SOURCE_DIR}")
  endif()
  _hubtel_check_no_control(${fn} ${name} CONTEXT "${context}")

  set(depends)
  set(source_items)
  set(requirements_dir "")
  set(requirements_file "")
  set(find_links)
  if(kind STREQUAL "native")
    _hubtel_check_inside(${fn} ${name} "the top-level source directory" "${CMAKE_SOURCE_DIR}"
                         "${context}")
    file(RELATIVE_PATH project_dir "${context}" "${CMAKE_SOURCE_DIR}")
    if(project_dir STREQUAL "")
      set(project_dir ".")
    endif()
    # The builder's build folder persists in a cache mount of its own for each build tree: two
    # checkouts that name an image alike must not share object files, which Ninja judges by
    # modification times alone.
    string(SHA256 tree_hash "${CMAKE_BINARY_DIR}/hubtel/${name}")
    string(SUBSTRING "${tree_hash}" 0 12 tree_hash)
    set(build_cache_id "${name}-${tree_hash}")
    # HubtelAI added with add_subdirectory() from outside the context is not in the builder: the
    # builder puts a stand-in where the project looks for it, by its absolute path and by its
    # path relative to the project.
    set(stubs "")
    get_property(hubtel_root GLOBAL PROPERTY _HUBTEL_SUBDIRECTORY_ROOT)
    if(hubtel_root)
      file(RELATIVE_PATH root_rel "${context}" "${hubtel_root}")
      if(root_rel MATCHES "^\\.\\./" OR IS_ABSOLUTE "${root_rel}")
        if(NOT hubtel_root MATCHES "^/[A-Za-z0-9/._+-]*$")
          _hubtel_fail(
            ${fn}
            ${name}
            "HubtelAI was added with add_subdirectory() from \"${hubtel_root}\", "
            "outside the build context \"${context}\", at a path the builder cannot recreate "
            "(use letters, digits and /._+- only); install HubtelAI and use "
            "find_package(HubtelAI), or place it inside the context")
        endif()
        file(RELATIVE_PATH from_project "${CMAKE_SOURCE_DIR}" "${hubtel_root}")
        get_filename_component(in_builder "/src/${project_dir}/${from_project}" ABSOLUTE)
        set(stubs "${hubtel_root}")
        if(NOT in_builder STREQUAL hubtel_root AND in_builder MATCHES "^/[A-Za-z0-9/._+-]*$")
          string(APPEND stubs " ${in_builder}")
        endif()
      endif()
    endif()
    if(NOT DEFINED arg_BUILD_TYPE)
      set(arg_BUILD_TYPE Release)
    endif()
    _hubtel_check_match(${fn} ${name} BUILD_TYPE "^[A-Za-z][A-Za-z0-9_]*$"
                        "a build type such as Release" "${arg_BUILD_TYPE}")
    _hubtel_check_match(${fn} ${name} CMAKE_ARGS "^-D[A-Za-z_][A-Za-z0-9_.+-]*(:[A-Z]+)?="
                        "-DVARIABLE=value" ${arg_CMAKE_ARGS})
    _hubtel_check_match(${fn} ${name} TARGET "^[A-Za-z0-9_.+-]+$" "a plain target name"
                        "${arg_TARGET}")
    list(APPEND depends "${arg_TARGET}")
  else()
    foreach(source IN LISTS arg_SOURCES)
      _hubtel_absolute_path(path ${fn} ${name} SOURCES "${source}" ANY)
      _hubtel_check_inside(${fn} ${name} SOURCES "${path}" "${context}")
      file(RELATIVE_PATH rel "${context}" "${path}")
      if(rel STREQUAL "")
        _hubtel_fail(${fn} ${name} "SOURCES \"${source}\" is the whole context; "
                     "name the files or folders that hold the handler")
      endif()
      _hubtel_check_match(${fn} ${name} SOURCES "^[A-Za-z0-9_./@+-]+$"
                          "a path of letters, digits and ._/@+-" "${rel}")
      get_filename_component(base "${path}" NAME)
      if(IS_DIRECTORY "${path}")
        file(GLOB_RECURSE files CONFIGURE_DEPENDS "${path}/*")
        list(APPEND depends ${files})
        set(item_dir true)
      else()
        list(APPEND depends "${path}")
        set(item_dir false)
      endif()
      list(APPEND source_items
           "{\"path\": \"${rel}\", \"name\": \"${base}\", \"dir\": ${item_dir}}")
    endforeach()
    if(DEFINED arg_REQUIREMENTS)
      _hubtel_absolute_path(requirements ${fn} ${name} REQUIREMENTS "${arg_REQUIREMENTS}" FILE)
      _hubtel_check_inside(${fn} ${name} REQUIREMENTS "${requirements}" "${context}")
      list(APPEND depends "${requirements}")
      get_filename_component(req_dir "${requirements}" DIRECTORY)
      file(RELATIVE_PATH requirements_file "${context}" "${requirements}")
      file(RELATIVE_PATH requirements_dir "${context}" "${req_dir}")
      if(requirements_dir STREQUAL "")
        set(requirements_dir ".")
      endif()
      _hubtel_check_match(${fn} ${name} REQUIREMENTS "^[A-Za-z0-9_./@+-]+$"
                          "a path of letters, digits and ._/@+-" "${requirements_file}")
      _hubtel_requirement_links(find_links ${fn} ${name} "${requirements}" "${context}")
      foreach(link IN LISTS find_links)
        file(GLOB_RECURSE files CONFIGURE_DEPENDS "${context}/${link}/*")
        list(APPEND depends ${files})
      endforeach()
    endif()
  endif()

  # Stages, template, build arguments, secrets.
  foreach(stage IN LISTS arg_STAGES)
    _hubtel_check_one_of(${fn} ${name} STAGES "${stage}" dev debug)
  endforeach()
  _hubtel_check_unique(${fn} ${name} STAGES ${arg_STAGES})
  _hubtel_prepare_templates(template_dir)
  if(DEFINED arg_TEMPLATE)
    _hubtel_absolute_path(template ${fn} ${name} TEMPLATE "${arg_TEMPLATE}" FILE)
  else()
    set(template "${template_dir}/Dockerfile.${kind}.mustache")
  endif()
  set(key_regex "^[A-Za-z_][A-Za-z0-9_]*=")
  _hubtel_check_match(${fn} ${name} BUILD_ARGS "${key_regex}" "KEY=value" ${arg_BUILD_ARGS})
  _hubtel_check_keys(${fn} ${name} BUILD_ARGS "^(TARGET|BUILD)(ARCH|OS|PLATFORM|VARIANT)$|^HUBTEL_"
                     "is set by the engine or by HubtelAI" ${arg_BUILD_ARGS})
  set(secret_items)
  set(secret_ids)
  foreach(secret IN LISTS arg_SECRETS)
    if(NOT secret MATCHES "^([A-Za-z0-9_.-]+)=(.+)$")
      _hubtel_shown(shown "${secret}")
      _hubtel_fail(${fn} ${name} "SECRETS \"${shown}\" is not valid: expected id=path")
    endif()
    set(secret_id "${CMAKE_MATCH_1}")
    _hubtel_absolute_path(secret_path ${fn} ${name} SECRETS "${CMAKE_MATCH_2}" FILE)
    if(secret_path MATCHES ",")
      _hubtel_fail(${fn} ${name} "SECRETS path \"${secret_path}\" contains a comma, which the "
                   "engine's --secret option cannot take; move the file")
    endif()
    list(APPEND secret_ids "${secret_id}")
    _hubtel_json_string(json_path "${secret_path}")
    list(APPEND secret_items "{\"id\": \"${secret_id}\", \"path\": \"${json_path}\"}")
  endforeach()
  _hubtel_check_unique(${fn} ${name} "SECRETS id" ${secret_ids})

  # Size budget and invoke event.
  set(max_size null)
  if(DEFINED arg_MAX_SIZE)
    _hubtel_parse_size(max_size ${fn} ${name} MAX_SIZE "${arg_MAX_SIZE}")
  endif()
  if(DEFINED arg_EVENT)
    _hubtel_absolute_path(event ${fn} ${name} EVENT "${arg_EVENT}" FILE)
  else()
    set(event "")
  endif()

  # Registry and function.
  _hubtel_deploy_arguments(deploy_json ${fn} ${name})

  # The spec: everything the helper and the templates need, written only when it changes.
  set(dir "${CMAKE_BINARY_DIR}/hubtel/${name}")
  _hubtel_json_list(architectures_json ${arg_ARCHITECTURES})
  _hubtel_key_value_json(build_args_json build_args_list ${arg_BUILD_ARGS})
  _hubtel_json_list(packages_json ${arg_BUILDER_PACKAGES})
  _hubtel_shell_list(cmake_args_json ${arg_CMAKE_ARGS})
  string(JOIN ", " secrets_list ${secret_items})
  string(JOIN ", " sources_list ${source_items})
  _hubtel_json_list(find_links_json ${find_links})
  set(has_packages false)
  if(arg_BUILDER_PACKAGES)
    set(has_packages true)
  endif()
  set(has_requirements false)
  if(requirements_file)
    set(has_requirements true)
  endif()
  # The build tree stays out of the context when it lies inside.
  set(ignore)
  file(RELATIVE_PATH binary_rel "${context}" "${CMAKE_BINARY_DIR}")
  if(NOT binary_rel MATCHES "^\\.\\./" AND NOT binary_rel STREQUAL "")
    list(APPEND ignore "${binary_rel}")
  endif()
  _hubtel_json_list(ignore_json ${ignore})
  set(stage_dev false)
  set(stage_debug false)
  foreach(stage IN LISTS arg_STAGES)
    set(stage_${stage} true)
  endforeach()
  foreach(
    var IN
    ITEMS context
          dir
          template
          arg_TARGET
          arg_RUNTIME_IMAGE
          arg_BUILDER_IMAGE
          arg_HANDLER
          project_dir)
    _hubtel_json_string(${var}_json "${${var}}")
  endforeach()
  set(spec
      "{
  \"spec_version\": 1,
  \"hubtel_version\": \"${_HUBTEL_VERSION}\",
  \"name\": \"${name}\",
  \"runtime\": \"${arg_RUNTIME}\",
  \"kind\": \"${kind}\",
  \"kind_${kind}\": true,
  \"architectures\": ${architectures_json},
  \"dir\": \"${dir_json}\",
  \"dockerfile\": \"${dir_json}/Dockerfile\",
  \"context\": \"${context_json}\",
  \"template\": \"${template_json}\",
  \"runtime_image\": \"${arg_RUNTIME_IMAGE}\",
  \"builder_image\": \"${arg_BUILDER_IMAGE}\",
  \"builder_family\": \"${family}\",
  \"cross\": ${cross},
  \"lambda_base\": ${lambda_base},
  \"target\": \"${arg_TARGET}\",
  \"project_dir\": \"${project_dir_json}\",
  \"build_cache_id\": \"${build_cache_id}\",
  \"hubtel_stubs\": \"${stubs}\",
  \"build_type\": \"${arg_BUILD_TYPE}\",
  \"cmake_args\": ${cmake_args_json},
  \"builder_packages\": ${packages_json},
  \"has_builder_packages\": ${has_packages},
  \"handler\": \"${arg_HANDLER}\",
  \"python_version\": \"${python_version}\",
  \"sources\": [${sources_list}],
  \"requirements\": \"${requirements_file}\",
  \"has_requirements\": ${has_requirements},
  \"requirements_dir\": \"${requirements_dir}\",
  \"find_links\": ${find_links_json},
  \"ignore_paths\": ${ignore_json},
  \"stage_dev\": ${stage_dev},
  \"stage_debug\": ${stage_debug},
  \"build_args\": ${build_args_json},
  \"build_args_list\": ${build_args_list},
  \"secrets_list\": [${secrets_list}],
  \"max_size_bytes\": ${max_size},
${deploy_json}
}
")
  # file(GENERATE) writes at generate time, atomically and only when the content changed; every
  # '$' of a value was escaped by _hubtel_json_string, so no value is read as an expression.
  file(GENERATE OUTPUT "${dir}/spec.json" CONTENT "${spec}")
  # What builds read of it: the spec without the function's settings (role, memory, timeout,
  # environment, tag), so a change to those deploys again without building again. A plain write,
  # not file(GENERATE): it only marks a change, so '$' escapes may stay as they are.
  string(REPLACE "${deploy_json}" "" image_inputs "${spec}")
  string(APPEND image_inputs
         "repository: ${arg_REPOSITORY}\nregistry cache: ${HUBTEL_REGISTRY_CACHE}\n")
  _hubtel_write_if_changed("${dir}/image-inputs.txt" "${image_inputs}")

  _hubtel_add_image_targets()
endfunction()

# _hubtel_add_image_targets() adds the custom commands and targets of one image; it reads the
# variables of its caller, hubtel_add_lambda_image().
function(_hubtel_add_image_targets)
  _hubtel_engine(engine engine_kind)
  # An empty argument does not survive a custom command: without an engine, none is named and
  # the helper says what to install.
  set(engine_option)
  if(engine)
    set(engine_option --engine "${engine}")
  endif()
  _hubtel_engine_pool(pool)
  set(helper "$<TARGET_FILE:HubtelAI::hubtel-ai>")
  get_property(partials GLOBAL PROPERTY _HUBTEL_TEMPLATE_FILES)
  if(NOT partials)
    file(GLOB partials "${template_dir}/*.mustache")
    set_property(GLOBAL PROPERTY _HUBTEL_TEMPLATE_FILES "${partials}")
  endif()
  # A TEMPLATE of the project finds HubtelAI's templates first (the parents it extends), then the
  # partials beside it.
  set(partial_dirs --partials "${template_dir}")
  set(own_partials)
  if(DEFINED arg_TEMPLATE)
    get_filename_component(own_dir "${template}" DIRECTORY)
    list(APPEND partial_dirs --partials "${own_dir}")
    file(GLOB own_partials CONFIGURE_DEPENDS "${own_dir}/*.mustache")
  endif()
  add_custom_command(
    OUTPUT "${dir}/Dockerfile" "${dir}/Dockerfile.dockerignore"
    COMMAND "${helper}" render --template "${template}" ${partial_dirs} --data "${dir}/spec.json"
            --escape strict --output "${dir}/Dockerfile"
    COMMAND "${helper}" render --template "${template_dir}/dockerignore.mustache" --data
            "${dir}/spec.json" --escape strict --output "${dir}/Dockerfile.dockerignore"
    DEPENDS "${template}" ${partials} ${own_partials} "${dir}/spec.json" "${helper}"
    COMMENT "Rendering the Dockerfile of Lambda image ${name}"
    VERBATIM)

  set(build_command "${helper}" build --spec "${dir}/spec.json" ${engine_option} --engine-kind
                    ${engine_kind})
  set(id_files)
  foreach(arch IN LISTS arg_ARCHITECTURES)
    add_custom_command(
      OUTPUT "${dir}/image-${arch}.id"
      COMMAND ${build_command} --arch ${arch}
      DEPENDS "${dir}/Dockerfile" "${dir}/Dockerfile.dockerignore" "${dir}/image-inputs.txt"
              "${helper}" ${depends}
      COMMENT "Building Lambda image ${name} (${arch})" ${pool}
      VERBATIM)
    list(APPEND id_files "${dir}/image-${arch}.id")
  endforeach()
  add_custom_target(${name}-image DEPENDS ${id_files})
  set_target_properties(${name}-image PROPERTIES HUBTEL_IMAGE_DIR "${dir}" HUBTEL_ARCHITECTURES
                                                                           "${arg_ARCHITECTURES}")

  foreach(stage IN LISTS arg_STAGES)
    set(stage_commands)
    foreach(arch IN LISTS arg_ARCHITECTURES)
      list(
        APPEND
        stage_commands
        COMMAND
        ${build_command}
        --arch
        ${arch}
        --stage
        ${stage})
    endforeach()
    add_custom_target(
      ${name}-image-${stage}
      ${stage_commands}
      DEPENDS "${dir}/Dockerfile" "${dir}/Dockerfile.dockerignore" "${dir}/image-inputs.txt"
              ${depends}
      COMMENT "Building stage ${stage} of Lambda image ${name}"
      ${pool}
      VERBATIM)
  endforeach()

  # Size: where the bytes of each architecture's image went, against its runtime base.
  set(size_commands)
  set(budget)
  if(DEFINED arg_MAX_SIZE)
    set(budget --max-bytes ${max_size})
  endif()
  foreach(arch IN LISTS arg_ARCHITECTURES)
    list(
      APPEND
      size_commands
      COMMAND
      ${build_command}
      --arch
      ${arch}
      --size
      ${budget})
  endforeach()
  add_custom_target(
    ${name}-size
    ${size_commands}
    DEPENDS ${id_files}
    COMMENT "Measuring Lambda image ${name}"
    USES_TERMINAL VERBATIM)

  # Invoke: each architecture's image answers one event on a local Runtime API.
  set(invoke_commands)
  # By the id the build recorded: the tag hubtel/<name>:<arch> may since name another build
  # tree's image.
  if(DEFINED arg_FUNCTION_NAME)
    set(invoke_function "${arg_FUNCTION_NAME}")
  else()
    string(REPLACE "." "-" invoke_function "${name}")
  endif()
  # The payload has no newline of its own: end its line before Ninja writes the next.
  set(end_line COMMAND ${CMAKE_COMMAND} -E echo)
  foreach(arch IN LISTS arg_ARCHITECTURES)
    set(invoke_event)
    if(event)
      set(invoke_event --event "${event}")
    endif()
    _hubtel_platform(platform ${arch})
    set(invoke_command "${helper}" invoke --image-file "${dir}/image-${arch}.id" --function-name
                       "${invoke_function}" --platform ${platform} ${invoke_event} ${engine_option})
    list(APPEND invoke_commands COMMAND ${invoke_command} ${end_line})
    if(NOT TARGET ${name}-invoke-${arch})
      add_custom_target(
        ${name}-invoke-${arch}
        COMMAND ${invoke_command} ${end_line}
        DEPENDS "${dir}/image-${arch}.id"
        COMMENT "Invoking Lambda image ${name} (${arch})"
        USES_TERMINAL VERBATIM)
    endif()
  endforeach()
  add_custom_target(
    ${name}-invoke
    ${invoke_commands}
    DEPENDS ${id_files}
    COMMENT "Invoking Lambda image ${name}"
    USES_TERMINAL VERBATIM)

  _hubtel_add_deploy_targets()

  if(NOT TARGET images)
    add_custom_target(images)
  endif()
  add_dependencies(images ${name}-image)
endfunction()

# _hubtel_platform(<out> <arch>) maps Lambda's architecture names to the engine's platforms.
function(_hubtel_platform out arch)
  if(arch STREQUAL "arm64")
    set(${out} linux/arm64 PARENT_SCOPE)
  else()
    set(${out} linux/amd64 PARENT_SCOPE)
  endif()
endfunction()

# _hubtel_image_family(<out> <ref>) guesses a builder's distribution family from its name:
# debian, redhat, alpine, or unknown (which builds emulated, the safe choice).
function(_hubtel_image_family out ref)
  string(TOLOWER "${ref}" ref)
  if(ref MATCHES "alpine")
    set(family alpine)
  elseif(ref MATCHES
         "(^|[/:_.-])(debian|ubuntu|buster|bullseye|bookworm|trixie|focal|jammy|noble)([/:_.@-]|$)")
    set(family debian)
  elseif(ref MATCHES "amazonlinux|fedora|centos|rocky|alma|rhel|ubi[0-9]|/lambda/|aws-lambda")
    set(family redhat)
  else()
    set(family unknown)
  endif()
  set(${out} ${family} PARENT_SCOPE)
endfunction()

# _hubtel_image_libc(<out> <ref>) gives the C library an image's name implies: musl or glibc.
function(_hubtel_image_libc out ref)
  string(TOLOWER "${ref}" ref)
  if(ref MATCHES "alpine|musl")
    set(${out} musl PARENT_SCOPE)
  else()
    set(${out} glibc PARENT_SCOPE)
  endif()
endfunction()

# _hubtel_requirement_links(<out> <fn> <name> <requirements> <context>) lists the --find-links
# folders a requirements file names, relative to the context; they must lie inside it.
function(_hubtel_requirement_links out fn name requirements context)
  file(STRINGS "${requirements}" lines REGEX "^[ \t]*(-f|--find-links)")
  get_filename_component(req_dir "${requirements}" DIRECTORY)
  set(links)
  foreach(line IN LISTS lines)
    if(line MATCHES "^[ \t]*(-f|--find-links)[ \t=]+([^ \t]+)")
      set(link "${CMAKE_MATCH_2}")
      if(link MATCHES "^[a-z]+://")
        continue()
      endif()
      get_filename_component(link_path "${link}" ABSOLUTE BASE_DIR "${req_dir}")
      if(NOT IS_DIRECTORY "${link_path}")
        _hubtel_fail(${fn} ${name} "REQUIREMENTS \"${requirements}\" names --find-links "
                     "\"${link}\", but ${link_path} is not a directory")
      endif()
      _hubtel_check_inside(${fn} ${name} "--find-links folder" "${link_path}" "${context}")
      file(RELATIVE_PATH rel "${context}" "${link_path}")
      _hubtel_check_match(${fn} ${name} "--find-links folder" "^[A-Za-z0-9_./@+-]+$"
                          "a path of letters, digits and ._/@+-" "${rel}")
      list(APPEND links "${rel}")
    endif()
  endforeach()
  set(${out} ${links} PARENT_SCOPE)
endfunction()

# _hubtel_json_string(<out> <value>) escapes a value (already free of control characters) for a
# JSON string in a file(GENERATE) content: '$' becomes $<1:$>, so nothing in a value is read as a
# generator expression.
function(_hubtel_json_string out value)
  if(NOT value MATCHES "[\\\\\"$]")
    set(${out} "${value}" PARENT_SCOPE)
    return()
  endif()
  string(REPLACE "\\" "\\\\" value "${value}")
  string(REPLACE "\"" "\\\"" value "${value}")
  string(REPLACE "$" "$<1:$>" value "${value}")
  set(${out} "${value}" PARENT_SCOPE)
endfunction()

# _hubtel_json_list(<out> <value>...) makes a JSON array of strings.
function(_hubtel_json_list out)
  if(NOT ARGN)
    set(${out} "[]" PARENT_SCOPE)
    return()
  endif()
  set(items)
  foreach(value IN LISTS ARGN)
    _hubtel_json_string(value "${value}")
    list(APPEND items "\"${value}\"")
  endforeach()
  string(JOIN ", " joined ${items})
  set(${out} "[${joined}]" PARENT_SCOPE)
endfunction()

# _hubtel_shell_list(<out> <value>...) makes a JSON array of shell words: each value single-quoted
# for sh, so a template can paste it into a RUN line as it is.
function(_hubtel_shell_list out)
  set(items)
  foreach(value IN LISTS ARGN)
    string(REPLACE "'" "'\\''" value "${value}")
    _hubtel_json_string(value "'${value}'")
    list(APPEND items "\"${value}\"")
  endforeach()
  string(JOIN ", " joined ${items})
  set(${out} "[${joined}]" PARENT_SCOPE)
endfunction()

# _hubtel_key_value_json(<out-object> <out-list> <K=V>...) makes {"K": "V"} and
# [{"key": "K", "value": "V"}] of KEY=value arguments.
function(_hubtel_key_value_json out_object out_list)
  set(members)
  set(items)
  foreach(pair IN LISTS ARGN)
    string(FIND "${pair}" "=" at)
    string(SUBSTRING "${pair}" 0 ${at} key)
    math(EXPR at "${at} + 1")
    string(SUBSTRING "${pair}" ${at} -1 value)
    _hubtel_json_string(value "${value}")
    list(APPEND members "\"${key}\": \"${value}\"")
    list(APPEND items "{\"key\": \"${key}\", \"value\": \"${value}\"}")
  endforeach()
  string(JOIN ", " members ${members})
  string(JOIN ", " items ${items})
  set(${out_object} "{${members}}" PARENT_SCOPE)
  set(${out_list} "[${items}]" PARENT_SCOPE)
endfunction()

# _hubtel_prepare_templates(<out-dir>) copies HubtelAI's templates into the build tree, once per
# configure, beside a generated partial, builder-files.mustache, that writes HubtelAI's scripts
# and toolchain files into a builder stage (the context stays the project's own). Each file is
# written only when it changes.
function(_hubtel_prepare_templates out_dir)
  set(dir "${CMAKE_BINARY_DIR}/hubtel/templates")
  set(${out_dir} "${dir}" PARENT_SCOPE)
  get_property(done GLOBAL PROPERTY _HUBTEL_TEMPLATES_PREPARED)
  if(done)
    return()
  endif()
  set_property(GLOBAL PROPERTY _HUBTEL_TEMPLATES_PREPARED TRUE)
  file(GLOB templates "${_HUBTEL_TEMPLATE_DIR}/*.mustache")
  foreach(template IN LISTS templates)
    get_filename_component(base "${template}" NAME)
    configure_file("${template}" "${dir}/${base}" COPYONLY)
  endforeach()

  set(tools "${_HUBTEL_TEMPLATE_DIR}")
  set(root "${_HUBTEL_ROOT_DIR}")
  _hubtel_printf_block(
    native
    "/opt/hubtel/bin/hubtel-deps=${tools}/hubtel-deps.sh"
    "/opt/hubtel/bin/hubtel-build=${tools}/hubtel-build.sh"
    "/opt/hubtel/bin/hubtel-collect=${tools}/hubtel-collect.sh"
    "/opt/hubtel/toolchains/aarch64-linux-gnu.cmake=${root}/toolchains/aarch64-linux-gnu.cmake"
    "/opt/hubtel/toolchains/x86_64-linux-gnu.cmake=${root}/toolchains/x86_64-linux-gnu.cmake"
    "/opt/hubtel/cmake/HubtelAIConfig.cmake=${root}/cmake/HubtelAIBuilder.cmake"
    "/opt/hubtel/cmake/HubtelAIConfigVersion.cmake=${root}/cmake/HubtelAIBuilderVersion.cmake")
  _hubtel_printf_block(python "/opt/hubtel/bin/hubtel-deps=${tools}/hubtel-deps.sh")
  _hubtel_printf_block(python_plain "/opt/hubtel/bin/hubtel-deps=${tools}/hubtel-deps.sh"
                       "/opt/hubtel/bootstrap.py=${tools}/bootstrap.py")
  string(
    CONCAT
      partial
      "{{! Generated by HubtelAI: writes its scripts and files into a stage's own root. }}\n"
      "# HubtelAI's helper scripts and files for this stage (from HubtelAI, not the context).\n"
      "{{#kind_native}}\n${native}{{/kind_native}}\n"
      "{{#kind_python}}\n{{#lambda_base}}\n${python}{{/lambda_base}}\n"
      "{{^lambda_base}}\n${python_plain}{{/lambda_base}}\n{{/kind_python}}\n")
  _hubtel_write_if_changed("${dir}/builder-files.mustache" "${partial}")
endfunction()

# _hubtel_printf_block(<out> <path=source>...) makes a RUN instruction that writes each source
# file to its path with printf, one single-quoted shell word a line.
function(_hubtel_printf_block out)
  set(block "RUN mkdir -p /opt/hubtel/bin /opt/hubtel/cmake /opt/hubtel/toolchains")
  foreach(entry IN LISTS ARGN)
    string(FIND "${entry}" "=" at)
    string(SUBSTRING "${entry}" 0 ${at} path)
    math(EXPR at "${at} + 1")
    string(SUBSTRING "${entry}" ${at} -1 source)
    file(READ "${source}" text)
    if(text MATCHES "\t|{{")
      message(FATAL_ERROR "HubtelAI's own ${source} holds a tab or a Mustache tag; it must not")
    endif()
    string(REPLACE "'" "'\\''" text "${text}")
    string(REGEX REPLACE "\n$" "" text "${text}")
    string(REPLACE "\n" "' \\\n    '" text "${text}")
    string(APPEND block " \\\n && printf '%s\\n' \\\n    '${text}' \\\n    > ${path}")
  endforeach()
  string(APPEND block " \\\n && chmod 0755 /opt/hubtel/bin/*\n")
  set(${out} "${block}" PARENT_SCOPE)
endfunction()

# _hubtel_write_if_changed(<path> <content>) writes through a temporary file and a rename, and
# only when the content differs, so Ninja sees no change when there is none.
function(_hubtel_write_if_changed path content)
  if(EXISTS "${path}")
    file(READ "${path}" old)
    if(old STREQUAL content)
      return()
    endif()
  endif()
  string(RANDOM LENGTH 8 suffix)
  file(WRITE "${path}.tmp-${suffix}" "${content}")
  file(RENAME "${path}.tmp-${suffix}" "${path}")
endfunction()
