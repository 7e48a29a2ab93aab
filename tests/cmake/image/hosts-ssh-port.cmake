# An ssh port out of range.
set(HUBTEL_ENGINE_HOSTS "unix:///run/hubtel-a.sock;ssh://ci@build-3:99999" CACHE STRING "" FORCE)
hubtel_add_lambda_image(hello RUNTIME provided.al2023 TARGET hello)
