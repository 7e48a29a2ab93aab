#[=======================================================================[.rst:
HubtelAISpec
------------

The image spec: what :command:`hubtel_add_lambda_image` accepts, the defaults it applies, and
``hubtel/<name>/spec.json`` (``"spec_version": 2``), the one file per image the helper reads.

The keywords of :command:`hubtel_add_lambda_image`, each with its values:

  .. code-block:: cmake

    hubtel_add_lambda_image(<name>
      RUNTIME <provided.al2023 | provided.al2 | python3.11 | python3.12 | python3.13>
      [TARGET <executable>]
      [HANDLER <module.function>]
      [SOURCES <file-or-dir>...]
      [REQUIREMENTS <requirements.txt | pyproject.toml>...]
      [ARCHITECTURES <x86_64|arm64>...]
      [BUILDER_IMAGE <ref>] [RUNTIME_IMAGE <ref>] [BUILDER_FAMILY <debian|redhat|alpine>]
      [BUILDER_PACKAGES <pkg>...]
      [LAMBDA_BASE <ON|OFF>]
      [CONTEXT <dir>]
      [CMAKE_ARGS <-DVAR=value>...] [BUILD_TYPE <config>]
      [TESTS <ON|OFF>] [TEST_ARGS <arg>...]
      [STAGES <dev|debug>...]
      [TEMPLATE <file.mustache>]
      [BUILD_ARGS <K=V>...] [SECRETS <id=path>...] [BUILD_NETWORK <host|none|default>]
      [MAX_SIZE <size>]
      [EVENT <event.json> | EVENT_KIND <kind>]
      [REPOSITORY <registry/repo>] [TAG <tag>]
      [FUNCTION_NAME <name>] [ROLE <arn>] [MEMORY <MiB>] [TIMEOUT <s>]
      [PUBLISH <ON|OFF>] [ALIAS <name>] [KEEP_IMAGES <n>]
      [SBOM_FORMAT <spdx|cyclonedx>]
      [ENVIRONMENT <K=V>...] [SECRET_ENVIRONMENT <K=file:path | K=ssm:name>...])

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
    only the host meets), and ``BUILD_TESTING`` is ``OFF`` there unless ``TESTS`` (or
    ``CMAKE_ARGS``) turns it on. The image depends on the host build of this target, which stands for all its
    sources, headers and libraries: the host builds it too, so it needs the target's -dev
    packages as well.

  ``HANDLER``
    Python runtimes: the handler as ``module.function`` (the image's ``CMD``).

  ``SOURCES``
    Python runtimes: files and folders copied into the task root (``/var/task``). Relative
    paths here, in ``REQUIREMENTS`` and in ``EVENT`` are taken from the current source
    directory.

  ``REQUIREMENTS``
    Python runtimes: a ``requirements.txt``, a ``pyproject.toml``, or one of each, installed
    with ``pip install --target`` in a layer of their own, so an edit to the handler does not
    reinstall them. ``--find-links`` and ``-f`` paths in a requirements file are taken relative
    to it, for private wheels (add ``--no-index`` when they are all there is, so pip never asks
    PyPI); its other pip options (``--hash``, ``--no-index``) hold for the whole install. Only
    that file and those folders reach the builder: a line that names another file or folder of
    the machine (``-r``, ``-c``, ``-e .``, ``./pkg``, a local wheel, ``file:``) is refused here;
    remote ones (``-r https://...``, ``git+https://...``) are pip's to fetch. Of a
    ``pyproject.toml`` (a file of that name), the PEP 621 ``[project] dependencies`` are
    installed; when it also has a ``[build-system]``, the project itself is built with the
    builder's own build backend (offline: ``pip install --no-build-isolation --no-deps``) and
    installed in a layer of its own, from its folder (less the build tree, ``.git`` and
    ``__pycache__``). A ``pyproject.toml`` without a ``[project]`` table is refused here; the
    builder reads it exactly and fails the build, naming the file and the key, when
    ``[project]`` is missing or bad, when ``dependencies`` is ``dynamic`` and no requirements
    file is named, or when the build backend or a ``[build-system] requires`` is not in the
    builder (pip fetches nothing to build the project). The byte code of the requirements, the
    project and ``SOURCES`` is compiled in the image (``checked-hash`` ``.pyc`` files, which do
    not depend on file times) when the builder's Python is the runtime base's (read from its
    files, nothing of it runs); otherwise the build log says so and the runtime compiles at
    first import, as without HubtelAI.

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
    cross-compile), ``redhat`` (dnf, microdnf or yum) or ``alpine`` (apk). It decides here, at
    configure time, whether the builder cross-compiles and which C library it has; the package
    step finds the package manager in the image itself.

  ``BUILDER_PACKAGES``
    Extra packages for the builder (the host's own build needs them too, see ``TARGET``),
    installed with its own package manager; on a Debian cross
    builder they are installed for the target architecture (``libcurl4-openssl-dev`` becomes
    ``libcurl4-openssl-dev:arm64``). The package manager runs only for what the builder lacks.
    With docker's built-in BuildKit (a client older than 23), a Debian builder's package
    database is read before the build (once per builder image id, kept in
    ``~/.cache/hubtel-ai/builders``, from a container created and never started, through the
    daemon's socket where Debian's client would reach that daemon; a probe container an
    interrupted build left is removed by the next probe after ten minutes); when the builder
    has every package, the image has no package step at all (and a ``deps_extra``
    block runs on the builder as it is, with nothing installed after it).

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
    does not reach it), and its build type (default ``Release``). With a multi-config generator
    (Ninja Multi-Config) each configuration builds its own image, by default with the
    configuration's name as build type; a ``BUILD_TYPE`` given wins in every configuration.

  ``TESTS``, ``TEST_ARGS``
    Native runtimes: with ``TESTS ON`` (default ``OFF``) the builder stage also builds the
    project's tests and runs them, for the image's architecture, before the runtime stage takes
    anything: it configures with ``BUILD_TESTING=ON``, builds the default target (``all``) and
    runs ``ctest --output-on-failure --no-tests=error`` in the build folder with ``TEST_ARGS``
    appended, one argument each (e.g. ``-L unit``, ``-E slow``, ``-V`` for every test's output).
    A cross-compiled architecture's tests run under QEMU: the builder then installs
    ``qemu-user-static`` and configures with it as ``CMAKE_CROSSCOMPILING_EMULATOR`` (with the
    cross toolchain's libraries as its ``-L`` root), so tests added with ``add_test(NAME ...
    COMMAND <target>)`` run emulated; an emulated builder runs them as it runs the compiler. A
    failing test fails ``<name>-image`` with ctest's output, and the image's id stays as it was;
    finding no test to run (none defined, or none that ``TEST_ARGS`` selects) fails it too. An
    edit of a test builds the image again, as any edit in its context does. ``TEST_ARGS``
    without ``TESTS ON`` is an error, and Python images take neither.

  ``STAGES``
    Extra stages, each built by ``<name>-image-<stage>`` and tagged
    ``hubtel/<name>:<stage>-<arch>``: ``dev`` (the builder with the sources) and ``debug``
    (the runtime with ``gdb`` and the unstripped program; ``BUILD_TYPE RelWithDebInfo`` gives
    it line numbers, and the sources are in the ``dev`` stage at ``/src``).

  ``TEMPLATE``
    A Mustache template that replaces the default Dockerfile template, or extends it with
    Mustache inheritance: ``{{< Dockerfile.native}}`` or ``{{< Dockerfile.python}}`` with
    ``{{$block}}`` overrides (``deps_extra`` in the builder's package stage, both of its
    variants: with docker, a builder that lacks nothing has no package step, ``build_extra``
    after the build, where in a native image files put under ``/out/rootfs`` land in the
    runtime image, and ``runtime_extra`` in the runtime stage). Partials are found among
    HubtelAI's templates, then beside the template. Its data is the image spec
    ``hubtel/<name>/spec.json``, with the keys derived from it that version 1 of the spec held
    (``kind_native``, ``stage_debug``, ``build_args_list`` and the others) and those the reader
    works out (``dir``, ``build_cache_id``, each source's ``name``; and
    ``engine_selects_stages``, true when the engine picks a stage by a build argument), so
    templates written for it
    keep working, with one exception: ``builder_family`` is gone, as the family is settled at
    configure time (``cross`` holds what it decides).

  ``BUILD_ARGS``
    ``KEY=value`` build arguments for the engine.

  ``SECRETS``
    ``id=path`` secrets mounted with BuildKit secret mounts at ``/run/secrets/<id>`` in the
    build steps; they never land in a layer, and a new secret alone rebuilds nothing.

  ``BUILD_NETWORK``
    The network the build steps (``RUN``) get: ``host`` (the machine's own network), ``none``
    (no network at all: a build that downloads nothing, FetchContent included) or ``default``
    (the engine's own: a network namespace of its own per step, which the engine sets up at
    every ``RUN``, about 0.3 s each with Docker). Unless given here or by
    ``HUBTEL_BUILD_NETWORK``, builds on Docker's built-in BuildKit, podman and buildah get
    ``host`` and builds on a buildx builder that builder's default. Each value is a cache of
    its own: changing it builds the image again.

  ``MAX_SIZE``
    A budget for ``<name>-size`` (e.g. ``50MiB``); the 10 GB Lambda limit always applies.

  ``EVENT``
    The event ``<name>-invoke`` sends (default ``{}``).

  ``EVENT_KIND``
    Instead of ``EVENT``: ``<name>-invoke`` sends the sample event of that kind, as
    ``hubtel-ai event <kind>`` prints it (``apigw-rest``, ``apigw-http``, ``function-url``,
    ``alb``, ``s3-put``, ``s3-delete``, ``sqs``, ``sns``, ``eventbridge``, ``scheduled``,
    ``dynamodb-stream``, ``kinesis`` or ``cloudwatch-logs``).

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

  ``PUBLISH``
    Whether each deploy that changes the function publishes a version of it (default ``ON``),
    described by the image's reference and the git revision of the context, for
    ``<name>-versions`` to list and ``<name>-rollback`` to go back to. With ``OFF`` the
    function's ``$LATEST`` alone is updated, and there is nothing to roll back to.

  ``ALIAS``
    An alias of the function (e.g. ``live``; letters, digits, ``-`` and ``_``, not digits
    alone) that ``<name>-deploy`` creates, or moves, to the version each deploy publishes, so
    callers of the alias get each new version at once. A deploy prints the version, the alias
    and the image's digest, and records the alias in ``deploy.json``; renaming the alias
    deploys again and leaves the old one where it was.

  ``KEEP_IMAGES``
    Clean up after each deploy (1 to 1000): ``<name>-deploy`` then deletes the function's
    published versions beyond the ``<n>`` newest that no alias points to, and then every image
    in ``REPOSITORY`` that no remaining version, alias or ``$LATEST`` runs and that is not among
    the ``<n>`` newest pushes; ``<name>-gc`` does the same alone, and ``hubtel-ai gc --dry-run``
    prints the plan. What is in use is read from Lambda, never from the build tree. For ECR it
    also sets the repository's lifecycle policy to expire untagged images past ``<n>``.

  ``SBOM_FORMAT``
    The format of the SBOM ``<name>-sbom`` writes for each architecture: ``spdx`` (the default,
    SPDX 2.3 JSON, ``hubtel/<name>/sbom-<arch>.spdx.json``) or ``cyclonedx`` (CycloneDX 1.5
    JSON, ``hubtel/<name>/sbom-<arch>.cdx.json``). It names the base image by name and digest,
    every package of the runtime image's package database (dpkg, or rpm for Amazon Linux), every
    file HubtelAI added with its SHA-256 (each bundled shared library with the builder's package
    and version it was copied from) and the Python distributions with their licences. It is read
    from the engine's copy of the image: no registry is needed. With a ``REPOSITORY``,
    ``<name>-push`` writes it first and attaches it to the pushed image's digest as an OCI
    referrer (or, where the registry has no referrers API, under the tag
    ``sha256-<digest>.sbom``), never inside the image's manifest.

.. variable:: HUBTEL_BUILD_NETWORK

  ``BUILD_NETWORK`` of the images whose call gives none: ``host``, ``none`` or ``default``
  (default empty: ``host``, or a buildx builder's own default).

.. variable:: HUBTEL_DEFAULT_ARCHITECTURES

  The architectures of images whose call names none (default ``x86_64``).

.. variable:: HUBTEL_CROSS_COMPILE

  Cross-compile foreign architectures on the build platform where the builder can (a Debian
  builder; default ``ON``); ``OFF`` emulates them (QEMU).

.. variable:: HUBTEL_RUNTIME_IMAGE_<RUNTIME>

  The runtime base of images of ``<RUNTIME>`` (in upper case with ``.`` as ``_``, e.g.
  ``HUBTEL_RUNTIME_IMAGE_PROVIDED_AL2023``) that name no ``RUNTIME_IMAGE``;
  ``HUBTEL_BUILDER_IMAGE_<RUNTIME>`` likewise for ``BUILDER_IMAGE``. The defaults are AWS's
  images.

Each keyword's values follow one rule (a pattern, a length limit and the words its error shows)
of one table, in ``modules/HubtelAISpec.cmake``, checked at configure time.
#]=======================================================================]
include_guard(GLOBAL)
cmake_policy(PUSH)
cmake_policy(VERSION 3.20)
include("${CMAKE_CURRENT_LIST_DIR}/HubtelAIValidate.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/HubtelAITemplates.cmake")

# Whether an image's builds share their caches through its REPOSITORY: a fact of each image's
# spec, documented with the push that sends the cache (HubtelAIDeploy).
option(HUBTEL_REGISTRY_CACHE "Share image build caches through each image's REPOSITORY" OFF)

# _hubtel_rule(<keyword> [LIMIT <characters>] [MATCHES <regex> <words>] [NOT <noun>]
#              [ONE_OF <value>...] [RANGE <min> <max>] [RESERVED <regex> <why>]
#              [PART <prefix-regex> <min> <max> <words>] [SIZE])
# records the rule one keyword's values follow: at most LIMIT characters; MATCHES, else "is not
# <noun> (default valid): expected <words>"; ONE_OF, else "is not supported"; RANGE bounds a
# whole number; RESERVED refuses the key of a KEY=value; PART bounds the length of what follows
# a prefix; SIZE bounds a byte count.
function(_hubtel_rule keyword)
  cmake_parse_arguments(PARSE_ARGV 1 rule "SIZE" "LIMIT;NOT" "MATCHES;ONE_OF;RANGE;RESERVED;PART")
  if(rule_ONE_OF)
    string(REPLACE "." "\\." alternatives "${rule_ONE_OF}")
    string(REPLACE ";" "|" alternatives "${alternatives}")
    string(JOIN ", " words ${rule_ONE_OF})
    set(rule_MATCHES "^(${alternatives})$" "${words}")
    set(rule_NOT supported)
    set_property(GLOBAL PROPERTY _HUBTEL_CHOICES_${keyword} ${rule_ONE_OF})
  endif()
  # A pattern that leaves the end of a value open refuses control characters there, so a value
  # that matches needs no second look.
  if(rule_MATCHES AND NOT rule_MATCHES MATCHES "[$];")
    get_property(control GLOBAL PROPERTY _HUBTEL_CONTROL_CHARS)
    string(REPLACE "[" "[^" others "${control}")
    list(POP_FRONT rule_MATCHES pattern)
    list(PREPEND rule_MATCHES "${pattern}${others}*$")
  endif()
  # One property a row, read with one call: limit, noun, the kind of extra check, pattern, words;
  # the extra check's own values in a second property.
  set(extra "")
  foreach(kind IN ITEMS RANGE RESERVED PART)
    if(rule_${kind})
      set(extra ${kind})
      set_property(GLOBAL PROPERTY _HUBTEL_RULE_${kind}_${keyword} ${rule_${kind}})
    endif()
  endforeach()
  if(rule_SIZE)
    set(extra SIZE)
  endif()
  set_property(GLOBAL PROPERTY _HUBTEL_RULE_${keyword} "${rule_LIMIT}" "${rule_NOT}" "${extra}"
                               ${rule_MATCHES})
endfunction()

# _hubtel_check_repository_path(<fn> <name> <repository>): the repository read as Docker reads a
# name, which the REPOSITORY rule's one pattern cannot say within CMake's ten groups: a first part
# is the registry only with a '.' or a port, or as localhost (else the whole is a Docker Hub
# path); the path's parts are lowercase letters and digits joined by one '.', one or two '_', or
# dashes.
function(_hubtel_check_repository_path fn name repository)
  set(path "${repository}")
  string(FIND "${repository}" "/" slash)
  if(slash GREATER 0)
    string(SUBSTRING "${repository}" 0 ${slash} first)
    if(first MATCHES "[.:]" OR first STREQUAL "localhost")
      math(EXPR rest "${slash} + 1")
      string(SUBSTRING "${repository}" ${rest} -1 path)
    endif()
  endif()
  if(path MATCHES "^[a-z0-9]+((\\.|__?|-+)[a-z0-9]+)*(/[a-z0-9]+((\\.|__?|-+)[a-z0-9]+)*)*$")
    return()
  endif()
  set(host "")
  if(path STREQUAL repository AND slash GREATER 0)
    string(CONCAT host " (\"${first}\" has no '.' or port, so Docker takes it for part of a "
                  "Docker Hub path, not a registry host)")
  endif()
  _hubtel_fail(
    ${fn} ${name} "REPOSITORY \"${repository}\" is not valid: its path \"${path}\"${host} must be "
    "lowercase letters and digits, in parts joined by '/', each part's runs joined by one '.', "
    "one or two '_', or dashes (e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com/team/hello)")
endfunction()

# Variables Lambda sets itself, which a function may not set.
string(
  JOIN
  "|"
  _hubtel_reserved
  _HANDLER
  _X_AMZN_TRACE_ID
  AWS_DEFAULT_REGION
  AWS_REGION
  AWS_EXECUTION_ENV
  AWS_LAMBDA_FUNCTION_NAME
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE
  AWS_LAMBDA_FUNCTION_VERSION
  AWS_LAMBDA_INITIALIZATION_TYPE
  AWS_LAMBDA_LOG_GROUP_NAME
  AWS_LAMBDA_LOG_STREAM_NAME
  AWS_ACCESS_KEY
  AWS_ACCESS_KEY_ID
  AWS_SECRET_ACCESS_KEY
  AWS_SESSION_TOKEN
  AWS_LAMBDA_RUNTIME_API
  LAMBDA_TASK_ROOT
  LAMBDA_RUNTIME_DIR)
# CMake's regular expressions have no {n}: a digest's 64 hex digits are spelled out.
string(REPEAT "[a-f0-9]" 64 _hubtel_digest)
string(REPEAT "[0-9]" 12 _hubtel_account)
set(_hubtel_image
    "^[a-zA-Z0-9][a-zA-Z0-9._-]*(:[0-9]+)?(/[a-z0-9]+([._-]+[a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]*)?(@sha256:${_hubtel_digest})?$"
    "an image reference such as registry.example.com/team/base:tag")

# Values of keywords without a rule of their own still refuse control characters.
get_property(_hubtel_control GLOBAL PROPERTY _HUBTEL_CONTROL_CHARS)
string(REPLACE "[" "[^" _hubtel_others "${_hubtel_control}")
set_property(GLOBAL PROPERTY _HUBTEL_RULE_ "" "" "" "^${_hubtel_others}*$" "")
unset(_hubtel_control)
unset(_hubtel_others)

# The rules, one row a keyword (NAME is the image's name). CONTEXT_PATH is the rule of the paths
# SOURCES, REQUIREMENTS and --find-links name, relative to the build context.
_hubtel_rule(
  NAME LIMIT 64
  MATCHES "^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$"
          "lowercase letters, digits, '.', '_' and '-', starting and ending with a letter or digit")
_hubtel_rule(RUNTIME ONE_OF provided.al2023 provided.al2 python3.11 python3.12 python3.13)
_hubtel_rule(ARCHITECTURES ONE_OF x86_64 arm64)
_hubtel_rule(TARGET MATCHES "^[A-Za-z0-9_.+-]+$" "a plain target name")
_hubtel_rule(
  HANDLER MATCHES "^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*\\.[A-Za-z_][A-Za-z0-9_]*$"
                  "module.function, e.g. app.handler")
_hubtel_rule(CONTEXT_PATH MATCHES "^[A-Za-z0-9_./@+-]+$" "a path of letters, digits and ._/@+-")
_hubtel_rule(RUNTIME_IMAGE MATCHES ${_hubtel_image})
_hubtel_rule(BUILDER_IMAGE MATCHES ${_hubtel_image})
_hubtel_rule(BUILDER_FAMILY ONE_OF debian redhat alpine)
_hubtel_rule(BUILDER_PACKAGES MATCHES "^[A-Za-z0-9][A-Za-z0-9+._-]*(:[a-z0-9]+)?$" "a package name")
set(_hubtel_boolean
    "^([Oo][Nn]|[Oo][Ff][Ff]|[Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee]|[Yy][Ee][Ss]|[Nn][Oo]|[YyNn]|1|0)$"
    "a CMake boolean: ON or OFF (or TRUE, FALSE, YES, NO, Y, N, 1, 0)")
_hubtel_rule(LAMBDA_BASE MATCHES ${_hubtel_boolean})
_hubtel_rule(
  BUILD_TYPE
  MATCHES
    "^[A-Za-z][A-Za-z0-9_]*$"
    "a build type such as Release, not a generator expression (without BUILD_TYPE, a multi-config generator builds each configuration as its own build type)"
)
_hubtel_rule(CMAKE_ARGS MATCHES "^-D[A-Za-z_][A-Za-z0-9_.+-]*(:[A-Z]+)?=" "-DVARIABLE=value")
_hubtel_rule(STAGES ONE_OF dev debug)
_hubtel_rule(
  BUILD_ARGS MATCHES "^[A-Za-z_][A-Za-z0-9_]*=" "KEY=value"
  RESERVED "^(TARGET|BUILD)(ARCH|OS|PLATFORM|VARIANT)$|^HUBTEL_|^SOURCE_DATE_EPOCH$"
           "is set by the engine or by HubtelAI")
_hubtel_rule(SECRETS MATCHES "^[A-Za-z0-9_.-]+=." "id=path")
_hubtel_rule(
  MAX_SIZE SIZE NOT "a size"
  MATCHES "^([0-9]+)(\\.([0-9]+))?[ ]*(B|kB|KB|MB|GB|KiB|MiB|GiB)?$"
          "a number with an optional unit B, kB, MB, GB, KiB, MiB or GiB (e.g. 50MiB)")
_hubtel_rule(
  REPOSITORY
  LIMIT 255
  MATCHES
    "^([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*(:[0-9]+)?/)?[a-z0-9]+([._-]+[a-z0-9]+)*(/[a-z0-9]+([._-]+[a-z0-9]+)*)*$"
    "registry/repository, e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com/hello"
  PART "^[0-9]+\\.dkr\\.ecr\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?/" 2 256
       "an ECR repository name has 2 to 256 characters")
_hubtel_rule(
  TAG LIMIT 128 MATCHES "^[A-Za-z0-9_][A-Za-z0-9_.-]*$"
                        "letters, digits, '_', '.' and '-', not starting with '.' or '-'")
_hubtel_rule(
  EVENT_KIND
  MATCHES
    "^(apigw-rest|apigw-http|function-url|alb|s3-put|s3-delete|sqs|sns|eventbridge|scheduled|dynamodb-stream|kinesis|cloudwatch-logs)$"
    "a kind of sample event: apigw-rest, apigw-http, function-url, alb, s3-put, s3-delete, sqs, sns, eventbridge, scheduled, dynamodb-stream, kinesis or cloudwatch-logs (hubtel-ai event --list)"
)
_hubtel_rule(SBOM_FORMAT ONE_OF spdx cyclonedx)
_hubtel_rule(BUILD_NETWORK ONE_OF host none default)
_hubtel_rule(FUNCTION_NAME LIMIT 64 MATCHES "^[A-Za-z0-9_-]+$" "letters, digits, '-' and '_'")
_hubtel_rule(PUBLISH MATCHES ${_hubtel_boolean})
_hubtel_rule(TESTS MATCHES ${_hubtel_boolean})
# Each value is one argument of ctest, single-quoted in the builder's command: only control
# characters (and what every argument refuses) could break it.
_hubtel_rule(TEST_ARGS MATCHES "^." "an argument of ctest, e.g. -L unit or -E slow")
_hubtel_rule(
  KEEP_IMAGES
  LIMIT 4
  MATCHES "^[1-9][0-9]*$" "a whole number from 1 to 1000"
  RANGE 1 1000)
_hubtel_rule(ALIAS LIMIT 128 MATCHES "^[A-Za-z0-9_-]*[A-Za-z_-][A-Za-z0-9_-]*$"
                                     "letters, digits, '-' and '_', not digits alone")
_hubtel_rule(ROLE MATCHES "^arn:aws[a-z-]*:iam::${_hubtel_account}:role/[A-Za-z0-9+=,.@_/-]+$"
                          "an IAM role ARN, arn:aws:iam::<account>:role/<name>")
_hubtel_rule(
  MEMORY
  LIMIT 5
  MATCHES "^[1-9][0-9]*$" "a whole number from 128 to 10240"
  RANGE 128 10240)
_hubtel_rule(
  TIMEOUT
  LIMIT 3
  MATCHES "^[1-9][0-9]*$" "a whole number from 1 to 900"
  RANGE 1 900)
_hubtel_rule(ENVIRONMENT MATCHES "^[A-Za-z][A-Za-z0-9_]*=" "KEY=value"
             RESERVED "^(${_hubtel_reserved})$" "is reserved by Lambda")
_hubtel_rule(
  SECRET_ENVIRONMENT MATCHES "^[A-Za-z][A-Za-z0-9_]*=(file:.|ssm:[A-Za-z0-9_./-]+$)"
                             "KEY=file:<path> or KEY=ssm:<parameter name>"
  RESERVED "^(${_hubtel_reserved})$" "is reserved by Lambda")
unset(_hubtel_reserved)
unset(_hubtel_boolean)
unset(_hubtel_digest)
unset(_hubtel_account)
unset(_hubtel_image)

# How the keywords take their values, for cmake_parse_arguments().
set(_hubtel_one_value
    RUNTIME
    TARGET
    HANDLER
    BUILDER_IMAGE
    RUNTIME_IMAGE
    BUILDER_FAMILY
    LAMBDA_BASE
    CONTEXT
    BUILD_TYPE
    TEMPLATE
    MAX_SIZE
    EVENT
    EVENT_KIND
    REPOSITORY
    TAG
    FUNCTION_NAME
    ROLE
    MEMORY
    TIMEOUT
    PUBLISH
    ALIAS
    KEEP_IMAGES
    SBOM_FORMAT
    BUILD_NETWORK
    TESTS)
set(_hubtel_multi_value
    SOURCES
    REQUIREMENTS
    ARCHITECTURES
    BUILDER_PACKAGES
    CMAKE_ARGS
    STAGES
    BUILD_ARGS
    SECRETS
    ENVIRONMENT
    SECRET_ENVIRONMENT
    TEST_ARGS)
# Internal cache variables, not properties: they are read on every call, and reading a variable
# takes no command.
set(_HUBTEL_ONE_VALUE_KEYWORDS ${_hubtel_one_value} CACHE INTERNAL "")
set(_HUBTEL_MULTI_VALUE_KEYWORDS ${_hubtel_multi_value} CACHE INTERNAL "")
# The keywords that configure the Lambda function, which need FUNCTION_NAME.
set(_HUBTEL_FUNCTION_KEYWORDS
    ROLE
    MEMORY
    TIMEOUT
    ENVIRONMENT
    SECRET_ENVIRONMENT
    PUBLISH
    ALIAS
    KEEP_IMAGES
    CACHE INTERNAL "")
# The keywords whose members _hubtel_options_json() writes: a call that gives none of them gets
# the members it writes for none, worked out on the first such call and kept.
string(
  JOIN
  "|"
  _hubtel_options_regex
  BUILDER_PACKAGES
  STAGES
  BUILD_ARGS
  SECRETS
  MAX_SIZE
  REPOSITORY
  TAG
  FUNCTION_NAME
  SBOM_FORMAT
  BUILD_NETWORK
  ${_HUBTEL_FUNCTION_KEYWORDS})
set(_HUBTEL_OPTIONS_REGEX "^(${_hubtel_options_regex})$" CACHE INTERNAL "")
unset(_hubtel_options_regex)
string(JOIN "|" _hubtel_keywords_regex ${_hubtel_one_value} ${_hubtel_multi_value})
set(_HUBTEL_KEYWORDS_REGEX "^(${_hubtel_keywords_regex})$" CACHE INTERNAL "")
unset(_hubtel_keywords_regex)
unset(_hubtel_one_value)
unset(_hubtel_multi_value)

if(NOT CMAKE_SCRIPT_MODE_FILE)
  set(HUBTEL_DEFAULT_ARCHITECTURES x86_64
      CACHE STRING "Architectures of images whose call names none (x86_64 and/or arm64)")
  option(HUBTEL_CROSS_COMPILE
         "Cross-compile on the build platform where the builder can (else emulate)" ON)
  set(HUBTEL_BUILD_NETWORK ""
      CACHE STRING "The network of image build steps: host, none or default (empty: host)")
  set_property(CACHE HUBTEL_BUILD_NETWORK PROPERTY STRINGS "" host none default)
  # The AWS defaults; a cache variable a runtime lets a project point at its own mirror.
  get_property(_hubtel_runtimes GLOBAL PROPERTY _HUBTEL_CHOICES_RUNTIME)
  foreach(_hubtel_runtime IN LISTS _hubtel_runtimes)
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
  unset(_hubtel_runtimes)
  unset(_hubtel_runtime)
  unset(_hubtel_key)
  unset(_hubtel_version)
  unset(_hubtel_runtime_default)
  unset(_hubtel_builder_default)
endif()

# _hubtel_check_value(<out> <keyword> <value> [<label>]) checks one value of one keyword against
# its rule and gives the error text, or an empty string for a good value; <label> names the value
# in the text (default: the keyword; "the image name" for NAME). A keyword without a rule of its
# own only refuses control characters. It needs no project: cmake -P scripts call it too.
function(_hubtel_check_value out keyword value)
  get_property(rule GLOBAL PROPERTY _HUBTEL_RULE_${keyword})
  if(NOT rule)
    get_property(rule GLOBAL PROPERTY _HUBTEL_RULE_)
  endif()
  list(
    POP_FRONT
    rule
    limit
    noun
    extra
    pattern
    words)
  set(error "")
  # No value is longer than a path may be, and a long one is not echoed whole.
  string(LENGTH "${value}" length)
  if(length GREATER 4096 OR length EQUAL 0)
    string(SUBSTRING "${value}" 0 40 start)
    _hubtel_shown(start "${start}")
    if(length EQUAL 0)
      set(error "is empty; give a value, or leave the keyword out")
    else()
      set(error "\"${start}...\" is ${length} characters long; at most 4096 are allowed")
    endif()
  elseif(NOT value MATCHES "${pattern}")
    get_property(control GLOBAL PROPERTY _HUBTEL_CONTROL_CHARS)
    if(value MATCHES "${control}")
      _hubtel_shown(shown "${value}")
      set(what "a control character")
      if(value MATCHES "\n")
        set(what "a newline")
      endif()
      string(CONCAT error "\"${shown}\" contains ${what}; values must be single-line text "
                    "without control characters")
    elseif(noun STREQUAL "supported")
      set(error "\"${value}\" is not supported (supported: ${words})")
    elseif(noun STREQUAL "")
      set(error "\"${value}\" is not valid: expected ${words}")
    else()
      set(error "\"${value}\" is not ${noun}: expected ${words}")
    endif()
  elseif(NOT extra STREQUAL "")
    _hubtel_check_more(error ${keyword} "${value}" "${limit}" "${extra}" "${words}")
  elseif(NOT limit STREQUAL "")
    string(LENGTH "${value}" length)
    if(length GREATER limit)
      set(error "\"${value}\" is longer than ${limit} characters")
    endif()
  endif()
  if(error STREQUAL "")
    set(${out} "" PARENT_SCOPE)
  elseif(ARGC GREATER 3)
    set(${out} "${ARGV3} ${error}" PARENT_SCOPE)
  elseif(keyword STREQUAL "NAME")
    set(${out} "the image name ${error}" PARENT_SCOPE)
  else()
    set(${out} "${keyword} ${error}" PARENT_SCOPE)
  endif()
endfunction()

# _hubtel_check_argument(<keyword-var> <name> <value>) checks one argument of
# hubtel_add_lambda_image() as it was written, before a list could split or join it: no control
# character, no ';', no final '\' (it escapes the ';' after it) and no '[' or ']' without its
# pair (a list pairs them across values).
# <keyword-var> holds the keyword the value belongs to, empty for the first argument (the name);
# it is set to the keyword that the next value belongs to.
function(_hubtel_check_argument keyword_var name value)
  set(keyword "${${keyword_var}}")
  set(shown_name "${name}")
  if(keyword STREQUAL "")
    set(keyword "the image name")
    set(shown_name "")
    set(${keyword_var} "an argument" PARENT_SCOPE)
  elseif(value IN_LIST _HUBTEL_ONE_VALUE_KEYWORDS OR value IN_LIST _HUBTEL_MULTI_VALUE_KEYWORDS)
    set(${keyword_var} "${value}" PARENT_SCOPE)
    return()
  endif()
  # A keyword without a rule: only the control characters are checked.
  _hubtel_check_value(error ANY "${value}" "${keyword}")
  set(probe "x;${value};x")
  list(LENGTH probe probe_count)
  if(error STREQUAL "" AND value MATCHES ";")
    string(CONCAT error "${keyword} \"${value}\" holds a ';', which CMake reads as a list "
                  "separator; a value may not hold one")
  elseif(error STREQUAL "" AND value MATCHES "\\\\$")
    string(CONCAT error "${keyword} \"${value}\" ends with a '\\', which escapes the list "
                  "separator after it, so CMake joins the value with the next; a value may not "
                  "end with one")
  elseif(error STREQUAL "" AND NOT probe_count EQUAL 3)
    string(CONCAT error "${keyword} \"${value}\" holds a '[' or ']' without its pair, which "
                  "CMake's lists pair across values; a value may not hold one")
  elseif(error STREQUAL "")
    get_property(not_ascii GLOBAL PROPERTY _HUBTEL_NOT_ASCII)
    get_property(utf8 GLOBAL PROPERTY _HUBTEL_UTF8)
    if(value MATCHES "${not_ascii}" AND NOT value MATCHES "${utf8}")
      set(error "${keyword} holds bytes that are not UTF-8 text; write it in UTF-8")
    endif()
  endif()
  if(error)
    message(FATAL_ERROR "hubtel_add_lambda_image(${shown_name}): ${error}")
  endif()
endfunction()

# _hubtel_check_more(<out> <keyword> <value> <limit> <extra> <words>) checks what a pattern
# cannot: a value's length, and the extra check of its keyword's rule.
function(
  _hubtel_check_more
  out
  keyword
  value
  limit
  extra
  words)
  set(error "")
  string(LENGTH "${value}" length)
  if(NOT limit STREQUAL "" AND length GREATER limit)
    set(error "\"${value}\" is longer than ${limit} characters")
  elseif(extra STREQUAL "SIZE")
    _hubtel_size_bytes(bytes "${value}")
    if(NOT bytes MATCHES "^[1-9]")
      string(CONCAT error "\"${value}\" is not a size from 1 byte to 8 EiB (9223372036854775807 "
                    "bytes) with at most 6 decimals")
    endif()
  elseif(NOT extra STREQUAL "")
    get_property(arguments GLOBAL PROPERTY _HUBTEL_RULE_${extra}_${keyword})
    list(POP_FRONT arguments first second third fourth)
    if(extra STREQUAL "RANGE")
      if(value LESS first OR value GREATER second)
        set(error "\"${value}\" is not valid: expected ${words}")
      endif()
    elseif(extra STREQUAL "RESERVED")
      string(REGEX MATCH "^[^=]+" key "${value}")
      if(key MATCHES "${first}")
        set(error "${key} ${second}; choose another name")
      endif()
    elseif(extra STREQUAL "PART" AND value MATCHES "${first}")
      string(REGEX REPLACE "${first}" "" part "${value}")
      string(LENGTH "${part}" length)
      if(length LESS second OR length GREATER third)
        set(error "\"${value}\" is not valid: ${fourth}")
      endif()
    endif()
  endif()
  set(${out} "${error}" PARENT_SCOPE)
endfunction()

# _hubtel_size_bytes(<out> <size>) turns a size the MAX_SIZE rule matches ("50MiB", "1.5GB",
# "2000000") into a byte count: 0 when it is 0, and empty when it has more than 6 decimals or
# does not fit CMake's 64-bit signed numbers. The digits are checked before any multiplication.
function(_hubtel_size_bytes out value)
  set(${out} "" PARENT_SCOPE)
  string(REGEX MATCH "^([0-9]+)(\\.([0-9]+))?[ ]*(B|kB|KB|MB|GB|KiB|MiB|GiB)?$" ignored "${value}")
  set(whole "${CMAKE_MATCH_1}")
  set(fraction "${CMAKE_MATCH_3}")
  set(unit "${CMAKE_MATCH_4}")
  string(REGEX REPLACE "^0+(.)" "\\1" whole "${whole}")
  set(factor_ 1)
  set(factor_B 1)
  set(factor_kB 1000)
  set(factor_KB 1000)
  set(factor_MB 1000000)
  set(factor_GB 1000000000)
  set(factor_KiB 1024)
  set(factor_MiB 1048576)
  set(factor_GiB 1073741824)
  set(factor ${factor_${unit}})
  string(LENGTH "${fraction}" decimals)
  if(decimals GREATER 6)
    return()
  endif()
  set(largest 9223372036854775807)
  math(EXPR most "${largest} / ${factor}")
  string(LENGTH "${whole}" whole_digits)
  string(LENGTH "${most}" most_digits)
  # Digit strings of one length compare as text; a longer one is larger.
  if(whole_digits GREATER most_digits OR (whole_digits EQUAL most_digits AND whole STRGREATER most))
    return()
  endif()
  math(EXPR bytes "${whole} * ${factor}")
  if(decimals GREATER 0)
    string(REPEAT "0" ${decimals} zeros)
    string(REGEX REPLACE "^0+(.)" "\\1" fraction "${fraction}")
    math(EXPR part "${fraction} * ${factor} / 1${zeros}")
    math(EXPR room "${largest} - ${bytes}")
    if(part GREATER room)
      return()
    endif()
    math(EXPR bytes "${bytes} + ${part}")
  endif()
  set(${out} ${bytes} PARENT_SCOPE)
endfunction()

# _hubtel_check(<fn> <name> <keyword> <value>...) stops at the first value that breaks the
# keyword's rule.
function(_hubtel_check fn name keyword)
  foreach(value IN LISTS ARGN)
    _hubtel_check_value(error ${keyword} "${value}")
    if(error)
      message(FATAL_ERROR "${fn}(${name}): ${error}")
    endif()
  endforeach()
endfunction()

# _hubtel_spec(<name> <argument>...) takes the arguments of hubtel_add_lambda_image(<name> ...):
# checks them, applies the defaults, writes hubtel/<name>/spec.json and adds <name>-image, the
# target that stands for the image's ids and carries the image's record: the HUBTEL_* properties
# the functions that add the other targets read. What is rarely given is worked out by functions
# of its own, and what repeats from call to call (the defaults' checks, what the images and the
# context imply) once a configure, since a project may call this hundreds of times.
function(_hubtel_spec name)
  set(fn hubtel_add_lambda_image)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "${_HUBTEL_ONE_VALUE_KEYWORDS}"
                        "${_HUBTEL_MULTI_VALUE_KEYWORDS}")
  _hubtel_check_value(error NAME "${name}")
  if(error
     OR arg_UNPARSED_ARGUMENTS
     OR arg_KEYWORDS_MISSING_VALUES
     OR NOT DEFINED arg_RUNTIME
     OR TARGET ${name}-image)
    _hubtel_refuse_call(${fn} "${name}" "${error}" "${arg_UNPARSED_ARGUMENTS}"
                        "${arg_KEYWORDS_MISSING_VALUES}")
  endif()
  _hubtel_check_value(error RUNTIME "${arg_RUNTIME}")
  if(error)
    message(FATAL_ERROR "${fn}(${name}): ${error}")
  endif()
  if(arg_RUNTIME MATCHES "^provided")
    set(kind native)
    if(NOT DEFINED arg_TARGET
       OR DEFINED arg_HANDLER
       OR DEFINED arg_SOURCES
       OR DEFINED arg_REQUIREMENTS)
      _hubtel_refuse_kind(
        ${fn}
        ${name}
        ${arg_RUNTIME}
        TARGET
        "the executable target that becomes the bootstrap"
        "${arg_TARGET}"
        python
        HANDLER
        "${arg_HANDLER}"
        SOURCES
        "${arg_SOURCES}"
        REQUIREMENTS
        "${arg_REQUIREMENTS}")
    endif()
  elseif(
    NOT DEFINED arg_HANDLER
    OR DEFINED arg_TARGET
    OR DEFINED arg_CMAKE_ARGS
    OR DEFINED arg_BUILD_TYPE)
    _hubtel_refuse_kind(
      ${fn}
      ${name}
      ${arg_RUNTIME}
      HANDLER
      "module.function, e.g. app.handler"
      "${arg_HANDLER}"
      provided
      TARGET
      "${arg_TARGET}"
      CMAKE_ARGS
      "${arg_CMAKE_ARGS}"
      BUILD_TYPE
      "${arg_BUILD_TYPE}")
  else()
    set(kind python)
    foreach(keyword IN ITEMS TESTS TEST_ARGS)
      if(DEFINED arg_${keyword})
        _hubtel_fail(
          ${fn} ${name} "${keyword} is for the CTest tests of a CMake TARGET, which the builder "
          "builds and runs for provided runtimes; a ${arg_RUNTIME} image has none: drop "
          "${keyword}, and run the Python code's tests (e.g. pytest) before its image is built")
      endif()
    endforeach()
  endif()

  # The values given, checked every call; the defaults, from the cache, when first taken.
  set(given ${ARGN})
  list(FILTER given INCLUDE REGEX "${_HUBTEL_KEYWORDS_REGEX}")
  list(REMOVE_ITEM given RUNTIME)
  string(TOUPPER "${arg_RUNTIME}" runtime_key)
  string(REPLACE "." "_" runtime_key "${runtime_key}")
  if(NOT DEFINED arg_ARCHITECTURES AND NOT DEFINED arg_RUNTIME_IMAGE AND NOT DEFINED
                                                                         arg_BUILDER_IMAGE)
    set(arg_ARCHITECTURES ${HUBTEL_DEFAULT_ARCHITECTURES})
    set(arg_RUNTIME_IMAGE "${HUBTEL_RUNTIME_IMAGE_${runtime_key}}")
    set(arg_BUILDER_IMAGE "${HUBTEL_BUILDER_IMAGE_${runtime_key}}")
    set(defaulted ARCHITECTURES RUNTIME_IMAGE BUILDER_IMAGE)
  else()
    set(defaulted)
    if(NOT DEFINED arg_ARCHITECTURES)
      set(arg_ARCHITECTURES ${HUBTEL_DEFAULT_ARCHITECTURES})
      list(APPEND defaulted ARCHITECTURES)
    endif()
    if(NOT DEFINED arg_RUNTIME_IMAGE)
      set(arg_RUNTIME_IMAGE "${HUBTEL_RUNTIME_IMAGE_${runtime_key}}")
      list(APPEND defaulted RUNTIME_IMAGE)
    endif()
    if(NOT DEFINED arg_BUILDER_IMAGE)
      set(arg_BUILDER_IMAGE "${HUBTEL_BUILDER_IMAGE_${runtime_key}}")
      list(APPEND defaulted BUILDER_IMAGE)
    endif()
  endif()
  # Checked again only when other defaults are taken than last time.
  get_property(checked GLOBAL PROPERTY _HUBTEL_DEFAULTS_CHECKED_${runtime_key})
  if(NOT "${defaulted}" STREQUAL "${checked}")
    list(APPEND given ${defaulted})
    set_property(GLOBAL PROPERTY _HUBTEL_DEFAULTS_CHECKED_${runtime_key} ${defaulted})
  endif()
  foreach(keyword IN LISTS given)
    _hubtel_check(${fn} ${name} ${keyword} "${arg_${keyword}}")
  endforeach()
  if(arg_ARCHITECTURES MATCHES ";")
    _hubtel_check_unique(${fn} ${name} ARCHITECTURES ${arg_ARCHITECTURES})
  endif()
  # The registry, the function and the other options: members of their own, null or empty when
  # none is given.
  set(options ${given})
  list(FILTER options INCLUDE REGEX "${_HUBTEL_OPTIONS_REGEX}")
  if(options)
    _hubtel_options_json(options_json ${fn} ${name} ${ARGN})
  else()
    # One per default of BUILD_NETWORK, which a project may change between calls.
    get_property(options_json GLOBAL PROPERTY "_HUBTEL_NO_OPTIONS_JSON_${HUBTEL_BUILD_NETWORK}")
    if(NOT options_json)
      _hubtel_options_json(options_json ${fn} ${name})
      set_property(GLOBAL PROPERTY "_HUBTEL_NO_OPTIONS_JSON_${HUBTEL_BUILD_NETWORK}"
                                   "${options_json}")
    endif()
  endif()

  # What the images imply: whether the builder cross-compiles, and whether the runtime is a Lambda
  # base.
  set(images "${arg_BUILDER_IMAGE} ${arg_RUNTIME_IMAGE} ${arg_BUILDER_FAMILY} ${arg_LAMBDA_BASE}")
  get_property(facts GLOBAL PROPERTY _HUBTEL_IMAGE_FACTS_${images})
  if(NOT facts)
    _hubtel_image_facts(
      facts
      ${fn}
      ${name}
      "${arg_BUILDER_IMAGE}"
      "${arg_RUNTIME_IMAGE}"
      "${arg_BUILDER_FAMILY}"
      "${arg_LAMBDA_BASE}")
    set_property(GLOBAL PROPERTY _HUBTEL_IMAGE_FACTS_${images} "${facts}")
  endif()

  # The context, the templates, and what the image is built of.
  if(DEFINED arg_CONTEXT)
    _hubtel_absolute_path(context ${fn} ${name} CONTEXT "${arg_CONTEXT}" DIRECTORY)
    _hubtel_check(${fn} ${name} CONTEXT "${context}")
  elseif(kind STREQUAL "native")
    set(context "${CMAKE_SOURCE_DIR}")
  else()
    set(context "${CMAKE_CURRENT_SOURCE_DIR}")
  endif()
  # A multi-config generator (Ninja Multi-Config) builds each configuration's image of its own,
  # into a folder of its own: every file below, the spec included, exists once per configuration.
  set(dir "${CMAKE_BINARY_DIR}/hubtel/${name}")
  get_property(multi_config GLOBAL PROPERTY GENERATOR_IS_MULTI_CONFIG)
  if(multi_config)
    string(APPEND dir "/$<CONFIG>")
  endif()
  get_property(partials GLOBAL PROPERTY _HUBTEL_TEMPLATES_DIR)
  if(NOT partials)
    _hubtel_prepare_templates()
    get_property(partials GLOBAL PROPERTY _HUBTEL_TEMPLATES_DIR)
  endif()
  set(template_files)
  if(DEFINED arg_TEMPLATE)
    _hubtel_absolute_path(template ${fn} ${name} TEMPLATE "${arg_TEMPLATE}" FILE)
    get_filename_component(own_dir "${template}" DIRECTORY)
    list(APPEND partials "${own_dir}")
    file(GLOB template_files CONFIGURE_DEPENDS "${own_dir}/*.mustache")
  else()
    set(template "${partials}/Dockerfile.${kind}.mustache")
  endif()
  set(event_json null)
  set(event_kind_json null)
  if(DEFINED arg_EVENT AND DEFINED arg_EVENT_KIND)
    _hubtel_fail(${fn} ${name} "EVENT \"${arg_EVENT}\" and EVENT_KIND \"${arg_EVENT_KIND}\" "
                 "both name the event <name>-invoke sends; give one")
  endif()
  if(DEFINED arg_EVENT)
    _hubtel_absolute_path(event ${fn} ${name} EVENT "${arg_EVENT}" FILE)
    _hubtel_json_escape(event_json "${event}")
    set(event_json "\"${event_json}\"")
  elseif(DEFINED arg_EVENT_KIND)
    set(event_kind_json "\"${arg_EVENT_KIND}\"")
  endif()
  if(kind STREQUAL "native")
    _hubtel_native_spec(
      kind_json
      inputs
      ${fn}
      ${name}
      "${context}"
      "${arg_TARGET}"
      "${arg_BUILD_TYPE}"
      ${arg_CMAKE_ARGS})
    _hubtel_tests_json(tests_json ${fn} ${name} "${context}" "${arg_TESTS}" ${arg_TEST_ARGS})
    string(APPEND kind_json "${tests_json}")
  else()
    _hubtel_python_spec(
      kind_json
      inputs
      ${fn}
      ${name}
      "${context}"
      "${arg_RUNTIME}"
      "${arg_HANDLER}"
      "${arg_REQUIREMENTS}"
      ${arg_SOURCES})
  endif()

  # The spec, every fact once. The values were checked: only paths and free text may hold what
  # JSON or file(GENERATE) would read as syntax, and only they are escaped.
  set(escaped "${context}" "${template}" ${partials})
  if("${escaped}" MATCHES "[\\\\\"$]")
    _hubtel_json_escape(escaped "${escaped}")
  endif()
  list(POP_FRONT escaped context_json template_json)
  string(JOIN "\", \"" partials_json ${escaped})
  string(JOIN "\", \"" architectures_json ${arg_ARCHITECTURES})
  list(POP_FRONT facts cross lambda_base)
  string(
    CONCAT
      spec
      "{\n  \"spec_version\": 2,\n  \"hubtel_version\": \"${_HUBTEL_VERSION}\",\n"
      "  \"name\": \"${name}\",\n  \"runtime\": \"${arg_RUNTIME}\",\n"
      "  \"architectures\": [\"${architectures_json}\"],\n  \"context\": \"${context_json}\",\n"
      "  \"template\": \"${template_json}\",\n"
      "  \"partials\": [\"${partials_json}\"],\n  \"runtime_image\": \"${arg_RUNTIME_IMAGE}\",\n"
      "  \"builder_image\": \"${arg_BUILDER_IMAGE}\",\n"
      "  \"cross\": ${cross},\n  \"lambda_base\": ${lambda_base},\n  \"event\": ${event_json},\n"
      "  \"event_kind\": ${event_kind_json},\n"
      "${kind_json}${options_json}}\n")
  # file(GENERATE) writes at generate time, atomically and only when the content changed.
  file(GENERATE OUTPUT "${dir}/spec.json" CONTENT "${spec}")

  # The files of the image's folder that targets name, spelled on this side here alone and as the
  # helper's spec reader spells them (src/spec/image_spec.cpp): the spec, the prepared
  # Dockerfile, ignore file and image inputs, one image id and push record per architecture, the
  # SAM template and the deploy record.
  set(id_files ${arg_ARCHITECTURES})
  list(TRANSFORM id_files PREPEND "${dir}/image-")
  list(TRANSFORM id_files APPEND ".id")
  set(push_refs ${arg_ARCHITECTURES})
  list(TRANSFORM push_refs PREPEND "${dir}/push-")
  list(TRANSFORM push_refs APPEND ".ref")
  set(sbom_files ${arg_ARCHITECTURES})
  list(TRANSFORM sbom_files PREPEND "${dir}/sbom-")
  if("${arg_SBOM_FORMAT}" STREQUAL "cyclonedx")
    list(TRANSFORM sbom_files APPEND ".cdx.json")
  else()
    list(TRANSFORM sbom_files APPEND ".spdx.json")
  endif()
  add_custom_target(${name}-image DEPENDS ${id_files})
  set_target_properties(
    ${name}-image
    PROPERTIES HUBTEL_SPEC_FILE "${dir}/spec.json"
               HUBTEL_PREPARED_FILES
               "${dir}/Dockerfile;${dir}/Dockerfile.dockerignore;${dir}/image-inputs.json"
               HUBTEL_ID_FILES "${id_files}"
               HUBTEL_BASES_STAMP "${dir}/bases.stamp"
               HUBTEL_PUSH_REFS "${push_refs}"
               HUBTEL_SBOM_FILES "${sbom_files}"
               HUBTEL_SAM_FILE "${dir}/template.yaml"
               HUBTEL_DEPLOY_FILE "${dir}/deploy.json"
               HUBTEL_ARCHITECTURES "${arg_ARCHITECTURES}"
               HUBTEL_STAGES "${arg_STAGES}"
               HUBTEL_TEMPLATE "${template}"
               HUBTEL_TEMPLATE_FILES "${template_files}"
               HUBTEL_INPUTS "${inputs}"
               HUBTEL_KIND "${kind}"
               HUBTEL_FUNCTION_NAME "${arg_FUNCTION_NAME}"
               HUBTEL_REPOSITORY "${arg_REPOSITORY}")
endfunction()

# _hubtel_refuse_call(<fn> <name> <name-error> <unparsed> <missing>) stops a call whose name,
# keywords or RUNTIME are wrong, with the first of its faults.
function(_hubtel_refuse_call fn name name_error unparsed missing)
  if(name IN_LIST _HUBTEL_ONE_VALUE_KEYWORDS OR name IN_LIST _HUBTEL_MULTI_VALUE_KEYWORDS)
    _hubtel_fail(${fn} "" "the first argument is the image's name, but it is the keyword "
                 "${name}; call it as ${fn}(<name> RUNTIME <runtime> ...)")
  elseif(name_error)
    # A name too long to be one is quoted (cut) in the message alone.
    string(LENGTH "${name}" length)
    if(length GREATER 64)
      set(name "")
    endif()
    message(FATAL_ERROR "${fn}(${name}): ${name_error}")
  elseif(unparsed)
    list(GET unparsed 0 unknown)
    _hubtel_fail(${fn} ${name} "unknown argument \"${unknown}\"")
  elseif(missing)
    list(GET missing 0 keyword)
    _hubtel_fail(${fn} ${name} "${keyword} needs a value")
  elseif(TARGET ${name}-image)
    _hubtel_fail(${fn} ${name} "an image of this name exists already (target ${name}-image)")
  endif()
  get_property(supported GLOBAL PROPERTY _HUBTEL_CHOICES_RUNTIME)
  string(JOIN ", " supported ${supported})
  _hubtel_fail(${fn} ${name} "RUNTIME is required (supported: ${supported})")
endfunction()

# _hubtel_refuse_kind(<fn> <name> <runtime> <required> <words> <value> <other-kind>
#                     <keyword> <value>...) stops a call that lacks the keyword its runtime
# requires or gives one of another kind of runtime.
function(
  _hubtel_refuse_kind
  fn
  name
  runtime
  required
  words
  value
  other)
  if(value STREQUAL "")
    _hubtel_fail(${fn} ${name} "${required} is required for RUNTIME ${runtime} (${words})")
  endif()
  set(keyword "")
  foreach(item IN LISTS ARGN)
    if(keyword STREQUAL "")
      set(keyword "${item}")
    elseif(NOT item STREQUAL "")
      _hubtel_fail(${fn} ${name} "${keyword} is for ${other} runtimes, not ${runtime}")
    else()
      set(keyword "")
    endif()
  endforeach()
endfunction()

# _hubtel_options_json(<out> <fn> <name> <argument>...) checks what the options given imply
# together and gives their spec members: builder packages, stages, build arguments, secrets, the
# size budget, the registry and the function.
function(_hubtel_options_json out fn name)
  cmake_parse_arguments(PARSE_ARGV 3 arg "" "${_HUBTEL_ONE_VALUE_KEYWORDS}"
                        "${_HUBTEL_MULTI_VALUE_KEYWORDS}")
  _hubtel_check_unique(${fn} ${name} STAGES ${arg_STAGES})
  foreach(keyword IN ITEMS BUILD_ARGS ENVIRONMENT SECRET_ENVIRONMENT)
    set(keys ${arg_${keyword}})
    list(TRANSFORM keys REPLACE "=.*" "")
    _hubtel_check_unique(${fn} ${name} "${keyword} key" ${keys})
  endforeach()
  foreach(secret IN LISTS arg_SECRET_ENVIRONMENT)
    string(REGEX REPLACE "=.*" "" key "${secret}")
    if("${key}=" IN_LIST arg_ENVIRONMENT OR ";${arg_ENVIRONMENT};" MATCHES ";${key}=")
      _hubtel_fail(${fn} ${name} "${key} is in both ENVIRONMENT and SECRET_ENVIRONMENT; keep it "
                   "in one of them")
    endif()
  endforeach()
  if(NOT DEFINED arg_FUNCTION_NAME)
    foreach(keyword IN LISTS _HUBTEL_FUNCTION_KEYWORDS)
      if(DEFINED arg_${keyword})
        _hubtel_fail(${fn} ${name} "${keyword} configures a Lambda function, but no FUNCTION_NAME "
                     "is given; add FUNCTION_NAME <name> (the function to create or update)")
      endif()
    endforeach()
  elseif(NOT DEFINED arg_REPOSITORY)
    _hubtel_fail(
      ${fn} ${name} "FUNCTION_NAME \"${arg_FUNCTION_NAME}\" is deployed from a registry, but no "
      "REPOSITORY is given; add REPOSITORY <registry/repository> "
      "(e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com/${name})")
  endif()
  set(publish true)
  if(DEFINED arg_PUBLISH AND NOT arg_PUBLISH)
    set(publish false)
    if(DEFINED arg_ALIAS)
      _hubtel_fail(${fn} ${name} "ALIAS \"${arg_ALIAS}\" points at the version each deploy "
                   "publishes, but PUBLISH is OFF; drop ALIAS or PUBLISH OFF")
    endif()
  endif()
  if(DEFINED arg_REPOSITORY)
    _hubtel_check_repository_path(${fn} ${name} "${arg_REPOSITORY}")
  endif()
  # The clean-up takes a repository with KEEP_IMAGES as its function's own: no other image of the
  # project may push there.
  if(DEFINED arg_REPOSITORY)
    string(MAKE_C_IDENTIFIER "${arg_REPOSITORY}" key)
    get_property(users GLOBAL PROPERTY _HUBTEL_REPOSITORY_USERS_${key})
    foreach(user IN LISTS users)
      string(REGEX REPLACE ":.*" "" other "${user}")
      if(DEFINED arg_KEEP_IMAGES OR user MATCHES ":keep$")
        _hubtel_fail(
          ${fn} ${name} "REPOSITORY \"${arg_REPOSITORY}\" is also the repository of "
          "hubtel_add_lambda_image(${other}), and KEEP_IMAGES cleans a repository as its "
          "function's own; give each image its own REPOSITORY")
      endif()
    endforeach()
    set(user "${name}")
    if(DEFINED arg_KEEP_IMAGES)
      string(APPEND user ":keep")
    endif()
    set_property(GLOBAL APPEND PROPERTY _HUBTEL_REPOSITORY_USERS_${key} "${user}")
  endif()
  if(DEFINED arg_TAG AND NOT DEFINED arg_REPOSITORY)
    _hubtel_fail(${fn} ${name}
                 "TAG is given without REPOSITORY; add REPOSITORY <registry/repository>")
  endif()

  set(json "")
  foreach(keyword IN ITEMS BUILDER_PACKAGES STAGES)
    string(TOLOWER "${keyword}" member)
    _hubtel_json_list(list_json ${arg_${keyword}})
    string(APPEND json "  \"${member}\": ${list_json},\n")
  endforeach()
  # A secret's file is named by its absolute path; its content is read on deploy and invoke only.
  set(secret_environment)
  foreach(secret IN LISTS arg_SECRET_ENVIRONMENT)
    if(secret MATCHES "^([^=]+)=file:(.*)$")
      set(key "${CMAKE_MATCH_1}")
      _hubtel_absolute_path(file ${fn} ${name} "SECRET_ENVIRONMENT ${key}" "${CMAKE_MATCH_2}" FILE)
      set(secret "${key}=file:${file}")
    endif()
    list(APPEND secret_environment "${secret}")
  endforeach()
  set(arg_SECRET_ENVIRONMENT ${secret_environment})
  foreach(keyword IN ITEMS BUILD_ARGS ENVIRONMENT SECRET_ENVIRONMENT)
    string(TOLOWER "${keyword}" member)
    _hubtel_json_object(object_json ${arg_${keyword}})
    string(APPEND json "  \"${member}\": ${object_json},\n")
  endforeach()
  set(secrets "[]")
  if(arg_SECRETS)
    _hubtel_secrets_json(secrets ${fn} ${name} ${arg_SECRETS})
  endif()
  set(max_size null)
  if(DEFINED arg_MAX_SIZE)
    _hubtel_size_bytes(max_size "${arg_MAX_SIZE}")
  endif()
  string(APPEND json "  \"secrets\": ${secrets},\n  \"max_size_bytes\": ${max_size},\n")
  # Checked by their rules: none holds a quote, a backslash or a '$'.
  set(single
      REPOSITORY
      TAG
      FUNCTION_NAME
      ROLE
      MEMORY
      TIMEOUT
      ALIAS
      KEEP_IMAGES)
  foreach(keyword IN LISTS single)
    string(TOLOWER "${keyword}" member)
    if(NOT DEFINED arg_${keyword})
      string(APPEND json "  \"${member}\": null,\n")
    elseif(keyword MATCHES "MEMORY|TIMEOUT|KEEP_IMAGES")
      string(APPEND json "  \"${member}\": ${arg_${keyword}},\n")
    else()
      string(APPEND json "  \"${member}\": \"${arg_${keyword}}\",\n")
    endif()
  endforeach()
  set(registry_cache false)
  if(DEFINED arg_REPOSITORY AND HUBTEL_REGISTRY_CACHE)
    set(registry_cache true)
  endif()
  set(sbom_format spdx)
  if(DEFINED arg_SBOM_FORMAT)
    set(sbom_format ${arg_SBOM_FORMAT})
  endif()
  string(APPEND json "  \"sbom_format\": \"${sbom_format}\",\n")
  # The project's default, checked here: every configure writes the members of one call at least.
  set(build_network null)
  if(DEFINED arg_BUILD_NETWORK)
    set(build_network "\"${arg_BUILD_NETWORK}\"")
  elseif(NOT "${HUBTEL_BUILD_NETWORK}" STREQUAL "")
    _hubtel_check_value(error BUILD_NETWORK "${HUBTEL_BUILD_NETWORK}")
    if(error)
      _hubtel_shown(shown "${HUBTEL_BUILD_NETWORK}")
      _hubtel_fail(${fn} ${name} "HUBTEL_BUILD_NETWORK \"${shown}\" is not supported: expected "
                   "host, none or default (or empty for host)")
    endif()
    set(build_network "\"${HUBTEL_BUILD_NETWORK}\"")
  endif()
  string(APPEND json "  \"build_network\": ${build_network},\n")
  string(APPEND json "  \"publish\": ${publish},\n  \"registry_cache\": ${registry_cache}\n")
  set(${out} "${json}" PARENT_SCOPE)
endfunction()

# _hubtel_image_facts(<out> <fn> <name> <builder-image> <runtime-image> <builder-family>
#                     <lambda-base>) gives what the images imply, as a list: whether the
# builder cross-compiles (a Debian builder can, by its family, given or guessed from its name) and
# whether the runtime is a Lambda base. A builder and a runtime of different C libraries are
# refused.
function(
  _hubtel_image_facts
  out
  fn
  name
  builder
  runtime
  family
  lambda_base)
  if(family STREQUAL "")
    _hubtel_image_family(family "${builder}")
  endif()
  set(builder_libc glibc)
  set(runtime_libc glibc)
  string(TOLOWER "${builder}" builder_lower)
  string(TOLOWER "${runtime}" runtime_lower)
  if(builder_lower MATCHES "alpine|musl" OR family STREQUAL "alpine")
    set(builder_libc musl)
  endif()
  if(runtime_lower MATCHES "alpine|musl")
    set(runtime_libc musl)
  endif()
  if(NOT builder_libc STREQUAL runtime_libc)
    _hubtel_fail(
      ${fn} ${name} "BUILDER_IMAGE \"${builder}\" uses ${builder_libc} but RUNTIME_IMAGE "
      "\"${runtime}\" uses ${runtime_libc}: compiled code does not carry across C libraries; "
      "pick a builder and a runtime of the same libc family")
  endif()
  if(lambda_base STREQUAL "")
    set(lambda_base false)
    if(runtime MATCHES "^public\\.ecr\\.aws/lambda/|^amazon/aws-lambda-")
      set(lambda_base true)
    endif()
  elseif(lambda_base)
    set(lambda_base true)
  else()
    set(lambda_base false)
  endif()
  set(cross false)
  if(family STREQUAL "debian" AND HUBTEL_CROSS_COMPILE)
    set(cross true)
  endif()
  set(${out} ${cross} ${lambda_base} PARENT_SCOPE)
endfunction()

# _hubtel_native_spec(<out-json> <out-inputs> <fn> <name> <context> <target> <build-type>
#                     <cmake-arg>...) checks a native image's program and gives its spec members
# and the files its image is built of: none known here (the builder compiles the target from the
# context, not the host; each build writes the context's files as the image's depfile), unless
# the context's path holds a character a depfile cannot ('#', '$', ':' or '\\'): then the target,
# which the host builds first.
function(
  _hubtel_native_spec
  out_json
  out_inputs
  fn
  name
  context
  target
  build_type)
  if(NOT TARGET "${target}")
    _hubtel_fail(${fn} ${name} "TARGET \"${target}\" is not a target of this project "
                 "(define it with add_executable() before this call)")
  endif()
  get_target_property(type "${target}" TYPE)
  get_target_property(imported "${target}" IMPORTED)
  if(NOT type STREQUAL "EXECUTABLE" OR imported)
    string(TOLOWER "${type}" type)
    string(REPLACE "_" " " type "${type}")
    if(imported)
      set(type "imported ${type}")
    endif()
    set(article "a")
    if(type MATCHES "^[aeiou]")
      set(article "an")
    endif()
    _hubtel_fail(${fn} ${name} "TARGET \"${target}\" is not an executable built by this project "
                 "(it is ${article} ${type}); name an add_executable() target")
  endif()
  get_property(multi_config GLOBAL PROPERTY GENERATOR_IS_MULTI_CONFIG)
  # A depfile named per configuration needs CMake 3.21 (generator expressions in DEPFILE), and
  # no CMAKE_CROSS_CONFIGS: CMake (3.25 at least) crashes generating such a depfile for builds
  # across configurations. Without it, the image depends on the target, its input.
  if(context MATCHES "[#$:\\\\]"
     OR (multi_config AND (CMAKE_VERSION VERSION_LESS 3.21 OR NOT "${CMAKE_CROSS_CONFIGS}" STREQUAL
                                                              "")))
    set(${out_inputs} "${target}" PARENT_SCOPE)
  else()
    set(${out_inputs} "" PARENT_SCOPE)
  endif()
  # What depends on the context alone is worked out once for each context.
  get_property(context_json GLOBAL PROPERTY _HUBTEL_CONTEXT_${context})
  if(NOT context_json)
    _hubtel_context_json(context_json ${fn} ${name} "${context}")
    set_property(GLOBAL PROPERTY _HUBTEL_CONTEXT_${context} "${context_json}")
  endif()
  set(cmake_args_json "[]")
  if(ARGN)
    _hubtel_json_list(cmake_args_json ${ARGN})
  endif()
  if(NOT build_type STREQUAL "")
    # Given: it wins in every configuration.
  elseif(multi_config)
    # Each configuration's image builds with that configuration's name as its build type.
    _hubtel_check_configurations(${fn} ${name})
    set(build_type "$<CONFIG>")
  else()
    set(build_type Release)
  endif()
  # The top-level project's name: with the builder's settings it names the builder's build folder.
  set(project_name "${CMAKE_PROJECT_NAME}")
  if(project_name MATCHES "[\\\\\"$]")
    _hubtel_json_escape(project_name "${project_name}")
  endif()
  string(CONCAT json "  \"target\": \"${target}\",\n  \"build_type\": \"${build_type}\",\n"
                "  \"project\": \"${project_name}\",\n"
                "  \"cmake_args\": ${cmake_args_json},\n${context_json}")
  set(${out_json} "${json}" PARENT_SCOPE)
endfunction()

# _hubtel_check_configurations(<fn> <name>) checks that each configuration of a multi-config
# generator (CMAKE_CONFIGURATION_TYPES) can be a builder's build type, as an image without a
# BUILD_TYPE builds with its configuration's name; once for each list of configurations.
function(_hubtel_check_configurations fn name)
  get_property(known GLOBAL PROPERTY _HUBTEL_CONFIGURATIONS_CHECKED SET)
  get_property(checked GLOBAL PROPERTY _HUBTEL_CONFIGURATIONS_CHECKED)
  if(known AND "${checked}" STREQUAL "${CMAKE_CONFIGURATION_TYPES}")
    return()
  endif()
  foreach(config IN LISTS CMAKE_CONFIGURATION_TYPES)
    _hubtel_check_value(error BUILD_TYPE "${config}")
    if(error)
      _hubtel_shown(shown "${config}")
      _hubtel_fail(
        ${fn}
        ${name}
        "the configuration \"${shown}\" of CMAKE_CONFIGURATION_TYPES cannot be the "
        "builder's build type (a letter, then letters, digits and '_'), which an image without "
        "BUILD_TYPE builds with; rename the configuration, or give BUILD_TYPE <type> to build "
        "every configuration's image with that build type")
    endif()
  endforeach()
  set_property(GLOBAL PROPERTY _HUBTEL_CONFIGURATIONS_CHECKED "${CMAKE_CONFIGURATION_TYPES}")
endfunction()

# _hubtel_tests_json(<out> <fn> <name> <context> <tests> <test-arg>...) gives a native image's
# spec members for its tests: whether the builder builds and runs them (TESTS), and what it passes
# to ctest (TEST_ARGS, which needs TESTS ON). A context whose path no depfile can name (see
# _hubtel_native_spec) is refused with TESTS ON: an edit of a test would not build the image again.
function(_hubtel_tests_json out fn name context tests)
  if(NOT tests)
    if(ARGN)
      list(GET ARGN 0 first)
      _hubtel_fail(
        ${fn} ${name} "TEST_ARGS \"${first}\" is passed to ctest, which runs only with TESTS ON; "
        "add TESTS ON, or drop TEST_ARGS")
    endif()
    set(${out} "  \"tests\": false,\n  \"test_args\": [],\n" PARENT_SCOPE)
    return()
  endif()
  if(context MATCHES "[#$:\\\\]")
    _hubtel_fail(
      ${fn} ${name} "TESTS ON needs a build context whose files a depfile can name, but its path "
      "\"${context}\" holds '#', '$', ':' or '\\', so an edit of a test would not build the "
      "image again; move the project (or CONTEXT) to a path without them")
  endif()
  get_property(multi_config GLOBAL PROPERTY GENERATOR_IS_MULTI_CONFIG)
  if(multi_config AND NOT "${CMAKE_CROSS_CONFIGS}" STREQUAL "")
    _hubtel_fail(
      ${fn} ${name} "TESTS ON needs a depfile per configuration, which CMake crashes on with "
      "CMAKE_CROSS_CONFIGS \"${CMAKE_CROSS_CONFIGS}\" (an edit of a test would not build the image "
      "again without it); configure without CMAKE_CROSS_CONFIGS")
  endif()
  if(multi_config AND CMAKE_VERSION VERSION_LESS 3.21)
    _hubtel_fail(
      ${fn} ${name} "TESTS ON with a multi-config generator needs CMake 3.21 or later (this is "
      "${CMAKE_VERSION}): before it, an edit of a test would not build the image again; use "
      "a newer CMake, or a single-configuration generator (Ninja)")
  endif()
  set(args_json "[]")
  if(ARGN)
    _hubtel_json_list(args_json ${ARGN})
  endif()
  set(${out} "  \"tests\": true,\n  \"test_args\": ${args_json},\n" PARENT_SCOPE)
endfunction()

# _hubtel_context_json(<out> <fn> <name> <context>) gives the spec members of a native image that
# follow from its context alone: where the project lies in it, the stand-ins for a HubtelAI added
# from outside it, and the build tree to leave out of it.
function(_hubtel_context_json out fn name context)
  _hubtel_check_inside(${fn} ${name} "the top-level source directory" "${CMAKE_SOURCE_DIR}"
                       "${context}")
  file(RELATIVE_PATH project_dir "${context}" "${CMAKE_SOURCE_DIR}")
  if(project_dir STREQUAL "")
    set(project_dir ".")
  else()
    # The builder recreates this path under the context: it reaches its commands.
    _hubtel_check_path(${fn} ${name} "the project folder inside CONTEXT" "${project_dir}")
  endif()
  # HubtelAI added with add_subdirectory() from outside the context is not in the builder: the
  # builder puts a stand-in where the project looks for it, by its absolute path and by its path
  # relative to the project.
  set(stubs)
  get_property(hubtel_root GLOBAL PROPERTY _HUBTEL_SUBDIRECTORY_ROOT)
  # Fetched into the build tree (FetchContent_MakeAvailable): in the builder, FetchContent takes
  # a stand-in instead (FETCHCONTENT_SOURCE_DIR_HUBTELAI), and no path needs one.
  if(hubtel_root)
    file(RELATIVE_PATH root_in_tree "${CMAKE_BINARY_DIR}" "${hubtel_root}")
    if(NOT root_in_tree MATCHES "^\\.\\./" AND NOT IS_ABSOLUTE "${root_in_tree}")
      set(hubtel_root)
    endif()
  endif()
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
      set(stubs "\"${hubtel_root}\"")
      if(NOT in_builder STREQUAL hubtel_root AND in_builder MATCHES "^/[A-Za-z0-9/._+-]*$")
        string(APPEND stubs ", \"${in_builder}\"")
      endif()
    endif()
  endif()
  # The build tree stays out of the context when it lies inside.
  # (Not a variable named "ignore": if() reads IGNORE as a false constant, in any case.)
  set(ignore_json "[]")
  file(RELATIVE_PATH binary_rel "${context}" "${CMAKE_BINARY_DIR}")
  if(NOT binary_rel MATCHES "^\\.\\./" AND NOT binary_rel STREQUAL "")
    _hubtel_ignore_literal(binary_rel "${binary_rel}")
    _hubtel_json_list(ignore_json "${binary_rel}")
  endif()
  if(project_dir MATCHES "[\\\\\"$]")
    _hubtel_json_escape(project_dir "${project_dir}")
  endif()
  string(CONCAT json "  \"project_dir\": \"${project_dir}\",\n  \"hubtel_stubs\": [${stubs}],\n"
                "  \"ignore_paths\": ${ignore_json},\n")
  set(${out} "${json}" PARENT_SCOPE)
endfunction()

# _hubtel_python_spec(<out-json> <out-inputs> <fn> <name> <context> <runtime> <handler>
#                     <requirements> <source>...) checks a Python image's sources and gives its
# spec members and the files its image is built of.
function(
  _hubtel_python_spec
  out_json
  out_inputs
  fn
  name
  context
  runtime
  handler
  requirements)
  if(NOT ARGN)
    _hubtel_fail(${fn} ${name} "SOURCES is required for RUNTIME ${runtime} "
                 "(the files or folders that hold the handler's module)")
  endif()
  set(inputs)
  set(items)
  foreach(source IN LISTS ARGN)
    _hubtel_absolute_path(path ${fn} ${name} SOURCES "${source}" ANY)
    _hubtel_check_inside(${fn} ${name} SOURCES "${path}" "${context}")
    file(RELATIVE_PATH rel "${context}" "${path}")
    if(rel STREQUAL "")
      _hubtel_fail(${fn} ${name} "SOURCES \"${source}\" is the whole context; "
                   "name the files or folders that hold the handler")
    endif()
    _hubtel_check_path(${fn} ${name} SOURCES "${rel}")
    set(is_dir false)
    if(IS_DIRECTORY "${path}")
      file(GLOB_RECURSE files CONFIGURE_DEPENDS "${path}/*")
      list(APPEND inputs ${files})
      set(is_dir true)
    else()
      list(APPEND inputs "${path}")
    endif()
    list(APPEND items "{\"path\": \"${rel}\", \"dir\": ${is_dir}}")
  endforeach()
  string(JOIN ", " sources ${items})
  set(requirements_json null)
  set(pyproject_json null)
  set(package false)
  set(left_out)
  set(links)
  foreach(requirement IN LISTS requirements)
    _hubtel_absolute_path(file ${fn} ${name} REQUIREMENTS "${requirement}" FILE)
    _hubtel_check_inside(${fn} ${name} REQUIREMENTS "${file}" "${context}")
    list(APPEND inputs "${file}")
    file(RELATIVE_PATH rel "${context}" "${file}")
    _hubtel_check_path(${fn} ${name} REQUIREMENTS "${rel}")
    get_filename_component(base "${file}" NAME)
    if(base STREQUAL "pyproject.toml")
      if(NOT pyproject_json STREQUAL "null")
        _hubtel_fail(${fn} ${name} "REQUIREMENTS names two pyproject.toml files; "
                     "name one (and at most one requirements file beside it)")
      endif()
      _hubtel_pyproject(package ${fn} ${name} "${file}")
      set(pyproject_json "\"${rel}\"")
      if(package)
        _hubtel_project_inputs(project_inputs left_out "${file}" "${context}")
        list(APPEND inputs ${project_inputs})
      endif()
      continue()
    endif()
    if(NOT requirements_json STREQUAL "null")
      _hubtel_fail(
        ${fn} ${name} "REQUIREMENTS names two requirements files; join them in one "
        "(only the file named reaches the builder, so it may not include another with -r)")
    endif()
    set(requirements_json "\"${rel}\"")
    get_filename_component(req_dir "${file}" DIRECTORY)
    # What pip would read from the builder's files besides this one: another requirements or
    # constraints file (-r, -c), or a local project, wheel or archive (-e ., ./pkg, /x.whl,
    # file:...). Only this file and its --find-links folders reach the builder, so these are
    # refused here rather than failing (or, for a folder, being passed over) in the build.
    string(CONCAT local_line "^[ \t]*((-r|--requirement|-c|--constraint)([ \t=]+|[^ \t=-])[^ \t]"
                  "|((-e|--editable)[ \t=]+)?(\\.\\.?([/ \t[]|$)|/|~|file:)"
                  "|[^-# \t][^ \t#;@]*(/|\\.whl|\\.tar\\.gz|\\.zip)([ \t;#]|$))|@[ \t]*file:")
    file(STRINGS "${file}" lines REGEX "${local_line}")
    foreach(line IN LISTS lines)
      # A URL of another scheme is fetched, not read here.
      if(line MATCHES "^[ \t]*((-r|--requirement|-c|--constraint|-e|--editable)[ \t=]*)?[a-z+]+://"
         AND NOT line MATCHES "file:")
        continue()
      endif()
      string(STRIP "${line}" line)
      _hubtel_fail(
        ${fn}
        ${name}
        "REQUIREMENTS \"${file}\" has the line \"${line}\", which names a file or "
        "folder of this machine for pip to read; only the requirements file and its "
        "--find-links folders reach the builder: write the requirements it holds into this file, "
        "or build a wheel of the project into a --find-links folder and name the project here")
    endforeach()
    # The --find-links folders the file names, relative to it; they must lie inside the context.
    # pip also takes -f with its value attached (-f./wheels).
    file(STRINGS "${file}" lines REGEX "^[ \t]*(-f|--find-links)")
    foreach(line IN LISTS lines)
      if(NOT line MATCHES "^[ \t]*(-f[ \t=]*|--find-links[ \t=]+)([^ \t]+)")
        continue()
      endif()
      set(link "${CMAKE_MATCH_2}")
      if(link MATCHES "^[a-z]+://")
        continue()
      endif()
      get_filename_component(link_path "${link}" ABSOLUTE BASE_DIR "${req_dir}")
      if(NOT IS_DIRECTORY "${link_path}")
        _hubtel_fail(${fn} ${name} "REQUIREMENTS \"${file}\" names --find-links \"${link}\", but "
                     "${link_path} is not a directory")
      endif()
      _hubtel_check_inside(${fn} ${name} "--find-links folder" "${link_path}" "${context}")
      file(RELATIVE_PATH rel "${context}" "${link_path}")
      _hubtel_check_path(${fn} ${name} "--find-links folder" "${rel}")
      list(APPEND links "\"${rel}\"")
      file(GLOB_RECURSE files CONFIGURE_DEPENDS "${link_path}/*")
      list(APPEND inputs ${files})
    endforeach()
  endforeach()
  set(ignore_json "[]")
  # Not if(ignore): IGNORE is a constant to if().
  if(left_out)
    _hubtel_json_list(ignore_json ${left_out})
  endif()
  string(JOIN ", " links ${links})
  string(
    CONCAT json
           "  \"handler\": \"${handler}\",\n  \"sources\": [${sources}],\n"
           "  \"requirements\": ${requirements_json},\n  \"find_links\": [${links}],\n"
           "  \"pyproject\": ${pyproject_json},\n  \"pyproject_package\": ${package},\n"
           "  \"pyproject_ignore\": ${ignore_json},\n")
  set(${out_json} "${json}" PARENT_SCOPE)
  set(${out_inputs} "${inputs}" PARENT_SCOPE)
endfunction()

# _hubtel_pyproject(<out-package> <fn> <name> <file>) checks, as far as lines tell without a TOML
# parser, that a pyproject.toml has a [project] table, and gives whether it has a [build-system]
# (the project is then installed too). The builder reads it exactly and checks the rest.
function(_hubtel_pyproject out fn name file)
  # A table's name may be quoted ("project", 'project'), and before the first table header the
  # table may also be inline (project = {...}) or given by dotted keys (project.name = "p").
  file(STRINGS "${file}" tables REGEX "^[ \t]*(\\[|[\"']?(project|build-system)[\"']?[ \t]*[=.])")
  set(has_project FALSE)
  set(has_build FALSE)
  set(top TRUE)
  set(q "[\"']?")
  foreach(line IN LISTS tables)
    if(line MATCHES "^[ \t]*\\[[ \t]*${q}project${q}[ \t]*\\][ \t]*(#.*)?$"
       OR (top AND line MATCHES "^[ \t]*${q}project${q}[ \t]*(=[ \t]*{|\\.)"))
      set(has_project TRUE)
    elseif(line MATCHES "^[ \t]*\\[[ \t]*${q}build-system${q}[ \t]*\\][ \t]*(#.*)?$"
           OR (top AND line MATCHES "^[ \t]*${q}build-system${q}[ \t]*(=[ \t]*{|\\.)"))
      set(has_build TRUE)
    endif()
    if(line MATCHES "^[ \t]*\\[")
      set(top FALSE)
    endif()
  endforeach()
  if(NOT has_project)
    _hubtel_fail(
      ${fn} ${name} "REQUIREMENTS \"${file}\" has no [project] table: HubtelAI "
      "installs the PEP 621 [project] dependencies of a pyproject.toml (add a [project] "
      "table with name, version and dependencies)")
  endif()
  if(has_build)
    set(${out} true PARENT_SCOPE)
  else()
    set(${out} false PARENT_SCOPE)
  endif()
endfunction()

# _hubtel_project_inputs(<out-inputs> <out-ignore> <pyproject> <context>) gives the files of the
# project a pyproject.toml builds (its folder, less the build tree, .git and byte code) and what
# the context leaves out of that folder, relative to the context.
function(_hubtel_project_inputs out_inputs out_ignore file context)
  get_filename_component(dir "${file}" DIRECTORY)
  file(RELATIVE_PATH binary_rel "${context}" "${CMAKE_BINARY_DIR}")
  set(ignore)
  if(NOT binary_rel MATCHES "^\\.\\./" AND NOT binary_rel STREQUAL "")
    _hubtel_ignore_literal(ignored "${binary_rel}")
    list(APPEND ignore "${ignored}")
  endif()
  # What is never the project's: version control, byte code, CMake's and Ninja's files (an
  # in-source build tree), virtual environments, tool caches, and setuptools' own build and dist
  # folders (a stale build/lib there would be packaged).
  set(tool_dirs
      "\\.git|__pycache__|CMakeFiles|\\.venv|venv|\\.tox|\\.nox|node_modules|\\.mypy_cache"
      "|\\.pytest_cache|[^/]*\\.egg-info")
  string(CONCAT tool_dirs ${tool_dirs})
  foreach(
    pattern IN
    ITEMS .git
          __pycache__
          CMakeFiles
          CMakeCache.txt
          .venv
          venv
          .tox
          .nox
          node_modules
          .mypy_cache
          .pytest_cache
          *.egg-info)
    list(APPEND ignore "**/${pattern}")
  endforeach()
  file(RELATIVE_PATH dir_rel "${context}" "${dir}")
  foreach(own IN ITEMS build dist hubtel)
    if(dir_rel STREQUAL "")
      list(APPEND ignore "${own}")
    else()
      list(APPEND ignore "${dir_rel}/${own}")
    endif()
  endforeach()
  string(REGEX REPLACE "([][+.*()^$?|\\\\])" "\\\\\\1" binary_regex "${CMAKE_BINARY_DIR}")
  file(GLOB entries LIST_DIRECTORIES true CONFIGURE_DEPENDS "${dir}/*")
  set(inputs)
  foreach(entry IN LISTS entries)
    get_filename_component(base "${entry}" NAME)
    if(entry STREQUAL CMAKE_BINARY_DIR
       OR base MATCHES "^(${tool_dirs}|build|dist|hubtel|CMakeCache\\.txt)$"
       OR base MATCHES
          "^(build[^/]*\\.ninja|\\.ninja_.*|cmake_install\\.cmake|CTestTestfile\\.cmake)$")
      continue()
    endif()
    if(IS_DIRECTORY "${entry}")
      file(GLOB_RECURSE files CONFIGURE_DEPENDS "${entry}/*")
      list(FILTER files EXCLUDE REGEX "/(${tool_dirs})/")
      # A build tree nested deeper (out/build/<preset>) is no input either.
      list(FILTER files EXCLUDE REGEX "^${binary_regex}/")
      list(APPEND inputs ${files})
    else()
      list(APPEND inputs "${entry}")
    endif()
  endforeach()
  set(${out_inputs} "${inputs}" PARENT_SCOPE)
  set(${out_ignore} "${ignore}" PARENT_SCOPE)
endfunction()

# _hubtel_check_path(<fn> <name> <label> <path>) checks a path relative to the build context.
function(_hubtel_check_path fn name label path)
  _hubtel_check_value(error CONTEXT_PATH "${path}" "${label}")
  if(error)
    message(FATAL_ERROR "${fn}(${name}): ${error}")
  endif()
endfunction()

# _hubtel_secrets_json(<out> <fn> <name> <id=path>...) checks the secrets' files and gives the
# spec's list of them.
function(_hubtel_secrets_json out fn name)
  set(ids)
  set(items)
  foreach(secret IN LISTS ARGN)
    string(REGEX MATCH "^[^=]+" id "${secret}")
    string(REGEX REPLACE "^[^=]+=" "" path "${secret}")
    _hubtel_absolute_path(path ${fn} ${name} SECRETS "${path}" FILE)
    if(path MATCHES ",")
      _hubtel_fail(${fn} ${name} "SECRETS path \"${path}\" contains a comma, which the engine's "
                   "--secret option cannot take; move the file")
    endif()
    list(APPEND ids "${id}")
    _hubtel_json_escape(path "${path}")
    list(APPEND items "{\"id\": \"${id}\", \"path\": \"${path}\"}")
  endforeach()
  _hubtel_check_unique(${fn} ${name} "SECRETS id" ${ids})
  string(JOIN ", " items ${items})
  set(${out} "[${items}]" PARENT_SCOPE)
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

# _hubtel_json_escape(<out> <value>) escapes a value (already free of control characters) for a
# JSON string in a file(GENERATE) content: '$' becomes $<1:$>, so nothing in a value is read as a
# generator expression.
function(_hubtel_json_escape out value)
  string(REPLACE "\\" "\\\\" value "${value}")
  string(REPLACE "\"" "\\\"" value "${value}")
  string(REPLACE "$" "$<1:$>" value "${value}")
  set(${out} "${value}" PARENT_SCOPE)
endfunction()

# _hubtel_ignore_literal(<out> <path>) gives <path> as a .dockerignore line that matches that path
# alone: engines read * ? [ ] \ there as pattern syntax and a leading ! or # as a negation or a
# comment, so each is escaped with a backslash (a build tree named !b would otherwise be taken
# back into the context).
function(_hubtel_ignore_literal out path)
  string(REGEX REPLACE "([][*?\\\\])" "\\\\\\1" path "${path}")
  string(REGEX REPLACE "^([!#])" "\\\\\\1" path "${path}")
  set(${out} "${path}" PARENT_SCOPE)
endfunction()

# _hubtel_json_list(<out> <value>...) makes a JSON array of strings.
function(_hubtel_json_list out)
  _hubtel_json_escape(items "${ARGN}")
  list(TRANSFORM items PREPEND "\"")
  list(TRANSFORM items APPEND "\"")
  string(JOIN ", " items ${items})
  set(${out} "[${items}]" PARENT_SCOPE)
endfunction()

# _hubtel_json_object(<out> <K=V>...) makes {"K": "V"} of KEY=value arguments.
function(_hubtel_json_object out)
  set(members)
  foreach(pair IN LISTS ARGN)
    string(REGEX MATCH "^[^=]+" key "${pair}")
    string(REGEX REPLACE "^[^=]+=" "" value "${pair}")
    _hubtel_json_escape(value "${value}")
    list(APPEND members "\"${key}\": \"${value}\"")
  endforeach()
  string(JOIN ", " members ${members})
  set(${out} "{${members}}" PARENT_SCOPE)
endfunction()

cmake_policy(POP)
