# A CMake before 3.21 (its version shadowed here) names no depfile per configuration: TESTS ON is
# refused, as an edit of a test would not build the image again.
set(CMAKE_VERSION 3.20.6)
hubtel_add_lambda_image(
  hello
  RUNTIME provided.al2023
  TARGET hello
  TESTS ON)
