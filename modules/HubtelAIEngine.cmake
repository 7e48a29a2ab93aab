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

.. variable:: HUBTEL_ENGINE_JOBS

  How many engine builds may run at once (a Ninja job pool; default 1, since one engine build
  already uses every core). With 1, engine builds run in Ninja's console pool, so their progress
  shows as it happens; with more, each build's output shows in one block when it ends.
#]=======================================================================]
include_guard(GLOBAL)
cmake_policy(PUSH)
cmake_policy(VERSION 3.20)

# A string, not a FILEPATH: a bare name (podman) is looked up on PATH, not taken as a file of the
# build folder.
set(HUBTEL_ENGINE ""
    CACHE STRING "Container engine client (docker with BuildKit, podman or buildah); empty: found")
set(HUBTEL_ENGINE_JOBS 1 CACHE STRING "How many container engine builds may run at once")

# _hubtel_docker_can_build(<out> <program>) tells whether a docker client builds with BuildKit:
# either it is older than 23 and has BuildKit built in (it builds with that, and its buildx
# plugin, if any, is not asked: one client call), or it has the buildx plugin.
function(_hubtel_docker_can_build out program)
  set(${out} FALSE PARENT_SCOPE)
  execute_process(
    COMMAND "${program}" --version
    RESULT_VARIABLE version_result
    OUTPUT_VARIABLE version
    ERROR_QUIET)
  if(version_result EQUAL 0 AND version MATCHES "version ([0-9]+)\\.")
    if(CMAKE_MATCH_1 LESS 23)
      set(${out} docker-buildkit PARENT_SCOPE)
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

cmake_policy(POP)
