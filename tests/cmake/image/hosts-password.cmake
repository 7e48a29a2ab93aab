# A password in an ssh:// address would land in the cache and on command lines: refused.
set(HUBTEL_ENGINE_HOSTS "ssh://builder:secret@build-1" CACHE STRING "" FORCE)
hubtel_add_lambda_image(hello RUNTIME provided.al2023 TARGET hello)
