hubtel_add_lambda_image(
  hello
  RUNTIME python3.12
  HANDLER app.handler
  SOURCES app.py
  TESTS ON)
