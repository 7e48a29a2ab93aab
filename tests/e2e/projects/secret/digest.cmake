# Writes a header with the SHA-256 of the token file: proof the build read the secret, without it.
file(SHA256 "${TOKEN}" digest)
file(WRITE "${OUTPUT}" "#define TOKEN_DIGEST \"${digest}\"\n")
