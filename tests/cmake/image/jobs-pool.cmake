# Several engine builds at once: they share a job pool of that depth.
set(HUBTEL_ENGINE_JOBS 3 CACHE STRING "" FORCE)
hubtel_add_lambda_image(hello RUNTIME provided.al2023 TARGET hello)
