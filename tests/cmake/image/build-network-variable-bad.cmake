# HUBTEL_BUILD_NETWORK, the default of BUILD_NETWORK, that is none of its values: refused at
# configure time, naming the variable.
set(HUBTEL_BUILD_NETWORK "bridge\nRUN evil" CACHE STRING "" FORCE)
hubtel_add_lambda_image(hello RUNTIME provided.al2023 TARGET hello)
