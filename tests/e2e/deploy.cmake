# End-to-end tests of push, deploy and the SAM template: a real engine and registry, and the real
# AWS CLI against moto_server on loopback. Included from tests/e2e/CMakeLists.txt.

set(_hubtel_moto_state "${CMAKE_CURRENT_BINARY_DIR}/moto-state")
add_test(NAME e2e.setup.moto COMMAND "${CMAKE_CURRENT_SOURCE_DIR}/fixtures/moto.sh" start
                                     "${_hubtel_moto_state}")
set_tests_properties(e2e.setup.moto PROPERTIES FIXTURES_SETUP hubtel_moto LABELS "e2e;deploy"
                                               TIMEOUT 120)
add_test(NAME e2e.cleanup.moto COMMAND "${CMAKE_CURRENT_SOURCE_DIR}/fixtures/moto.sh" stop
                                       "${_hubtel_moto_state}")
set_tests_properties(e2e.cleanup.moto PROPERTIES FIXTURES_CLEANUP hubtel_moto LABELS "e2e;deploy")

# Each case: deploy/<case>.sh <work-dir>, with the fixtures it needs. Without the registry
# fixture's port file a case starts a registry of its own.
foreach(_hubtel_case IN ITEMS push deploy ecr sam)
  set(_hubtel_fixtures)
  if(_hubtel_case MATCHES "^(push|deploy|ecr)$")
    list(APPEND _hubtel_fixtures hubtel_engine)
  endif()
  if(_hubtel_case MATCHES "^(push|deploy)$")
    list(APPEND _hubtel_fixtures hubtel_registry)
  endif()
  if(_hubtel_case MATCHES "^(deploy|ecr)$")
    list(APPEND _hubtel_fixtures hubtel_moto)
  endif()
  add_test(NAME e2e.deploy.${_hubtel_case}
           COMMAND "${CMAKE_CURRENT_SOURCE_DIR}/deploy/${_hubtel_case}.sh"
                   "${CMAKE_CURRENT_BINARY_DIR}/deploy-work/${_hubtel_case}")
  set_tests_properties(
    e2e.deploy.${_hubtel_case}
    PROPERTIES
      LABELS
      "e2e;deploy"
      FIXTURES_REQUIRED
      "${_hubtel_fixtures}"
      TIMEOUT
      600
      ENVIRONMENT
      "HUBTEL_AI=$<TARGET_FILE:hubtel-ai>;HUBTEL_TEST_MOTO_PORT_FILE=${_hubtel_moto_state}/port")
endforeach()
