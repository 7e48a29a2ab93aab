# `hubtel-ai size <registry-reference>` against docker-registry servers the case starts and stops
# itself (anonymous, basic auth, bearer tokens from a token service of its own), on one storage
# it pushes a multi-layer image to. Included from tests/e2e/CMakeLists.txt.
_hubtel_e2e_test(
  size.registry
  COMMAND "${CMAKE_CURRENT_SOURCE_DIR}/size/registry.sh"
          "${CMAKE_CURRENT_BINARY_DIR}/size-work/registry"
  FIXTURES hubtel_engine
  TIMEOUT 600)
