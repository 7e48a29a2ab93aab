hubtel_add_lambda_image(
  hello
  RUNTIME provided.al2023
  TARGET hello
  REPOSITORY 123456789012.dkr.ecr.us-east-1.amazonaws.com/x)
