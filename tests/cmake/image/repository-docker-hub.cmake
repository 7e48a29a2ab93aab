# Names Docker reads as they are: a Docker Hub path, localhost, a host with a port, '__' and '--'.
hubtel_add_lambda_image(
  hello
  RUNTIME provided.al2023
  TARGET hello
  REPOSITORY greeters/hello)
add_executable(two main.cpp)
hubtel_add_lambda_image(
  two
  RUNTIME provided.al2023
  TARGET two
  REPOSITORY localhost/a__b--c.d)
add_executable(three main.cpp)
hubtel_add_lambda_image(
  three
  RUNTIME provided.al2023
  TARGET three
  REPOSITORY registry:5000/team/three)
