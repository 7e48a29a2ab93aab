# Targets the project names images, update-bases, deploy and sam itself, after the image: each
# left as the project made it, no name clash.
hubtel_add_lambda_image(
  hello
  RUNTIME provided.al2023
  TARGET hello
  REPOSITORY 127.0.0.1:5000/hello
  FUNCTION_NAME hello)
foreach(aggregate IN ITEMS images update-bases deploy sam)
  add_custom_target(${aggregate} COMMAND "${CMAKE_COMMAND}" -E echo "the project's ${aggregate}")
endforeach()
