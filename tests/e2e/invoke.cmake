# End-to-end tests of `hubtel-ai invoke`: self-contained images (a static runtime FROM scratch, no
# pulls) run by the real engine, x86_64 natively and arm64 through QEMU. Included from
# tests/e2e/CMakeLists.txt.
set(_hubtel_invoke_work "${CMAKE_CURRENT_BINARY_DIR}/invoke-work")

_hubtel_e2e_fixture(
  hubtel_invoke_images
  SETUP "${CMAKE_CURRENT_SOURCE_DIR}/invoke/images.sh" build "${_hubtel_invoke_work}/images"
  CLEANUP "${CMAKE_CURRENT_SOURCE_DIR}/invoke/images.sh" remove "${_hubtel_invoke_work}/images"
  REQUIRES hubtel_engine hubtel_binfmt
  TIMEOUT 300)

foreach(
  _hubtel_case IN
  ITEMS response-x86_64
        response-arm64
        stdin
        default-event
        sample-event
        environment
        function-error
        init-error
        timeout
        exit-before-answer
        exit-before-next
        payload-too-large
        missing-image
        platform-mismatch
        interrupt
        terminate)
  set(_hubtel_fixtures hubtel_engine hubtel_invoke_images)
  if(_hubtel_case STREQUAL "response-arm64")
    list(APPEND _hubtel_fixtures hubtel_binfmt)
  endif()
  _hubtel_e2e_test(
    invoke.${_hubtel_case}
    COMMAND "${CMAKE_CURRENT_SOURCE_DIR}/invoke/invoke.sh" ${_hubtel_case}
            "${_hubtel_invoke_work}/${_hubtel_case}"
    FIXTURES ${_hubtel_fixtures}
    LABELS invoke
    TIMEOUT 300)
endforeach()

# `hubtel-ai serve`: the same images behind a local HTTP front, on warm containers, asked with curl.
foreach(_hubtel_case IN ITEMS function-url apigw-rest round-trip errors concurrency early-signal)
  _hubtel_e2e_test(
    serve.${_hubtel_case}
    COMMAND "${CMAKE_CURRENT_SOURCE_DIR}/invoke/serve.sh" ${_hubtel_case}
            "${_hubtel_invoke_work}/serve-${_hubtel_case}"
    FIXTURES hubtel_engine hubtel_invoke_images
    LABELS invoke
    TIMEOUT 300)
endforeach()
