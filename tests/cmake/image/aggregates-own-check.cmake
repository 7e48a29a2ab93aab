find_program(ninja NAMES ninja ninja-build REQUIRED)
foreach(aggregate IN ITEMS images update-bases deploy sam)
  execute_process(
    COMMAND "${ninja}" -C "${RunCMake_TEST_BINARY_DIR}" -t query ${aggregate}
    RESULT_VARIABLE result
    OUTPUT_VARIABLE out
    ERROR_VARIABLE out)
  if(NOT result EQUAL 0 OR out MATCHES "hello-")
    string(APPEND RunCMake_TEST_FAILED "the project's own ${aggregate} was changed:\n${out}\n")
  endif()
endforeach()
