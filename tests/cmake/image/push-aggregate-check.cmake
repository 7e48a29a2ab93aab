find_program(ninja NAMES ninja ninja-build REQUIRED)
execute_process(
  COMMAND "${ninja}" -C "${RunCMake_TEST_BINARY_DIR}" -t query push
  RESULT_VARIABLE result
  OUTPUT_VARIABLE out
  ERROR_VARIABLE out)
if(NOT result EQUAL 0)
  set(RunCMake_TEST_FAILED "no target push: ${out}")
elseif(NOT out MATCHES "hello-push" OR out MATCHES "other-push")
  set(RunCMake_TEST_FAILED "push should depend on hello-push alone:\n${out}")
endif()
