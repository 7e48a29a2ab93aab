file(READ "${RunCMake_TEST_BINARY_DIR}/hubtel/py/spec.json" spec)
string(JSON link GET "${spec}" find_links 0)
string(
  JSON
  source1
  GET
  "${spec}"
  sources
  1
  path)
string(
  JSON
  dir1
  GET
  "${spec}"
  sources
  1
  dir)
string(JSON lambda_base GET "${spec}" lambda_base)
string(JSON requirements GET "${spec}" requirements)
set(actual "${link}|${source1}|${dir1}|${lambda_base}|${requirements}")
if(NOT actual STREQUAL "wheels|pkg|ON|OFF|requirements.txt")
  set(RunCMake_TEST_FAILED "spec values: ${actual}")
endif()
# The aggregates exist even when no image has a function to deploy: `deploy` then does nothing.
file(READ "${RunCMake_TEST_BINARY_DIR}/build.ninja" ninja)
foreach(target IN ITEMS py-image py-deploy images deploy)
  if(NOT ninja MATCHES "build ${target}:")
    string(APPEND RunCMake_TEST_FAILED "no target ${target}\n")
  endif()
endforeach()
# An image without a function still has <name>-deploy, and it says what is missing.
if(NOT ninja MATCHES "hubtel_add_lambda_image\\(py\\): no FUNCTION_NAME to deploy")
  string(APPEND RunCMake_TEST_FAILED "py-deploy does not say that py has no FUNCTION_NAME\n")
endif()
# So do <name>-versions and <name>-rollback.
foreach(what IN ITEMS "whose versions to list" "to roll back")
  if(NOT ninja MATCHES
     "hubtel_add_lambda_image\\(py\\): no function ${what}; add FUNCTION_NAME <name>")
    string(APPEND RunCMake_TEST_FAILED "py has no function ${what}, but no target says so\n")
  endif()
endforeach()
