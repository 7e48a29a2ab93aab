# A failed `hubtel-ai sbom --output F` leaves F as it was: an SBOM written before stays whole.
# -DHELPER=<hubtel-ai> -DWORK=<the fixtures' folder>
cmake_minimum_required(VERSION 3.20)
set(output "${WORK}/unchanged.spdx.json")
file(WRITE "${output}" "the SBOM of the last good build\n")
execute_process(COMMAND "${HELPER}" sbom --image "${WORK}/corrupt-status.tar" --base-layers 1
                        --output "${output}" RESULT_VARIABLE result ERROR_VARIABLE stderr)
file(READ "${output}" content)
file(GLOB leftovers "${WORK}/unchanged.spdx.json?*" "${WORK}/.unchanged.spdx.json*")
if(NOT result EQUAL 1 OR NOT content STREQUAL "the SBOM of the last good build\n" OR leftovers)
  message(FATAL_ERROR "exit code ${result}, content \"${content}\", left over: ${leftovers}\n"
                      "${stderr}")
endif()
