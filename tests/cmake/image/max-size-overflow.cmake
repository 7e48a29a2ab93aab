hubtel_add_lambda_image(
  hello
  RUNTIME provided.al2023
  TARGET hello
  MAX_SIZE 99999999999999GiB)
