# Every keyword hubtel_add_lambda_image() parses is documented in its signature and its keyword
# paragraphs, and declared for users' formatters in .cmake-format.yaml, with the same arity; and
# nothing is documented or declared that it does not parse. A new keyword that misses one of
# those places fails here, naming it.
#
# -DHUBTEL_SOURCE_DIR=<HubtelAI source>
cmake_minimum_required(VERSION 3.20)
include("${HUBTEL_SOURCE_DIR}/modules/HubtelAISpec.cmake")

# The formatter's argument spec: the kwargs block of hubtel_add_lambda_image.
file(STRINGS "${HUBTEL_SOURCE_DIR}/.cmake-format.yaml" lines)
set(inside FALSE)
set(declared "")
foreach(line IN LISTS lines)
  if(line MATCHES "^    hubtel_add_lambda_image:")
    set(inside TRUE)
  elseif(inside AND line MATCHES "^    [^ ]")
    break()
  elseif(inside AND line MATCHES "^        ([A-Z_]+): (1|\\+)$")
    list(APPEND declared "${CMAKE_MATCH_1}=${CMAKE_MATCH_2}")
  endif()
endforeach()

# The documentation: the reStructuredText block of the module that defines the function.
file(READ "${HUBTEL_SOURCE_DIR}/modules/HubtelAILambdaImage.cmake" module)
string(REGEX MATCH "#\\[=+\\[\\.rst:.*#\\]=+\\]" doc "${module}")
string(REGEX MATCH "hubtel_add_lambda_image\\(<name>[^)]*\\)" signature "${doc}")

set(failures "")
set(parsed "")
foreach(keyword IN LISTS _HUBTEL_ONE_VALUE_KEYWORDS)
  list(APPEND parsed "${keyword}=1")
endforeach()
foreach(keyword IN LISTS _HUBTEL_MULTI_VALUE_KEYWORDS)
  list(APPEND parsed "${keyword}=+")
endforeach()
foreach(entry IN LISTS parsed)
  string(REGEX REPLACE "=.*" "" keyword "${entry}")
  if(NOT entry IN_LIST declared)
    string(APPEND failures "  ${keyword}: not declared (as ${entry}) in .cmake-format.yaml\n")
  endif()
  if(NOT signature MATCHES "[[ ]${keyword} ")
    string(APPEND failures "  ${keyword}: missing from the documented signature\n")
  endif()
  if(NOT doc MATCHES "\n  ([^\n]*, )?``${keyword}``(,[^\n]*)?\n    ")
    string(APPEND failures "  ${keyword}: no documented paragraph (``${keyword}``)\n")
  endif()
endforeach()
foreach(entry IN LISTS declared)
  if(NOT entry IN_LIST parsed)
    string(APPEND failures "  ${entry}: declared in .cmake-format.yaml but not parsed\n")
  endif()
endforeach()
if(failures)
  message(FATAL_ERROR "hubtel_add_lambda_image()'s keywords disagree:\n${failures}")
endif()
list(LENGTH parsed count)
message(STATUS "${count} keywords parsed, documented and declared alike")
