# Every keyword of hubtel_add_lambda_image() (and the image name) against hostile values: each case
# configures a tiny project and must end either in a refusal that names the keyword in a short
# message, or in a safe landing: the helper reads the spec and prepares the Dockerfile, and nothing
# ran (a canary file that a value tries to create never appears). File and folder values name
# files that exist, so paths land for real. Then the project folder itself gets hostile names
# inside a CONTEXT that holds it.
#
# -DHUBTEL_SOURCE_DIR=<HubtelAI source> -DHUBTEL_AI_EXECUTABLE=<built helper>
# -DWORK_DIR=<scratch folder> -DGENERATOR=<generator>
cmake_minimum_required(VERSION 3.20)
include("${HUBTEL_SOURCE_DIR}/modules/HubtelAISpec.cmake")

set(canary "${WORK_DIR}/canary")
execute_process(COMMAND printf "a\\377b" OUTPUT_VARIABLE not_utf8)
string(REPEAT "x" 102400 long)
set(values
    "a\nb"
    "a\rb"
    "@semicolon@"
    "$(touch ${canary})"
    "`touch ${canary}`"
    "--flag"
    "-fn"
    "0256"
    "99999999999999GiB"
    "${not_utf8}"
    "$<1:x>"
    ""
    "${long}"
    "my proj"
    "a\"b"
    "a'b"
    "a\\b"
    "#x"
    "@bracket@")
list(LENGTH values value_count)
math(EXPR last_value "${value_count} - 1")

set(project "${WORK_DIR}/project")
set(build "${WORK_DIR}/build")
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${project}")
file(WRITE "${project}/main.cpp" "int main() { return 0; }\n")
file(WRITE "${project}/app.py" "def handler(event, context):\n    return event\n")
file(
  WRITE "${project}/CMakeLists.txt"
  "cmake_minimum_required(VERSION 3.20)
project(matrix LANGUAGES CXX)
add_subdirectory(\"${HUBTEL_SOURCE_DIR}\" hubtel-ai)
add_executable(hello main.cpp)
include(\"\${CMAKE_CURRENT_SOURCE_DIR}/case.cmake\")
")

# A value as a bracket argument, which CMake takes verbatim (its first newline aside).
function(quoted out value)
  set(${out} "[==[${value}]==]" PARENT_SCOPE)
  if(value MATCHES "^\n")
    set(${out} "[==[\n${value}]==]" PARENT_SCOPE)
  endif()
endfunction()

# The call for one keyword and value: a valid call of the keyword's kind, with the value added.
function(call_of out keyword value)
  quoted(v "${value}")
  set(native "RUNTIME provided.al2023 TARGET hello")
  set(python "RUNTIME python3.12 HANDLER app.handler SOURCES app.py")
  set(base "${native}")
  if(keyword MATCHES "^(HANDLER|SOURCES|REQUIREMENTS)$")
    set(base "${python}")
  endif()
  if(keyword IN_LIST _HUBTEL_FUNCTION_KEYWORDS)
    string(APPEND base " FUNCTION_NAME fn REPOSITORY 127.0.0.1:5000/team/hello")
  endif()
  if(keyword STREQUAL "TAG")
    string(APPEND base " REPOSITORY 127.0.0.1:5000/team/hello")
  endif()
  if(keyword STREQUAL "TEST_ARGS")
    string(APPEND base " TESTS ON")
  endif()
  if(keyword STREQUAL "NAME")
    set(${out} "hubtel_add_lambda_image(${v} ${base})" PARENT_SCOPE)
    return()
  endif()
  string(REGEX REPLACE " ${keyword} [^ ]+" "" base "${base}")
  set(extra "")
  if(keyword MATCHES "^(BUILD_ARGS|ENVIRONMENT)$")
    quoted(v "K=${value}")
  elseif(keyword STREQUAL "SECRETS")
    quoted(v "tok=${value}")
  elseif(keyword STREQUAL "SOURCES")
    set(extra " app.py")
  endif()
  set(${out} "hubtel_add_lambda_image(hello ${base} ${keyword} ${v}${extra})" PARENT_SCOPE)
endfunction()

# Files and folders that path values name exist, where a file may have that name.
function(make_path keyword value)
  if(value STREQUAL "" OR value MATCHES "[/;]|\n|\r" OR value MATCHES "^[.]+$")
    return()
  endif()
  string(LENGTH "${value}" length)
  if(length GREATER 200)
    return()
  endif()
  if(keyword MATCHES "^(CONTEXT|SOURCES)$")
    file(MAKE_DIRECTORY "${project}/${value}")
  elseif(keyword MATCHES "^(REQUIREMENTS|TEMPLATE|EVENT|SECRETS)$")
    file(WRITE "${project}/${value}" "{}\n")
  endif()
endfunction()

# Configures the project with `call`; returns "refused", "landed" or the reason the case failed.
function(run_case out call label)
  file(REMOVE "${canary}")
  file(REMOVE_RECURSE "${build}/hubtel")
  file(WRITE "${project}/case.cmake" "${call}\n")
  execute_process(
    COMMAND "${CMAKE_COMMAND}" -S "${project}" -B "${build}" -G "${GENERATOR}"
            "-DHUBTEL_AI_EXECUTABLE=${HUBTEL_AI_EXECUTABLE}" -DHUBTEL_ENGINE=/usr/bin/docker
    RESULT_VARIABLE result
    OUTPUT_QUIET
    ERROR_VARIABLE stderr)
  set(${out} "" PARENT_SCOPE)
  if(EXISTS "${canary}")
    set(${out} "a value ran a command" PARENT_SCOPE)
    return()
  endif()
  string(LENGTH "${stderr}" length)
  if(NOT result EQUAL 0)
    string(REGEX REPLACE "\n *" " " folded "${stderr}")
    if(NOT folded MATCHES "hubtel_add_lambda_image\\(")
      set(${out} "refused without naming the call: ${folded}" PARENT_SCOPE)
    elseif(NOT folded MATCHES "${label}")
      set(${out} "refused without naming ${label}: ${folded}" PARENT_SCOPE)
    elseif(length GREATER 4000)
      set(${out} "refused with a message of ${length} characters" PARENT_SCOPE)
    else()
      set(${out} "refused" PARENT_SCOPE)
    endif()
    return()
  endif()
  file(GLOB spec "${build}/hubtel/*/spec.json")
  execute_process(
    COMMAND "${HUBTEL_AI_EXECUTABLE}" prepare --spec "${spec}"
    RESULT_VARIABLE result
    OUTPUT_QUIET
    ERROR_VARIABLE stderr)
  if(EXISTS "${canary}")
    set(${out} "a value ran a command" PARENT_SCOPE)
  elseif(NOT result EQUAL 0)
    set(${out} "accepted at configure time, but the helper refused the spec: ${stderr}"
        PARENT_SCOPE)
  else()
    set(${out} "landed" PARENT_SCOPE)
  endif()
endfunction()

set(keywords NAME ${_HUBTEL_ONE_VALUE_KEYWORDS} ${_HUBTEL_MULTI_VALUE_KEYWORDS})
set(failures "")
set(refused 0)
set(landed 0)
foreach(keyword IN LISTS keywords)
  set(label "${keyword}")
  if(keyword STREQUAL "NAME")
    set(label "the image name")
  endif()
  foreach(i RANGE ${last_value})
    # A list cannot hold these two as they are.
    list(GET values ${i} value)
    if(value STREQUAL "@semicolon@")
      set(value "a;b")
    elseif(value STREQUAL "@bracket@")
      set(value "[x")
    endif()
    make_path(${keyword} "${value}")
    call_of(call ${keyword} "${value}")
    run_case(verdict "${call}" "${label}")
    if(keyword MATCHES "^(CONTEXT|SOURCES|REQUIREMENTS|TEMPLATE|EVENT|SECRETS)$"
       AND NOT value MATCHES "[/;]|^[.]*$")
      file(REMOVE_RECURSE "${project}/${value}")
    endif()
    if(verdict STREQUAL "refused")
      math(EXPR refused "${refused} + 1")
    elseif(verdict STREQUAL "landed")
      math(EXPR landed "${landed} + 1")
    else()
      string(SUBSTRING "${value}" 0 40 shown)
      string(SUBSTRING "${verdict}" 0 600 verdict)
      string(APPEND failures "  ${keyword} value ${i} \"${shown}\": ${verdict}\n")
    endif()
  endforeach()
endforeach()

# The project folder itself, inside a CONTEXT that holds it: its path reaches the builder.
set(n 0)
foreach(folder IN ITEMS "$(touch ${canary})" "my proj" "a'b" "-x" "#x")
  math(EXPR n "${n} + 1")
  set(project "${WORK_DIR}/context/${folder}")
  set(build "${WORK_DIR}/build-context-${n}")
  file(MAKE_DIRECTORY "${project}")
  file(COPY "${WORK_DIR}/project/main.cpp" "${WORK_DIR}/project/CMakeLists.txt"
       DESTINATION "${project}")
  run_case(verdict "hubtel_add_lambda_image(hello RUNTIME provided.al2023 TARGET hello CONTEXT ..)"
           "CONTEXT|project folder")
  if(verdict STREQUAL "refused")
    math(EXPR refused "${refused} + 1")
  elseif(verdict STREQUAL "landed")
    math(EXPR landed "${landed} + 1")
  else()
    string(APPEND failures "  project folder \"${folder}\": ${verdict}\n")
  endif()
endforeach()

if(failures)
  message(FATAL_ERROR "cases that neither were refused clearly nor landed safely:\n${failures}")
endif()
message(STATUS "${refused} refused with a clear message, ${landed} landed safely")
