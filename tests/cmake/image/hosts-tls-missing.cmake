# The TLS folder lacks the client key: refused, naming the engine, the folder and the file.
file(MAKE_DIRECTORY "${CMAKE_BINARY_DIR}/certs/127.0.0.1:2376")
file(WRITE "${CMAKE_BINARY_DIR}/certs/127.0.0.1:2376/ca.pem" "")
file(WRITE "${CMAKE_BINARY_DIR}/certs/127.0.0.1:2376/cert.pem" "")
set(HUBTEL_ENGINE_HOSTS "tcp://127.0.0.1:2376" CACHE STRING "" FORCE)
set(HUBTEL_ENGINE_CERT_PATH "${CMAKE_BINARY_DIR}/certs" CACHE PATH "" FORCE)
hubtel_add_lambda_image(hello RUNTIME provided.al2023 TARGET hello)
