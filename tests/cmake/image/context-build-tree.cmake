# A build tree inside the build context (here the context is the folder holding both the source
# and the build tree) stays out of what the engine is sent.
hubtel_add_lambda_image(
  hello
  RUNTIME provided.al2023
  TARGET hello
  CONTEXT ..)
