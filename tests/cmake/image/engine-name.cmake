# A bare name is looked up on PATH (here the shim docker client, which cannot build), not taken as
# a file of the build folder.
set(HUBTEL_ENGINE docker CACHE STRING "" FORCE)
hubtel_add_lambda_image(hello RUNTIME provided.al2023 TARGET hello)
