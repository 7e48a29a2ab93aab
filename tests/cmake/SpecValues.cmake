# Runs every row of the shared table of keyword values through the rules hubtel_add_lambda_image()
# checks them with, and fails on any row whose verdict differs from its "valid".
#
# -DHUBTEL_SOURCE_DIR=<HubtelAI source> -DVALUES=<values.json>
cmake_minimum_required(VERSION 3.20)
include("${HUBTEL_SOURCE_DIR}/modules/HubtelAISpec.cmake")

# Keywords whose values name files or folders: their verdict depends on the file system.
set(file_keywords CONTEXT SOURCES REQUIREMENTS TEMPLATE EVENT SECRETS)

file(READ "${VALUES}" table)
string(JSON rows LENGTH "${table}")
math(EXPR last "${rows} - 1")
set(failures "")
set(checked 0)
foreach(i RANGE ${last})
  string(JSON keyword GET "${table}" ${i} keyword)
  string(JSON value GET "${table}" ${i} value)
  string(JSON valid GET "${table}" ${i} valid)
  if(keyword IN_LIST file_keywords)
    continue()
  endif()
  _hubtel_check_value(error ${keyword} "${value}")
  math(EXPR checked "${checked} + 1")
  if(valid AND NOT error STREQUAL "")
    string(APPEND failures "  ${keyword} \"${value}\" is valid, but: ${error}\n")
  elseif(NOT valid AND error STREQUAL "")
    string(APPEND failures "  ${keyword} \"${value}\" is invalid, but was accepted\n")
  endif()
endforeach()
if(failures)
  message(FATAL_ERROR "rows whose verdict differs from the table:\n${failures}")
endif()
message(STATUS "${checked} of ${rows} rows checked, every verdict as the table says")
