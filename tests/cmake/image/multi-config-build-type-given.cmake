# BUILD_TYPE given wins in every configuration: a configuration's name that could not be a build
# type is no error then.
hubtel_add_lambda_image(
  hello
  RUNTIME provided.al2023
  TARGET hello
  BUILD_TYPE Release)
