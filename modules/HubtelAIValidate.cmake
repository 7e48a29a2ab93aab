#[=======================================================================[.rst:
HubtelAIValidate
----------------

Private helpers that check the values users pass to HubtelAI's functions. A value that fails a
check is a configure-time ``FATAL_ERROR`` naming the function, the argument and the value, so no
unchecked value ever reaches a Dockerfile, a shell command or a YAML file.
#]=======================================================================]
include_guard(GLOBAL)

# The control characters (0x01-0x1F, 0x7F) as a regex bracket expression, built once. CMake
# strings cannot hold NUL, so that one cannot reach us.
string(ASCII 1 _hubtel_c1)
string(ASCII 31 _hubtel_c31)
string(ASCII 127 _hubtel_c127)
# A global property, not a variable: functions run in their callers' scopes, and a cache entry
# cannot hold a newline.
set_property(GLOBAL PROPERTY _HUBTEL_CONTROL_CHARS "[${_hubtel_c1}-${_hubtel_c31}${_hubtel_c127}]")
unset(_hubtel_c1)
unset(_hubtel_c31)
unset(_hubtel_c127)

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

# _hubtel_check_no_control(<function> <name> <argument> <value>...) rejects a value that
# holds a newline or another control character.
function(_hubtel_check_no_control function name argument)
  get_property(control GLOBAL PROPERTY _HUBTEL_CONTROL_CHARS)
  foreach(value IN LISTS ARGN)
    if(value MATCHES "${control}")
      _hubtel_shown(shown "${value}")
      if(value MATCHES "\n")
        set(what "a newline")
      else()
        set(what "a control character")
      endif()
      _hubtel_fail(${function} "${name}" "${argument} \"${shown}\" contains ${what}; "
                   "values must be single-line text without control characters")
    endif()
  endforeach()
endfunction()

# _hubtel_check_match(<function> <name> <argument> <regex> <expected> <value>...) requires every
# value to match <regex>; <expected> says in words what a good value looks like.
function(_hubtel_check_match function name argument regex expected)
  foreach(value IN LISTS ARGN)
    if(NOT value MATCHES "${regex}")
      _hubtel_shown(shown "${value}")
      _hubtel_fail(${function} "${name}"
                   "${argument} \"${shown}\" is not valid: expected ${expected}")
    endif()
  endforeach()
endfunction()

# _hubtel_check_one_of(<function> <name> <argument> <value> <allowed>...)
function(_hubtel_check_one_of function name argument value)
  if(NOT value IN_LIST ARGN)
    _hubtel_shown(shown "${value}")
    string(JOIN ", " allowed ${ARGN})
    _hubtel_fail(${function} "${name}"
                 "${argument} \"${shown}\" is not supported (supported: ${allowed})")
  endif()
endfunction()

# _hubtel_check_keys(<function> <name> <argument> <reserved-regex> <why> <key=value>...) refuses a
# key twice, and a key the regex matches ("<argument> <key> <why>; choose another name").
function(_hubtel_check_keys function name argument reserved why)
  set(keys)
  foreach(pair IN LISTS ARGN)
    string(REGEX MATCH "^[^=]+" key "${pair}")
    if(key MATCHES "${reserved}")
      _hubtel_fail(${function} "${name}" "${argument} ${key} ${why}; choose another name")
    endif()
    list(APPEND keys "${key}")
  endforeach()
  _hubtel_check_unique(${function} "${name}" "${argument} key" ${keys})
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

# _hubtel_check_integer(<function> <name> <argument> <value> <min> <max>)
function(
  _hubtel_check_integer
  function
  name
  argument
  value
  min
  max)
  if(NOT value MATCHES "^[0-9]+$" OR value LESS min OR value GREATER max)
    _hubtel_shown(shown "${value}")
    _hubtel_fail(
      ${function} ${name}
      "${argument} \"${shown}\" is not valid: expected a whole number from ${min} to ${max}")
  endif()
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

# _hubtel_parse_size(<out> <function> <name> <argument> <value>) turns "50MiB", "1.5GB",
# "2000000" into a byte count.
function(_hubtel_parse_size out function name argument value)
  if(NOT value MATCHES "^([0-9]+)(\\.([0-9]+))?[ ]*(B|kB|KB|MB|GB|KiB|MiB|GiB)?$")
    _hubtel_shown(shown "${value}")
    _hubtel_fail(${function} "${name}" "${argument} \"${shown}\" is not a size: expected a number "
                 "with an optional unit B, kB, MB, GB, KiB, MiB or GiB (e.g. 50MiB)")
  endif()
  set(whole "${CMAKE_MATCH_1}")
  set(fraction "${CMAKE_MATCH_3}")
  set(unit "${CMAKE_MATCH_4}")
  set(factor_B 1)
  set(factor_kB 1000)
  set(factor_KB 1000)
  set(factor_MB 1000000)
  set(factor_GB 1000000000)
  set(factor_KiB 1024)
  set(factor_MiB 1048576)
  set(factor_GiB 1073741824)
  if(unit STREQUAL "")
    set(unit B)
  endif()
  set(factor ${factor_${unit}})
  math(EXPR bytes "${whole} * ${factor}")
  if(NOT fraction STREQUAL "")
    string(LENGTH "${fraction}" digits)
    if(digits GREATER 6)
      _hubtel_fail(${function} "${name}" "${argument} \"${value}\" has more than 6 decimals")
    endif()
    set(scale 1)
    foreach(i RANGE 1 ${digits})
      math(EXPR scale "${scale} * 10")
    endforeach()
    string(REGEX REPLACE "^0+" "" fraction_digits "${fraction}")
    if(fraction_digits STREQUAL "")
      set(fraction_digits 0)
    endif()
    math(EXPR bytes "${bytes} + ${fraction_digits} * ${factor} / ${scale}")
  endif()
  set(${out} ${bytes} PARENT_SCOPE)
endfunction()
