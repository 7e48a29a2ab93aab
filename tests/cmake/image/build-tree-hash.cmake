# A build tree whose path has a '#' (the check configures one beside the case's own): the error
# names the build tree and says what to do, where CMake's own would name a custom command.
hubtel_add_lambda_image(hello RUNTIME provided.al2023 TARGET hello)
