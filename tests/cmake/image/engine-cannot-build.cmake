# The only engine named cannot build: configuring works, building says what to install.
set(HUBTEL_ENGINE "${CMAKE_CURRENT_BINARY_DIR}/../shim/docker" CACHE FILEPATH "" FORCE)
hubtel_add_lambda_image(hello RUNTIME provided.al2023 TARGET hello)
