hubtel_add_lambda_image(
  hello
  RUNTIME provided.al2023
  TARGET hello
  ARCHITECTURES arm64 arm64)
