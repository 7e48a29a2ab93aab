set(args RUNTIME provided.al2023 TARGET)
hubtel_add_lambda_image(hello ${args})
