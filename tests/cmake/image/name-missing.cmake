hubtel_add_lambda_image(RUNTIME provided.al2023 TARGET hello)
