# Runs one hubtel-ai command line and checks its exit code, stdout and stderr against expectations.
#
# -DCOMMAND=<list> the command and its arguments; -DSTDIN=<file> optional;
# -DEXPECT_RESULT=<n>; -DEXPECT_STDOUT=<regex>; -DEXPECT_STDERR=<regex> ("^$" for none);
# -DWORKING_DIRECTORY=<dir> optional.
cmake_minimum_required(VERSION 3.20)

set(_input)
if(DEFINED STDIN AND NOT STDIN STREQUAL "")
  set(_input INPUT_FILE "${STDIN}")
endif()
set(_wd)
if(DEFINED WORKING_DIRECTORY AND NOT WORKING_DIRECTORY STREQUAL "")
  set(_wd WORKING_DIRECTORY "${WORKING_DIRECTORY}")
endif()
execute_process(
  COMMAND ${COMMAND} ${_input} ${_wd}
  RESULT_VARIABLE result
  OUTPUT_VARIABLE stdout
  ERROR_VARIABLE stderr)

set(failures)
if(DEFINED EXPECT_RESULT AND NOT result STREQUAL EXPECT_RESULT)
  string(APPEND failures "exit code ${result}, expected ${EXPECT_RESULT}\n")
endif()
if(DEFINED EXPECT_STDOUT AND NOT stdout MATCHES "${EXPECT_STDOUT}")
  string(APPEND failures "stdout does not match: ${EXPECT_STDOUT}\n")
endif()
if(DEFINED EXPECT_STDERR AND NOT stderr MATCHES "${EXPECT_STDERR}")
  string(APPEND failures "stderr does not match: ${EXPECT_STDERR}\n")
endif()
if(failures)
  string(REPLACE ";" " " shown "${COMMAND}")
  message(
    FATAL_ERROR "${failures}command: ${shown}\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}"
  )
endif()
