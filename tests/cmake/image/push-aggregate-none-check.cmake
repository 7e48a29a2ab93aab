execute_process(
  COMMAND "${CMAKE_COMMAND}" --build "${RunCMake_TEST_BINARY_DIR}" --target push
  RESULT_VARIABLE result
  OUTPUT_VARIABLE out
  ERROR_VARIABLE out)
if(result EQUAL 0
   OR NOT out MATCHES
      "no image of this project has a REPOSITORY to push to; add REPOSITORY <registry/repository>")
  set(RunCMake_TEST_FAILED "push without a repository: exit ${result}:\n${out}")
endif()
