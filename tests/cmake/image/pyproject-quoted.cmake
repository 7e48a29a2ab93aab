# TOML's other spellings of the [project] table are taken (the builder reads the file exactly).
file(WRITE ${CMAKE_CURRENT_SOURCE_DIR}/pyproject.toml "[\"project\"]\nname = \"p\"\n")
file(WRITE ${CMAKE_CURRENT_SOURCE_DIR}/inline/pyproject.toml "project = {name = \"q\"}\n")
hubtel_add_lambda_image(
  quoted
  RUNTIME python3.11
  HANDLER app.handler
  SOURCES app.py
  REQUIREMENTS pyproject.toml)
hubtel_add_lambda_image(
  inline
  RUNTIME python3.11
  HANDLER app.handler
  SOURCES app.py
  REQUIREMENTS inline/pyproject.toml)
