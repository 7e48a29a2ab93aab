# A project's own target named push is left alone; <name>-push still pushes.
add_custom_target(push COMMAND "${CMAKE_COMMAND}" -E touch "${CMAKE_BINARY_DIR}/own-push.stamp")
hubtel_add_lambda_image(
  hello
  RUNTIME provided.al2023
  TARGET hello
  REPOSITORY 127.0.0.1:5000/hello)
