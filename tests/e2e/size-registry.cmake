# `hubtel-ai size <registry-reference>` against docker-registry servers the case starts and stops
# itself (anonymous, basic auth, bearer tokens from a token service of its own), on one storage
# it pushes a multi-layer image to. Included from tests/e2e/CMakeLists.txt.
_hubtel_e2e_test(
  size.registry
  COMMAND "${CMAKE_CURRENT_SOURCE_DIR}/size/registry.sh"
          "${CMAKE_CURRENT_BINARY_DIR}/size-work/registry"
  FIXTURES hubtel_engine
  TIMEOUT 600)

# `size <ECR reference>` logs in as the push does (aws ecr get-login-password against moto), and
# reads from a docker-registry with basic auth standing in for ECR under its host name, in a mount
# and network namespace of the case's own (root).
_hubtel_e2e_test(
  size.ecr
  COMMAND "${CMAKE_CURRENT_SOURCE_DIR}/size/ecr.sh" "${CMAKE_CURRENT_BINARY_DIR}/size-work/ecr"
  FIXTURES hubtel_engine
  TIMEOUT 600)
