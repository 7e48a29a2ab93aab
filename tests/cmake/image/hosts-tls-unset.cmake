# A tcp:// engine is reached with TLS: without HUBTEL_ENGINE_CERT_PATH, refused.
set(HUBTEL_ENGINE_HOSTS "tcp://127.0.0.1:2376" CACHE STRING "" FORCE)
set(HUBTEL_ENGINE_CERT_PATH "" CACHE PATH "" FORCE)
hubtel_add_lambda_image(hello RUNTIME provided.al2023 TARGET hello)
