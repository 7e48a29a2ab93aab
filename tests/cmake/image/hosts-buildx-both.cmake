# Engines and a buildx builder at once: the builder spreads its own builds.
set(HUBTEL_ENGINE_HOSTS "unix:///run/hubtel-a.sock" CACHE STRING "" FORCE)
set(HUBTEL_BUILDX_BUILDER "ci" CACHE STRING "" FORCE)
hubtel_add_lambda_image(hello RUNTIME provided.al2023 TARGET hello)
