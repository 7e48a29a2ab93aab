set(hashed "${RunCMake_TEST_SOURCE_DIR}/../build#2")
execute_process(
  COMMAND ${CMAKE_COMMAND} -S "${RunCMake_TEST_SOURCE_DIR}" -B "${hashed}" -G Ninja
          "-DHUBTEL_AI_EXECUTABLE=${HUBTEL_AI_EXECUTABLE}" -DHUBTEL_ENGINE=/usr/bin/docker
  RESULT_VARIABLE result
  OUTPUT_VARIABLE out
  ERROR_VARIABLE out)
string(REGEX REPLACE "\n *" " " folded "${out}")
if(result EQUAL 0
   OR NOT
      folded
      MATCHES
      "hubtel_add_lambda_image\\(hello\\): the build tree \"[^\"]*/build#2\" has a '#' in its path, which CMake does not take in the files a build makes; configure in a folder whose path has none"
)
  set(RunCMake_TEST_FAILED "configuring in build#2 gave (${result}):\n${out}")
endif()
