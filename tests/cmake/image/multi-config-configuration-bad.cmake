set(CMAKE_CONFIGURATION_TYPES Debug Release-LTO)
hubtel_add_lambda_image(hello RUNTIME provided.al2023 TARGET hello)
