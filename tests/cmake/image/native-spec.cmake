hubtel_add_lambda_image(
  hello
  RUNTIME provided.al2023
  TARGET hello
  ARCHITECTURES x86_64 arm64
  STAGES debug
  BUILD_ARGS "GREETING=say \"hi\" \\o/"
  MAX_SIZE 1.5MiB
  REPOSITORY 127.0.0.1:5000/hello
  FUNCTION_NAME hello-fn
  MEMORY 256
  ENVIRONMENT "MODE=it's fine")
# A second function: the aggregate deploy deploys both in one command, each on its own.
hubtel_add_lambda_image(
  second
  RUNTIME provided.al2023
  TARGET hello
  REPOSITORY 127.0.0.1:5000/second
  FUNCTION_NAME second-fn
  KEEP_IMAGES 3)
