# The client first on PATH cannot build; Debian's /usr/bin/docker (BuildKit built in) is chosen.
file(READ "${RunCMake_TEST_BINARY_DIR}/build.ninja" ninja)
if(NOT ninja MATCHES "--engine /usr/bin/docker --engine-kind docker-buildkit")
  string(REGEX MATCH "--engine [^ ]+ --engine-kind [^ ]+" chosen "${ninja}")
  set(RunCMake_TEST_FAILED "expected /usr/bin/docker (docker-buildkit), got: ${chosen}")
endif()
