file(MAKE_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/other)
file(WRITE ${CMAKE_CURRENT_SOURCE_DIR}/pyproject.toml "[project]\nname = \"a\"\n")
file(WRITE ${CMAKE_CURRENT_SOURCE_DIR}/other/pyproject.toml "[project]\nname = \"b\"\n")
hubtel_add_lambda_image(
  hello
  RUNTIME python3.11
  HANDLER app.handler
  SOURCES app.py
  REQUIREMENTS pyproject.toml other/pyproject.toml)
