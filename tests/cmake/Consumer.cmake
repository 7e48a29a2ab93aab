# A consumer project of HubtelAI, the way users load it: find_package() from an installed prefix,
# or add_subdirectory() of the source tree; and a request for another major version, or while the
# major version is 0 for another minor one, refused.
#
# -DMODE=install|subdirectory|other-major|other-minor -DHUBTEL_SOURCE_DIR=<src> -DHUBTEL_BINARY_DIR=<build>
# -DWORK_DIR=<scratch> -DGENERATOR=<generator>
cmake_minimum_required(VERSION 3.20)

set(work "${WORK_DIR}/consumer-${MODE}")
file(REMOVE_RECURSE "${work}")
file(MAKE_DIRECTORY "${work}/source")
file(WRITE "${work}/source/main.cpp" "int main() { return 0; }\n")

if(MODE STREQUAL "subdirectory")
  set(load "add_subdirectory(\"${HUBTEL_SOURCE_DIR}\" hubtel-ai)")
elseif(MODE STREQUAL "other-major")
  set(load "find_package(HubtelAI 1.0 REQUIRED)")
elseif(MODE STREQUAL "other-minor")
  set(load "find_package(HubtelAI 0.0 REQUIRED)")
else()
  set(load "find_package(HubtelAI 0.1 REQUIRED)")
endif()
file(
  WRITE "${work}/source/CMakeLists.txt"
  "cmake_minimum_required(VERSION 3.20)
project(consumer LANGUAGES CXX)
${load}
if(NOT HubtelAI_VERSION MATCHES \"^0\\\\.1\\\\.\")
  message(FATAL_ERROR \"HubtelAI_VERSION is '\${HubtelAI_VERSION}'\")
endif()
if(NOT TARGET HubtelAI::hubtel-ai)
  message(FATAL_ERROR \"no HubtelAI::hubtel-ai\")
endif()
if(NOT COMMAND hubtel_add_lambda_image)
  message(FATAL_ERROR \"no hubtel_add_lambda_image()\")
endif()
get_target_property(aliased HubtelAI::hubtel-ai ALIASED_TARGET)
get_target_property(imported HubtelAI::hubtel-ai IMPORTED)
message(STATUS \"helper: aliased=\${aliased} imported=\${imported}\")
add_executable(hello main.cpp)
hubtel_add_lambda_image(hello RUNTIME provided.al2023 TARGET hello ARCHITECTURES arm64)
")

set(prefix_args)
if(MODE MATCHES "^(install|other-major|other-minor)$")
  execute_process(COMMAND "${CMAKE_COMMAND}" --install "${HUBTEL_BINARY_DIR}" --prefix
                          "${work}/prefix" RESULT_VARIABLE result OUTPUT_QUIET)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "cmake --install failed")
  endif()
  set(prefix_args "-DCMAKE_PREFIX_PATH=${work}/prefix")
endif()

execute_process(
  COMMAND "${CMAKE_COMMAND}" -S "${work}/source" -B "${work}/build" -G "${GENERATOR}" ${prefix_args}
  RESULT_VARIABLE result
  OUTPUT_VARIABLE out
  ERROR_VARIABLE err)

if(MODE MATCHES "^other-")
  string(REGEX MATCH "[0-9]+\\.[0-9]+" requested "${load}")
  string(REGEX REPLACE "\n *" " " folded "${err}")
  string(REPLACE "." "\\." requested_regex "${requested}")
  if(result EQUAL 0
     OR NOT folded MATCHES
        "requested version \"${requested_regex}\".*HubtelAIConfig\\.cmake, version: 0\\.1\\.[0-9]+")
    message(
      FATAL_ERROR "a request for HubtelAI ${requested} was not refused as expected:\n${out}\n${err}"
    )
  endif()
  return()
endif()
if(NOT result EQUAL 0)
  message(FATAL_ERROR "the consumer did not configure:\n${out}\n${err}")
endif()
if(MODE STREQUAL "install" AND NOT out MATCHES "helper: aliased=.*NOTFOUND imported=TRUE")
  message(FATAL_ERROR "HubtelAI::hubtel-ai is not the installed, imported helper:\n${out}")
endif()
if(MODE STREQUAL "subdirectory" AND NOT out MATCHES "helper: aliased=hubtel-ai imported=FALSE")
  message(FATAL_ERROR "HubtelAI::hubtel-ai is not an ALIAS of the helper built here:\n${out}")
endif()
if(MODE STREQUAL "install")
  # The installed helper renders the image's Dockerfile from the installed templates.
  execute_process(
    COMMAND "${CMAKE_COMMAND}" --build "${work}/build" --target hubtel/hello/Dockerfile
    RESULT_VARIABLE result
    OUTPUT_VARIABLE out
    ERROR_VARIABLE err)
  if(NOT result EQUAL 0 OR NOT EXISTS "${work}/build/hubtel/hello/Dockerfile")
    message(FATAL_ERROR "the Dockerfile was not rendered:\n${out}\n${err}")
  endif()
  file(READ "${work}/build/hubtel/hello/Dockerfile" dockerfile)
  if(NOT dockerfile MATCHES
     "FROM --platform=\\$BUILDPLATFORM public\\.ecr\\.aws/docker/library/debian:bullseye AS deps")
    message(FATAL_ERROR "unexpected Dockerfile:\n${dockerfile}")
  endif()
endif()
