# A Python project built as a package, whose build tree (the check configures one) lies inside
# its folder under a name with a space: the tree stays out of the context, and the Dockerfile
# renders (a name outside letters, digits and ./@+*- was refused when the image was rendered).
file(WRITE ${CMAKE_CURRENT_SOURCE_DIR}/pyproject.toml
     "[build-system]\nrequires = [\"setuptools\"]\n[project]\nname = \"p\"\nversion = \"1\"\n")
hubtel_add_lambda_image(
  spaced
  RUNTIME python3.11
  HANDLER app.handler
  SOURCES app.py
  REQUIREMENTS pyproject.toml)
