execute_process(
  COMMAND "${CMAKE_COMMAND}" --build "${RunCMake_TEST_BINARY_DIR}" --target hubtel/hello/Dockerfile
  RESULT_VARIABLE result
  OUTPUT_VARIABLE out
  ERROR_VARIABLE out)
if(NOT result EQUAL 0)
  set(RunCMake_TEST_FAILED "rendering the Dockerfile failed:\n${out}")
  return()
endif()
file(READ "${RunCMake_TEST_BINARY_DIR}/hubtel/hello/Dockerfile" dockerfile)
if(NOT dockerfile MATCHES "FROM runtime-base AS runtime\n.*LABEL team=\"lambda\"\n")
  set(RunCMake_TEST_FAILED
      "the partial beside the template is not in the runtime stage:\n${dockerfile}")
endif()
