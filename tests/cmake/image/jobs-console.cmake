# One engine build at a time (the default): it runs in Ninja's console pool and prints as it goes.
hubtel_add_lambda_image(hello RUNTIME provided.al2023 TARGET hello)
