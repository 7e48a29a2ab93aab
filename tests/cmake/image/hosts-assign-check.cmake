# The assignment configure wrote is the helper's (rendezvous hashing), every image is built and
# pushed on its engine in that engine's pool, a second configure keeps it, and a third engine
# takes over only images that move to it.
set(images one two three four five six)
set(a "unix:///run/hubtel-a.sock")
set(b "unix:///run/hubtel-b.sock")
set(c "unix:///run/hubtel-c.sock")

# _assigned(<out> <address>...): the helper's assignment of the six images, as JSON.
function(_assigned out)
  set(arguments)
  foreach(address IN LISTS ARGN)
    list(APPEND arguments --host "${address}")
  endforeach()
  foreach(image IN LISTS images)
    list(APPEND arguments --image ${image})
  endforeach()
  execute_process(COMMAND "${HUBTEL_AI_EXECUTABLE}" engines ${arguments} --format json
                  OUTPUT_VARIABLE json RESULT_VARIABLE result)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "hubtel-ai engines failed: ${result}")
  endif()
  set(${out} "${json}" PARENT_SCOPE)
endfunction()

# _written(<out>): what configure wrote, read back through the helper in the same form.
function(_written out)
  execute_process(
    COMMAND "${HUBTEL_AI_EXECUTABLE}" engines --engines
            "${RunCMake_TEST_BINARY_DIR}/hubtel/engines.json" --format json OUTPUT_VARIABLE json
    RESULT_VARIABLE result)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "hubtel-ai engines --engines failed: ${result}")
  endif()
  set(${out} "${json}" PARENT_SCOPE)
endfunction()

# _engine_of(<out> <json> <image>): the address the JSON assigns <image> to.
function(_engine_of out json image)
  string(JSON count LENGTH "${json}" engines)
  math(EXPR last "${count} - 1")
  foreach(index RANGE ${last})
    string(
      JSON
      address
      GET
      "${json}"
      engines
      ${index}
      address)
    string(
      JSON
      images
      GET
      "${json}"
      engines
      ${index}
      images)
    if(images MATCHES "\"${image}\"")
      set(${out} "${address}" PARENT_SCOPE)
      return()
    endif()
  endforeach()
  set(${out} "" PARENT_SCOPE)
endfunction()

_assigned(expected "${a}" "${b}")
_written(written)
file(READ "${RunCMake_TEST_BINARY_DIR}/build.ninja" ninja)
set(used)
foreach(image IN LISTS images)
  _engine_of(want "${expected}" ${image})
  _engine_of(got "${written}" ${image})
  if(NOT want OR NOT got STREQUAL want)
    string(APPEND RunCMake_TEST_FAILED
           "${image}: configure assigned '${got}', the helper '${want}'\n")
    continue()
  endif()
  list(APPEND used "${got}")
  set(pool hubtel_engine_1)
  if(got STREQUAL "${a}")
    set(pool hubtel_engine_0)
  endif()
  string(REGEX MATCH "build hubtel/${image}/image-x86_64\\.id[^\n]*\n([^\n]+\n)*" block "${ninja}")
  if(NOT block MATCHES "--engine-host ${got} --engines [^ ]*/hubtel/engines\\.json")
    string(APPEND RunCMake_TEST_FAILED "${image}: its build does not run on ${got}\n")
  endif()
  if(NOT block MATCHES "  pool = ${pool}\n")
    string(APPEND RunCMake_TEST_FAILED "${image}: its build is not in ${pool}\n")
  endif()
  string(REGEX MATCH "build hubtel/${image}/push-x86_64\\.ref[^\n]*\n([^\n]+\n)*" block "${ninja}")
  if(NOT block MATCHES "push --spec [^ ]+ [^\n]*--engine-host ${got} ")
    string(APPEND RunCMake_TEST_FAILED "${image}: its push does not run on ${got}\n")
  endif()
endforeach()
list(REMOVE_DUPLICATES used)
list(LENGTH used engines)
if(NOT engines EQUAL 2)
  string(APPEND RunCMake_TEST_FAILED "the six images went to ${engines} engine(s), not both\n")
endif()
file(READ "${RunCMake_TEST_BINARY_DIR}/CMakeFiles/rules.ninja" rules)
foreach(pool IN ITEMS hubtel_engine_0 hubtel_engine_1)
  if(NOT "${ninja}${rules}" MATCHES "pool ${pool}\n  depth = 2\n")
    string(APPEND RunCMake_TEST_FAILED "no pool ${pool} of depth 2\n")
  endif()
endforeach()

# Configured again: the same assignment, the file untouched.
file(TIMESTAMP "${RunCMake_TEST_BINARY_DIR}/hubtel/engines.json" before "%s%f")
execute_process(COMMAND "${CMAKE_COMMAND}" "${RunCMake_TEST_BINARY_DIR}" OUTPUT_QUIET ERROR_QUIET)
_written(again)
file(TIMESTAMP "${RunCMake_TEST_BINARY_DIR}/hubtel/engines.json" after "%s%f")
if(NOT again STREQUAL written OR NOT before STREQUAL after)
  string(APPEND RunCMake_TEST_FAILED "a second configure changed the assignment\n")
endif()

# A third engine: images move to it alone, never between the first two.
execute_process(COMMAND "${CMAKE_COMMAND}" "-DHUBTEL_ENGINE_HOSTS=${a}\;${b}\;${c}"
                        "${RunCMake_TEST_BINARY_DIR}" OUTPUT_QUIET ERROR_QUIET)
_written(three)
_assigned(expected_three "${a}" "${b}" "${c}")
foreach(image IN LISTS images)
  _engine_of(before "${written}" ${image})
  _engine_of(after "${three}" ${image})
  _engine_of(want "${expected_three}" ${image})
  if(NOT after STREQUAL want)
    string(APPEND RunCMake_TEST_FAILED
           "${image}: with three engines configure gave '${after}', the helper '${want}'\n")
  endif()
  if(NOT after STREQUAL before AND NOT after STREQUAL c)
    string(APPEND RunCMake_TEST_FAILED
           "${image} moved from ${before} to ${after}, not to the new engine\n")
  endif()
endforeach()
