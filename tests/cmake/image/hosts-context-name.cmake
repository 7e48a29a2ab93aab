# Neither an address nor a docker context name.
set(HUBTEL_ENGINE_HOSTS "build box" CACHE STRING "" FORCE)
hubtel_add_lambda_image(hello RUNTIME provided.al2023 TARGET hello)
