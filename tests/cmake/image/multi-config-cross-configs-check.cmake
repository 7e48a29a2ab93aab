file(READ "${RunCMake_TEST_BINARY_DIR}/build-Release.ninja" ninja)
if(ninja MATCHES "image-x86_64\\.d")
  set(RunCMake_TEST_FAILED "a depfile is still named with CMAKE_CROSS_CONFIGS")
endif()
