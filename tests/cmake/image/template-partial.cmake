# A project's TEMPLATE extends HubtelAI's and includes a partial that lies beside it.
file(MAKE_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/templates)
file(WRITE ${CMAKE_CURRENT_SOURCE_DIR}/templates/custom.mustache
     "{{< Dockerfile.native}}\n{{$runtime_extra}}\n{{> labels}}\n{{/runtime_extra}}\n"
     "{{/Dockerfile.native}}\n")
file(WRITE ${CMAKE_CURRENT_SOURCE_DIR}/templates/labels.mustache "LABEL team=\"lambda\"\n")
hubtel_add_lambda_image(
  hello
  RUNTIME provided.al2023
  TARGET hello
  TEMPLATE templates/custom.mustache)
