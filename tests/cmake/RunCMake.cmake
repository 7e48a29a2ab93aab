# Runs one RunCMake-style case: configures a tiny project that includes <case>.cmake, then checks
# the exit code against <case>-result.txt (default 0), stderr against <case>-stderr.txt (a
# regex; without one, any warning or error fails the case) and runs <case>-check.cmake if any.
#
# -DCASE=<name> -DCASE_DIR=<folder of the case files> -DWORK_DIR=<scratch folder>
# -DHUBTEL_SOURCE_DIR=<HubtelAI source> -DHUBTEL_AI_EXECUTABLE=<built helper>
# -DGENERATOR=<generator> (Ninja Multi-Config for cases named multi-config-*)
#
# Expectations beside <case>.cmake: <case>-result.txt, <case>-stderr.txt, <case>-check.cmake;
# <case>-init.cmake is given to the configure as an initial cache script (cmake -C).
cmake_minimum_required(VERSION 3.20)

set(source "${WORK_DIR}/${CASE}/source")
set(binary "${WORK_DIR}/${CASE}/build")
file(REMOVE_RECURSE "${WORK_DIR}/${CASE}")
file(MAKE_DIRECTORY "${source}")
file(WRITE "${source}/main.cpp" "int main() { return 0; }\n")
file(WRITE "${source}/app.py" "def handler(event, context):\n    return event\n")
file(
  WRITE "${source}/CMakeLists.txt"
  "cmake_minimum_required(VERSION 3.20)
project(${CASE} LANGUAGES CXX)
add_subdirectory(\"${HUBTEL_SOURCE_DIR}\" hubtel-ai)
add_executable(hello main.cpp)
include(\"${CASE_DIR}/${CASE}.cmake\")
")

# Cases named engine-* find the engine themselves, with a docker client first on PATH that cannot
# build (a client of version 23 or later without the buildx plugin, as on these machines).
set(engine_arg -DHUBTEL_ENGINE=/usr/bin/docker)
if(CASE MATCHES "^engine-")
  set(engine_arg)
  file(MAKE_DIRECTORY "${WORK_DIR}/${CASE}/shim")
  file(WRITE "${WORK_DIR}/${CASE}/shim/docker"
       "#!/bin/sh\ncase \"$1\" in\n  --version) echo 'Docker version 28.2.2, build e6534b4' ;;\n"
       "  *) echo \"docker: unknown command: docker $1\" >&2; exit 1 ;;\nesac\n")
  file(CHMOD "${WORK_DIR}/${CASE}/shim/docker" PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE)
  set(ENV{PATH} "${WORK_DIR}/${CASE}/shim:$ENV{PATH}")
endif()

# Cases named multi-config-* configure with the multi-config generator of Linux.
if(CASE MATCHES "^multi-config-")
  set(GENERATOR "Ninja Multi-Config")
endif()
# <case>-init.cmake: an initial cache script (cmake -C), for cache variables the generator reads
# before the project's first line, such as CMAKE_CONFIGURATION_TYPES.
set(case_args)
if(EXISTS "${CASE_DIR}/${CASE}-init.cmake")
  set(case_args -C "${CASE_DIR}/${CASE}-init.cmake")
endif()

execute_process(
  COMMAND "${CMAKE_COMMAND}" -S "${source}" -B "${binary}" -G "${GENERATOR}"
          "-DHUBTEL_AI_EXECUTABLE=${HUBTEL_AI_EXECUTABLE}" ${engine_arg} ${case_args}
  RESULT_VARIABLE result
  OUTPUT_VARIABLE stdout
  ERROR_VARIABLE stderr)

set(failed "")
set(expected_result 0)
if(EXISTS "${CASE_DIR}/${CASE}-result.txt")
  file(READ "${CASE_DIR}/${CASE}-result.txt" expected_result)
  string(STRIP "${expected_result}" expected_result)
endif()
if(NOT result MATCHES "^${expected_result}$")
  string(APPEND failed "exit code ${result} does not match \"${expected_result}\"\n")
endif()
# CMake wraps long messages; match against the text with line breaks and indents folded.
string(REGEX REPLACE "\n *" " " stderr_folded "${stderr}")
if(EXISTS "${CASE_DIR}/${CASE}-stderr.txt")
  file(READ "${CASE_DIR}/${CASE}-stderr.txt" expected_stderr)
  string(STRIP "${expected_stderr}" expected_stderr)
  if(NOT stderr_folded MATCHES "${expected_stderr}")
    string(APPEND failed "stderr does not match:\n  ${expected_stderr}\n")
  endif()
elseif(stderr MATCHES "(Warning|Error)")
  string(APPEND failed "unexpected warning or error on stderr\n")
endif()
if(NOT failed AND EXISTS "${CASE_DIR}/${CASE}-check.cmake")
  set(RunCMake_TEST_BINARY_DIR "${binary}")
  set(RunCMake_TEST_SOURCE_DIR "${source}")
  set(RunCMake_TEST_FAILED "")
  # For the checks: ninja_query(<target>) sets query_result and query_out to the exit code and
  # output of `ninja -t query <target>` in the case's build folder (what the target depends on).
  function(ninja_query target)
    find_program(ninja NAMES ninja ninja-build REQUIRED)
    execute_process(
      COMMAND "${ninja}" -C "${RunCMake_TEST_BINARY_DIR}" -t query ${target}
      RESULT_VARIABLE result
      OUTPUT_VARIABLE out
      ERROR_VARIABLE out)
    set(query_result "${result}" PARENT_SCOPE)
    set(query_out "${out}" PARENT_SCOPE)
  endfunction()
  include("${CASE_DIR}/${CASE}-check.cmake")
  if(RunCMake_TEST_FAILED)
    string(APPEND failed "${RunCMake_TEST_FAILED}\n")
  endif()
endif()
if(failed)
  message(FATAL_ERROR "case ${CASE}: ${failed}--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}")
endif()
