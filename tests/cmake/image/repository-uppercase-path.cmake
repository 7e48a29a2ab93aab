hubtel_add_lambda_image(
  hello
  RUNTIME provided.al2023
  TARGET hello
  REPOSITORY Greeters/hello)
