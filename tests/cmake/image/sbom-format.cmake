hubtel_add_lambda_image(
  hello
  RUNTIME provided.al2023
  TARGET hello
  ARCHITECTURES x86_64 arm64
  REPOSITORY 127.0.0.1:5000/hello
  SBOM_FORMAT cyclonedx)
hubtel_add_lambda_image(plain RUNTIME provided.al2023 TARGET hello)
