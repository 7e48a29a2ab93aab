#[=======================================================================[.rst:
HubtelAI
--------

HubtelAI turns targets of a CMake project into minimal, multi-stage AWS Lambda container images
and gives the build ``image``, ``size``, ``invoke``, ``push`` and ``deploy`` targets. Load it
with ``find_package(HubtelAI 0.1 REQUIRED)`` (or ``add_subdirectory()`` of its source tree) and
call :command:`hubtel_add_lambda_image` once per image.

Inside an image's builder stage (``HUBTEL_AI_IN_BUILDER``) the same calls succeed and do
nothing, so a project's unmodified ``CMakeLists.txt`` configures there too.

The helper program is the imported target ``HubtelAI::hubtel-ai``; set
``HUBTEL_AI_EXECUTABLE`` to use another build of it.
#]=======================================================================]
include_guard(GLOBAL)

if(HUBTEL_AI_IN_BUILDER)
  include("${CMAKE_CURRENT_LIST_DIR}/../cmake/HubtelAIBuilder.cmake")
  return()
endif()

if(NOT DEFINED _HUBTEL_VERSION)
  message(FATAL_ERROR "HubtelAI: load it with find_package(HubtelAI) or add_subdirectory(), "
                      "not include(HubtelAI)")
endif()

cmake_policy(PUSH)
cmake_policy(VERSION 3.20)
include("${CMAKE_CURRENT_LIST_DIR}/HubtelAILambdaImage.cmake")
cmake_policy(POP)
