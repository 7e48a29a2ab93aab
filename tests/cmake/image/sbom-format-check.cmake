# SBOM_FORMAT lands in the spec (spdx when not given); <name>-sbom writes one file per
# architecture with the format's extension, and the push waits for them.
file(READ "${RunCMake_TEST_BINARY_DIR}/hubtel/hello/spec.json" spec)
file(READ "${RunCMake_TEST_BINARY_DIR}/hubtel/plain/spec.json" plain)
string(JSON format GET "${spec}" sbom_format)
string(JSON plain_format GET "${plain}" sbom_format)
if(NOT format STREQUAL "cyclonedx" OR NOT plain_format STREQUAL "spdx")
  set(RunCMake_TEST_FAILED "sbom_format: \"${format}\" and \"${plain_format}\"")
  return()
endif()
file(READ "${RunCMake_TEST_BINARY_DIR}/build.ninja" ninja)
foreach(arch IN ITEMS x86_64 arm64)
  if(NOT
     ninja
     MATCHES
     "build hubtel/hello/sbom-${arch}\\.cdx\\.json[^\n]*: CUSTOM_COMMAND hubtel/hello/image-${arch}\\.id"
  )
    string(APPEND RunCMake_TEST_FAILED "no command writes hubtel/hello/sbom-${arch}.cdx.json\n")
  endif()
  if(NOT ninja MATCHES "hubtel-ai[^\n]* sbom --spec [^\n]*/hubtel/hello/spec\\.json --arch ${arch}")
    string(APPEND RunCMake_TEST_FAILED "hubtel-ai sbom is not run for ${arch}\n")
  endif()
endforeach()
if(NOT ninja MATCHES "build hello-sbom: phony ")
  string(APPEND RunCMake_TEST_FAILED "no target hello-sbom\n")
endif()
if(NOT ninja MATCHES "build hubtel/plain/sbom-x86_64\\.spdx\\.json[^\n]*: CUSTOM_COMMAND")
  string(APPEND RunCMake_TEST_FAILED "no spdx SBOM for plain\n")
endif()
if(NOT ninja MATCHES "build hubtel/hello/push-x86_64\\.ref[^\n]*: [^\n]*sbom-x86_64\\.cdx\\.json")
  string(APPEND RunCMake_TEST_FAILED "the push does not wait for the SBOMs\n")
endif()
