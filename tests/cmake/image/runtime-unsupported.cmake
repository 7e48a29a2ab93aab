hubtel_add_lambda_image(hello RUNTIME java TARGET hello)
