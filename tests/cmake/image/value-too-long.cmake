string(REPEAT "x" 5000 long)
hubtel_add_lambda_image(
  hello
  RUNTIME provided.al2023
  TARGET hello
  BUILDER_IMAGE "${long}")
