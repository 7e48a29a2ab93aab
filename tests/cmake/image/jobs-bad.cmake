# HUBTEL_ENGINE_JOBS that is no positive number: refused at configure time.
set(HUBTEL_ENGINE_JOBS "two" CACHE STRING "" FORCE)
hubtel_add_lambda_image(hello RUNTIME provided.al2023 TARGET hello)
