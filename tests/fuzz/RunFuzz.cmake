# Builds a libFuzzer target with clang (ASan and UBSan on) and runs it for a while from a seed
# corpus; a crash, leak or sanitizer report fails the test.
#
# -DCLANGXX=<clang++> -DSOURCES=<a;b> -DINCLUDE=<dir> -DLIBS=<-l...> -DSEEDS=<files>
# -DWORK=<dir> -DSECONDS=<n>
cmake_minimum_required(VERSION 3.20)

file(MAKE_DIRECTORY "${WORK}/corpus")
foreach(seed IN LISTS SEEDS)
  file(COPY "${seed}" DESTINATION "${WORK}/corpus")
endforeach()
execute_process(
  COMMAND "${CLANGXX}" -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined
          -fno-sanitize-recover=undefined "-I${INCLUDE}" ${SOURCES} ${LIBS} -o "${WORK}/fuzzer"
  RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "building the fuzzer failed (${result})")
endif()
execute_process(
  COMMAND "${WORK}/fuzzer" "${WORK}/corpus" -max_total_time=${SECONDS} -timeout=20
          -rss_limit_mb=1536 -max_len=65536 -print_final_stats=1 WORKING_DIRECTORY "${WORK}"
  RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "the fuzzer found a problem (exit ${result}); its input is in ${WORK}")
endif()
