hubtel_add_lambda_image(Hello RUNTIME provided.al2023 TARGET hello)
