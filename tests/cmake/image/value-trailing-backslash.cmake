# A final backslash escapes the list separator after it, which would join two values in one.
hubtel_add_lambda_image(
  hello
  RUNTIME provided.al2023
  TARGET hello
  TESTS ON
  TEST_ARGS "-R" "unit\\" "-E" "slow")
