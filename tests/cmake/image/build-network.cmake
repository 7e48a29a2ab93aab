# BUILD_NETWORK lands in the spec; HUBTEL_BUILD_NETWORK is the default of calls that give none,
# and empty (its default) leaves the member null: the engine kind's choice.
hubtel_add_lambda_image(
  none
  RUNTIME provided.al2023
  TARGET hello
  BUILD_NETWORK none)
hubtel_add_lambda_image(unsaid RUNTIME provided.al2023 TARGET hello)
set(HUBTEL_BUILD_NETWORK default)
hubtel_add_lambda_image(isolated RUNTIME provided.al2023 TARGET hello)
hubtel_add_lambda_image(
  given
  RUNTIME provided.al2023
  TARGET hello
  BUILD_NETWORK host)
