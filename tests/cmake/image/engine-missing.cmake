# A named engine that is no program: configuring warns and goes on; building says what to install.
set(HUBTEL_ENGINE "/nonexistent/docker" CACHE STRING "" FORCE)
hubtel_add_lambda_image(hello RUNTIME provided.al2023 TARGET hello)
