find_program(ninja NAMES ninja ninja-build REQUIRED)
foreach(aggregate IN ITEMS images update-bases)
  execute_process(
    COMMAND "${ninja}" -C "${RunCMake_TEST_BINARY_DIR}" -t query ${aggregate}
    RESULT_VARIABLE result
    OUTPUT_VARIABLE out
    ERROR_VARIABLE out)
  set(member image)
  if(aggregate STREQUAL "update-bases")
    set(member update-bases)
  endif()
  if(NOT result EQUAL 0 OR NOT out MATCHES "hello-${member}" OR NOT out MATCHES "two-${member}")
    string(APPEND RunCMake_TEST_FAILED "${aggregate} lacks an image's ${member}:\n${out}\n")
  endif()
endforeach()
