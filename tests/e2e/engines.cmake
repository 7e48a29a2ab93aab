# End-to-end tests of builds spread over several engines: two more dockerds beside the machine's
# (tests/e2e/fixtures/engines.sh), the local registry and moto. Included from
# tests/e2e/CMakeLists.txt, which defines the other fixtures.
_hubtel_e2e_fixture(
  hubtel_engines
  SETUP "${_hubtel_fixtures_dir}/engines.sh" start "${_hubtel_e2e_state}/engines"
  CLEANUP "${_hubtel_fixtures_dir}/engines.sh" stop "${_hubtel_e2e_state}/engines"
  REQUIRES hubtel_engine hubtel_base_images
  TIMEOUT 900)

_hubtel_e2e_test(
  engines.spread
  COMMAND "${CMAKE_CURRENT_SOURCE_DIR}/engines/spread.sh" "${CMAKE_CURRENT_BINARY_DIR}/engines-work"
          "${PROJECT_SOURCE_DIR}"
  FIXTURES hubtel_install hubtel_engine hubtel_base_images hubtel_registry hubtel_moto
           hubtel_engines
  LABELS engines
  TIMEOUT 2400)
set_property(
  TEST e2e.engines.spread APPEND
  PROPERTY ENVIRONMENT "HUBTEL_TEST_PREFIX=${CMAKE_BINARY_DIR}/e2e-prefix"
           "HUBTEL_TEST_ENGINES_STATE=${_hubtel_e2e_state}/engines")

# The README's walk through examples/functions on the same two engines.
_hubtel_e2e_test(
  engines.example
  COMMAND "${CMAKE_CURRENT_SOURCE_DIR}/engines/example.sh"
          "${CMAKE_CURRENT_BINARY_DIR}/engines-example" "${PROJECT_SOURCE_DIR}"
  FIXTURES hubtel_install hubtel_engine hubtel_base_images hubtel_registry hubtel_engines
  LABELS engines
  TIMEOUT 1800)
set_property(
  TEST e2e.engines.example APPEND
  PROPERTY ENVIRONMENT "HUBTEL_TEST_PREFIX=${CMAKE_BINARY_DIR}/e2e-prefix"
           "HUBTEL_TEST_ENGINES_STATE=${_hubtel_e2e_state}/engines")
# Both change what the engines hold (spread.sh wipes one and stops the other for a while).
set_tests_properties(e2e.engines.spread e2e.engines.example PROPERTIES RESOURCE_LOCK hubtel_engines)
