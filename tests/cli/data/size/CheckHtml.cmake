# Loads an HTML size report in headless Chromium: no console message (errors, failed loads),
# the script ran, and the dumped DOM holds the treemap's SVG boxes and the layers table.
#
# -DCHROMIUM=<program> -DPAGE=<file.html> -DWORK=<dir>
cmake_minimum_required(VERSION 3.20)

file(REMOVE_RECURSE "${WORK}/profile")
file(MAKE_DIRECTORY "${WORK}/profile")
execute_process(
  COMMAND
    "${CHROMIUM}" --headless=new --no-sandbox --disable-gpu --no-first-run
    "--user-data-dir=${WORK}/profile" --enable-logging=stderr --v=0 --dump-dom "file://${PAGE}"
  RESULT_VARIABLE result
  OUTPUT_VARIABLE dom
  ERROR_VARIABLE log
  TIMEOUT 120)
file(REMOVE_RECURSE "${WORK}/profile")

set(failures)
if(NOT result EQUAL 0)
  string(APPEND failures "chromium exited with ${result}\n")
endif()
string(REGEX MATCHALL "[^\n]*:CONSOLE[^\n]*" console "${log}")
if(console)
  string(REPLACE ";" "\n" console "${console}")
  string(APPEND failures "console messages:\n${console}\n")
endif()
if(NOT dom MATCHES "<html[^>]* data-treemap=\"ready\"")
  string(APPEND failures "the page's script did not finish\n")
endif()
if(NOT dom MATCHES "<svg id=\"treemap\"")
  string(APPEND failures "no treemap <svg> in the DOM\n")
endif()
string(REGEX MATCHALL "<rect " boxes "${dom}")
list(LENGTH boxes box_count)
if(box_count LESS 5)
  string(APPEND failures "only ${box_count} <rect> boxes in the treemap\n")
endif()
if(NOT dom MATCHES "<table id=\"layers\">")
  string(APPEND failures "no layers table in the DOM\n")
endif()
if(COMPARED)
  foreach(
    expected IN
    ITEMS "<table id=\"compare-layers\">" "<table id=\"compare-paths\">"
          "<tr class=\"added\"><td><mark class=\"added\">added</mark>"
          "<tr class=\"grown\"><td><mark class=\"grown\">grown</mark>")
    string(FIND "${dom}" "${expected}" at)
    if(at EQUAL -1)
      string(APPEND failures "no ${expected} in the DOM\n")
    endif()
  endforeach()
  if(NOT dom MATCHES "<html[^>]* data-marked=\"([0-9]+)\"" OR CMAKE_MATCH_1 LESS 2)
    string(APPEND failures "the script found fewer than 2 marked treemap boxes\n")
  endif()
endif()
if(failures)
  message(FATAL_ERROR "${PAGE}:\n${failures}")
endif()
message(STATUS "${PAGE}: ${box_count} treemap boxes, no console messages")
