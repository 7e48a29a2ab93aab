# Configures (once) and builds the libFuzzer targets of tests/fuzz/project with clang.
#
# -DCLANGXX=<clang++> -DSOURCE_DIR=<HubtelAI source> -DBUILD=<dir> -DGENERATOR=<generator>
# -DMAKE_PROGRAM=<ninja or make>
cmake_minimum_required(VERSION 3.20)

if(NOT CLANGXX)
  message(FATAL_ERROR "no clang++ for the fuzz targets: install Debian's clang (apt-get install "
                      "clang) and configure again")
endif()
if(NOT EXISTS "${BUILD}/CMakeCache.txt")
  execute_process(
    COMMAND
      "${CMAKE_COMMAND}" -S "${SOURCE_DIR}/tests/fuzz/project" -B "${BUILD}" -G "${GENERATOR}"
      "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}" "-DCMAKE_CXX_COMPILER=${CLANGXX}"
      "-DHUBTEL_SOURCE_DIR=${SOURCE_DIR}"
    RESULT_VARIABLE result)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "configuring the fuzz targets in ${BUILD} failed (${result})")
  endif()
endif()
execute_process(COMMAND "${CMAKE_COMMAND}" --build "${BUILD}" RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "building the fuzz targets in ${BUILD} failed (${result})")
endif()
