#[=======================================================================[.rst:
HubtelAIValidate
----------------

Private helpers that check the values users pass to HubtelAI's functions. A value that fails a
check is a configure-time ``FATAL_ERROR`` naming the function, the argument and the value, so no
unchecked value ever reaches a Dockerfile, a shell command or a YAML file.
#]=======================================================================]
include_guard(GLOBAL)
cmake_policy(PUSH)
cmake_policy(VERSION 3.20)

# The control characters (0x01-0x1F, 0x7F) as a regex bracket expression, built once. CMake
# strings cannot hold NUL, so that one cannot reach us.
string(ASCII 1 _hubtel_c1)
string(ASCII 31 _hubtel_c31)
string(ASCII 127 _hubtel_c127)
# A global property, not a variable: functions run in their callers' scopes, and a cache entry
# cannot hold a newline.
set_property(GLOBAL PROPERTY _HUBTEL_CONTROL_CHARS "[${_hubtel_c1}-${_hubtel_c31}${_hubtel_c127}]")
# Bytes outside ASCII, and text that is UTF-8 (lead bytes with their continuation bytes).
set(_hubtel_bytes
    128
    191
    194
    223
    224
    239
    240
    244
    255)
foreach(_hubtel_byte IN LISTS _hubtel_bytes)
  string(ASCII ${_hubtel_byte} _hubtel_b${_hubtel_byte})
endforeach()
set(_hubtel_cont "[${_hubtel_b128}-${_hubtel_b191}]")
set_property(GLOBAL PROPERTY _HUBTEL_NOT_ASCII "[${_hubtel_b128}-${_hubtel_b255}]")
set_property(
  GLOBAL
  PROPERTY
    _HUBTEL_UTF8
    "^([^${_hubtel_b128}-${_hubtel_b255}]|[${_hubtel_b194}-${_hubtel_b223}]${_hubtel_cont}|[${_hubtel_b224}-${_hubtel_b239}]${_hubtel_cont}${_hubtel_cont}|[${_hubtel_b240}-${_hubtel_b244}]${_hubtel_cont}${_hubtel_cont}${_hubtel_cont})*$"
)
# What makes hubtel_add_lambda_image() look at each argument on its own: a control character,
# an escaped ';', a '[' or ']', an empty value (in the joined list), or a byte outside ASCII.
set_property(
  GLOBAL
  PROPERTY
    _HUBTEL_ARGUMENT_SUSPECT
    "[${_hubtel_c1}-${_hubtel_c31}${_hubtel_c127}${_hubtel_b128}-${_hubtel_b255}]|\\\\;|[][]|^;|;;|;$"
)
foreach(_hubtel_byte IN ITEMS 1 31 127 ${_hubtel_bytes})
  unset(_hubtel_c${_hubtel_byte})
  unset(_hubtel_b${_hubtel_byte})
endforeach()
unset(_hubtel_byte)
unset(_hubtel_bytes)
unset(_hubtel_cont)

# _hubtel_fail(<function> <name> <message>...) stops with "<function>(<name>): <message>".
function(_hubtel_fail function name)
  # ARGV<n>, not ARGN: a message may hold ';', which a list would split.
  set(text "")
  math(EXPR last "${ARGC} - 1")
  foreach(i RANGE 2 ${last})
    string(APPEND text "${ARGV${i}}")
  endforeach()
  message(FATAL_ERROR "${function}(${name}): ${text}")
endfunction()

# _hubtel_shown(<out> <value>) makes a value safe to quote in an error message.
function(_hubtel_shown out value)
  get_property(control GLOBAL PROPERTY _HUBTEL_CONTROL_CHARS)
  string(REPLACE "\n" "\\n" value "${value}")
  string(REPLACE "\r" "\\r" value "${value}")
  string(REPLACE "\t" "\\t" value "${value}")
  string(REGEX REPLACE "${control}" "?" value "${value}")
  set(${out} "${value}" PARENT_SCOPE)
endfunction()

# _hubtel_check_unique(<function> <name> <argument> <value>...)
function(_hubtel_check_unique function name argument)
  set(seen)
  foreach(value IN LISTS ARGN)
    if(value IN_LIST seen)
      _hubtel_fail(${function} "${name}" "${argument} \"${value}\" is given twice")
    endif()
    list(APPEND seen "${value}")
  endforeach()
endfunction()

# _hubtel_absolute_path(<out> <function> <name> <argument> <path> <kind>) resolves <path> against
# the current source dir and requires it to exist; <kind> is FILE, DIRECTORY or ANY.
function(
  _hubtel_absolute_path
  out
  function
  name
  argument
  path
  kind)
  get_filename_component(full "${path}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  if(NOT EXISTS "${full}")
    _hubtel_fail(${function} "${name}" "${argument} \"${path}\" does not exist (looked at ${full})")
  endif()
  if(kind STREQUAL "FILE" AND IS_DIRECTORY "${full}")
    _hubtel_fail(${function} "${name}" "${argument} \"${path}\" is a directory, not a file")
  elseif(kind STREQUAL "DIRECTORY" AND NOT IS_DIRECTORY "${full}")
    _hubtel_fail(${function} "${name}" "${argument} \"${path}\" is not a directory")
  endif()
  set(${out} "${full}" PARENT_SCOPE)
endfunction()

# _hubtel_check_inside(<function> <name> <argument> <path> <dir>) requires <path> to lie within
# <dir> (the build context), since the engine sees nothing outside it.
function(_hubtel_check_inside function name argument path dir)
  file(RELATIVE_PATH rel "${dir}" "${path}")
  if(rel MATCHES "^\\.\\./" OR rel STREQUAL "..")
    _hubtel_fail(${function} "${name}" "${argument} \"${path}\" lies outside the build context "
                 "${dir}; move it inside or pass CONTEXT <dir> that holds it")
  endif()
endfunction()

cmake_policy(POP)
