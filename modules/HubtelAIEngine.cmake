#[=======================================================================[.rst:
HubtelAIEngine
--------------

Finds the container engine that builds HubtelAI's images, once per build tree.

.. variable:: HUBTEL_ENGINE

  The engine's client program: ``docker`` with BuildKit (Debian's ``docker.io`` client has it
  built in; a newer client needs the ``buildx`` plugin), ``podman`` or ``buildah``. Empty (the
  default): the first client found that can build. A client that cannot build is passed over,
  and the build says what to install when none is left. A bare name is looked up on ``PATH``;
  a named client that is missing or cannot build gets a warning when the project configures.
  A docker client older than 23 is asked for its version once per file (kept by its path, size
  and time in ``~/.cache/hubtel-ai/clients``, or under ``XDG_CACHE_HOME``), so a fresh build
  folder starts no client to find it.

.. variable:: HUBTEL_ENGINE_JOBS

  How many engine builds may run at once (a Ninja job pool; default 1, since one engine build
  already uses every core). With 1, engine builds run in Ninja's console pool, so their progress
  shows as it happens; with more, each build's output shows in one block when it ends. With
  ``HUBTEL_ENGINE_HOSTS``, each engine has a pool of its own this deep.

.. variable:: HUBTEL_ENGINE_HOSTS

  Engines to spread the image builds over: a list of addresses as ``DOCKER_HOST`` takes them
  (``unix:///<socket>``, ``tcp://<host>:<port>``, always with TLS, ``ssh://[<user>@]<host>[:<port>]``)
  or names of docker contexts. Empty (the default): every image builds on the client's own engine.
  Each image goes to one engine, chosen by rendezvous (highest random weight) hashing of the
  engine's address and the image's name: the same image goes to the same engine on every
  configure, so its build cache stays warm, and an engine added takes over only the images it now
  wins (about one in the new number of engines), the rest staying where they were. Each engine
  has a Ninja job pool of ``HUBTEL_ENGINE_JOBS`` builds, so ``ninja images`` keeps every engine
  busy. The client reaches an engine through its environment (``DOCKER_HOST``,
  ``DOCKER_TLS_VERIFY``, ``DOCKER_CERT_PATH``, or ``DOCKER_CONTEXT``), never a command line.
  ``<name>-image``, ``<name>-image-<stage>``, ``<name>-size`` and ``<name>-push`` run on the
  image's engine, which pushes straight to ``REPOSITORY`` (once pushed, ``<name>-size`` reads
  the image from the registry by its pushed digest, not from the engine); ``<name>-invoke``, ``-serve`` and
  ``-watch`` run on the client's own engine, which pulls the image from ``REPOSITORY`` by its
  pushed digest (or, never pushed, copies it from the engine that built it). Configure writes the
  assignment to ``hubtel/engines.json`` and prints one line an engine; ``hubtel-ai engines`` in
  the build folder shows it, ``hubtel-ai engines --check`` asks each engine whether it answers.
  A malformed address, an address named twice and a ``tcp://`` engine without its TLS files stop
  the configure with a message naming the address.

.. variable:: HUBTEL_ENGINE_CERT_PATH

  The TLS files of ``tcp://`` engines, named as ``DOCKER_CERT_PATH`` names them: ``ca.pem`` (the
  CA that signed the engine's certificate), ``cert.pem`` and ``key.pem`` (this client's), in a
  folder ``<host>:<port>`` of this one for that engine alone, else in this folder itself. Default:
  the environment's ``DOCKER_CERT_PATH`` when the project is first configured.

.. variable:: HUBTEL_BUILDX_BUILDER

  A ``docker buildx`` builder every image builds on (any driver: ``docker-container``,
  ``remote``, ``kubernetes``); empty (the default) takes ``BUILDX_BUILDER`` from the environment
  when the project configures. Builds run ``docker buildx build --builder <name>
  --provenance=false --sbom=false``: an image with a ``REPOSITORY`` is pushed from the builder
  (``--push``; its id and pushed digest read from ``--metadata-file``, so ``<name>-push`` has
  nothing left to send), with ``HUBTEL_REGISTRY_CACHE`` its cache read from and written to the
  registry in ``mode=max``; an image without one, and extra stages, are loaded (``--load``), the
  only case an image must come back to this machine. Not with ``HUBTEL_ENGINE_HOSTS``: a builder
  spreads its own builds (the ``remote`` and ``kubernetes`` drivers' ``loadbalance=sticky``).
#]=======================================================================]
include_guard(GLOBAL)
cmake_policy(PUSH)
cmake_policy(VERSION 3.20)

# A string, not a FILEPATH: a bare name (podman) is looked up on PATH, not taken as a file of the
# build folder.
set(HUBTEL_ENGINE ""
    CACHE STRING "Container engine client (docker with BuildKit, podman or buildah); empty: found")
set(HUBTEL_ENGINE_JOBS 1 CACHE STRING "How many container engine builds may run at once")
set(HUBTEL_ENGINE_HOSTS ""
    CACHE STRING "Engines to spread image builds over: DOCKER_HOST addresses or context names")
set(HUBTEL_ENGINE_CERT_PATH "$ENV{DOCKER_CERT_PATH}"
    CACHE PATH "TLS files (ca.pem, cert.pem, key.pem) of tcp:// engines, or <host>:<port> folders")
set(HUBTEL_BUILDX_BUILDER "" CACHE STRING
                                   "docker buildx builder to build on; empty: BUILDX_BUILDER")

# _hubtel_docker_can_build(<out> <program>) tells whether a docker client builds with BuildKit:
# either it is older than 23 and has BuildKit built in (it builds with that, and its buildx
# plugin, if any, is not asked: one client call), or it has the buildx plugin.
# A client older than 23 is remembered, per file (its path, size and time), in the user's cache
# folder: a fresh build folder then starts no client (about 0.1 s). The buildx plugin is asked
# every time, as it may come and go without the client changing.
function(_hubtel_docker_can_build out program)
  set(${out} FALSE PARENT_SCOPE)
  set(known "")
  if(DEFINED ENV{XDG_CACHE_HOME} AND IS_ABSOLUTE "$ENV{XDG_CACHE_HOME}")
    set(cache_dir "$ENV{XDG_CACHE_HOME}/hubtel-ai/clients")
  elseif(DEFINED ENV{HOME} AND IS_ABSOLUTE "$ENV{HOME}")
    set(cache_dir "$ENV{HOME}/.cache/hubtel-ai/clients")
  else()
    set(cache_dir "")
  endif()
  if(cache_dir MATCHES "[;\n]")
    set(cache_dir "") # not a folder a list can hold
  endif()
  if(cache_dir)
    file(REAL_PATH "${program}" real)
    file(SIZE "${real}" size)
    file(TIMESTAMP "${real}" time "%s" UTC)
    string(SHA256 key "${real}\n${size}\n${time}")
    set(known "${cache_dir}/${key}")
    if(EXISTS "${known}" AND NOT IS_DIRECTORY "${known}")
      file(READ "${known}" remembered)
      if(remembered STREQUAL "docker-buildkit\n")
        set(${out} docker-buildkit PARENT_SCOPE)
        return()
      endif()
    endif()
  endif()
  execute_process(
    COMMAND "${program}" --version
    RESULT_VARIABLE version_result
    OUTPUT_VARIABLE version
    ERROR_QUIET)
  # "Docker version <n>.": podman's docker stand-in says "podman version ...".
  if(version_result EQUAL 0 AND version MATCHES "^Docker version ([0-9]+)\\.")
    if(CMAKE_MATCH_1 LESS 23)
      set(${out} docker-buildkit PARENT_SCOPE)
      if(known)
        # Written in the build tree, copied beside the record and renamed over it, so a configure
        # beside this one reads all of it or nothing; a folder that cannot be written is passed
        # over (the next configure asks the client again).
        string(RANDOM LENGTH 12 nonce)
        set(staged "${CMAKE_BINARY_DIR}/CMakeFiles/hubtel-client-${nonce}")
        file(WRITE "${staged}" "docker-buildkit\n")
        foreach(step IN ITEMS "make_directory;${cache_dir}" "copy;${staged};${known}.${nonce}"
                              "rename;${known}.${nonce};${known}" "rm;-f;${known}.${nonce}")
          execute_process(COMMAND "${CMAKE_COMMAND}" -E ${step} OUTPUT_QUIET ERROR_QUIET)
        endforeach()
        file(REMOVE "${staged}")
      endif()
      return()
    endif()
  endif()
  execute_process(COMMAND "${program}" buildx version RESULT_VARIABLE buildx_result OUTPUT_QUIET
                                                                                    ERROR_QUIET)
  if(buildx_result EQUAL 0)
    set(${out} docker-buildx PARENT_SCOPE)
  endif()
endfunction()

# _hubtel_preset_origin(<out> <variable>) names the configure preset that sets <variable> to its
# value, for messages: " (cacheVariables.<variable> of configure preset \"<name>\" in <file>)",
# or nothing when no preset of the project's CMakePresets.json or CMakeUserPresets.json does.
function(_hubtel_preset_origin out variable)
  set(${out} "" PARENT_SCOPE)
  foreach(file IN ITEMS CMakeUserPresets.json CMakePresets.json)
    set(path "${CMAKE_SOURCE_DIR}/${file}")
    if(NOT EXISTS "${path}")
      continue()
    endif()
    file(READ "${path}" json)
    string(JSON count ERROR_VARIABLE error LENGTH "${json}" configurePresets)
    if(error OR NOT count GREATER 0)
      continue()
    endif()
    math(EXPR last "${count} - 1")
    foreach(index RANGE ${last})
      string(JSON preset GET "${json}" configurePresets ${index})
      # A cache variable is a string, or an object with its value under "value".
      string(
        JSON
        value
        ERROR_VARIABLE
        error
        GET
        "${preset}"
        cacheVariables
        ${variable}
        value)
      if(error)
        string(
          JSON
          value
          ERROR_VARIABLE
          error
          GET
          "${preset}"
          cacheVariables
          ${variable})
      endif()
      if(NOT error AND value STREQUAL "${${variable}}")
        string(
          JSON
          name
          ERROR_VARIABLE
          error
          GET
          "${preset}"
          name)
        set(${out} " (cacheVariables.${variable} of configure preset \"${name}\" in ${path})"
            PARENT_SCOPE)
        return()
      endif()
    endforeach()
  endforeach()
endfunction()

# _hubtel_engine(<out-program> <out-kind>) gives the engine to build with, detected once and
# remembered in internal cache variables; an empty program means none was found.
function(_hubtel_engine out_program out_kind)
  if(DEFINED _HUBTEL_ENGINE_FOR AND _HUBTEL_ENGINE_FOR STREQUAL "${HUBTEL_ENGINE}")
    set(${out_program} "${_HUBTEL_ENGINE_PROGRAM}" PARENT_SCOPE)
    set(${out_kind} "${_HUBTEL_ENGINE_KIND}" PARENT_SCOPE)
    return()
  endif()

  set(candidates)
  if(HUBTEL_ENGINE)
    set(named "${HUBTEL_ENGINE}")
    if(NOT named MATCHES "/")
      find_program(_hubtel_named_engine NAMES "${named}" NO_CACHE)
      if(_hubtel_named_engine)
        set(named "${_hubtel_named_engine}")
      endif()
    endif()
    if(NOT EXISTS "${named}" OR IS_DIRECTORY "${named}")
      _hubtel_preset_origin(origin HUBTEL_ENGINE)
      message(WARNING "HUBTEL_ENGINE \"${HUBTEL_ENGINE}\"${origin} is no program here: image "
                      "builds fail until it names docker (with BuildKit), podman or buildah")
    else()
      list(APPEND candidates "${named}")
    endif()
  else()
    foreach(name IN ITEMS docker podman buildah)
      find_program(_hubtel_found_${name} NAMES ${name} NO_CACHE)
      if(_hubtel_found_${name})
        list(APPEND candidates "${_hubtel_found_${name}}")
      endif()
      if(name STREQUAL "docker" AND EXISTS /usr/bin/docker)
        list(APPEND candidates /usr/bin/docker)
      endif()
    endforeach()
    list(REMOVE_DUPLICATES candidates)
  endif()

  set(program "")
  set(kind "")
  foreach(candidate IN LISTS candidates)
    get_filename_component(base "${candidate}" NAME)
    if(base MATCHES "^docker")
      _hubtel_docker_can_build(kind "${candidate}")
    elseif(base MATCHES "^podman")
      set(kind podman)
    elseif(base MATCHES "^buildah")
      set(kind buildah)
    else()
      set(kind docker-buildkit)
    endif()
    if(kind)
      set(program "${candidate}")
      break()
    endif()
    message(VERBOSE "${candidate} cannot build with BuildKit (no buildx plugin); passed over")
  endforeach()
  if(NOT kind)
    set(kind none)
    if(HUBTEL_ENGINE AND candidates)
      _hubtel_preset_origin(origin HUBTEL_ENGINE)
      message(WARNING "HUBTEL_ENGINE \"${HUBTEL_ENGINE}\"${origin} cannot build images: a docker "
                      "client of version 23 or later needs the buildx plugin (Debian's "
                      "/usr/bin/docker has BuildKit built in); name it, podman or buildah")
    endif()
  endif()
  message(VERBOSE "container engine: ${program} (${kind})")

  set(_HUBTEL_ENGINE_FOR "${HUBTEL_ENGINE}" CACHE INTERNAL "")
  set(_HUBTEL_ENGINE_PROGRAM "${program}" CACHE INTERNAL "")
  set(_HUBTEL_ENGINE_KIND "${kind}" CACHE INTERNAL "")
  set(${out_program} "${program}" PARENT_SCOPE)
  set(${out_kind} "${kind}" PARENT_SCOPE)
endfunction()

# _hubtel_engine_pool(<out>) declares the Ninja job pool engine builds run in; <out> is empty
# for generators without job pools. One build at a time runs in Ninja's console pool instead,
# whose jobs print as they go rather than in one block at their end.
function(_hubtel_engine_pool out)
  set(${out} "" PARENT_SCOPE)
  if(NOT CMAKE_GENERATOR MATCHES "Ninja")
    return()
  endif()
  if(NOT HUBTEL_ENGINE_JOBS MATCHES "^[1-9][0-9]*$")
    message(FATAL_ERROR "HUBTEL_ENGINE_JOBS \"${HUBTEL_ENGINE_JOBS}\" is not a positive number")
  endif()
  if(HUBTEL_ENGINE_JOBS EQUAL 1)
    set(${out} USES_TERMINAL PARENT_SCOPE)
    return()
  endif()
  get_property(pools GLOBAL PROPERTY JOB_POOLS)
  if(NOT pools MATCHES "hubtel_engine=")
    set_property(GLOBAL APPEND PROPERTY JOB_POOLS hubtel_engine=${HUBTEL_ENGINE_JOBS})
  endif()
  set(${out} JOB_POOL hubtel_engine PARENT_SCOPE)
endfunction()

# _hubtel_engine_arguments() finds the engine and its job pool once per configure and leaves what
# commands pass for them in global properties: _HUBTEL_ENGINE_OPTION (--engine <program>, empty
# when none was found: the helper then says what to install), _HUBTEL_ENGINE_KIND (its kind, as
# --engine-kind takes it) and _HUBTEL_ENGINE_POOL (the custom command options of the pool).
function(_hubtel_engine_arguments)
  get_property(known GLOBAL PROPERTY _HUBTEL_ENGINE_KIND SET)
  if(known)
    return()
  endif()
  _hubtel_engine(program kind)
  set(option)
  # An empty argument does not survive a custom command: without an engine, none is named.
  if(program)
    set(option --engine "${program}")
  endif()
  _hubtel_engine_pool(pool)
  set_property(GLOBAL PROPERTY _HUBTEL_ENGINE_OPTION ${option})
  set_property(GLOBAL PROPERTY _HUBTEL_ENGINE_KIND ${kind})
  set_property(GLOBAL PROPERTY _HUBTEL_ENGINE_POOL ${pool})
endfunction()

# _hubtel_engine_host_fail(<address> <message>...) stops naming the address and where it was set.
function(_hubtel_engine_host_fail address)
  _hubtel_preset_origin(origin HUBTEL_ENGINE_HOSTS)
  string(JOIN "" why ${ARGN})
  message(FATAL_ERROR "HUBTEL_ENGINE_HOSTS${origin}: engine \"${address}\" ${why}")
endfunction()

# _hubtel_engine_host_tls(<out> <address>) checks one engine address and gives its TLS folder
# (for tcp://; "-" for the others).
function(_hubtel_engine_host_tls out address)
  set(${out} "-" PARENT_SCOPE)
  set(forms " (an engine address is unix:///<socket>, tcp://<host>:<port> with TLS, "
            "ssh://[<user>@]<host>[:<port>], or the name of a docker context)")
  string(ASCII 1 c1)
  string(ASCII 31 c31)
  string(ASCII 127 c127)
  if(address MATCHES "[${c1}-${c31}${c127}]")
    _hubtel_engine_host_fail("${address}" "is malformed: it holds a control character" ${forms})
  endif()
  if(address MATCHES "^unix://")
    if(NOT address MATCHES "^unix:///.")
      _hubtel_engine_host_fail(
        "${address}" "is malformed: a unix:// address names a socket by its absolute path, "
        "unix:///<path>" ${forms})
    endif()
  elseif(address MATCHES "^tcp://")
    if(NOT
       address
       MATCHES
       "^tcp://(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?):([1-9][0-9]?[0-9]?[0-9]?[0-9]?)/?$"
    )
      _hubtel_engine_host_fail(
        "${address}" "is malformed: a tcp:// address is tcp://<host>:<port>, its port given"
        ${forms})
    endif()
    set(host "${CMAKE_MATCH_1}")
    set(port "${CMAKE_MATCH_3}")
    if(port LESS 1 OR port GREATER 65535)
      _hubtel_engine_host_fail("${address}" "is malformed: port ${port} is not between 1 and 65535"
                               ${forms})
    endif()
    set(files ca.pem cert.pem key.pem)
    if(NOT HUBTEL_ENGINE_CERT_PATH)
      _hubtel_engine_host_fail(
        "${address}" "is reached over TCP, which needs TLS: set HUBTEL_ENGINE_CERT_PATH to a "
        "folder holding ca.pem, cert.pem and key.pem (or a folder ${host}:${port} in it for this "
        "engine alone)")
    endif()
    set(folder "${HUBTEL_ENGINE_CERT_PATH}/${host}:${port}")
    if(NOT IS_DIRECTORY "${folder}")
      set(folder "${HUBTEL_ENGINE_CERT_PATH}")
    endif()
    set(missing)
    foreach(file IN LISTS files)
      if(NOT EXISTS "${folder}/${file}" OR IS_DIRECTORY "${folder}/${file}")
        list(APPEND missing ${file})
      endif()
    endforeach()
    if(missing)
      list(JOIN missing ", " missing)
      _hubtel_engine_host_fail(
        "${address}" "is reached over TCP with TLS, and ${folder} lacks ${missing} (the CA that "
        "signed the engine's certificate as ca.pem, this client's certificate and key as "
        "cert.pem and key.pem, in HUBTEL_ENGINE_CERT_PATH or its folder ${host}:${port})")
    endif()
    get_filename_component(folder "${folder}" ABSOLUTE)
    set(${out} "${folder}" PARENT_SCOPE)
  elseif(address MATCHES "^ssh://")
    if(address MATCHES "^ssh://[^@/]*:[^@/]*@")
      _hubtel_engine_host_fail(
        "${address}" "holds a password: none belongs in an address (or a cache): reach the "
        "engine with an ssh key or agent")
    endif()
    if(NOT
       address
       MATCHES
       "^ssh://([A-Za-z0-9._-]+@)?[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:([1-9][0-9]?[0-9]?[0-9]?[0-9]?))?/?$"
    )
      _hubtel_engine_host_fail(
        "${address}" "is malformed: an ssh:// address is ssh://[<user>@]<host>[:<port>]" ${forms})
    endif()
    if(CMAKE_MATCH_4 STREQUAL "0" OR CMAKE_MATCH_4 GREATER 65535)
      _hubtel_engine_host_fail(
        "${address}" "is malformed: port ${CMAKE_MATCH_4} is not between 1 and 65535" ${forms})
    endif()
  elseif(address MATCHES "^([^:/]*)://")
    _hubtel_engine_host_fail(
      "${address}" "is malformed: scheme '${CMAKE_MATCH_1}://' is not unix://, tcp:// or ssh://"
      ${forms})
  elseif(NOT address MATCHES "^[A-Za-z0-9][A-Za-z0-9_.+-]*$")
    _hubtel_engine_host_fail(
      "${address}" "is malformed: it has no scheme (unix://, tcp://, ssh://) and is no docker "
      "context name (letters, digits and _ . + -, starting with a letter or digit)" ${forms})
  endif()
endfunction()

# _hubtel_engine_hosts() checks HUBTEL_ENGINE_HOSTS and HUBTEL_BUILDX_BUILDER once per configure
# and leaves them in global properties: _HUBTEL_ENGINE_HOSTS (the addresses), _HUBTEL_ENGINE_TLS
# (each one's TLS folder, or "-"), _HUBTEL_BUILDX_BUILDER. With engines, it declares a job pool
# an engine and has the assignment written when the top-level directory is done.
function(_hubtel_engine_hosts)
  get_property(done GLOBAL PROPERTY _HUBTEL_ENGINE_HOSTS_CHECKED SET)
  if(done)
    return()
  endif()
  set_property(GLOBAL PROPERTY _HUBTEL_ENGINE_HOSTS_CHECKED TRUE)
  set(builder "${HUBTEL_BUILDX_BUILDER}")
  if(NOT builder AND DEFINED ENV{BUILDX_BUILDER})
    set(builder "$ENV{BUILDX_BUILDER}")
  endif()
  if(builder AND NOT builder MATCHES "^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    message(
      FATAL_ERROR "HUBTEL_BUILDX_BUILDER (or BUILDX_BUILDER) \"${builder}\" is no buildx "
                  "builder name (letters, digits and _ . -): name one `docker buildx ls` shows")
  endif()
  set_property(GLOBAL PROPERTY _HUBTEL_BUILDX_BUILDER "${builder}")
  set(addresses)
  set(folders)
  foreach(address IN LISTS HUBTEL_ENGINE_HOSTS)
    if(address STREQUAL "")
      continue()
    endif()
    if(address IN_LIST addresses)
      _hubtel_engine_host_fail("${address}" "is named twice")
    endif()
    _hubtel_engine_host_tls(folder "${address}")
    list(APPEND addresses "${address}")
    list(APPEND folders "${folder}")
  endforeach()
  if(addresses AND builder)
    message(
      FATAL_ERROR
        "HUBTEL_ENGINE_HOSTS and HUBTEL_BUILDX_BUILDER (or BUILDX_BUILDER "
        "\"${builder}\") are both set: a buildx builder spreads its own builds; " "set one of them")
  endif()
  set_property(GLOBAL PROPERTY _HUBTEL_ENGINE_HOSTS "${addresses}")
  set_property(GLOBAL PROPERTY _HUBTEL_ENGINE_TLS "${folders}")
  if(NOT addresses)
    return()
  endif()
  if(NOT HUBTEL_ENGINE_JOBS MATCHES "^[1-9][0-9]*$")
    message(FATAL_ERROR "HUBTEL_ENGINE_JOBS \"${HUBTEL_ENGINE_JOBS}\" is not a positive number")
  endif()
  if(CMAKE_GENERATOR MATCHES "Ninja")
    list(LENGTH addresses count)
    math(EXPR last "${count} - 1")
    foreach(index RANGE ${last})
      set_property(GLOBAL APPEND PROPERTY JOB_POOLS hubtel_engine_${index}=${HUBTEL_ENGINE_JOBS})
    endforeach()
  endif()
  cmake_language(DEFER DIRECTORY "${CMAKE_SOURCE_DIR}" CALL _hubtel_write_engines)
endfunction()

# _hubtel_engine_of(<out-options> <out-pool> <name>) assigns the image <name> to an engine of
# HUBTEL_ENGINE_HOSTS by rendezvous hashing (the highest SHA-256 of "<address>\n<name>"; the
# helper's engine::assign computes the same), and gives the options that build it there and the
# custom command options of its engine's pool. Both are empty without HUBTEL_ENGINE_HOSTS.
function(_hubtel_engine_of out_options out_pool name)
  _hubtel_engine_hosts()
  set(${out_options} "" PARENT_SCOPE)
  set(${out_pool} "" PARENT_SCOPE)
  get_property(addresses GLOBAL PROPERTY _HUBTEL_ENGINE_HOSTS)
  if(NOT addresses)
    return()
  endif()
  set(best -1)
  set(best_weight "")
  set(index 0)
  foreach(address IN LISTS addresses)
    string(SHA256 weight "${address}\n${name}")
    if(best EQUAL -1 OR weight STRGREATER best_weight)
      set(best ${index})
      set(best_weight "${weight}")
    endif()
    math(EXPR index "${index} + 1")
  endforeach()
  list(GET addresses ${best} address)
  get_property(assigned GLOBAL PROPERTY _HUBTEL_ENGINE_IMAGES_${best})
  if(NOT name IN_LIST assigned)
    set_property(GLOBAL APPEND PROPERTY _HUBTEL_ENGINE_IMAGES_${best} "${name}")
  endif()
  set(${out_options} --engine-host "${address}" --engines "${CMAKE_BINARY_DIR}/hubtel/engines.json"
      PARENT_SCOPE)
  if(CMAKE_GENERATOR MATCHES "Ninja")
    set(${out_pool} JOB_POOL hubtel_engine_${best} PARENT_SCOPE)
  endif()
endfunction()

# _hubtel_json_string(<out> <value>) gives <value> as a JSON string (it holds no control
# character: the addresses and folders are checked first).
function(_hubtel_json_string out value)
  string(REPLACE "\\" "\\\\" value "${value}")
  string(REPLACE "\"" "\\\"" value "${value}")
  set(${out} "\"${value}\"" PARENT_SCOPE)
endfunction()

# _hubtel_write_engines() writes hubtel/engines.json, which engine builds which image (read by
# hubtel-ai engines, and by builds for an engine's TLS folder and images), and prints one line an
# engine.
function(_hubtel_write_engines)
  get_property(addresses GLOBAL PROPERTY _HUBTEL_ENGINE_HOSTS)
  get_property(folders GLOBAL PROPERTY _HUBTEL_ENGINE_TLS)
  set(json "{\"engines\": []}")
  set(index 0)
  foreach(address folder IN ZIP_LISTS addresses folders)
    get_property(images GLOBAL PROPERTY _HUBTEL_ENGINE_IMAGES_${index})
    set(entry "{\"images\": []}")
    _hubtel_json_string(value "${address}")
    string(JSON entry SET "${entry}" address "${value}")
    if(NOT folder STREQUAL "-")
      _hubtel_json_string(value "${folder}")
      string(JSON entry SET "${entry}" cert_path "${value}")
    endif()
    set(position 0)
    foreach(image IN LISTS images)
      string(
        JSON
        entry
        SET
        "${entry}"
        images
        ${position}
        "\"${image}\"")
      math(EXPR position "${position} + 1")
    endforeach()
    string(
      JSON
      json
      SET
      "${json}"
      engines
      ${index}
      "${entry}")
    list(JOIN images " " shown)
    if(NOT images)
      set(shown "no images")
    endif()
    message(STATUS "HubtelAI engine ${address}: ${shown}")
    math(EXPR index "${index} + 1")
  endforeach()
  _hubtel_write_if_changed("${CMAKE_BINARY_DIR}/hubtel/engines.json" "${json}\n")
endfunction()

cmake_policy(POP)
