hubtel_add_lambda_image(hello TARGET hello)
