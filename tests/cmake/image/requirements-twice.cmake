file(WRITE ${CMAKE_CURRENT_SOURCE_DIR}/requirements.txt "greeting\n")
file(WRITE ${CMAKE_CURRENT_SOURCE_DIR}/more.txt "other\n")
hubtel_add_lambda_image(
  hello
  RUNTIME python3.11
  HANDLER app.handler
  SOURCES app.py
  REQUIREMENTS requirements.txt more.txt)
