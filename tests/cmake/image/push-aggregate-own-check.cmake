find_program(ninja NAMES ninja ninja-build REQUIRED)
execute_process(
  COMMAND "${ninja}" -C "${RunCMake_TEST_BINARY_DIR}" -t query push
  RESULT_VARIABLE result
  OUTPUT_VARIABLE out
  ERROR_VARIABLE out)
if(NOT result EQUAL 0 OR out MATCHES "hello-push")
  set(RunCMake_TEST_FAILED "the project's own push was changed:\n${out}")
endif()
execute_process(
  COMMAND "${ninja}" -C "${RunCMake_TEST_BINARY_DIR}" -t query hello-push
  RESULT_VARIABLE result
  OUTPUT_VARIABLE out
  ERROR_VARIABLE out)
if(NOT result EQUAL 0)
  set(RunCMake_TEST_FAILED "no target hello-push beside the project's own push:\n${out}")
endif()
