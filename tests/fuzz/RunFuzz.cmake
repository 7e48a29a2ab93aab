# Runs one libFuzzer target: its seed corpus once (SECONDS 0), or fuzzing for SECONDS from the
# seeds into a copy in WORK. A crash, leak, timeout or sanitizer report fails the test; the input
# that caused it is left in WORK.
#
# -DFUZZER=<executable> -DCORPUS=<seed dir> -DDICT=<dictionary> -DWORK=<dir> -DSECONDS=<n>
cmake_minimum_required(VERSION 3.20)

file(MAKE_DIRECTORY "${WORK}/corpus")
set(options -dict=${DICT} -timeout=20 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1
            -artifact_prefix=${WORK}/)
if(SECONDS GREATER 0)
  set(run "${WORK}/corpus" "${CORPUS}" -max_total_time=${SECONDS})
else()
  set(run "${CORPUS}" -runs=0)
endif()
execute_process(COMMAND "${FUZZER}" ${run} ${options} WORKING_DIRECTORY "${WORK}"
                RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "the fuzzer found a problem (exit ${result}); its input is in ${WORK}")
endif()
