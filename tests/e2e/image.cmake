# End-to-end tests of Lambda images: real builds with the engine, real invokes, on the locally
# made base images. Included from tests/e2e/CMakeLists.txt, which defines the fixtures.

# The examples load HubtelAI with find_package(), as users do: from an installed prefix.
set(_hubtel_e2e_prefix "${CMAKE_BINARY_DIR}/e2e-prefix")
add_test(NAME e2e.setup.install COMMAND ${CMAKE_COMMAND} --install "${CMAKE_BINARY_DIR}" --prefix
                                        "${_hubtel_e2e_prefix}")
set_tests_properties(e2e.setup.install PROPERTIES FIXTURES_SETUP hubtel_install LABELS e2e)

foreach(
  _hubtel_case IN
  ITEMS native
        incremental
        python
        python-serve
        python-project
        python-arm64
        python-emulated
        multiarch
        errors
        secrets
        cache
        abi
        init
        buildah
        podman
        lambda-base
        subdirectory
        fetchcontent
        presets
        shared-name
        packages
        makefiles
        multi-config
        watch
        tests
        bases
        reproducible
        sbom
        network)
  set(_hubtel_fixtures hubtel_install hubtel_engine hubtel_base_images)
  if(_hubtel_case STREQUAL "init")
    list(APPEND _hubtel_fixtures hubtel_registry hubtel_moto)
  endif()
  if(_hubtel_case MATCHES "^(secrets|multi-config|bases)$")
    list(APPEND _hubtel_fixtures hubtel_registry)
  endif()
  if(_hubtel_case MATCHES "^(multiarch|python-arm64|python-emulated|cache|tests|sbom)$")
    list(APPEND _hubtel_fixtures hubtel_binfmt hubtel_registry hubtel_multi_base)
  endif()
  _hubtel_e2e_test(
    image.${_hubtel_case} COMMAND "${CMAKE_CURRENT_SOURCE_DIR}/image/${_hubtel_case}.sh"
                                  "${CMAKE_CURRENT_BINARY_DIR}/image-work" "${PROJECT_SOURCE_DIR}"
    FIXTURES ${_hubtel_fixtures})
  set_property(
    TEST e2e.image.${_hubtel_case} APPEND
    PROPERTY ENVIRONMENT "HUBTEL_TEST_PREFIX=${_hubtel_e2e_prefix}"
             "HUBTEL_AI=$<TARGET_FILE:hubtel-ai>")
  set_tests_properties(e2e.image.${_hubtel_case} PROPERTIES TIMEOUT 1800)
  if(_hubtel_case STREQUAL "cache")
    # It wipes the engine's whole build cache: nothing else may build meanwhile.
    set_tests_properties(e2e.image.cache PROPERTIES RUN_SERIAL TRUE)
  endif()
endforeach()

# The engine dies mid-build: the case starts and kills a dockerd of its own, on a base of its own.
_hubtel_e2e_test(
  image.faults-engine
  COMMAND "${CMAKE_CURRENT_SOURCE_DIR}/image/faults-engine.sh"
          "${CMAKE_CURRENT_BINARY_DIR}/image-work/faults-engine"
  FIXTURES hubtel_engine
  TIMEOUT 600)
