string(ASCII 255 byte)
hubtel_add_lambda_image(
  hello
  RUNTIME provided.al2023
  TARGET hello
  BUILD_ARGS "MODE=a${byte}b")
