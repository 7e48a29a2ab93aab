# HubtelAI inside an image's builder stage: the public functions exist and do nothing, but each
# native image records where its program lands, so the builder can pick it up. One configured
# build folder serves every image of the project (the builder configures it once).
#
# The builder configures the user's own project with -DHUBTEL_AI_IN_BUILDER=ON; this file is then
# what find_package(HubtelAI) loads (and what add_subdirectory() of the HubtelAI source tree
# includes).
include_guard(GLOBAL)
cmake_policy(PUSH)
cmake_policy(VERSION 3.16)
set(HUBTEL_AI_IN_BUILDER ON)

function(hubtel_add_lambda_image name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "TARGET" "")
  if(arg_TARGET)
    file(GENERATE OUTPUT "${CMAKE_BINARY_DIR}/hubtel-builder/${name}.program"
         CONTENT "$<TARGET_FILE:${arg_TARGET}>")
  endif()
endfunction()

cmake_policy(POP)
