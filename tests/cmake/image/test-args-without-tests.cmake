# TESTS OFF runs no ctest: arguments for it are a mistake, not silently dropped.
hubtel_add_lambda_image(
  hello
  RUNTIME provided.al2023
  TARGET hello
  TESTS OFF
  TEST_ARGS -L unit)
