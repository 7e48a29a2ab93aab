hubtel_add_lambda_image("a\nb" RUNTIME provided.al2023 TARGET hello)
