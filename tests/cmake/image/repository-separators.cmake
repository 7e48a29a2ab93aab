hubtel_add_lambda_image(
  hello
  RUNTIME provided.al2023
  TARGET hello
  REPOSITORY 127.0.0.1:5000/a...b)
