# A build tree inside the build context, with a name that .dockerignore reads as patterns, stays
# out of what the engine is sent (the check configures it beside the case's own build tree).
hubtel_add_lambda_image(
  hello
  RUNTIME provided.al2023
  TARGET hello
  CONTEXT ..)
