hubtel_add_lambda_image(
  hello
  RUNTIME python3.11
  HANDLER app.handler
  SOURCES nosuch.py)
