# Configures HubtelAI in BINARY_DIR with COMPILER and BUILD_TYPE (tests and benchmarks off,
# -Werror on), builds the helper on one core, and fails on any error or warning.
# Run with cmake -DSOURCE_DIR=<src> -DBINARY_DIR=<dir> -DCOMPILER=<c++> -DBUILD_TYPE=<type> -P.
cmake_minimum_required(VERSION 3.20)
find_program(compiler NAMES ${COMPILER} NO_CACHE)
if(NOT compiler)
  message(FATAL_ERROR "${COMPILER} is missing: apt-get install clang (scripts/setup-debian.sh "
                      "installs it)")
endif()
execute_process(
  COMMAND
    ${CMAKE_COMMAND} -S "${SOURCE_DIR}" -B "${BINARY_DIR}" -G Ninja
    "-DCMAKE_CXX_COMPILER=${compiler}" "-DCMAKE_BUILD_TYPE=${BUILD_TYPE}" -DHUBTEL_AI_WERROR=ON
    -DHUBTEL_AI_BUILD_TESTS=OFF -DHUBTEL_AI_BUILD_BENCHMARKS=OFF -DHUBTEL_AI_INSTALL=OFF
  RESULT_VARIABLE result
  OUTPUT_VARIABLE out
  ERROR_VARIABLE out)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "configuring with ${COMPILER} failed:\n${out}")
endif()
execute_process(
  COMMAND ${CMAKE_COMMAND} --build "${BINARY_DIR}" --target hubtel-ai -j 1
  RESULT_VARIABLE result
  OUTPUT_VARIABLE out
  ERROR_VARIABLE out)
if(NOT result EQUAL 0 OR out MATCHES "warning:")
  message(FATAL_ERROR "building hubtel-ai with ${COMPILER} (${BUILD_TYPE}) was not clean "
                      "(exit ${result}):\n${out}")
endif()
message(STATUS "hubtel-ai built with ${COMPILER} (build type \"${BUILD_TYPE}\"), warning-free")
