# A [project.urls] table alone is no [project] table with dependencies.
file(
  WRITE ${CMAKE_CURRENT_SOURCE_DIR}/pyproject.toml
  "[build-system]\nrequires = [\"setuptools\"]\n\n[project.urls]\nhome = \"https://example.com\"\n")
hubtel_add_lambda_image(
  hello
  RUNTIME python3.11
  HANDLER app.handler
  SOURCES app.py
  REQUIREMENTS pyproject.toml)
