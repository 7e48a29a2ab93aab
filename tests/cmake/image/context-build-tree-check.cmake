set(spec_file "${RunCMake_TEST_BINARY_DIR}/hubtel/hello/spec.json")
file(READ "${spec_file}" spec)
string(
  JSON
  ignored
  ERROR_VARIABLE
  error
  GET
  "${spec}"
  ignore_paths
  0)
if(NOT ignored STREQUAL "build")
  set(RunCMake_TEST_FAILED "ignore_paths[0] is \"${ignored}\" (${error}), expected \"build\"")
  return()
endif()
# The rendered ignore file names it, beside HubtelAI's own patterns.
execute_process(
  COMMAND ${CMAKE_COMMAND} --build "${RunCMake_TEST_BINARY_DIR}" --target hubtel/hello/Dockerfile
  RESULT_VARIABLE result
  OUTPUT_VARIABLE out
  ERROR_VARIABLE out)
set(ignore_file "${RunCMake_TEST_BINARY_DIR}/hubtel/hello/Dockerfile.dockerignore")
if(NOT result EQUAL 0 OR NOT EXISTS "${ignore_file}")
  set(RunCMake_TEST_FAILED "rendering the Dockerfile failed (${result}):\n${out}")
  return()
endif()
file(STRINGS "${ignore_file}" lines)
if(NOT "build" IN_LIST lines)
  set(RunCMake_TEST_FAILED "${ignore_file} does not name the build tree:\n${lines}")
endif()
