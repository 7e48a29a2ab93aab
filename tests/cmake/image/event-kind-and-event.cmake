file(WRITE "${CMAKE_CURRENT_SOURCE_DIR}/event.json" "{}")
hubtel_add_lambda_image(
  hello
  RUNTIME provided.al2023
  TARGET hello
  EVENT event.json
  EVENT_KIND sqs)
