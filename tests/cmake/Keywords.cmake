# Every keyword hubtel_add_lambda_image() parses is documented in its signature and its keyword
# paragraphs, and declared for formatters by .cmake-format.py, with the same arity; and
# nothing is documented or declared that it does not parse. A new keyword that misses one of
# those places fails here, naming it.
#
# -DHUBTEL_SOURCE_DIR=<HubtelAI source>
cmake_minimum_required(VERSION 3.20)
include("${HUBTEL_SOURCE_DIR}/modules/HubtelAISpec.cmake")

# The formatter's argument spec of hubtel_add_lambda_image, as cmake-format reads it from
# .cmake-format.py.
find_program(cmake_format cmake-format REQUIRED)
execute_process(
  COMMAND "${cmake_format}" -c "${HUBTEL_SOURCE_DIR}/.cmake-format.py" --dump-config json
  OUTPUT_VARIABLE config
  ERROR_VARIABLE config_error
  RESULT_VARIABLE config_result)
if(NOT config_result EQUAL 0)
  message(FATAL_ERROR "cmake-format cannot read .cmake-format.py:\n${config_error}")
endif()
set(member parse additional_commands hubtel_add_lambda_image kwargs)
string(JSON kwargs GET "${config}" ${member})
string(JSON count LENGTH "${kwargs}")
set(declared "")
math(EXPR last "${count} - 1")
foreach(index RANGE ${last})
  string(JSON keyword MEMBER "${kwargs}" ${index})
  string(JSON arity GET "${kwargs}" ${keyword})
  list(APPEND declared "${keyword}=${arity}")
endforeach()

# The documentation: the reStructuredText block of the spec module, which parses the keywords.
file(READ "${HUBTEL_SOURCE_DIR}/modules/HubtelAISpec.cmake" module)
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
    string(APPEND failures "  ${keyword}: not declared (as ${entry}) by .cmake-format.py\n")
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
    string(APPEND failures "  ${entry}: declared by .cmake-format.py but not parsed\n")
  endif()
endforeach()
if(failures)
  message(FATAL_ERROR "hubtel_add_lambda_image()'s keywords disagree:\n${failures}")
endif()
list(LENGTH parsed count)
message(STATUS "${count} keywords parsed, documented and declared alike")
