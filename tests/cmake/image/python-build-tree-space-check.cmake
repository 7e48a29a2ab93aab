set(tree "${RunCMake_TEST_SOURCE_DIR}/b 1")
execute_process(
  COMMAND ${CMAKE_COMMAND} -S "${RunCMake_TEST_SOURCE_DIR}" -B "${tree}" -G Ninja
          "-DHUBTEL_AI_EXECUTABLE=${HUBTEL_AI_EXECUTABLE}" -DHUBTEL_ENGINE=/usr/bin/docker
  RESULT_VARIABLE result
  OUTPUT_VARIABLE out
  ERROR_VARIABLE out)
if(result EQUAL 0)
  execute_process(
    COMMAND ${CMAKE_COMMAND} --build "${tree}" --target hubtel/spaced/Dockerfile
    RESULT_VARIABLE result
    OUTPUT_VARIABLE out
    ERROR_VARIABLE out)
endif()
set(ignore_file "${tree}/hubtel/spaced/Dockerfile.dockerignore")
if(NOT result EQUAL 0 OR NOT EXISTS "${ignore_file}")
  set(RunCMake_TEST_FAILED "a build tree named 'b 1' in the project's folder (${result}):\n${out}")
  return()
endif()
file(STRINGS "${ignore_file}" lines)
if(NOT "b 1" IN_LIST lines)
  set(RunCMake_TEST_FAILED "${ignore_file} does not leave out the build tree:\n${lines}")
endif()
