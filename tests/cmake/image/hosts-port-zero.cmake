# A port with a leading zero, as the helper refuses it too.
set(HUBTEL_ENGINE_HOSTS "unix:///run/hubtel-a.sock;tcp://127.0.0.1:0002376" CACHE STRING "" FORCE)
hubtel_add_lambda_image(hello RUNTIME provided.al2023 TARGET hello)
