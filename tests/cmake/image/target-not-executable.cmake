add_library(lib STATIC main.cpp)
hubtel_add_lambda_image(hello RUNTIME provided.al2023 TARGET lib)
