# A builder name from the environment that is no name: refused before it reaches a command.
set(ENV{BUILDX_BUILDER} "ci builder")
hubtel_add_lambda_image(hello RUNTIME provided.al2023 TARGET hello)
