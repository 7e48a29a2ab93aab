# Ninja Multi-Config: each configuration's image in a folder of its own, built with the
# configuration's name as its build type unless BUILD_TYPE is given; a Python image has none.
hubtel_add_lambda_image(
  hello
  RUNTIME provided.al2023
  TARGET hello
  REPOSITORY 127.0.0.1:5000/hello
  FUNCTION_NAME hello-fn)
hubtel_add_lambda_image(
  fixed
  RUNTIME provided.al2023
  TARGET hello
  BUILD_TYPE MinSizeRel)
hubtel_add_lambda_image(
  py
  RUNTIME python3.12
  HANDLER app.handler
  SOURCES app.py)
