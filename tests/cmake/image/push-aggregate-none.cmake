# With no REPOSITORY anywhere, the aggregate push says what is missing and fails.
hubtel_add_lambda_image(hello RUNTIME provided.al2023 TARGET hello)
