# Ninja Multi-Config with CMAKE_CROSS_CONFIGS: CMake crashes on a per-configuration depfile, so
# the image depends on its target instead, and the configure completes.
hubtel_add_lambda_image(hello RUNTIME provided.al2023 TARGET hello)
