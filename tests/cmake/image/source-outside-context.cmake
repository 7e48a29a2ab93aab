file(MAKE_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/sub)
hubtel_add_lambda_image(
  hello
  RUNTIME python3.11
  HANDLER app.handler
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/app.py
  CONTEXT sub)
