set(CMAKE_CONFIGURATION_TYPES Debug "Release\nRUN evil")
hubtel_add_lambda_image(hello RUNTIME provided.al2023 TARGET hello)
