file(MAKE_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/wheels)
file(WRITE ${CMAKE_CURRENT_SOURCE_DIR}/requirements.txt "--find-links wheels\n")
file(WRITE ${CMAKE_CURRENT_SOURCE_DIR}/pyproject.toml
     "[build-system]\nrequires = [\"setuptools\"]\n\n[ project ]  # the project\nname = \"p\"\n")
# What is never the project's: a virtual environment, setuptools' build folder, egg-info.
foreach(never IN ITEMS .venv/lib/never.py build/lib/never.py p.egg-info/never.py)
  file(WRITE ${CMAKE_CURRENT_SOURCE_DIR}/${never} "")
endforeach()
file(WRITE ${CMAKE_CURRENT_SOURCE_DIR}/mylib/kept.py "")
hubtel_add_lambda_image(
  py
  RUNTIME python3.11
  HANDLER app.handler
  SOURCES app.py
  REQUIREMENTS pyproject.toml requirements.txt)
