# Renders twice to one --output: the second, identical render must leave the file (and its mtime)
# alone; a render with other data must replace it.
#
# -DHELPER=<hubtel-ai> -DDATA_DIR=<tests/cli/data/render> -DWORK_DIR=<scratch folder>
cmake_minimum_required(VERSION 3.20)

set(output "${WORK_DIR}/out/page.txt")
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}/out")

function(render data)
  execute_process(
    COMMAND "${HELPER}" render --template "${DATA_DIR}/page.mustache" --data "${data}" --output
            "${output}"
    RESULT_VARIABLE result
    OUTPUT_VARIABLE out
    ERROR_VARIABLE err)
  if(NOT result EQUAL 0 OR NOT out STREQUAL "" OR NOT err STREQUAL "")
    message(FATAL_ERROR "render failed (${result}):\n${out}\n${err}")
  endif()
endfunction()

render("${DATA_DIR}/data.json")
file(READ "${output}" first)
if(NOT first MATCHES "^name: &lt;demo&gt; &amp; co\n")
  message(FATAL_ERROR "unexpected output:\n${first}")
endif()
# An old mtime, so that a rewrite shows even within the same second.
execute_process(COMMAND touch -d "2001-02-03 04:05:06" "${output}" RESULT_VARIABLE touched)
if(NOT touched EQUAL 0)
  message(FATAL_ERROR "touch failed")
endif()
file(TIMESTAMP "${output}" before "%Y-%m-%d %H:%M:%S")

render("${DATA_DIR}/data.json")
file(TIMESTAMP "${output}" after "%Y-%m-%d %H:%M:%S")
if(NOT after STREQUAL before)
  message(FATAL_ERROR "an identical render rewrote the file: mtime ${before} became ${after}")
endif()
file(GLOB leftovers "${WORK_DIR}/out/.*")
if(leftovers)
  message(FATAL_ERROR "temporary files left behind: ${leftovers}")
endif()

file(WRITE "${WORK_DIR}/other.json" "{\"name\": \"other\", \"items\": []}")
render("${WORK_DIR}/other.json")
file(TIMESTAMP "${output}" changed "%Y-%m-%d %H:%M:%S")
file(READ "${output}" second)
if(changed STREQUAL before OR NOT second MATCHES "^name: other\n\\[body of other\\]\n$")
  message(FATAL_ERROR "a changed render did not replace the file (${changed}):\n${second}")
endif()
file(REMOVE_RECURSE "${WORK_DIR}")
