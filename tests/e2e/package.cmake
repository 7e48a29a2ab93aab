# End-to-end test of the installable package: cpack on this build tree, then the .deb installed
# by apt in a clean Debian container. Included from tests/e2e/CMakeLists.txt, which defines the
# fixtures.
_hubtel_e2e_test(
  package.deb
  COMMAND "${CMAKE_CURRENT_SOURCE_DIR}/package/deb.sh" "${CMAKE_CURRENT_BINARY_DIR}/package-work"
          "${PROJECT_SOURCE_DIR}" "${PROJECT_BINARY_DIR}"
  FIXTURES hubtel_engine hubtel_base_images
  TIMEOUT 600)
set_property(TEST e2e.package.deb APPEND PROPERTY ENVIRONMENT "CPACK=${CMAKE_CPACK_COMMAND}")
