# A build tree inside the context whose name holds what .dockerignore reads as pattern syntax (a
# leading !, which would take it back into the context, and * ? [ ]): its line matches that
# folder alone, each such character escaped.
set(odd "${RunCMake_TEST_SOURCE_DIR}/../!b*?[1] x")
execute_process(
  COMMAND ${CMAKE_COMMAND} -S "${RunCMake_TEST_SOURCE_DIR}" -B "${odd}" -G Ninja
          "-DHUBTEL_AI_EXECUTABLE=${HUBTEL_AI_EXECUTABLE}" -DHUBTEL_ENGINE=/usr/bin/docker
  RESULT_VARIABLE result
  OUTPUT_VARIABLE out
  ERROR_VARIABLE out)
if(NOT result EQUAL 0)
  set(RunCMake_TEST_FAILED "configuring a build tree named '!b*?[1] x' failed:\n${out}")
  return()
endif()
execute_process(
  COMMAND ${CMAKE_COMMAND} --build "${odd}" --target hubtel/hello/Dockerfile
  RESULT_VARIABLE result
  OUTPUT_VARIABLE out
  ERROR_VARIABLE out)
set(ignore_file "${odd}/hubtel/hello/Dockerfile.dockerignore")
if(NOT result EQUAL 0 OR NOT EXISTS "${ignore_file}")
  set(RunCMake_TEST_FAILED "rendering the Dockerfile failed (${result}):\n${out}")
  return()
endif()
file(STRINGS "${ignore_file}" lines)
if(NOT "\\!b\\*\\?\\[1\\] x" IN_LIST lines)
  set(RunCMake_TEST_FAILED "${ignore_file} does not name the build tree escaped:\n${lines}")
endif()
