# Dotted keys before the first table header are TOML's other spelling of [build-system] and
# [project]: the project is built (pyproject_package), not left out of the image unsaid.
file(WRITE ${CMAKE_CURRENT_SOURCE_DIR}/pyproject.toml
     "build-system.requires = [\"setuptools\"]\nbuild-system . build-backend = "
     "\"setuptools.build_meta\"\nproject.name = \"p\"\nproject.version = \"1\"\n")
# The same keys under another table are that table's, and make no [build-system].
file(WRITE ${CMAKE_CURRENT_SOURCE_DIR}/other/pyproject.toml
     "[project]\nname = \"q\"\n[tool.x]\nbuild-system.requires = []\n")
hubtel_add_lambda_image(
  dotted
  RUNTIME python3.11
  HANDLER app.handler
  SOURCES app.py
  REQUIREMENTS pyproject.toml)
hubtel_add_lambda_image(
  other
  RUNTIME python3.11
  HANDLER app.handler
  SOURCES app.py
  REQUIREMENTS other/pyproject.toml)
