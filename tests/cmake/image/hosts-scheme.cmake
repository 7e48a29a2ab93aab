# An address of a scheme the engine client does not take.
set(HUBTEL_ENGINE_HOSTS "http://127.0.0.1:2375" CACHE STRING "" FORCE)
hubtel_add_lambda_image(hello RUNTIME provided.al2023 TARGET hello)
