# The aggregates of two images: each depends on both images' own targets.
add_executable(two main.cpp)
hubtel_add_lambda_image(hello RUNTIME provided.al2023 TARGET hello)
hubtel_add_lambda_image(two RUNTIME provided.al2023 TARGET two)
