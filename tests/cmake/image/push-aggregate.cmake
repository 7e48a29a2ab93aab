# The aggregate push pushes every image that has a REPOSITORY, and only those.
add_executable(other main.cpp)
hubtel_add_lambda_image(
  hello
  RUNTIME provided.al2023
  TARGET hello
  REPOSITORY 127.0.0.1:5000/hello)
hubtel_add_lambda_image(other RUNTIME provided.al2023 TARGET other)
