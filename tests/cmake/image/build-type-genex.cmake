# A generator expression as BUILD_TYPE: refused, saying that a multi-config generator already
# builds each configuration as its own build type when BUILD_TYPE is left out.
hubtel_add_lambda_image(
  hello
  RUNTIME provided.al2023
  TARGET hello
  BUILD_TYPE "$<CONFIG>")
