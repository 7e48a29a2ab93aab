# Checks that every tracked CMake file is cmake-format clean and every C++ file clang-format
# clean. -DKIND=cmake|cpp -DSOURCE_DIR=<project root>
cmake_minimum_required(VERSION 3.20)

if(KIND STREQUAL "cmake")
  set(patterns "*.cmake" "*CMakeLists.txt" "*.cmake.in")
  find_program(tool cmake-format REQUIRED)
else()
  set(patterns "*.cpp" "*.hpp")
  find_program(tool clang-format REQUIRED)
endif()

find_program(git git)
set(files)
if(git AND EXISTS "${SOURCE_DIR}/.git")
  execute_process(
    COMMAND "${git}" ls-files --cached --others --exclude-standard -- ${patterns}
    WORKING_DIRECTORY "${SOURCE_DIR}"
    OUTPUT_VARIABLE listed
    RESULT_VARIABLE result)
  if(result EQUAL 0)
    string(REPLACE "\n" ";" files "${listed}")
  endif()
endif()
if(NOT files)
  foreach(pattern IN LISTS patterns)
    file(GLOB_RECURSE found RELATIVE "${SOURCE_DIR}" "${SOURCE_DIR}/${pattern}")
    list(APPEND files ${found})
  endforeach()
  list(FILTER files EXCLUDE REGEX "^(build|_)")
endif()

set(bad)
foreach(file IN LISTS files)
  if(file STREQUAL "" OR NOT EXISTS "${SOURCE_DIR}/${file}")
    continue()
  endif()
  if(KIND STREQUAL "cmake")
    execute_process(
      COMMAND "${tool}" --check "${file}"
      WORKING_DIRECTORY "${SOURCE_DIR}"
      RESULT_VARIABLE result
      OUTPUT_QUIET ERROR_QUIET)
  else()
    execute_process(
      COMMAND "${tool}" --dry-run --Werror "${file}"
      WORKING_DIRECTORY "${SOURCE_DIR}"
      RESULT_VARIABLE result
      OUTPUT_QUIET ERROR_QUIET)
  endif()
  if(NOT result EQUAL 0)
    list(APPEND bad "${file}")
  endif()
endforeach()
if(bad)
  list(JOIN bad "\n  " shown)
  message(FATAL_ERROR "not formatted (run ${tool} -i on them):\n  ${shown}")
endif()
list(LENGTH files count)
message(STATUS "${count} files formatted")
