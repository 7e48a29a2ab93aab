# TESTS ON needs the depfile that CMAKE_CROSS_CONFIGS rules out: refused, saying why.
hubtel_add_lambda_image(
  hello
  RUNTIME provided.al2023
  TARGET hello
  TESTS ON)
