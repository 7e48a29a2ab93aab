# An engine address of HUBTEL_ENGINE_HOSTS without its port: refused, naming it.
set(HUBTEL_ENGINE_HOSTS "unix:///run/hubtel-a.sock;tcp://127.0.0.1" CACHE STRING "" FORCE)
hubtel_add_lambda_image(hello RUNTIME provided.al2023 TARGET hello)
