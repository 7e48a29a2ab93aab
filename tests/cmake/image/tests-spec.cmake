# TESTS ON with ctest arguments that a shell or a Dockerfile would read as syntax.
hubtel_add_lambda_image(
  hello
  RUNTIME provided.al2023
  TARGET hello
  TESTS yes
  TEST_ARGS -E "slow|flaky" "it's $(id)" "--timeout" 60)
# The default: no tests, and the spec says so.
hubtel_add_lambda_image(plain RUNTIME provided.al2023 TARGET hello)
