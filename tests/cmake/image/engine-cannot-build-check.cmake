file(READ "${RunCMake_TEST_BINARY_DIR}/build.ninja" ninja)
if(NOT ninja MATCHES "--engine-kind none")
  set(RunCMake_TEST_FAILED "a client without BuildKit was taken as an engine")
  return()
endif()
execute_process(
  COMMAND "${CMAKE_COMMAND}" --build "${RunCMake_TEST_BINARY_DIR}" --target hello-image
  RESULT_VARIABLE result
  OUTPUT_VARIABLE out
  ERROR_VARIABLE out)
if(result EQUAL 0 OR NOT out MATCHES "hubtel-ai: error: no container engine that can build images"
   OR NOT out MATCHES "apt-get install docker.io")
  set(RunCMake_TEST_FAILED "building without an engine: exit ${result}:\n${out}")
elseif(EXISTS "${RunCMake_TEST_BINARY_DIR}/hubtel/hello/image-x86_64.id")
  set(RunCMake_TEST_FAILED "an image id was left behind")
endif()
