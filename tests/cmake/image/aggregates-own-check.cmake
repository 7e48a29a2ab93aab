foreach(aggregate IN ITEMS images update-bases deploy sam)
  ninja_query(${aggregate})
  if(NOT query_result EQUAL 0 OR query_out MATCHES "hello-")
    string(APPEND RunCMake_TEST_FAILED
           "the project's own ${aggregate} was changed:\n${query_out}\n")
  endif()
endforeach()
