# The same engine twice would give it two pools and two shares of the images.
set(HUBTEL_ENGINE_HOSTS "unix:///run/hubtel-a.sock;unix:///run/hubtel-a.sock" CACHE STRING "" FORCE)
hubtel_add_lambda_image(hello RUNTIME provided.al2023 TARGET hello)
